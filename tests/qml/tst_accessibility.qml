// SPDX-License-Identifier: Apache-2.0
// Every interactive control of the app's pages, dialogs, menus and delegates has a name for
// screen readers: this walks their item trees (popups, menus and dialog footers included)
// and lists each Button, ToolButton, ItemDelegate, MenuItem, CheckBox (any AbstractButton),
// TextField, TextArea or ComboBox whose Accessible.name is empty or only a symbol ("⋮",
// "+", "✉"). Never signed in here (see main.cpp).
import QtQuick
import QtQuick.Controls
import QtTest
import Confab.Ui

TestCase {
    id: root
    name: "Accessibility"
    width: 1200
    height: 760
    visible: true
    when: windowShown

    Component { id: signInPage; SignInPage { width: 1200; height: 760 } }
    Component { id: chatPage; ChatPage { width: 1200; height: 760 } }
    Component { id: adminPage; AdminPage { width: 1200; height: 760 } }
    Component { id: hostPage; HostPage { width: 1200; height: 760 } }
    Component { id: composer; Composer { width: 400 } }
    Component { id: statusMenu; StatusMenu {} }
    Component { id: createChannelDialog; CreateChannelDialog {} }
    Component { id: channelBrowserDialog; ChannelBrowserDialog {} }
    Component { id: personPickerDialog; PersonPickerDialog {} }
    Component { id: inviteDialog; InviteDialog {} }
    Component { id: kickDialog; KickDialog {} }
    Component { id: connectionBanner; ConnectionBanner { width: 800 } }
    ListModel {
        id: conversationModel
        ListElement { name: "general"; title: "general"; isDirect: false; otherUser: ""; unreadCount: 3 }
        ListElement { name: "dm:a:b"; title: "Bob"; isDirect: true; otherUser: "b"; unreadCount: 0 }
    }
    ListModel {
        id: peopleModel
        ListElement { user: "carol"; displayName: "Carol"; status: "online" }
    }
    Component {
        id: quickSwitcher
        QuickSwitcher { conversations: conversationModel; people: peopleModel }
    }
    Component {
        id: channelDelegate
        ChannelDelegate {
            width: 240
            name: "general"; topic: ""; unreadCount: 2; lastMessageText: ""; lastMessageAuthor: ""
            lastMessageTime: new Date(); mentioned: false; typingUsers: []; isDirect: false
            title: "general"
        }
    }
    Component {
        id: memberDelegate
        MemberDelegate {
            user: "bob"; status: "online"; statusText: "lunch"; lastSeen: new Date(); typing: false
            displayName: "Bob"; lastSeenText: ""
        }
    }

    // By what they can do: `instanceof` only knows a style's own type (Basic's ToolButton is
    // not `instanceof AbstractButton`).
    function isButton(item) {
        return typeof item.toggle === "function" && item.checkable !== undefined
               && item.autoRepeat !== undefined // any AbstractButton: Button, ItemDelegate, MenuItem…
    }
    function isTextInput(item) {
        return item.placeholderText !== undefined && item.cursorPosition !== undefined
    }
    function isComboBox(item) {
        return item.textRole !== undefined && item.currentIndex !== undefined && item.popup !== undefined
    }
    function isSpinBox(item) {
        return item.stepSize !== undefined && item.up !== undefined && item.value !== undefined
    }
    function isPopup(object) {
        return typeof object.open === "function" && object.closePolicy !== undefined
    }
    function isMenu(object) {
        return isPopup(object) && typeof object.itemAt === "function" && typeof object.addItem === "function"
    }
    function isInteractive(item) {
        return isButton(item) || isTextInput(item) || isComboBox(item) || isSpinBox(item)
    }

    // Words a screen reader can say: a letter or digit, not only a symbol ("⋮", "+", "✉").
    function sayable(text) {
        return Array.from(text || "").some(
            c => c.toLowerCase() !== c.toUpperCase() || (c >= "0" && c <= "9"))
    }
    // An explicit Accessible.name; a button's text counts too, as Qt Quick Controls name a
    // button by its text (the standard buttons of a dialog: Cancel, Close).
    function hasName(item) {
        return sayable(item.Accessible.name) || (isButton(item) && sayable(item.text))
    }

    function describe(item, path) {
        return path + " " + String(item).replace(/\(0x[0-9a-f]+.*$/, "")
               + (item.objectName ? " '" + item.objectName + "'" : "")
               + (item.text !== undefined ? " text='" + item.text + "'" : "")
    }

    /// The unnamed interactive controls under `object` (an Item or a Popup).
    function unnamed(object, path, seen) {
        if (!object || seen.indexOf(object) >= 0)
            return []
        seen.push(object)
        let missing = []
        if (isInteractive(object) && !hasName(object))
            missing.push(describe(object, path))
        const next = []
        // A combo box's or spin box's own field is part of it, named with it.
        if (isComboBox(object) || isSpinBox(object))
            return missing
        // `data`: visual children and declared non-visual ones (popups, menus, dialogs).
        const data = object.data || []
        for (let i = 0; i < data.length; ++i)
            next.push(data[i])
        if (isPopup(object)) {
            next.push(object.contentItem)
            if (object.header) next.push(object.header)
            if (object.footer) next.push(object.footer)
        }
        if (isMenu(object)) {
            for (let i = 0; i < object.count; ++i)
                next.push(object.itemAt(i))
        }
        for (let i = 0; i < next.length; ++i)
            missing = missing.concat(unnamed(next[i], path + "/" + i, seen))
        return missing
    }

    function check(component, props) {
        const object = createTemporaryObject(component, root, props || {})
        verify(object)
        if (isPopup(object)) {
            object.open()
            tryVerify(() => object.opened)
        }
        compare(unnamed(object, String(component.url).split("/").pop() || "root", []), [])
        return object
    }

    function test_signInPage() { check(signInPage) }
    function test_chatPage() { check(chatPage) }
    function test_adminPage() { check(adminPage) }
    function test_hostPage() { check(hostPage) }
    function test_composer() { check(composer) }
    function test_statusMenu() { check(statusMenu, { statusText: "lunch" }) }
    function test_quickSwitcher() { check(quickSwitcher) }
    function test_createChannelDialog() { check(createChannelDialog) }
    function test_channelBrowserDialog() { check(channelBrowserDialog) }
    function test_personPickerDialog() { check(personPickerDialog) }
    function test_inviteDialog() { check(inviteDialog) }
    function test_kickDialog() { check(kickDialog) }
    function test_connectionBanner() { check(connectionBanner) }
    function test_channelDelegate() { check(channelDelegate) }
    function test_memberDelegate() { check(memberDelegate) }

    function test_theCheckFindsAnUnnamedIconButton() {
        const item = createTemporaryObject(unnamedButton, root)
        const found = unnamed(item, "r", [])
        compare(found.length, 4, "the ⋮ button, the bare text field, a combo box in a row, a menu's item")
        compare(found.slice(0, 3).map(entry => entry.split(" ")[0]), ["r/0", "r/1", "r/3/0"])
        verify(found[3].startsWith("r/4/") && found[3].endsWith("text='+'"), found[3])
    }
    Component {
        id: unnamedButton
        Item {
            ToolButton { text: "⋮" }
            TextField {}
            Button { text: "Send" }
            Row { ComboBox { Accessible.name: "" } }
            Item {
                Label { text: "not interactive" }
                Menu { MenuItem { text: "+" } MenuItem { text: "Quit"; Accessible.name: text } }
            }
        }
    }
}
