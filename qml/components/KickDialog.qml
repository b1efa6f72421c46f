// SPDX-License-Identifier: Apache-2.0
// Asks before kicking a user (every connection) or one session, with an optional reason
// the kicked user is told. Nothing is kicked until "Kick" is pressed: then kickConfirmed.
import QtQuick
import Confab.Ui
import QtQuick.Controls
import QtQuick.Layouts

Dialog {
    id: root

    property string user
    property string session        // empty: every connection of `user`
    property int connectionCount: 0
    property string detail         // the session's client and address
    property bool includesThisApp: false
    readonly property alias reason: reasonField.text

    signal kickConfirmed(string user, string session, string reason)

    /// Opens the dialog for a user's connections (session empty) or one session.
    function ask(user, session, connectionCount, detail, includesThisApp) {
        root.user = user
        root.session = session
        root.connectionCount = connectionCount
        root.detail = detail
        root.includesThisApp = includesThisApp
        reasonField.clear()
        root.open()
    }
    function confirm() {
        const user = root.user
        const session = root.session
        const reason = reasonField.text.trim()
        root.close()
        root.kickConfirmed(user, session, reason)
    }

    title: root.session.length > 0 ? qsTr("Kick this session?")
                                   : qsTr("Kick %1?").arg(root.user)
    modal: true
    width: 420
    onOpened: reasonField.forceActiveFocus()

    ColumnLayout {
        objectName: "kickContent"
        anchors.fill: parent
        spacing: Theme.spacing
        Accessible.role: Accessible.Dialog
        Accessible.name: root.title

        Label {
            objectName: "kickQuestion"
            text: root.session.length > 0
                  ? qsTr("This closes %1's session %2%3. They can sign in again.")
                        .arg(root.user).arg(root.session)
                        .arg(root.detail.length > 0 ? " (" + root.detail + ")" : "")
                  : root.connectionCount === 1
                    ? qsTr("This closes %1's connection. They can sign in again.").arg(root.user)
                    : qsTr("This closes all %2 of %1's connections. They can sign in again.")
                          .arg(root.user).arg(root.connectionCount)
            color: Theme.text
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        Label {
            text: qsTr("This app's own connection is one of them: it will be signed out.")
            visible: root.includesThisApp
            color: Theme.warning
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        Label { text: qsTr("Reason (optional, shown to them)"); color: Theme.textMuted }
        TextField {
            id: reasonField
            objectName: "kickReason"
            Layout.fillWidth: true
            maximumLength: 200
            placeholderText: qsTr("e.g. please update your client")
            Accessible.name: qsTr("Reason for the kick")
            onAccepted: root.confirm()
        }
    }

    footer: DialogButtonBox {
        Button {
            objectName: "kickCancel"
            text: qsTr("Cancel")
            flat: true
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
            Accessible.name: qsTr("Cancel, do not kick")
        }
        Button {
            id: kickButton
            objectName: "kickConfirm"
            text: qsTr("Kick")
            DialogButtonBox.buttonRole: DialogButtonBox.ApplyRole
            Accessible.name: root.session.length > 0
                             ? qsTr("Kick session %1").arg(root.session)
                             : qsTr("Kick %1").arg(root.user)
            contentItem: Text {
                text: kickButton.text
                font.bold: true
                font.pixelSize: Theme.fontSize
                color: Theme.accentText
                horizontalAlignment: Text.AlignHCenter
                verticalAlignment: Text.AlignVCenter
            }
            background: Rectangle {
                implicitWidth: 72
                implicitHeight: 34
                radius: Theme.radius - 2
                color: Theme.danger
                opacity: kickButton.down ? 0.8 : 1
            }
            onClicked: root.confirm()
        }
    }
}
