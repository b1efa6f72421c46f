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

    // The user's own status from the engine (`??`: engines without it yet read as online).
    readonly property string ownStatus: {
        const status = AppContext.engine.status ?? "online"
        return status === "online" && AppContext.away ? "away" : status
    }
    readonly property string ownStatusText: AppContext.engine.statusText ?? ""

    /// The conversations as the sidebar lists them: channels, then direct ones.
    function conversationOrder() {
        const order = []
        for (const repeater of [groupRepeater, directRepeater]) {
            for (let i = 0; i < repeater.count; ++i) {
                const item = repeater.itemAt(i)
                if (item)
                    order.push({ name: item.name, unread: item.unreadCount })
            }
        }
        return order
    }

    /// The conversation `step` places from `current` in `order` ([{name, unread}]): stops at
    /// either end; with `unreadOnly` the next one with unread messages, wrapping around.
    /// "" when there is none.
    function neighbour(order, current, step, unreadOnly) {
        const at = order.findIndex(entry => entry.name === current)
        if (!unreadOnly) {
            const to = at < 0 ? (step > 0 ? 0 : order.length - 1) : at + step
            return to >= 0 && to < order.length && to !== at ? order[to].name : ""
        }
        for (let n = 1; n <= order.length; ++n) {
            const i = ((at < 0 ? (step > 0 ? -1 : 0) : at) + step * n + order.length * n) % order.length
            if (order[i].unread > 0 && order[i].name !== current)
                return order[i].name
        }
        return ""
    }

    function showNeighbour(step, unreadOnly) {
        const name = root.neighbour(root.conversationOrder(), AppContext.currentChannel, step, unreadOnly)
        if (name.length > 0)
            root.show(name)
    }

    /// Opens the direct conversation with `user`, with the composer ready for typing.
    function openDirect(user) {
        AppContext.openDirect(user)
        composer.input.forceActiveFocus()
    }

    /// Shows a channel or conversation, with the composer ready for typing.
    function show(channel) {
        AppContext.currentChannel = channel
        composer.input.forceActiveFocus()
    }

    color: Theme.background

    // Esc that nothing took (no popup open, no @mention list): the conversation is read.
    // Esc: the conversation is read, its "New messages" line goes.
    Keys.onEscapePressed: {
        AppContext.markRead()
        if (messageList.model)
            messageList.model.moveReadMarkerToEnd()
    }

    Shortcut {
        sequence: "Ctrl+K"
        onActivated: switcher.open()
    }
    Shortcut {
        sequences: ["Alt+Up"]
        onActivated: root.showNeighbour(-1, false)
    }
    Shortcut {
        sequences: ["Alt+Down"]
        onActivated: root.showNeighbour(1, false)
    }
    Shortcut {
        sequences: ["Alt+Shift+Up"]
        onActivated: root.showNeighbour(-1, true)
    }
    Shortcut {
        sequences: ["Alt+Shift+Down"]
        onActivated: root.showNeighbour(1, true)
    }

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
                    // Your own avatar, name and status: opens the status menu.
                    ItemDelegate {
                        id: ownStatusButton
                        objectName: "ownStatusButton"
                        Layout.fillWidth: true
                        leftPadding: 0
                        rightPadding: Theme.spacingSmall
                        topPadding: Theme.spacingSmall
                        bottomPadding: Theme.spacingSmall
                        Accessible.name: qsTr("Your status: %1%2. Change it")
                                         .arg(statusMenu.labelOf(root.ownStatus))
                                         .arg(root.ownStatusText.length > 0 ? " — " + root.ownStatusText : "")
                        ToolTip.visible: hovered
                        ToolTip.text: qsTr("Set your status")
                        onClicked: statusMenu.open()
                        background: Rectangle {
                            radius: Theme.radius
                            color: ownStatusButton.down ? Theme.sidebarSelected
                                 : ownStatusButton.hovered ? Theme.sidebarHover : "transparent"
                            border.color: ownStatusButton.visualFocus ? Theme.sidebarTextStrong : "transparent"
                            border.width: 2
                        }
                        contentItem: RowLayout {
                            spacing: Theme.spacing
                            Avatar {
                                name: AppContext.user
                                size: 30
                                status: AppContext.status.state !== Connection.Online ? "offline"
                                                                                      : root.ownStatus
                                ringColor: Theme.sidebar
                            }
                            ColumnLayout {
                                spacing: 0
                                Layout.fillWidth: true
                                Label {
                                    text: AppContext.user
                                    color: Theme.sidebarTextStrong
                                    font.pixelSize: Theme.fontSize
                                    font.bold: true
                                    elide: Text.ElideRight
                                    Layout.fillWidth: true
                                }
                                Label {
                                    objectName: "ownStatusLine"
                                    text: root.ownStatusText.length > 0 ? root.ownStatusText
                                          : root.ownStatus === "online" ? "" : statusMenu.labelOf(root.ownStatus)
                                    visible: text.length > 0
                                    color: Theme.sidebarMuted
                                    font.pixelSize: Theme.fontSizeSmall
                                    elide: Text.ElideRight
                                    Layout.fillWidth: true
                                }
                            }
                        }
                        StatusMenu {
                            id: statusMenu
                            objectName: "statusMenu"
                            y: ownStatusButton.height
                            status: root.ownStatus
                            statusText: root.ownStatusText
                            onStatusRequested: (status, text) => {
                                // `platform` adds setStatus to the engine; without it, nothing.
                                if (typeof AppContext.engine.setStatus === "function")
                                    AppContext.engine.setStatus(status, text)
                            }
                            onClosed: composer.input.forceActiveFocus()
                        }
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
                            border.color: menuButton.visualFocus ? Theme.sidebarTextStrong : "transparent"
                            border.width: 2
                        }
                        Accessible.name: qsTr("Account menu")
                        ToolTip.visible: hovered
                        ToolTip.text: qsTr("Account")
                        onClicked: accountMenu.open()
                        Menu {
                            id: accountMenu
                            y: menuButton.height
                            width: 300
                            MenuItem {
                                text: qsTr("Admin: users and connections")
                                Accessible.name: text
                                visible: AppContext.admin
                                height: visible ? implicitHeight : 0
                                onTriggered: root.adminRequested()
                            }
                            MenuItem {
                                text: AppContext.host.active ? qsTr("Hosting: addresses and state")
                                                             : qsTr("Host a server on this computer")
                                Accessible.name: text
                                onTriggered: root.hostRequested()
                            }
                            MenuItem {
                                text: qsTr("Sign out")
                                Accessible.name: text
                                onTriggered: AppContext.signOut()
                            }
                        }
                    }
                }
                Rectangle { Layout.fillWidth: true; height: 1; color: Theme.sidebarHover }

                // Channels, then direct conversations: one scrolling column.
                Flickable {
                    id: sidebarScroll
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    contentHeight: sections.implicitHeight
                    boundsBehavior: Flickable.StopAtBounds
                    ScrollBar.vertical: ScrollBar {}

                    ColumnLayout {
                        id: sections
                        width: sidebarScroll.width
                        spacing: 0

                        SidebarHeading {
                            text: qsTr("CHANNELS")
                            SidebarButton {
                                objectName: "createChannelButton"
                                text: "+"
                                toolTip: qsTr("Create a channel")
                                onClicked: createDialog.open()
                            }
                        }
                        Repeater {
                            id: groupRepeater
                            model: AppContext.groupChannels
                            delegate: ChannelDelegate {
                                Layout.fillWidth: true
                                selected: name === AppContext.currentChannel
                                onClicked: root.show(name)
                            }
                        }
                        ItemDelegate {
                            id: browseEntry
                            objectName: "browseChannelsButton"
                            Layout.fillWidth: true
                            leftPadding: Theme.spacingLarge
                            text: qsTr("Browse channels…")
                            font.pixelSize: Theme.fontSize - 1
                            Accessible.name: qsTr("Browse and join channels")
                            contentItem: Label {
                                text: browseEntry.text
                                font: browseEntry.font
                                color: browseEntry.hovered ? Theme.sidebarTextStrong : Theme.sidebarMuted
                            }
                            background: Rectangle {
                                anchors.fill: parent
                                anchors.leftMargin: Theme.spacing
                                anchors.rightMargin: Theme.spacing
                                radius: Theme.radius
                                color: browseEntry.hovered ? Theme.sidebarHover : "transparent"
                                border.color: browseEntry.visualFocus ? Theme.sidebarTextStrong : "transparent"
                                border.width: 2
                            }
                            onClicked: browser.open()
                        }
                        Label {
                            visible: channelCount.count === 0
                            text: qsTr("No channels yet: browse them, or create one with +.")
                            color: Theme.sidebarMuted
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                            Layout.margins: Theme.spacingLarge
                        }

                        SidebarHeading {
                            text: qsTr("DIRECT MESSAGES")
                            Layout.topMargin: Theme.spacingLarge
                            SidebarButton {
                                objectName: "newDirectButton"
                                text: "+"
                                toolTip: qsTr("New message")
                                onClicked: directPicker.open()
                            }
                        }
                        Repeater {
                            id: directRepeater
                            model: AppContext.directChannels
                            delegate: ChannelDelegate {
                                Layout.fillWidth: true
                                selected: name === AppContext.currentChannel
                                onClicked: root.show(name)
                            }
                        }
                        Label {
                            visible: directRepeater.count === 0
                            text: qsTr("Start one with +, or with ✉ beside a member.")
                            color: Theme.sidebarMuted
                            font.pixelSize: Theme.fontSizeSmall + 1
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                            Layout.leftMargin: Theme.spacingLarge
                            Layout.rightMargin: Theme.spacingLarge
                        }
                        Item { Layout.preferredHeight: Theme.spacingLarge }
                    }
                    // Counts the channels section (a Repeater's count, for the empty text).
                    Repeater { id: channelCount; model: AppContext.groupChannels; delegate: Item {} }
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
                        text: AppContext.currentChannel.length === 0 ? ""
                              : AppContext.currentChannel.startsWith("dm:") ? "@ " + AppContext.currentTitle
                              : "# " + AppContext.currentChannel
                        color: Theme.text
                        font.pixelSize: Theme.fontSizeLarge
                        font.bold: true
                        elide: Text.ElideRight
                        // A long name gives way to the topic and the members button.
                        Layout.maximumWidth: parent.width * 0.6
                    }
                    // A direct conversation: the other person's presence and status text.
                    Repeater {
                        model: AppContext.currentChannel.startsWith("dm:") ? AppContext.members : null
                        delegate: RowLayout {
                            id: peerStatus
                            required property string user
                            required property string status
                            required property var model
                            readonly property string statusText: peerStatus.model.statusText ?? ""
                            visible: peerStatus.user !== AppContext.user
                            spacing: Theme.spacingSmall
                            Layout.leftMargin: Theme.spacing
                            PresenceDot {
                                status: peerStatus.status
                                Accessible.name: statusMenu.labelOf(peerStatus.status)
                            }
                            Label {
                                objectName: "directStatusText"
                                text: peerStatus.statusText
                                visible: text.length > 0
                                color: Theme.textMuted
                                font.pixelSize: Theme.fontSize - 1
                                elide: Text.ElideRight
                                Layout.maximumWidth: 280
                            }
                        }
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
                    HeaderButton {
                        id: channelMenuButton
                        objectName: "channelMenuButton"
                        visible: AppContext.currentChannel.length > 0 && !AppContext.currentChannel.startsWith("dm:")
                        text: "⋮"
                        flat: true
                        Accessible.name: qsTr("Channel actions")
                        onClicked: channelMenu.open()
                        Menu {
                            id: channelMenu
                            y: channelMenuButton.height
                            width: 260
                            MenuItem {
                                text: qsTr("Invite people…")
                                Accessible.name: qsTr("Invite people to this channel")
                                onTriggered: invitePicker.open()
                            }
                            MenuItem {
                                objectName: "leaveChannelItem"
                                Accessible.name: text
                                text: qsTr("Leave #%1").arg(AppContext.currentChannel)
                                onTriggered: AppContext.leaveChannel(AppContext.currentChannel)
                            }
                        }
                    }
                    HeaderButton {
                        objectName: "membersToggle"
                        visible: root.narrow
                        text: qsTr("Members")
                        checkable: true
                        checked: root.membersShownWhenNarrow
                        Accessible.name: checked ? qsTr("Hide the member list") : qsTr("Show the member list")
                        onToggled: root.membersShownWhenNarrow = checked
                    }
                    AppearanceMenu {}
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
                Accessible.name: qsTr("Messages")
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                model: AppContext.messages
                // Rows scrolled out are reused for rows scrolled in, rather than made anew.
                reuseItems: true
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
                // The "New messages" line: placed when a conversation opens, at the first
                // message after the read position, and kept until the user switches away.
                property var shownModel: null
                onModelChanged: {
                    if (shownModel)
                        shownModel.moveReadMarkerToEnd() // read while on screen
                    shownModel = model
                    if (model)
                        model.setReadMarker(model.readMarker)
                    stickToEnd = true
                    unseenBelow = 0
                    lastCount = count
                    Qt.callLater(messageList.openAtFirstUnread)
                }
                // Leaving the chat (for the admin or host page) leaves the channel too.
                Component.onDestruction: if (shownModel) shownModel.moveReadMarkerToEnd()
                /// Shows the newest messages; where more are unread than fit, the first unread
                /// one at the top instead.
                function openAtFirstUnread() {
                    positionViewAtEnd()
                    forceLayout()
                    const row = model ? model.firstUnreadRow() : -1
                    if (row >= 0 && row < topRow()) {
                        stickToEnd = false
                        positionViewAtIndex(row, ListView.Beginning)
                        // Again once the rows above have measured themselves.
                        Qt.callLater(messageList.jumpToFirstUnread)
                    }
                }
                /// Keeps to the newest message while the user has not scrolled up (queued:
                /// checked when it runs, not when it was asked for).
                function followEnd() {
                    if (stickToEnd)
                        positionViewAtEnd()
                }
                /// The row at the top of the viewport.
                function topRow() {
                    const row = indexAt(width / 2, contentY + 1)
                    return row >= 0 ? row : (count > 0 ? 0 : -1)
                }
                // Where the line is, re-read as the view scrolls or rows come and go.
                property int firstUnreadRow: -1
                property bool firstUnreadAbove: false
                function updateUnread() {
                    firstUnreadRow = model && model.firstUnreadSeq > 0 ? model.firstUnreadRow() : -1
                    firstUnreadAbove = firstUnreadRow >= 0 && firstUnreadRow < topRow()
                }
                onContentYChanged: {
                    Qt.callLater(messageList.updateUnread)
                    Qt.callLater(messageList.loadOlderNearTop)
                }
                /// Older messages load before the top is reached, and again while it is near:
                /// a page that lands while the view sits at the top must not end the loading.
                function loadOlderNearTop() {
                    if (count > 0 && (moving || !stickToEnd) && contentY - originY < height)
                        AppContext.loadOlder()
                }
                Connections {
                    target: messageList.model
                    ignoreUnknownSignals: true
                    function onReadMarkerChanged() { Qt.callLater(messageList.updateUnread) }
                }
                // Opened before the catch-up came in (at start, or while offline): once
                // online, the line goes above what came.
                Connections {
                    target: AppContext.status
                    function onStateChanged() {
                        const model = messageList.model
                        if (AppContext.status.state !== Connection.Online || !model
                                || model.firstUnreadSeq > 0)
                            return
                        model.setReadMarker(model.readMarker)
                        if (messageList.stickToEnd)
                            Qt.callLater(messageList.openAtFirstUnread)
                    }
                }
                function jumpToFirstUnread() {
                    const row = model ? model.firstUnreadRow() : -1
                    if (row < 0)
                        return
                    stickToEnd = false
                    positionViewAtIndex(row, ListView.Beginning)
                }
                function jumpToLatest() {
                    stickToEnd = true
                    unseenBelow = 0
                    positionViewAtEnd()
                }
                // Messages that arrived below while the user read further up.
                property int unseenBelow: 0
                property int lastCount: 0
                onCountChanged: {
                    Qt.callLater(messageList.updateUnread)
                    Qt.callLater(messageList.loadOlderNearTop)
                    if (stickToEnd)
                        Qt.callLater(messageList.followEnd)
                    else if (count > lastCount)
                        unseenBelow += count - lastCount
                    lastCount = count
                }
                onMovementEnded: {
                    stickToEnd = atYEnd
                    if (atYEnd)
                        unseenBelow = 0
                }
                onHeightChanged: if (stickToEnd) Qt.callLater(messageList.followEnd)
                // Delegates measure themselves after the first layout: keep to the newest as
                // the content grows, or a channel opens on its oldest messages.
                onContentHeightChanged: if (stickToEnd && !moving) Qt.callLater(messageList.followEnd)

                AccentButton {
                    objectName: "jumpToUnreadButton"
                    font.pixelSize: Theme.fontSizeSmall + 1
                    leftPadding: Theme.spacingLarge
                    rightPadding: Theme.spacingLarge
                    anchors.top: parent.top
                    anchors.horizontalCenter: parent.horizontalCenter
                    anchors.topMargin: Theme.spacing
                    visible: messageList.firstUnreadAbove
                    text: qsTr("↑ Jump to first unread")
                    Accessible.name: qsTr("Jump to the first unread message")
                    onClicked: {
                        messageList.jumpToFirstUnread()
                        composer.input.forceActiveFocus()
                    }
                }
                AccentButton {
                    objectName: "newMessagesButton"
                    font.pixelSize: Theme.fontSizeSmall + 1
                    leftPadding: Theme.spacingLarge
                    rightPadding: Theme.spacingLarge
                    anchors.bottom: parent.bottom
                    anchors.horizontalCenter: parent.horizontalCenter
                    anchors.bottomMargin: Theme.spacing
                    visible: !messageList.stickToEnd && !messageList.atYEnd && messageList.count > 0
                    text: messageList.unseenBelow === 1 ? qsTr("1 new message ↓")
                          : messageList.unseenBelow > 1 ? qsTr("%1 new messages ↓").arg(messageList.unseenBelow)
                          : qsTr("Jump to latest ↓")
                    Accessible.name: messageList.unseenBelow > 0 ? qsTr("Jump to the new messages")
                                                                 : qsTr("Jump to the latest message")
                    onClicked: {
                        messageList.jumpToLatest()
                        composer.input.forceActiveFocus()
                    }
                }

                Column {
                    anchors.centerIn: parent
                    visible: messageList.count === 0
                    spacing: Theme.spacing
                    Label {
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: AppContext.currentChannel.length === 0 ? qsTr("No channel selected")
                              : AppContext.currentChannel.startsWith("dm:")
                                ? qsTr("No messages with %1 yet").arg(AppContext.currentTitle)
                                : qsTr("No messages in #%1 yet").arg(AppContext.currentChannel)
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
                id: noticeLine
                objectName: "noticeLine"
                property bool isError: false
                Layout.fillWidth: true
                Layout.leftMargin: Theme.spacingLarge
                Layout.rightMargin: Theme.spacingLarge
                visible: text.length > 0
                wrapMode: Text.Wrap
                color: isError ? Theme.danger : Theme.textMuted
                font.pixelSize: Theme.fontSizeSmall + 1
                Timer { id: noticeTimer; interval: 8000; onTriggered: noticeLine.text = "" }
                Connections {
                    target: AppContext
                    function onNotice(text, isError) {
                        noticeLine.text = text
                        noticeLine.isError = isError
                        noticeTimer.restart()
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
                members: AppContext.members
                ownUser: AppContext.user
                placeholder: AppContext.currentChannel.length === 0 ? qsTr("Write a message")
                             : AppContext.currentChannel.startsWith("dm:") ? qsTr("Message %1").arg(AppContext.currentTitle)
                             : qsTr("Message #%1").arg(AppContext.currentChannel)
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
                        // However the switch came (click, switcher, shortcut, notification),
                        // typing goes to the new conversation.
                        composer.input.forceActiveFocus()
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
                    Accessible.role: Accessible.List
                    Accessible.name: qsTr("Members of this conversation")
                    delegate: MemberDelegate {
                        isSelf: user === AppContext.user
                        // Via the page: this delegate goes away with the channel it belongs to.
                        onMessageRequested: user => root.openDirect(user)
                    }
                    ScrollBar.vertical: ScrollBar {}
                }
            }
        }
    }

    QuickSwitcher {
        id: switcher
        objectName: "quickSwitcher"
        conversations: AppContext.channels
        people: AppContext.engine.people
        onAboutToShow: AppContext.engine.refreshPeople()
        onConversationChosen: channel => root.show(channel)
        onPersonChosen: user => root.openDirect(user)
        onClosed: composer.input.forceActiveFocus()
    }

    CreateChannelDialog {
        id: createDialog
        anchors.centerIn: parent
        // Back to the composer: focus left on the dialog's button would eat typed text,
        // and Space would open the dialog again.
        onClosed: composer.input.forceActiveFocus()
        onCreateRequested: (name, topic, isPrivate) => AppContext.createChannel(name, topic, isPrivate)
        Connections {
            target: AppContext
            function onChannelCreated() { createDialog.close() }
            function onChannelCreateFailed(reason) { createDialog.errorText = reason }
        }
    }

    ChannelBrowserDialog {
        id: browser
        objectName: "channelBrowser"
        anchors.centerIn: parent
        onJoinRequested: channel => AppContext.joinChannel(channel)
        onOpenRequested: channel => root.show(channel)
        onCreateRequested: createDialog.open()
        onClosed: composer.input.forceActiveFocus()
    }
    PersonPickerDialog {
        id: directPicker
        objectName: "directPicker"
        title: qsTr("New message")
        anchors.centerIn: parent
        onPicked: user => root.openDirect(user)
        onClosed: composer.input.forceActiveFocus()
    }
    PersonPickerDialog {
        id: invitePicker
        objectName: "invitePicker"
        title: qsTr("Invite to #%1").arg(AppContext.currentChannel)
        actionText: qsTr("Invite")
        anchors.centerIn: parent
        onPicked: user => AppContext.inviteToCurrent(user)
        onClosed: composer.input.forceActiveFocus()
    }

    component SidebarHeading: RowLayout {
        property alias text: headingLabel.text
        default property alias buttons: buttonRow.data
        Layout.fillWidth: true
        Layout.leftMargin: Theme.spacingLarge
        Layout.rightMargin: Theme.spacing
        Layout.topMargin: Theme.spacing
        Label {
            id: headingLabel
            color: Theme.sidebarMuted
            font.pixelSize: Theme.fontSizeSmall
            font.bold: true
            font.letterSpacing: 0.8
            Layout.fillWidth: true
        }
        Row { id: buttonRow }
    }

    component SidebarButton: ToolButton {
        id: sidebarButton
        property string toolTip
        font.pixelSize: Theme.fontSizeLarge
        palette.buttonText: Theme.sidebarText
        Accessible.name: toolTip
        background: Rectangle {
            implicitWidth: 32
            implicitHeight: 32
            radius: Theme.radius
            color: sidebarButton.down ? Theme.sidebarSelected
                 : sidebarButton.hovered ? Theme.sidebarHover : "transparent"
            border.color: sidebarButton.visualFocus ? Theme.sidebarTextStrong : "transparent"
            border.width: 2
        }
        ToolTip.visible: hovered
        ToolTip.text: toolTip
    }

    // The channel header's buttons: quiet until hovered, and a ring where the keyboard is.
    component HeaderButton: ToolButton {
        id: headerButton
        background: Rectangle {
            implicitWidth: 32
            implicitHeight: 32
            radius: Theme.radius
            color: headerButton.down ? Theme.border
                 : headerButton.hovered || headerButton.checked ? Theme.hover : "transparent"
            border.color: headerButton.visualFocus ? Theme.accent : "transparent"
            border.width: 2
        }
    }
}
