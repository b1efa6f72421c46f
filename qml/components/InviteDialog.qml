// SPDX-License-Identifier: Apache-2.0
// Adds a person to the server (issue 12: invite-only hosting): a user name (lower-cased and
// hyphenated as it is typed), an optional display name, then the password the app made for
// them, shown once to copy and give them. Nothing is added until "Add" is pressed.
import QtQuick
import Confab.Ui
import QtQuick.Controls
import QtQuick.Layouts

Dialog {
    id: root

    property string addedUser       // set once the server added the account
    property string addedPassword
    property string failure
    property bool waiting: false

    function ask() {
        nameField.clear()
        displayField.clear()
        root.addedUser = ""
        root.addedPassword = ""
        root.failure = ""
        root.waiting = false
        root.open()
    }
    function submit() {
        if (nameField.text.length === 0 || root.waiting)
            return
        root.failure = ""
        root.waiting = true
        AppContext.addPerson(nameField.text, displayField.text.trim())
    }
    /// What a user name may hold: lower-case letters, digits, "_", "." and "-".
    function userNameFrom(text) {
        return text.toLowerCase().replace(/\s+/g, "-").replace(/[^a-z0-9_.-]/g, "")
    }

    title: root.addedUser.length > 0 ? qsTr("%1 can sign in now").arg(root.addedUser)
                                     : qsTr("Add a person")
    modal: true
    width: 440
    onOpened: nameField.forceActiveFocus()

    Connections {
        target: AppContext
        function onPersonAdded(user, password) {
            root.waiting = false
            root.addedUser = user
            root.addedPassword = password
        }
        function onPersonAddFailed(user, reason) {
            root.waiting = false
            root.failure = reason
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing

        // ---- Asking ----
        ColumnLayout {
            visible: root.addedUser.length === 0
            spacing: Theme.spacing
            Layout.fillWidth: true
            Label { text: qsTr("User name"); color: Theme.textMuted }
            TextField {
                id: nameField
                objectName: "inviteName"
                Layout.fillWidth: true
                maximumLength: 32
                placeholderText: qsTr("e.g. alice")
                Accessible.name: qsTr("User name of the person to add")
                onTextEdited: {
                    const cleaned = root.userNameFrom(text)
                    if (cleaned !== text)
                        text = cleaned
                }
                onAccepted: root.submit()
            }
            Label {
                text: qsTr("Lower-case letters, digits, \"-\", \"_\" and \".\"")
                color: Theme.textMuted
                font.pixelSize: Theme.fontSizeSmall + 1
            }
            Label { text: qsTr("Display name (optional)"); color: Theme.textMuted; Layout.topMargin: Theme.spacing }
            TextField {
                id: displayField
                objectName: "inviteDisplay"
                Layout.fillWidth: true
                maximumLength: 64
                placeholderText: qsTr("e.g. Alice Martin")
                Accessible.name: qsTr("Display name of the person to add")
                onAccepted: root.submit()
            }
            Label {
                objectName: "inviteFailure"
                text: root.failure
                visible: text.length > 0
                color: Theme.danger
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
        }

        // ---- Done: the password, once ----
        ColumnLayout {
            visible: root.addedUser.length > 0
            spacing: Theme.spacing
            Layout.fillWidth: true
            Label {
                text: qsTr("Give %1 this password. It is shown only now; an admin can set a new "
                           + "one later.").arg(root.addedUser)
                color: Theme.text
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            RowLayout {
                Layout.fillWidth: true
                spacing: Theme.spacing
                TextField {
                    objectName: "invitePassword"
                    text: root.addedPassword
                    readOnly: true
                    selectByMouse: true
                    font.family: "monospace"
                    Layout.fillWidth: true
                    Accessible.name: qsTr("The new password")
                }
                Button {
                    id: copyButton
                    property bool copied: false
                    text: copied ? qsTr("Copied") : qsTr("Copy")
                    Accessible.name: qsTr("Copy the password")
                    onClicked: {
                        AppContext.host.copyToClipboard(root.addedPassword)
                        copied = true
                    }
                }
            }
        }
    }

    footer: DialogButtonBox {
        Button {
            text: root.addedUser.length > 0 ? qsTr("Done") : qsTr("Cancel")
            Accessible.name: text
            flat: root.addedUser.length === 0
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
        AccentButton {
            objectName: "inviteConfirm"
            Accessible.name: qsTr("Add the person")
            visible: root.addedUser.length === 0
            enabled: nameField.text.length > 0 && !root.waiting
            text: root.waiting ? qsTr("Adding…") : qsTr("Add")
            onClicked: root.submit()
        }
    }
}
