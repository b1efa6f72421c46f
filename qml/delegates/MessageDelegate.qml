// SPDX-License-Identifier: Apache-2.0
// One message of MessageModel: a day separator before the first message of a day, the
// "New messages" line above the first unread one, the author's avatar, name and time on the
// first message of a group, then the text rendered as Markdown (the model's `markdown` role:
// HTML and images from the text never render; links open in the browser, http, https and
// mailto only). A message that mentions the user is tinted with an accent bar. Pending
// messages are grey with a clock; failed ones are red with Retry, Edit and Discard.
import QtQuick
import Confab.Ui
import QtQuick.Controls
import QtQuick.Layouts

Item {
    id: root

    required property var seq
    required property string author
    required property string authorDisplay
    required property string text
    required property var time
    required property int deliveryState // MessageModel::DeliveryState: 0 sent, 1 pending, 2 failed
    required property string failReason
    required property string cid
    required property bool own
    required property bool firstOfGroup
    required property bool dayBreak
    required property string markdown // safeMarkdown(text): never the raw text
    required property bool formatted // the text has Markdown: else it shows as plain text
    required property bool mentionsMe
    required property bool firstUnread

    /// Avatar, name and time: on the first of a group, and again below the "New messages" line.
    readonly property bool showHeader: root.firstOfGroup || root.firstUnread
    readonly property bool pending: root.deliveryState === 1
    readonly property bool failed: root.deliveryState === 2
    readonly property color textColor: root.failed ? Theme.danger
                                     : root.pending ? Theme.textPending : Theme.text

    signal retryRequested(string cid)
    signal discardRequested(string cid)
    /// Back to the composer to edit (a message that can never succeed as it is).
    signal editRequested(string cid)

    /// Opens a link from a message in the browser or mail app; other schemes are ignored.
    function openLink(link) {
        if (!MarkdownFilter.isOpenable(link))
            return false
        Qt.openUrlExternally(link)
        return true
    }

    function dayText(date) {
        if (!date || isNaN(date.getTime()))
            return ""
        const today = new Date()
        const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1)
        if (date.toDateString() === today.toDateString())
            return qsTr("Today")
        if (date.toDateString() === yesterday.toDateString())
            return qsTr("Yesterday")
        return Qt.formatDate(date, date.getFullYear() === today.getFullYear()
                             ? "dddd, d MMMM" : "dddd, d MMMM yyyy")
    }

    implicitWidth: 400
    implicitHeight: column.implicitHeight
    width: ListView.view ? ListView.view.width : implicitWidth

    Rectangle {
        objectName: "messageBackground"
        anchors.fill: parent
        anchors.topMargin: (dayRow.visible ? dayRow.height : 0)
                           + (unreadLine.visible ? unreadLine.height : 0)
        color: root.failed ? Theme.dangerSurface
             : root.mentionsMe ? Theme.mentionSurface
             : hover.hovered ? Theme.hover : "transparent"
        Rectangle {
            objectName: "mentionBar"
            visible: root.mentionsMe && !root.failed
            width: 3
            height: parent.height
            color: Theme.mentionBar
        }
    }
    HoverHandler { id: hover }

    ColumnLayout {
        id: column
        width: parent.width
        spacing: 0

        // ---- day separator ----
        // Made only where a day begins (most rows have none: cheaper to scroll and switch).
        Loader {
            id: dayRow
            active: root.dayBreak
            visible: active
            Layout.fillWidth: true
            sourceComponent: Item {
                objectName: "dayBreak"
                implicitHeight: 36
                Rectangle {
                    anchors.verticalCenter: parent.verticalCenter
                    width: parent.width - 2 * Theme.spacingLarge
                    x: Theme.spacingLarge
                    height: 1
                    color: Theme.border
                }
                Label {
                    anchors.centerIn: parent
                    text: root.dayText(root.time)
                    leftPadding: Theme.spacing
                    rightPadding: Theme.spacing
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSizeSmall
                    font.bold: true
                    background: Rectangle { color: Theme.background; radius: height / 2
                                            border.color: Theme.border }
                }
            }
        }

        // ---- "New messages": above the first message not yet read when the channel opened ----
        Loader {
            id: unreadLine
            active: root.firstUnread
            visible: active
            Layout.fillWidth: true
            sourceComponent: Item {
                objectName: "newMessagesLine"
                implicitHeight: 24
                Accessible.role: Accessible.Separator
                Accessible.name: qsTr("New messages")
                Rectangle {
                    anchors.verticalCenter: parent.verticalCenter
                    x: Theme.spacingLarge
                    width: parent.width - 2 * Theme.spacingLarge
                    height: 1
                    color: Theme.newMessages
                }
                Label {
                    anchors.verticalCenter: parent.verticalCenter
                    anchors.right: parent.right
                    anchors.rightMargin: Theme.spacingLarge
                    text: qsTr("New messages")
                    leftPadding: Theme.spacing
                    rightPadding: Theme.spacing
                    color: Theme.newMessages
                    font.pixelSize: Theme.fontSizeSmall
                    font.bold: true
                    background: Rectangle { color: Theme.background }
                }
            }
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.leftMargin: Theme.spacingLarge
            Layout.rightMargin: Theme.spacingLarge
            Layout.topMargin: root.showHeader ? Theme.spacing : 0
            Layout.bottomMargin: 2
            spacing: Theme.spacing + 4

            // Avatar on the first message of a group; the hover time on the others.
            Item {
                Layout.preferredWidth: Theme.avatarSize
                Layout.preferredHeight: root.showHeader ? Theme.avatarSize : timeHint.implicitHeight
                Layout.alignment: Qt.AlignTop
                Avatar {
                    visible: root.showHeader
                    name: root.author
                }
                Label {
                    id: timeHint
                    visible: !root.showHeader && hover.hovered
                    anchors.right: parent.right
                    anchors.verticalCenter: parent.verticalCenter
                    text: Qt.formatTime(root.time, "hh:mm")
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSizeSmall - 1
                }
            }

            ColumnLayout {
                Layout.fillWidth: true
                spacing: 2

                RowLayout {
                    visible: root.showHeader
                    spacing: Theme.spacing
                    Label {
                        objectName: "authorLabel"
                        text: root.authorDisplay.length > 0 ? root.authorDisplay : root.author
                        color: Theme.text
                        font.pixelSize: Theme.fontSize
                        font.bold: true
                    }
                    Label {
                        text: Qt.formatTime(root.time, "hh:mm")
                        color: Theme.textMuted
                        font.pixelSize: Theme.fontSizeSmall
                    }
                }

                RowLayout {
                    Layout.fillWidth: true
                    spacing: Theme.spacingSmall
                    TextEdit {
                        id: body
                        objectName: "messageText"
                        Layout.fillWidth: true
                        // Plain lines skip the Markdown parser: the same on screen, cheaper.
                        text: root.formatted ? root.markdown : root.text
                        color: root.textColor
                        font.pixelSize: Theme.fontSize
                        wrapMode: TextEdit.Wrap
                        readOnly: true
                        selectByMouse: true
                        selectionColor: Theme.selection
                        selectedTextColor: Theme.text
                        textFormat: root.formatted ? TextEdit.MarkdownText : TextEdit.PlainText
                        onLinkActivated: link => root.openLink(link)
                        HoverHandler {
                            cursorShape: body.hoveredLink.length > 0 ? Qt.PointingHandCursor
                                                                    : Qt.IBeamCursor
                        }
                        // Links keep the colour they were rendered in: render again.
                        Connections {
                            target: MarkdownFilter
                            function onLinkColorChanged() {
                                body.text = ""
                                body.text = Qt.binding(() => root.formatted ? root.markdown
                                                                            : root.text)
                            }
                        }
                    }
                    // A small clock drawn with shapes: no icon font needed.
                    Rectangle {
                        id: clock
                        objectName: "pendingClock"
                        visible: root.pending
                        Layout.alignment: Qt.AlignTop
                        Layout.topMargin: 3
                        width: 12
                        height: 12
                        radius: 6
                        color: "transparent" // a ring: no fill
                        border.color: Theme.textPending
                        border.width: 1.5
                        Rectangle { x: 5.25; y: 2.5; width: 1.5; height: 4; color: Theme.textPending }
                        Rectangle { x: 5.25; y: 5.25; width: 3.5; height: 1.5; color: Theme.textPending }
                    }
                }

                // Retry, Edit and Discard: made only for a failed message.
                Loader {
                    id: failedRow
                    active: root.failed
                    visible: active
                    sourceComponent: RowLayout {
                        objectName: "failedRow"
                        spacing: Theme.spacing
                        Label {
                            text: root.failReason.length > 0 ? qsTr("Not sent: %1").arg(root.failReason)
                                                             : qsTr("Not sent")
                            color: Theme.danger
                            font.pixelSize: Theme.fontSizeSmall
                            font.bold: true
                            wrapMode: Text.Wrap
                            Layout.maximumWidth: column.width * 0.6
                        }
                        Button {
                            objectName: "retryButton"
                            Accessible.name: qsTr("Retry sending the message")
                            text: qsTr("Retry")
                            flat: true
                            font.pixelSize: Theme.fontSizeSmall
                            onClicked: root.retryRequested(root.cid)
                        }
                        Button {
                            objectName: "editButton"
                            text: qsTr("Edit")
                            flat: true
                            font.pixelSize: Theme.fontSizeSmall
                            Accessible.name: qsTr("Put the message back in the composer to edit it")
                            onClicked: root.editRequested(root.cid)
                        }
                        Button {
                            objectName: "discardButton"
                            Accessible.name: qsTr("Discard the message")
                            text: qsTr("Discard")
                            flat: true
                            font.pixelSize: Theme.fontSizeSmall
                            onClicked: root.discardRequested(root.cid)
                        }
                    }
                }
            }
        }
    }
}
