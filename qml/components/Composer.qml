// SPDX-License-Identifier: Apache-2.0
// The message box: Enter sends, Shift+Enter starts a new line, Tab and Shift+Tab move focus
// (never a tab character: the box is not a trap for keyboard users). Every edit is reported
// (for typing notifications); sending clears the box. Typing `@` and the start of a name
// offers the channel's `members` (user or display name starts with it): Up/Down choose, Tab or
// Enter completes to `@user `, Esc closes the list (Enter does not send while it is open).
import QtQuick
import Confab.Ui
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    id: root

    property string placeholder: qsTr("Write a message")
    property alias text: area.text
    property alias input: area
    property bool enabledForInput: true
    /// False while the text cannot be sent as it is (over the server's limit).
    property bool sendAllowed: true
    /// Whom `@` completes: a model with the roles `user` and `displayName` (MemberModel).
    property var members: null
    /// Never offered (the signed-in user).
    property string ownUser
    /// The @mention list is showing; `mentions` holds its rows (user, displayName).
    readonly property bool mentionOpen: mentions.count > 0 && !mentionDismissed
                                        && mentionStart >= 0 && area.activeFocus
    readonly property alias mentions: mentions
    readonly property alias mentionIndex: mentionList.currentIndex

    // Where the `@` of the name being typed is (-1: none), and whether Esc closed its list.
    property int mentionStart: -1
    property bool mentionDismissed: false

    /// The user asked to send `text` (already trimmed, never empty).
    signal sendRequested(string text)
    /// The draft changed (typing notifications).
    signal draftEdited(string text)

    function submit() {
        const trimmed = area.text.trim()
        if (trimmed.length === 0 || !root.sendAllowed)
            return false
        area.clear() // first: a refused send may put the text back from the handler
        root.sendRequested(trimmed)
        return true
    }

    /// Finds the `@name` being typed before the cursor and lists the members it may mean.
    function updateMention() {
        const before = area.text.substring(0, area.cursorPosition)
        // After a space or at the start (not an e-mail address); any letters, not only ASCII.
        const match = /(^|\s)@([^\s@]*)$/.exec(before)
        const start = match ? before.length - match[2].length - 1 : -1
        if (start !== root.mentionStart) {
            root.mentionStart = start
            root.mentionDismissed = false
        }
        mentions.clear()
        if (start < 0)
            return
        const query = match[2].toLowerCase()
        const startsWith = name => name.toLowerCase().startsWith(query)
        for (let i = 0; i < memberRows.count && mentions.count < 8; ++i) {
            const member = memberRows.objectAt(i)
            if (!member || member.user === root.ownUser)
                continue
            const display = member.displayName || ""
            if (startsWith(member.user) || display.split(/\s+/).some(startsWith))
                mentions.append({ user: member.user, displayName: display })
        }
        mentionList.currentIndex = 0
    }

    /// Replaces the `@name` being typed with the chosen member's `@user `.
    function completeMention(row) {
        if (row < 0 || row >= mentions.count || root.mentionStart < 0)
            return
        const inserted = "@" + mentions.get(row).user + " "
        const start = root.mentionStart
        const end = area.cursorPosition
        area.remove(start, end)
        area.insert(start, inserted)
        area.cursorPosition = start + inserted.length
    }

    implicitHeight: Math.min(160, Math.max(44, area.implicitHeight + 2 * Theme.spacing))
    radius: Theme.radius
    color: Theme.background
    border.color: area.activeFocus ? Theme.accent : Theme.border
    border.width: area.activeFocus ? 2 : 1

    RowLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacingSmall
        spacing: Theme.spacing

        ScrollView {
            Layout.fillWidth: true
            Layout.fillHeight: true

            TextArea {
                id: area
                objectName: "composerInput"
                enabled: root.enabledForInput
                placeholderText: root.placeholder
                placeholderTextColor: Theme.textMuted
                wrapMode: TextEdit.Wrap
                color: Theme.text
                font.pixelSize: Theme.fontSize
                background: null
                verticalAlignment: TextEdit.AlignVCenter
                onTextChanged: {
                    root.draftEdited(area.text)
                    root.updateMention()
                }
                onCursorPositionChanged: root.updateMention()
                Accessible.name: root.placeholder
                // Esc closes the list here, before any window shortcut on Esc sees it.
                Keys.onShortcutOverride: event => {
                    event.accepted = event.key === Qt.Key_Escape && root.mentionOpen
                }
                Keys.onTabPressed: event => {
                    event.accepted = true
                    if (root.mentionOpen) {
                        root.completeMention(mentionList.currentIndex)
                        return
                    }
                    area.nextItemInFocusChain(true).forceActiveFocus(Qt.TabFocusReason)
                }
                Keys.onBacktabPressed: event => {
                    event.accepted = true
                    area.nextItemInFocusChain(false).forceActiveFocus(Qt.BacktabFocusReason)
                }
                Keys.onPressed: event => {
                    if (root.mentionOpen) {
                        switch (event.key) {
                        case Qt.Key_Up:
                        case Qt.Key_Down: {
                            const step = event.key === Qt.Key_Up ? -1 : 1
                            mentionList.currentIndex = (mentionList.currentIndex + step + mentions.count)
                                                       % mentions.count
                            event.accepted = true
                            return
                        }
                        case Qt.Key_Return:
                        case Qt.Key_Enter:
                            root.completeMention(mentionList.currentIndex)
                            event.accepted = true
                            return
                        case Qt.Key_Escape:
                            root.mentionDismissed = true
                            event.accepted = true
                            return
                        }
                    }
                    if (event.key !== Qt.Key_Return && event.key !== Qt.Key_Enter)
                        return
                    if (event.modifiers & Qt.ShiftModifier) {
                        event.accepted = false // the TextArea adds the new line
                        return
                    }
                    event.accepted = true
                    root.submit()
                }
            }
        }
        AccentButton {
            objectName: "sendButton"
            text: qsTr("Send")
            Accessible.name: qsTr("Send the message")
            enabled: root.enabledForInput && root.sendAllowed && area.text.trim().length > 0
            Layout.alignment: Qt.AlignBottom
            onClicked: root.submit()
        }
    }

    ListModel { id: mentions }
    // The members' rows, readable one by one whatever model feeds them.
    Instantiator {
        id: memberRows
        model: root.members
        delegate: QtObject {
            required property string user
            required property string displayName
        }
        onObjectAdded: root.updateMention()
        onObjectRemoved: root.updateMention()
    }

    Popup {
        id: mentionPopup
        objectName: "mentionPopup"
        visible: root.mentionOpen
        // The composer keeps focus: keys reach the TextArea, which drives the list.
        focus: false
        modal: false
        closePolicy: Popup.NoAutoClose
        x: 0
        // Rows of a fixed height: the popup's size never waits on its own layout.
        readonly property int rowHeight: 34
        y: -(mentions.count * rowHeight + topPadding + bottomPadding) - Theme.spacingSmall
        width: Math.min(320, root.width)
        padding: Theme.spacingSmall
        background: Rectangle {
            color: Theme.background
            border.color: Theme.border
            radius: Theme.radius
        }
        contentItem: ListView {
            id: mentionList
            objectName: "mentionList"
            implicitHeight: mentions.count * mentionPopup.rowHeight
            model: mentions
            highlightMoveDuration: 0
            Accessible.role: Accessible.List
            Accessible.name: qsTr("People to mention")
            delegate: ItemDelegate {
                id: suggestion
                required property int index
                required property string user
                required property string displayName
                width: ListView.view.width
                height: mentionPopup.rowHeight
                focusPolicy: Qt.NoFocus
                highlighted: ListView.isCurrentItem
                Accessible.name: qsTr("Mention %1").arg(suggestion.displayName.length > 0
                                                         ? suggestion.displayName : suggestion.user)
                onClicked: {
                    root.completeMention(suggestion.index)
                    area.forceActiveFocus()
                }
                background: Rectangle {
                    color: suggestion.highlighted ? Theme.accent
                         : suggestion.hovered ? Theme.surface : "transparent"
                    radius: Theme.radius - 2
                }
                contentItem: RowLayout {
                    spacing: Theme.spacing
                    Avatar { name: suggestion.user; size: 20 }
                    Label {
                        text: suggestion.displayName.length > 0 ? suggestion.displayName : suggestion.user
                        color: suggestion.highlighted ? Theme.accentText : Theme.text
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                    Label {
                        text: "@" + suggestion.user
                        color: suggestion.highlighted ? Theme.accentText : Theme.textMuted
                        font.pixelSize: Theme.fontSizeSmall
                    }
                }
            }
        }
    }
}
