// SPDX-License-Identifier: Apache-2.0
// The message box: Enter sends, Shift+Enter starts a new line, Tab and Shift+Tab move focus
// (never a tab character: the box is not a trap for keyboard users). Every edit is reported
// (for typing notifications); sending clears the box.
import QtQuick
import Confab.Ui
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    id: root

    property string placeholder: qsTr("Write a message")
    property alias text: area.text
    property alias input: area
    property bool enabledForInput: true
    /// False while the text cannot be sent as it is (over the server's limit).
    property bool sendAllowed: true

    /// The user asked to send `text` (already trimmed, never empty).
    signal sendRequested(string text)
    /// The draft changed (typing notifications).
    signal draftEdited(string text)

    function submit() {
        const trimmed = area.text.trim()
        if (trimmed.length === 0 || !root.sendAllowed)
            return false
        area.clear() // first: a refused send may put the text back from the handler
        root.sendRequested(trimmed)
        return true
    }

    implicitHeight: Math.min(160, Math.max(44, area.implicitHeight + 2 * Theme.spacing))
    radius: Theme.radius
    color: Theme.background
    border.color: area.activeFocus ? Theme.accent : Theme.border
    border.width: area.activeFocus ? 2 : 1

    RowLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacingSmall
        spacing: Theme.spacing

        ScrollView {
            Layout.fillWidth: true
            Layout.fillHeight: true

            TextArea {
                id: area
                objectName: "composerInput"
                enabled: root.enabledForInput
                placeholderText: root.placeholder
                placeholderTextColor: Theme.textMuted
                wrapMode: TextEdit.Wrap
                color: Theme.text
                font.pixelSize: Theme.fontSize
                background: null
                verticalAlignment: TextEdit.AlignVCenter
                onTextChanged: root.draftEdited(area.text)
                Keys.onTabPressed: event => {
                    event.accepted = true
                    area.nextItemInFocusChain(true).forceActiveFocus(Qt.TabFocusReason)
                }
                Keys.onBacktabPressed: event => {
                    event.accepted = true
                    area.nextItemInFocusChain(false).forceActiveFocus(Qt.BacktabFocusReason)
                }
                Keys.onPressed: event => {
                    if (event.key !== Qt.Key_Return && event.key !== Qt.Key_Enter)
                        return
                    if (event.modifiers & Qt.ShiftModifier) {
                        event.accepted = false // the TextArea adds the new line
                        return
                    }
                    event.accepted = true
                    root.submit()
                }
            }
        }
        AccentButton {
            objectName: "sendButton"
            text: qsTr("Send")
            enabled: root.enabledForInput && root.sendAllowed && area.text.trim().length > 0
            Layout.alignment: Qt.AlignBottom
            onClicked: root.submit()
        }
    }
}
