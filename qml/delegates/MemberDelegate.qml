// SPDX-License-Identifier: Apache-2.0
// One member of MemberModel: avatar with presence dot, display name, and status text,
// "typing", or when offline "last seen …".
import QtQuick
import Confab.Ui
import QtQuick.Controls
import QtQuick.Layouts

Item {
    id: root

    required property string user
    required property string status
    required property string statusText
    required property var lastSeen
    required property bool typing
    required property string displayName
    required property string lastSeenText
    property bool isSelf: false

    /// "Message": open a direct conversation with this member.
    signal messageRequested(string user)

    readonly property string detail: root.typing ? qsTr("typing…")
        : root.statusText.length > 0 ? root.statusText
        : root.status === "offline" && root.lastSeenText.length > 0 ? root.lastSeenText
        : root.status === "online" ? "" : root.status

    implicitWidth: 200
    implicitHeight: 44
    width: ListView.view ? ListView.view.width : implicitWidth
    opacity: root.status === "offline" ? 0.6 : 1
    Accessible.role: Accessible.ListItem
    // "Bob, away, lunch": name, presence, then the status text, typing or last seen.
    Accessible.name: {
        const parts = [root.displayName.length > 0 ? root.displayName : root.user, root.status]
        if (root.detail.length > 0 && root.detail !== root.status)
            parts.push(root.detail)
        return parts.join(", ")
    }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: Theme.spacingLarge
        anchors.rightMargin: Theme.spacing
        spacing: Theme.spacing + 2

        Avatar {
            name: root.user // the same colour as on their messages
            status: root.status
            size: 28
            ringColor: Theme.surface
            Layout.alignment: Qt.AlignVCenter
        }
        ColumnLayout {
            spacing: 0
            Layout.fillWidth: true
            Label {
                text: root.displayName.length > 0 ? root.displayName : root.user
                color: Theme.text
                font.pixelSize: Theme.fontSize - 1
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
            Label {
                visible: root.detail.length > 0
                text: root.detail
                color: Theme.textMuted
                font.pixelSize: Theme.fontSizeSmall
                font.italic: root.typing
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
        }
        Button {
            objectName: "messageMemberButton"
            visible: !root.isSelf
            // Shown on hover; always in the Tab order (a transparent button still takes focus),
            // so a keyboard reaches it too.
            opacity: hover.hovered || activeFocus ? 1 : 0
            text: "✉" // an envelope: small, so the name keeps its room
            flat: true
            font.pixelSize: Theme.fontSize
            Layout.preferredWidth: 32 // the Basic style's button is 100 px wide by default
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Message %1").arg(root.displayName.length > 0 ? root.displayName : root.user)
            Accessible.name: qsTr("Message %1").arg(root.displayName.length > 0 ? root.displayName : root.user)
            onClicked: root.messageRequested(root.user)
        }
    }
    HoverHandler { id: hover }
}
