// SPDX-License-Identifier: Apache-2.0
// Sign-in: server URL, user name and password; the engine's sentence when it fails.
import QtQuick
import Confab.Ui
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    id: root

    signal hostRequested()

    color: Theme.surface

    function submit() {
        AppContext.signIn(serverField.text, userField.text, passwordField.text)
    }

    Rectangle {
        id: card
        anchors.centerIn: parent
        width: Math.min(400, root.width - 2 * Theme.spacingLarge)
        height: form.implicitHeight + 2 * 32
        radius: 10
        color: Theme.background
        border.color: Theme.border

        ColumnLayout {
            id: form
            anchors.fill: parent
            anchors.margins: 32
            spacing: Theme.spacing

            Label {
                text: qsTr("Confab")
                color: Theme.text
                font.pixelSize: Theme.fontSizeTitle
                font.bold: true
            }
            Label {
                text: qsTr("Sign in to your server")
                color: Theme.textMuted
                font.pixelSize: Theme.fontSize
                Layout.bottomMargin: Theme.spacingLarge
            }

            Label { text: qsTr("Server"); color: Theme.text; font.pixelSize: Theme.fontSizeSmall + 1; font.bold: true }
            TextField {
                id: serverField
                objectName: "serverField"
                text: AppContext.defaultServerUrl
                placeholderText: "wss://chat.example.org/ws"
                selectByMouse: true
                Layout.fillWidth: true
                Layout.bottomMargin: Theme.spacing
            }
            Label { text: qsTr("User name"); color: Theme.text; font.pixelSize: Theme.fontSizeSmall + 1; font.bold: true }
            TextField {
                id: userField
                objectName: "userField"
                text: AppContext.defaultUser
                selectByMouse: true
                Layout.fillWidth: true
                Layout.bottomMargin: Theme.spacing
                onAccepted: passwordField.forceActiveFocus()
                Component.onCompleted: if (text.length === 0) forceActiveFocus()
            }
            Label { text: qsTr("Password"); color: Theme.text; font.pixelSize: Theme.fontSizeSmall + 1; font.bold: true }
            TextField {
                id: passwordField
                objectName: "passwordField"
                echoMode: TextInput.Password
                Layout.fillWidth: true
                onAccepted: root.submit()
                Component.onCompleted: if (userField.text.length > 0) forceActiveFocus()
            }

            Label {
                objectName: "signInError"
                text: AppContext.signInError
                visible: text.length > 0
                color: Theme.danger
                wrapMode: Text.Wrap
                font.pixelSize: Theme.fontSize - 1
                Layout.fillWidth: true
                Layout.topMargin: Theme.spacing
            }

            AccentButton {
                objectName: "signInButton"
                text: AppContext.busy ? qsTr("Signing in…") : qsTr("Sign in")
                enabled: !AppContext.busy && userField.text.length > 0
                         && passwordField.text.length > 0
                Layout.fillWidth: true
                Layout.topMargin: Theme.spacingLarge
                Layout.preferredHeight: 40
                onClicked: root.submit()
            }

            RowLayout {
                Layout.fillWidth: true
                Layout.topMargin: Theme.spacingLarge
                spacing: Theme.spacing
                Rectangle { Layout.fillWidth: true; height: 1; color: Theme.border }
                Label { text: qsTr("or"); color: Theme.textMuted }
                Rectangle { Layout.fillWidth: true; height: 1; color: Theme.border }
            }
            Button {
                objectName: "hostButton"
                text: AppContext.host.active ? qsTr("Hosting: addresses and state")
                                             : qsTr("Host a server on this computer")
                Layout.fillWidth: true
                Layout.preferredHeight: 40
                onClicked: root.hostRequested()
            }
        }
    }
}
