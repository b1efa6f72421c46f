// SPDX-License-Identifier: Apache-2.0
// One channel of ChannelListModel in the sidebar: its name (bold when unread), an unread
// badge (red on a mention), and who is typing there.
import QtQuick
import Confab.Ui
import QtQuick.Controls
import QtQuick.Layouts

ItemDelegate {
    id: root

    required property string name
    required property string topic
    required property int unreadCount
    required property string lastMessageText
    required property string lastMessageAuthor
    required property var lastMessageTime
    required property bool mentioned
    required property var typingUsers
    required property bool isDirect
    required property string title   // a DM: the other person's display name

    property bool selected: false

    readonly property string typingText: {
        const users = root.typingUsers || []
        if (users.length === 0)
            return ""
        if (users.length === 1)
            return qsTr("%1 is typing…").arg(users[0])
        if (users.length === 2)
            return qsTr("%1 and %2 are typing…").arg(users[0]).arg(users[1])
        return qsTr("Several people are typing…")
    }
    readonly property string displayName: root.title.length > 0 ? root.title : root.name

    implicitHeight: content.implicitHeight + 2 * 6
    leftPadding: Theme.spacingLarge
    rightPadding: Theme.spacing + 4
    topPadding: 6
    bottomPadding: 6
    hoverEnabled: true
    Accessible.name: {
        const parts = [root.isDirect ? qsTr("%1, direct conversation").arg(root.displayName)
                                     : qsTr("#%1, channel").arg(root.displayName)]
        if (root.unreadCount > 0)
            parts.push(root.unreadCount === 1 ? qsTr("1 unread message")
                                              : qsTr("%1 unread messages").arg(root.unreadCount))
        if (root.mentioned)
            parts.push(qsTr("mentions you"))
        if (root.typingText.length > 0)
            parts.push(root.typingText)
        return parts.join(", ")
    }
    Accessible.selected: root.selected

    background: Rectangle {
        anchors.fill: parent
        anchors.leftMargin: Theme.spacing
        anchors.rightMargin: Theme.spacing
        radius: Theme.radius
        color: root.selected ? Theme.sidebarSelected
             : root.hovered ? Theme.sidebarHover : "transparent"
        // Where the keyboard is (Tab), as clear as the selection.
        border.color: root.visualFocus ? Theme.sidebarTextStrong : "transparent"
        border.width: 2
    }

    contentItem: ColumnLayout {
        id: content
        spacing: 0
        RowLayout {
            spacing: Theme.spacing
            Layout.fillWidth: true
            Label {
                text: root.isDirect ? "@" : "#"
                color: root.selected ? Theme.sidebarTextStrong : Theme.sidebarMuted
                font.pixelSize: Theme.fontSize
            }
            Label {
                objectName: "channelName"
                text: root.displayName
                color: root.selected || root.unreadCount > 0 ? Theme.sidebarTextStrong
                                                             : Theme.sidebarText
                font.pixelSize: Theme.fontSize
                font.bold: root.unreadCount > 0
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
            Rectangle {
                objectName: "unreadBadge"
                visible: root.unreadCount > 0 && !root.selected
                radius: height / 2
                color: root.mentioned ? Theme.badge : Theme.badgeQuiet
                implicitHeight: 18
                implicitWidth: Math.max(18, badgeText.implicitWidth + 10)
                Label {
                    id: badgeText
                    anchors.centerIn: parent
                    text: root.unreadCount > 99 ? "99+" : String(root.unreadCount)
                    color: Theme.badgeText
                    font.pixelSize: Theme.fontSizeSmall
                    font.bold: true
                }
            }
        }
        Label {
            objectName: "typingHint"
            visible: root.typingText.length > 0
            text: root.typingText
            color: root.selected ? Theme.sidebarTextStrong : Theme.sidebarMuted
            font.pixelSize: Theme.fontSizeSmall
            font.italic: true
            elide: Text.ElideRight
            Layout.fillWidth: true
            Layout.leftMargin: 18
        }
    }
}
