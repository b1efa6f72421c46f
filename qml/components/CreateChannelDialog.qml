// SPDX-License-Identifier: Apache-2.0
// Asks for a new channel's name and topic; the caller creates it and reports failure
// through `errorText`.
import QtQuick
import Confab.Ui
import QtQuick.Controls
import QtQuick.Layouts

Dialog {
    id: root

    property string errorText
    readonly property bool nameValid: /^[a-z0-9_-]{1,64}$/.test(nameField.text)

    signal createRequested(string name, string topic, bool isPrivate)

    /// A channel name from what was typed: lower case, spaces as "-", nothing else dropped
    /// silently but what a name cannot hold ("Design Team" becomes "design-team").
    function channelNameFrom(text) {
        return text.toLowerCase().replace(/\s+/g, "-").replace(/[^a-z0-9_-]/g, "").slice(0, 64)
    }

    title: qsTr("Create a channel")
    modal: true
    standardButtons: Dialog.Cancel
    width: 380
    onOpened: {
        root.errorText = ""
        privateBox.checked = false
        nameField.clear()
        topicField.clear()
        nameField.forceActiveFocus()
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing

        Label { text: qsTr("Name"); color: Theme.textMuted }
        TextField {
            id: nameField
            placeholderText: qsTr("e.g. design")
            Layout.fillWidth: true
            objectName: "channelNameField"
            Accessible.name: qsTr("Channel name")
            onTextEdited: {
                const cleaned = root.channelNameFrom(text)
                if (cleaned !== text) {
                    const cursor = cursorPosition - (text.length - cleaned.length)
                    text = cleaned
                    cursorPosition = Math.max(0, cursor)
                }
            }
            onAccepted: if (root.nameValid) root.createRequested(nameField.text, topicField.text, privateBox.checked)
        }
        Label {
            text: qsTr("Lower-case letters, digits, - and _ (spaces become -), up to 64")
            color: Theme.textMuted
            font.pixelSize: Theme.fontSizeSmall
        }
        Label { text: qsTr("Topic (optional)"); color: Theme.textMuted }
        TextField {
            id: topicField
            Accessible.name: qsTr("Channel topic (optional)")
            Layout.fillWidth: true
            onAccepted: if (root.nameValid) root.createRequested(nameField.text, topicField.text, privateBox.checked)
        }
        CheckBox {
            id: privateBox
            objectName: "privateBox"
            text: qsTr("Private: only people you invite can see and join it")
            Accessible.name: qsTr("Make the channel private")
        }
        Label {
            text: root.errorText
            visible: text.length > 0
            color: Theme.danger
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        AccentButton {
            text: qsTr("Create")
            Accessible.name: qsTr("Create the channel")
            enabled: root.nameValid
            Layout.alignment: Qt.AlignRight
            onClicked: root.createRequested(nameField.text, topicField.text, privateBox.checked)
        }
    }
}
