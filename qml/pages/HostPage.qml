// SPDX-License-Identifier: Apache-2.0
// Hosting a server on this computer (issue 12): the settings before it starts, then its
// state, the addresses to give others (with copy buttons), the certificate's fingerprint
// for them to compare, and Stop. The same page is reached from the sign-in page and, while
// hosting, from the account menu.
import QtQuick
import Confab.Ui
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    id: root

    signal backRequested()

    readonly property var host: AppContext.host
    readonly property bool editing: !host.active && host.stateName !== "stopping"

    color: Theme.surface

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth

        Rectangle {
            id: card
            x: (parent.width - width) / 2
            y: Theme.spacingLarge * 2
            width: Math.min(560, root.width - 2 * Theme.spacingLarge)
            height: content.implicitHeight + 2 * 32
            radius: 10
            color: Theme.background
            border.color: Theme.border

            ColumnLayout {
                id: content
                anchors.fill: parent
                anchors.margins: 32
                spacing: Theme.spacing

                Label {
                    text: qsTr("Host a server on this computer")
                    color: Theme.text
                    font.pixelSize: Theme.fontSizeLarge + 3
                    font.bold: true
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                }
                Label {
                    text: qsTr("Your team chats through this computer while it is on. The history "
                               + "stays in %1, which a real server can take over later.")
                          .arg(root.host.serverDataDir)
                    color: Theme.textMuted
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                    Layout.bottomMargin: Theme.spacingLarge
                }

                // ---- What is happening ----
                Rectangle {
                    visible: !root.editing || root.host.problem.length > 0
                    Layout.fillWidth: true
                    implicitHeight: statusColumn.implicitHeight + 2 * Theme.spacingLarge
                    radius: Theme.radius
                    color: root.host.stateName === "failed" ? Theme.dangerSurface
                         : root.host.stateName === "restarting" ? Theme.warningSurface
                         : Theme.surface
                    border.color: Theme.border

                    ColumnLayout {
                        id: statusColumn
                        anchors.fill: parent
                        anchors.margins: Theme.spacingLarge
                        spacing: Theme.spacing

                        RowLayout {
                            spacing: Theme.spacing
                            PresenceDot {
                                status: root.host.running ? "online"
                                      : root.host.active ? "away" : "offline"
                                ringColor: "transparent"
                            }
                            Label {
                                objectName: "hostState"
                                text: root.host.stateText
                                color: Theme.text
                                font.bold: true
                                wrapMode: Text.Wrap
                                Layout.fillWidth: true
                            }
                        }
                        Label {
                            objectName: "hostSummary"
                            visible: !root.editing
                            text: [root.host.serverName.length > 0 ? root.host.serverName
                                                                   : qsTr("No name"),
                                   root.host.network ? qsTr("local network, encrypted")
                                                     : qsTr("this computer only"),
                                   root.host.openRegistration ? qsTr("anyone can sign up")
                                                              : qsTr("invited people only"),
                                   qsTr("you are %1").arg(root.host.adminUser)].join(" · ")
                            color: Theme.textMuted
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                        }
                        Label {
                            objectName: "hostProblem"
                            text: root.host.problem
                            visible: text.length > 0
                            color: Theme.danger
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                        }
                        Label {
                            text: root.host.notice
                            visible: text.length > 0 && !root.host.running
                            color: Theme.warning
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                        }
                        Label {
                            objectName: "hostPortNote"
                            text: root.host.portNote
                            visible: text.length > 0 && root.host.active
                            color: Theme.warning
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                        }

                        Label {
                            visible: root.host.running
                            text: root.host.network ? qsTr("Others join with one of these addresses:")
                                                    : qsTr("Address (this computer only):")
                            color: Theme.textMuted
                            Layout.topMargin: Theme.spacingSmall
                        }
                        Repeater {
                            model: root.host.running ? root.host.addresses : []
                            delegate: RowLayout {
                                required property string modelData
                                Layout.fillWidth: true
                                spacing: Theme.spacing
                                TextField {
                                    text: modelData
                                    readOnly: true
                                    selectByMouse: true
                                    font.family: "monospace"
                                    Layout.fillWidth: true
                                    Accessible.name: qsTr("Server address")
                                }
                                Button {
                                    id: copyButton
                                    property bool copied: false
                                    text: copied ? qsTr("Copied") : qsTr("Copy")
                                    Accessible.name: qsTr("Copy %1").arg(modelData)
                                    onClicked: {
                                        root.host.copyToClipboard(modelData)
                                        copied = true
                                        copiedTimer.restart()
                                    }
                                    Timer { id: copiedTimer; interval: 2000; onTriggered: copyButton.copied = false }
                                }
                            }
                        }
                        Label {
                            visible: root.host.running && root.host.network && root.host.addresses.length === 0
                            text: qsTr("This computer has no network address right now: others cannot reach it.")
                            color: Theme.warning
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                        }
                        Label {
                            visible: root.host.running && root.host.fingerprint.length > 0
                            text: qsTr("When they connect the first time, their app shows the "
                                       + "certificate's fingerprint. It must be this one:")
                            color: Theme.textMuted
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                            Layout.topMargin: Theme.spacingSmall
                        }
                        Label {
                            objectName: "hostFingerprint"
                            visible: root.host.running && root.host.fingerprint.length > 0
                            text: root.host.fingerprint.substring(0, 47) + "\n"
                                  + root.host.fingerprint.substring(48)
                            font.family: "monospace"
                            font.pixelSize: Theme.fontSizeSmall + 1
                            color: Theme.text
                            wrapMode: Text.WrapAnywhere
                            Layout.fillWidth: true
                        }
                        Label {
                            visible: root.host.running && !root.host.openRegistration
                            text: qsTr("Only people you invite can sign in: add them on the admin "
                                       + "page (name and a one-time password to give them).")
                            color: Theme.textMuted
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                            Layout.topMargin: Theme.spacingSmall
                        }
                    }
                }

                // ---- The settings (while not hosting) ----
                ColumnLayout {
                    visible: root.editing
                    spacing: Theme.spacing
                    Layout.fillWidth: true
                    Label { text: qsTr("Server name"); color: Theme.text; font.bold: true; font.pixelSize: Theme.fontSizeSmall + 1 }
                    TextField {
                        id: nameField
                        objectName: "hostNameField"
                        text: root.host.serverName
                        placeholderText: qsTr("e.g. Design team")
                                                maximumLength: 64
                        selectByMouse: true
                        Layout.fillWidth: true
                        Accessible.name: qsTr("Server name")
                        onTextEdited: root.host.serverName = text
                    }

                    Label { text: qsTr("Who can connect"); color: Theme.text; font.bold: true; font.pixelSize: Theme.fontSizeSmall + 1; Layout.topMargin: Theme.spacing }
                    ColumnLayout {
                        spacing: 0
                                                RadioButton {
                            objectName: "scopeLocal"
                            Accessible.name: text
                            text: qsTr("This computer only")
                            checked: !root.host.network
                            onClicked: root.host.network = false
                        }
                        RadioButton {
                            objectName: "scopeNetwork"
                            Accessible.name: text
                            text: qsTr("People on the local network (encrypted)")
                            checked: root.host.network
                            onClicked: root.host.network = true
                        }
                    }

                    GridLayout {
                        visible: root.host.network
                        columns: 2
                        columnSpacing: Theme.spacing
                        rowSpacing: Theme.spacingSmall
                        Layout.fillWidth: true
                        Layout.leftMargin: 32
                        Label {
                            text: qsTr("A certificate of your own (optional; else one is made for this computer):")
                            color: Theme.textMuted
                            font.pixelSize: Theme.fontSizeSmall + 1
                            wrapMode: Text.Wrap
                            Layout.columnSpan: 2
                            Layout.fillWidth: true
                        }
                        Label { text: qsTr("Certificate"); color: Theme.textMuted; font.pixelSize: Theme.fontSizeSmall + 1 }
                        TextField {
                            text: root.host.certificateFile
                            placeholderText: qsTr("/path/to/cert.pem")
                            selectByMouse: true
                            Layout.fillWidth: true
                            Accessible.name: qsTr("Certificate file (PEM)")
                            onTextEdited: root.host.certificateFile = text
                        }
                        Label { text: qsTr("Key"); color: Theme.textMuted; font.pixelSize: Theme.fontSizeSmall + 1 }
                        TextField {
                            text: root.host.keyFile
                            placeholderText: qsTr("/path/to/key.pem")
                            selectByMouse: true
                            Layout.fillWidth: true
                            Accessible.name: qsTr("Private key file (PEM)")
                            onTextEdited: root.host.keyFile = text
                        }
                    }

                    Label { text: qsTr("Who can sign up"); color: Theme.text; font.bold: true; font.pixelSize: Theme.fontSizeSmall + 1; Layout.topMargin: Theme.spacing }
                    ColumnLayout {
                        spacing: 0
                                                RadioButton {
                            text: qsTr("Only people I invite (from the admin page)")
                            checked: !root.host.openRegistration
                            onClicked: root.host.openRegistration = false
                            Accessible.name: text
                        }
                        RadioButton {
                            text: qsTr("Anyone who can reach the server")
                            checked: root.host.openRegistration
                            onClicked: root.host.openRegistration = true
                            Accessible.name: text
                        }
                    }

                    RowLayout {
                        Layout.topMargin: Theme.spacing
                        spacing: Theme.spacing
                        Label { text: qsTr("Port"); color: Theme.text; font.bold: true; font.pixelSize: Theme.fontSizeSmall + 1 }
                        SpinBox {
                            objectName: "hostPortField"
                            from: 1024
                            to: 65535
                            editable: true
                            value: root.host.port
                                                        textFromValue: (value) => String(value) // no thousands separator
                            valueFromText: (text) => parseInt(text)
                            Accessible.name: qsTr("Port")
                            onValueModified: root.host.port = value
                        }
                        Label {
                            text: qsTr("(the next free one if taken)")
                            color: Theme.textMuted
                            font.pixelSize: Theme.fontSizeSmall + 1
                        }
                    }
                }

                RowLayout {
                    Layout.fillWidth: true
                    Layout.topMargin: Theme.spacingLarge
                    spacing: Theme.spacing
                    Button {
                        objectName: "hostBackButton"
                        Accessible.name: text
                        text: AppContext.signedIn ? qsTr("Back to chat") : qsTr("Back")
                        onClicked: root.backRequested()
                    }
                    Item { Layout.fillWidth: true }
                    Button {
                        objectName: "stopHostingButton"
                        Accessible.name: qsTr("Stop hosting the server")
                        visible: root.host.active
                        text: qsTr("Stop hosting")
                        onClicked: root.host.stop()
                    }
                    AccentButton {
                        objectName: "startHostingButton"
                        Accessible.name: qsTr("Start hosting the server")
                        visible: !root.host.active
                                                text: qsTr("Start hosting")
                        Layout.preferredHeight: 40
                        onClicked: root.host.start()
                    }
                }
            }
        }
    }
}
