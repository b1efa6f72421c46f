// SPDX-License-Identifier: Apache-2.0
// The Ctrl+K quick switcher: type part of a channel's or person's name, Up/Down to choose,
// Enter opens it, Esc closes. Matching and ranking are QuickSwitcherModel's (C++); this is
// the popup around it. It is fed plain models, so tests give it ListModels.
import QtQuick
import Confab.Ui
import QtQuick.Controls
import QtQuick.Layouts

Popup {
    id: root

    /// A ChannelListModel (or any model with its roles): the conversations to offer.
    property alias conversations: switcherModel.conversations
    /// A PeopleModel (or any model with its roles): the people to offer.
    property alias people: switcherModel.people
    readonly property alias query: field.text
    readonly property alias model: switcherModel
    readonly property alias currentIndex: list.currentIndex

    /// Enter on a channel or direct conversation: its name.
    signal conversationChosen(string channel)
    /// Enter on a person without a direct conversation yet: their user name.
    signal personChosen(string user)

    /// Opens row `row` (closes the popup first, so focus can go where the page sends it).
    function choose(row) {
        const entry = switcherModel.get(row)
        if (entry.key === undefined)
            return
        root.close()
        if (entry.kind === "person")
            root.personChosen(entry.key)
        else
            root.conversationChosen(entry.key)
    }

    function move(step) {
        if (list.count === 0)
            return
        list.currentIndex = (list.currentIndex + step + list.count) % list.count
    }

    modal: true
    focus: true
    padding: Theme.spacing
    width: Math.min(520, parent ? parent.width - 2 * Theme.spacingLarge : 520)
    height: Math.min(contentColumn.implicitHeight + 2 * padding,
                     parent ? parent.height - 2 * Theme.spacingLarge : 420)
    x: parent ? Math.round((parent.width - width) / 2) : 0
    y: parent ? Math.round(parent.height * 0.12) : 0
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside

    onOpened: {
        field.clear()
        list.currentIndex = 0
        field.forceActiveFocus()
    }

    background: Rectangle {
        color: Theme.background
        radius: Theme.radius
        border.color: Theme.border
    }

    QuickSwitcherModel {
        id: switcherModel
        query: field.text.trim()
        // A new result list starts at its best match.
        onModelReset: list.currentIndex = 0
    }

    contentItem: ColumnLayout {
        Accessible.role: Accessible.Dialog
        Accessible.name: qsTr("Quick switcher")
        id: contentColumn
        spacing: Theme.spacing

        TextField {
            id: field
            objectName: "quickSwitcherField"
            Layout.fillWidth: true
            placeholderText: qsTr("Jump to a channel or person")
            Accessible.name: qsTr("Jump to a channel or person")
            Accessible.description: qsTr("Type part of a name, choose with the arrow keys, open with Enter")
            Keys.onUpPressed: root.move(-1)
            Keys.onDownPressed: root.move(1)
            Keys.onReturnPressed: root.choose(list.currentIndex)
            Keys.onEnterPressed: root.choose(list.currentIndex)
        }

        ListView {
            id: list
            objectName: "quickSwitcherList"
            Layout.fillWidth: true
            Layout.preferredHeight: Math.min(contentHeight, 360)
            clip: true
            model: switcherModel
            keyNavigationWraps: true
            highlightMoveDuration: 0
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Matching channels and people")
            ScrollBar.vertical: ScrollBar {}

            delegate: ItemDelegate {
                id: entry
                required property int index
                required property string kind
                required property string key
                required property string title
                required property string detail
                required property bool isDirect
                required property string status
                required property int unreadCount

                readonly property bool current: ListView.isCurrentItem
                width: ListView.view.width
                highlighted: current
                focusPolicy: Qt.NoFocus // the field keeps focus; arrows move the choice
                Accessible.name: entry.kind === "person" ? qsTr("%1, person").arg(entry.title)
                                 : entry.isDirect ? qsTr("%1, direct conversation").arg(entry.title)
                                 : qsTr("#%1, channel").arg(entry.title)
                onClicked: root.choose(entry.index)

                background: Rectangle {
                    color: entry.current ? Theme.accent
                         : entry.hovered ? Theme.surface : "transparent"
                    radius: Theme.radius - 2
                }
                contentItem: RowLayout {
                    spacing: Theme.spacing
                    Label {
                        visible: entry.kind === "conversation"
                        text: entry.isDirect ? "@" : "#"
                        color: entry.current ? Theme.accentText : Theme.textMuted
                        Layout.preferredWidth: 14
                    }
                    PresenceDot {
                        visible: entry.kind === "person"
                        status: entry.status.length > 0 ? entry.status : "offline"
                        ringColor: entry.current ? Theme.accent : Theme.background
                        Layout.preferredWidth: 14 - 4
                        Layout.rightMargin: 4
                    }
                    Label {
                        text: entry.title
                        color: entry.current ? Theme.accentText : Theme.text
                        font.bold: entry.unreadCount > 0
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                    Label {
                        visible: entry.detail.length > 0 && entry.detail !== entry.title
                        text: entry.detail
                        color: entry.current ? Theme.accentText : Theme.textMuted
                        font.pixelSize: Theme.fontSizeSmall
                    }
                    Label {
                        visible: entry.unreadCount > 0
                        text: entry.unreadCount > 99 ? "99+" : String(entry.unreadCount)
                        color: entry.current ? Theme.accentText : Theme.textMuted
                        font.pixelSize: Theme.fontSizeSmall
                        font.bold: true
                    }
                }
            }
        }

        Label {
            objectName: "quickSwitcherEmpty"
            visible: list.count === 0
            text: qsTr("Nothing matches “%1”").arg(field.text)
            color: Theme.textMuted
            Layout.margins: Theme.spacing
        }
    }
}
