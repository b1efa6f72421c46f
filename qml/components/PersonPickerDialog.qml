// SPDX-License-Identifier: Apache-2.0
// Picks a person among those the engine knows (AppContext.engine.people: everyone who
// shares a channel with the user; the protocol has no directory), searched by user or
// display name as one types. Used to start a direct conversation and to invite someone to
// a private channel. Enter picks the first match; nothing happens until a pick.
import QtQuick
import Confab.Ui
import QtQuick.Controls
import QtQuick.Layouts

Dialog {
    id: root

    property string prompt: qsTr("Search by name")
    property string actionText: qsTr("Message")

    signal picked(string user)

    function matches(user, displayName) {
        const q = searchField.text.trim().toLowerCase()
        return q.length === 0 || user.toLowerCase().indexOf(q) >= 0
               || displayName.toLowerCase().indexOf(q) >= 0
    }
    function pick(user) {
        root.close()
        root.picked(user)
    }

    modal: true
    width: 420
    height: Math.min(520, parent ? parent.height - 2 * Theme.spacingLarge : 520)
    standardButtons: Dialog.Cancel
    onOpened: {
        searchField.clear()
        AppContext.engine.refreshPeople()
        searchField.forceActiveFocus()
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing

        TextField {
            id: searchField
            objectName: "personSearch"
            placeholderText: root.prompt
            Layout.fillWidth: true
            Accessible.name: root.prompt
            onAccepted: {
                for (let i = 0; i < people.count; ++i) {
                    const item = people.itemAtIndex(i)
                    if (item && item.shown) {
                        root.pick(item.user)
                        return
                    }
                }
            }
        }
        ListView {
            id: people
            objectName: "personList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: AppContext.engine.people
            ScrollBar.vertical: ScrollBar {}
            delegate: ItemDelegate {
                id: person
                required property string user
                required property string displayName
                required property string status
                readonly property bool shown: root.matches(user, displayName)
                visible: shown
                height: shown ? 44 : 0
                width: ListView.view.width
                Accessible.name: qsTr("%1: %2 (%3)").arg(root.actionText).arg(displayName).arg(user)
                onClicked: root.pick(user)
                contentItem: RowLayout {
                    spacing: Theme.spacing
                    Avatar { name: person.user; status: person.status; size: 26; ringColor: Theme.background }
                    Label { text: person.displayName; color: Theme.text; elide: Text.ElideRight; Layout.fillWidth: true }
                    Label { text: person.user; color: Theme.textMuted; font.pixelSize: Theme.fontSizeSmall + 1 }
                }
            }
            Label {
                anchors.centerIn: parent
                width: parent.width - 2 * Theme.spacingLarge
                visible: people.count === 0
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                text: qsTr("Nobody yet: people appear here once you share a channel with them.")
                color: Theme.textMuted
            }
        }
    }
}
