// SPDX-License-Identifier: Apache-2.0
// Sign-in: the servers found on the local network (choosing one fills in the URL), server
// URL, user name and password; the engine's sentence when it fails, and the certificate
// question of a self-signed server (trust on first use) or its refusal when it changed.
import QtQuick
import Confab.Ui
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    id: root

    signal hostRequested()

    readonly property var status: AppContext.status
    readonly property bool askingTrust: status.pendingFingerprint.length > 0 && !status.certificateChanged

    color: Theme.surface
    Component.onCompleted: AppContext.discoveredServers.start()
    Component.onDestruction: AppContext.discoveredServers.stop()

    // Creating an account instead of signing in (where the server allows it).
    property bool creating: false

    function submit() {
        if (root.creating)
            AppContext.createAccount(serverField.text, userField.text, passwordField.text,
                                     displayField.text)
        else
            AppContext.signIn(serverField.text, userField.text, passwordField.text)
    }

    // Scrolls when the card is taller than the window (a small window, a long server list).
    Flickable {
        id: flick
        anchors.fill: parent
        contentWidth: width
        contentHeight: Math.max(height, card.height + 2 * Theme.spacingLarge)
        boundsBehavior: Flickable.StopAtBounds
        ScrollBar.vertical: ScrollBar {}

        Rectangle {
            id: card
            x: (flick.width - width) / 2
            y: Math.max(Theme.spacingLarge, (flick.height - height) / 2)
            width: Math.min(460, root.width - 2 * Theme.spacingLarge)
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
                    text: root.creating ? qsTr("Create an account on a server")
                                        : qsTr("Sign in to your server")
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSize
                    Layout.bottomMargin: Theme.spacingLarge
                }

                Label { text: qsTr("On your network"); color: Theme.text; font.pixelSize: Theme.fontSizeSmall + 1; font.bold: true }
                Label {
                    objectName: "discoveryStatus"
                    visible: AppContext.discoveredServers.count === 0
                    text: AppContext.discoveredServers.statusText
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSizeSmall + 1
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                    Layout.bottomMargin: Theme.spacing
                }
                ListView {
                    id: discoveredList
                    objectName: "discoveredServers"
                    visible: count > 0
                    model: AppContext.discoveredServers
                    interactive: contentHeight > height
                    clip: true
                    Layout.fillWidth: true
                    Layout.preferredHeight: Math.min(contentHeight, 3 * 46)
                    Layout.bottomMargin: Theme.spacing
                    Accessible.name: qsTr("Servers on your network")
                    delegate: ItemDelegate {
                        id: serverRow
                        required property string name
                        required property string host
                        required property string address
                        required property int port
                        required property string url
                        required property bool encrypted
                        width: ListView.view.width
                        height: 46
                        highlighted: serverField.text === url
                        Accessible.name: qsTr("%1 at %2%3").arg(name).arg(host)
                                         .arg(encrypted ? qsTr(", encrypted") : "")
                        onClicked: {
                            serverField.text = url
                            userField.forceActiveFocus()
                        }
                        background: Rectangle {
                            radius: Theme.radius
                            color: serverRow.highlighted ? Theme.hover
                                 : serverRow.hovered ? Theme.surface : "transparent"
                            border.color: serverRow.highlighted ? Theme.accent : "transparent"
                        }
                        contentItem: RowLayout {
                            spacing: Theme.spacing
                            ColumnLayout {
                                spacing: 0
                                Layout.fillWidth: true
                                Label {
                                    text: serverRow.name
                                    color: Theme.text
                                    font.bold: true
                                    elide: Text.ElideRight
                                    Layout.fillWidth: true
                                }
                                Label {
                                    text: qsTr("%1 · %2:%3").arg(serverRow.host).arg(serverRow.address)
                                          .arg(serverRow.port)
                                    color: Theme.textMuted
                                    font.pixelSize: Theme.fontSizeSmall + 1
                                    elide: Text.ElideRight
                                    Layout.fillWidth: true
                                }
                            }
                            Label {
                                text: serverRow.encrypted ? qsTr("encrypted") : qsTr("not encrypted")
                                color: serverRow.encrypted ? Theme.online : Theme.warning
                                font.pixelSize: Theme.fontSizeSmall + 1
                            }
                        }
                    }
                }

                Label { text: qsTr("Server"); color: Theme.text; font.pixelSize: Theme.fontSizeSmall + 1; font.bold: true }
                TextField {
                    id: serverField
                    objectName: "serverField"
                    Accessible.name: qsTr("Server address")
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
                    Accessible.name: qsTr("User name")
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
                    Accessible.name: qsTr("Password")
                    echoMode: TextInput.Password
                    Layout.fillWidth: true
                    onAccepted: root.submit()
                    Component.onCompleted: if (userField.text.length > 0) forceActiveFocus()
                }
                Label {
                    visible: root.creating
                    text: qsTr("Your name as others see it (optional)")
                    color: Theme.text; font.pixelSize: Theme.fontSizeSmall + 1; font.bold: true
                    Layout.topMargin: Theme.spacing
                }
                TextField {
                    id: displayField
                    objectName: "displayField"
                    Accessible.name: qsTr("Your name as others see it (optional)")
                    visible: root.creating
                    placeholderText: qsTr("e.g. Alice Martin")
                    maximumLength: 64
                    Layout.fillWidth: true
                    onAccepted: root.submit()
                }

                // ---- A self-signed certificate: trust on first use, like SSH ----
                Rectangle {
                    objectName: "trustBox"
                    visible: root.askingTrust
                    Layout.fillWidth: true
                    Layout.topMargin: Theme.spacing
                    implicitHeight: trustColumn.implicitHeight + 2 * Theme.spacing * 1.5
                    radius: Theme.radius
                    color: Theme.warningSurface
                    ColumnLayout {
                        id: trustColumn
                        anchors.fill: parent
                        anchors.margins: Theme.spacing * 1.5
                        spacing: Theme.spacing
                        Label {
                            text: qsTr("First connection to %1. Its certificate is its own (no "
                                       + "authority vouches for it). Ask the host whether their page "
                                       + "shows this fingerprint:").arg(root.status.certificateUrl.toString()
                                             .replace(/^wss?:\/\//, "").replace(/\/.*$/, ""))
                            color: Theme.text
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                        }
                        Label {
                            objectName: "pendingFingerprint"
                            // Two lines of 16 bytes, easier to compare than one wrapped anywhere.
                            text: root.status.pendingFingerprint.substring(0, 47) + "\n"
                                  + root.status.pendingFingerprint.substring(48)
                            font.family: "monospace"
                            font.pixelSize: Theme.fontSizeSmall + 1
                            color: Theme.text
                            wrapMode: Text.WrapAnywhere
                            Layout.fillWidth: true
                        }
                        RowLayout {
                            spacing: Theme.spacing
                            AccentButton {
                                objectName: "trustButton"
                                text: qsTr("Trust and connect")
                                Accessible.name: qsTr("The fingerprint matches: trust it and connect")
                                onClicked: AppContext.trustPendingCertificate()
                            }
                            Button {
                                text: qsTr("Cancel")
                                flat: true
                                onClicked: AppContext.cancelCertificate()
                                Accessible.name: qsTr("Do not trust this server")
                            }
                        }
                    }
                }

                Label {
                    objectName: "signInError"
                    text: AppContext.signInError
                    visible: text.length > 0 && !root.askingTrust
                    color: Theme.danger
                    wrapMode: Text.Wrap
                    font.pixelSize: Theme.fontSize - 1
                    Layout.fillWidth: true
                    Layout.topMargin: Theme.spacing
                }

                AccentButton {
                    objectName: "signInButton"
                    Accessible.name: text
                    text: AppContext.busy ? (root.creating ? qsTr("Creating…") : qsTr("Signing in…"))
                                          : (root.creating ? qsTr("Create account") : qsTr("Sign in"))
                    enabled: !AppContext.busy && userField.text.length > 0
                             && passwordField.text.length > 0
                    Layout.fillWidth: true
                    Layout.topMargin: Theme.spacingLarge
                    Layout.preferredHeight: 40
                    onClicked: root.submit()
                }
                RowLayout {
                    Layout.fillWidth: true
                    spacing: Theme.spacing
                    Button {
                        objectName: "cancelSignInButton"
                        visible: AppContext.busy
                        text: qsTr("Cancel")
                        flat: true
                        Accessible.name: qsTr("Stop signing in")
                        onClicked: AppContext.cancelSignIn()
                    }
                    Item { Layout.fillWidth: true }
                    Button {
                        objectName: "createAccountToggle"
                        Accessible.name: text
                        visible: !AppContext.busy
                        flat: true
                        text: root.creating ? qsTr("I have an account: sign in")
                                            : qsTr("No account? Create one")
                        onClicked: root.creating = !root.creating
                    }
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
                    Accessible.name: text
                    text: AppContext.host.active ? qsTr("Hosting: addresses and state")
                                                 : qsTr("Host a server on this computer")
                    Layout.fillWidth: true
                    Layout.preferredHeight: 40
                    onClicked: root.hostRequested()
                }
            }
        }
    }
}
