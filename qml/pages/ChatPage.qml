// SPDX-License-Identifier: Apache-2.0
// The chat: channels on the left, the messages of the current channel with the composer in
// the middle, its members on the right (folded away on narrow windows), and the connection
// banner above the messages. Focus returns to the composer after choosing a channel or
// closing a dialog.
import QtQuick
import Confab.Ui
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    id: root

    signal adminRequested()
    signal hostRequested()

    // Below this width the member list folds away (a header button shows it), so that the
    // messages keep most of an 800 px window.
    readonly property bool narrow: width < 980
    property bool membersShownWhenNarrow: false

    color: Theme.background

    RowLayout {
        anchors.fill: parent
        spacing: 0

        // ---- sidebar: who I am, channels ----
        Rectangle {
            Layout.preferredWidth: Theme.sidebarWidth
            Layout.fillHeight: true
            color: Theme.sidebar

            ColumnLayout {
                anchors.fill: parent
                spacing: 0

                RowLayout {
                    Layout.fillWidth: true
                    Layout.preferredHeight: 56
                    Layout.leftMargin: Theme.spacingLarge
                    Layout.rightMargin: Theme.spacing
                    spacing: Theme.spacing
                    Avatar {
                        name: AppContext.user
                        size: 30
                        status: AppContext.status.state !== Connection.Online ? "offline"
                              : AppContext.away ? "away" : "online"
                        ringColor: Theme.sidebar
                    }
                    Label {
                        text: AppContext.user
                        color: Theme.sidebarTextStrong
                        font.pixelSize: Theme.fontSize
                        font.bold: true
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                    ToolButton {
                        id: menuButton
                        text: "⋮"
                        palette.buttonText: Theme.sidebarText
                        background: Rectangle {
                            implicitWidth: 32
                            implicitHeight: 32
                            radius: Theme.radius
                            color: parent.down ? Theme.sidebarSelected
                                 : parent.hovered ? Theme.sidebarHover : "transparent"
                        }
                        onClicked: accountMenu.open()
                        Menu {
                            id: accountMenu
                            y: menuButton.height
                            width: 300
                            MenuItem {
                                text: qsTr("Admin: users and connections")
                                visible: AppContext.admin
                                height: visible ? implicitHeight : 0
                                onTriggered: root.adminRequested()
                            }
                            MenuItem {
                                text: AppContext.host.active ? qsTr("Hosting: addresses and state")
                                                             : qsTr("Host a server on this computer")
                                onTriggered: root.hostRequested()
                            }
                            MenuItem {
                                text: qsTr("Sign out")
                                onTriggered: AppContext.signOut()
                            }
                        }
                    }
                }
                Rectangle { Layout.fillWidth: true; height: 1; color: Theme.sidebarHover }

                RowLayout {
                    Layout.fillWidth: true
                    Layout.leftMargin: Theme.spacingLarge
                    Layout.rightMargin: Theme.spacing
                    Layout.topMargin: Theme.spacing
                    Label {
                        text: qsTr("CHANNELS")
                        color: Theme.sidebarMuted
                        font.pixelSize: Theme.fontSizeSmall
                        font.bold: true
                        font.letterSpacing: 0.8
                        Layout.fillWidth: true
                    }
                    ToolButton {
                        objectName: "createChannelButton"
                        text: "+"
                        font.pixelSize: Theme.fontSizeLarge
                        palette.buttonText: Theme.sidebarText
                        background: Rectangle {
                            implicitWidth: 32
                            implicitHeight: 32
                            radius: Theme.radius
                            color: parent.down ? Theme.sidebarSelected
                                 : parent.hovered ? Theme.sidebarHover : "transparent"
                        }
                        ToolTip.visible: hovered
                        ToolTip.text: qsTr("Create a channel")
                        onClicked: createDialog.open()
                    }
                }

                ListView {
                    id: channelList
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: AppContext.channels
                    spacing: 2
                    ScrollBar.vertical: ScrollBar {}
                    delegate: ChannelDelegate {
                        width: ListView.view.width
                        selected: name === AppContext.currentChannel
                        onClicked: {
                            AppContext.currentChannel = name
                            composer.input.forceActiveFocus() // typing goes where one looks
                        }
                    }
                    Label {
                        anchors.top: parent.top
                        anchors.left: parent.left
                        anchors.right: parent.right
                        anchors.margins: Theme.spacingLarge
                        visible: channelList.count === 0
                        text: qsTr("No channels yet. Create one with +.")
                        color: Theme.sidebarMuted
                        wrapMode: Text.Wrap
                    }
                }
            }
        }

        // ---- messages ----
        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0

            // Channel header.
            Rectangle {
                Layout.fillWidth: true
                implicitHeight: 56
                color: Theme.background
                Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }
                RowLayout {
                    anchors.fill: parent
                    anchors.leftMargin: Theme.spacingLarge
                    anchors.rightMargin: Theme.spacingLarge
                    spacing: Theme.spacing
                    Label {
                        objectName: "channelTitle"
                        text: AppContext.currentChannel.length > 0 ? "# " + AppContext.currentChannel : ""
                        color: Theme.text
                        font.pixelSize: Theme.fontSizeLarge
                        font.bold: true
                        elide: Text.ElideRight
                        // A long name gives way to the topic and the members button.
                        Layout.maximumWidth: parent.width * 0.6
                    }
                    Label {
                        text: AppContext.currentTopic
                        visible: text.length > 0
                        color: Theme.textMuted
                        font.pixelSize: Theme.fontSize - 1
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                        Layout.leftMargin: Theme.spacing
                    }
                    Item { Layout.fillWidth: true; visible: AppContext.currentTopic.length === 0 }
                    ToolButton {
                        objectName: "membersToggle"
                        visible: root.narrow
                        text: qsTr("Members")
                        checkable: true
                        checked: root.membersShownWhenNarrow
                        Accessible.name: checked ? qsTr("Hide the member list") : qsTr("Show the member list")
                        onToggled: root.membersShownWhenNarrow = checked
                    }
                }
            }

            ConnectionBanner {
                Layout.fillWidth: true
                connectionState: AppContext.status.state
                secondsToRetry: AppContext.status.secondsToRetry
                errorString: AppContext.status.errorString
                queuedCount: AppContext.status.queuedCount
                onRetryRequested: AppContext.retryNow()
            }

            ListView {
                id: messageList
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                model: AppContext.messages
                // Stay at the newest message unless the user scrolled up to read.
                property bool stickToEnd: true
                ScrollBar.vertical: ScrollBar {}
                header: Item { width: 1; height: Theme.spacing }
                footer: Item { width: 1; height: Theme.spacing }
                delegate: MessageDelegate {
                    onRetryRequested: cid => AppContext.retry(cid)
                    onDiscardRequested: cid => AppContext.discard(cid)
                    onEditRequested: cid => {
                        const text = AppContext.engine.takeBackFailed(cid)
                        if (text.length === 0)
                            return
                        composer.text = composer.text.length > 0 ? text + "\n" + composer.text : text
                        composer.input.forceActiveFocus()
                    }
                }
                onModelChanged: {
                    stickToEnd = true
                    unseenBelow = 0
                    lastCount = count
                    Qt.callLater(messageList.positionViewAtEnd)
                }
                // Messages that arrived below while the user read further up.
                property int unseenBelow: 0
                property int lastCount: 0
                onCountChanged: {
                    if (stickToEnd)
                        Qt.callLater(messageList.positionViewAtEnd)
                    else if (count > lastCount)
                        unseenBelow += count - lastCount
                    lastCount = count
                }
                onMovementEnded: {
                    stickToEnd = atYEnd
                    if (atYEnd)
                        unseenBelow = 0
                }
                onAtYBeginningChanged: if (atYBeginning && count > 0 && !stickToEnd) AppContext.loadOlder()
                onHeightChanged: if (stickToEnd) Qt.callLater(messageList.positionViewAtEnd)
                // Delegates measure themselves after the first layout: keep to the newest as
                // the content grows, or a channel opens on its oldest messages.
                onContentHeightChanged: if (stickToEnd && !moving) Qt.callLater(messageList.positionViewAtEnd)

                Button {
                    objectName: "newMessagesButton"
                    anchors.bottom: parent.bottom
                    anchors.horizontalCenter: parent.horizontalCenter
                    anchors.bottomMargin: Theme.spacing
                    visible: !messageList.stickToEnd && messageList.unseenBelow > 0
                    text: messageList.unseenBelow === 1 ? qsTr("1 new message ↓")
                                                        : qsTr("%1 new messages ↓").arg(messageList.unseenBelow)
                    Accessible.name: qsTr("Jump to the new messages")
                    onClicked: {
                        messageList.stickToEnd = true
                        messageList.unseenBelow = 0
                        messageList.positionViewAtEnd()
                        composer.input.forceActiveFocus()
                    }
                }

                Column {
                    anchors.centerIn: parent
                    visible: messageList.count === 0
                    spacing: Theme.spacing
                    Label {
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: AppContext.currentChannel.length > 0
                              ? qsTr("No messages in #%1 yet").arg(AppContext.currentChannel)
                              : qsTr("No channel selected")
                        color: Theme.text
                        font.pixelSize: Theme.fontSizeLarge
                        font.bold: true
                    }
                    Label {
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: AppContext.currentChannel.length > 0
                              ? qsTr("Be the first to say hello.")
                              : qsTr("Pick a channel on the left, or create one with +.")
                        color: Theme.textMuted
                    }
                }
            }

            Label {
                id: typingLine
                Layout.fillWidth: true
                Layout.leftMargin: Theme.spacingLarge
                Layout.preferredHeight: 18
                text: {
                    const users = AppContext.typingUsers
                    if (users.length === 0) return ""
                    if (users.length === 1) return qsTr("%1 is typing…").arg(users[0])
                    if (users.length === 2) return qsTr("%1 and %2 are typing…").arg(users[0]).arg(users[1])
                    return qsTr("Several people are typing…")
                }
                color: Theme.textMuted
                font.pixelSize: Theme.fontSizeSmall
                font.italic: true
            }

            Composer {
                id: composer
                Layout.fillWidth: true
                Layout.leftMargin: Theme.spacingLarge
                Layout.rightMargin: Theme.spacingLarge
                Layout.bottomMargin: Theme.spacingLarge
                enabledForInput: AppContext.currentChannel.length > 0
                placeholder: AppContext.currentChannel.length > 0
                             ? qsTr("Message #%1").arg(AppContext.currentChannel) : qsTr("Write a message")
                // Within the server's limit (UTF-8 bytes); the count shows near it.
                readonly property int bytesLeft: AppContext.engine.bytesLeft(composer.text)
                sendAllowed: bytesLeft >= 0
                onSendRequested: text => {
                    messageList.stickToEnd = true
                    if (!AppContext.send(text))
                        composer.text = text // refused (e.g. too long): nothing is lost
                }
                onDraftEdited: text => AppContext.setDraft(text)
                Component.onCompleted: {
                    composer.text = AppContext.engine.draft(AppContext.currentChannel)
                    composer.input.forceActiveFocus()
                }
                Connections {
                    target: AppContext
                    // Each channel keeps its own draft: never post one channel's text to another.
                    function onCurrentChannelChanged() {
                        composer.text = AppContext.engine.draft(AppContext.currentChannel)
                        composer.input.cursorPosition = composer.text.length
                    }
                }
            }
            Label {
                objectName: "bytesLeft"
                Layout.fillWidth: true
                Layout.leftMargin: Theme.spacingLarge
                Layout.rightMargin: Theme.spacingLarge
                Layout.topMargin: -Theme.spacingLarge + 2
                Layout.bottomMargin: Theme.spacingSmall
                visible: composer.bytesLeft < 1000 || AppContext.engine.sendError.length > 0
                horizontalAlignment: Text.AlignRight
                text: composer.bytesLeft < 0
                      ? qsTr("%1 bytes too long (the limit is %2): shorten it to send")
                            .arg(-composer.bytesLeft).arg(AppContext.engine.maxTextBytes)
                      : composer.bytesLeft < 1000 ? qsTr("%1 bytes left").arg(composer.bytesLeft)
                      : AppContext.engine.sendError
                color: composer.bytesLeft < 0 || (composer.bytesLeft >= 1000 && AppContext.engine.sendError.length > 0)
                       ? Theme.danger : Theme.textMuted
                font.pixelSize: Theme.fontSizeSmall
            }
        }

        // ---- members (collapsed on narrow windows, shown on demand) ----
        Rectangle {
            objectName: "memberPanel"
            visible: !root.narrow || root.membersShownWhenNarrow
            Layout.preferredWidth: Theme.membersWidth
            Layout.fillHeight: true
            color: Theme.surface
            Rectangle { anchors.left: parent.left; width: 1; height: parent.height; color: Theme.border }

            ColumnLayout {
                anchors.fill: parent
                spacing: 0
                Label {
                    Layout.preferredHeight: 56
                    Layout.leftMargin: Theme.spacingLarge
                    verticalAlignment: Text.AlignVCenter
                    text: qsTr("Members · %1").arg(memberList.count)
                    color: Theme.text
                    font.pixelSize: Theme.fontSize
                    font.bold: true
                }
                Rectangle { Layout.fillWidth: true; height: 1; color: Theme.border }
                ListView {
                    id: memberList
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.topMargin: Theme.spacingSmall
                    clip: true
                    model: AppContext.members
                    delegate: MemberDelegate {}
                    ScrollBar.vertical: ScrollBar {}
                }
            }
        }
    }

    CreateChannelDialog {
        id: createDialog
        anchors.centerIn: parent
        // Back to the composer: focus left on the dialog's button would eat typed text,
        // and Space would open the dialog again.
        onClosed: composer.input.forceActiveFocus()
        onCreateRequested: (name, topic) => AppContext.createChannel(name, topic)
        Connections {
            target: AppContext
            function onChannelCreated() { createDialog.close() }
            function onChannelCreateFailed(reason) { createDialog.errorText = reason }
        }
    }
}
