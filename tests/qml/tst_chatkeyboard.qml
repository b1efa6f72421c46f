// SPDX-License-Identifier: Apache-2.0
// The chat page without a mouse: Ctrl+K opens the quick switcher from the composer (even
// though a text box knows Ctrl+K), Esc closes it and typing goes back to the composer; a
// conversation switch, however it comes, puts the focus in the composer; the order
// Alt+Up/Down and Alt+Shift+Up/Down follow. Never signed in (see main.cpp): the current
// channel is set by hand, which the engine allows.
import QtQuick
import QtQuick.Controls
import QtTest
import Confab.Ui

TestCase {
    id: root
    name: "ChatKeyboard"
    width: 1200
    height: 760
    visible: true
    when: windowShown

    Component {
        id: pageComponent
        ChatPage { width: 1200; height: 760 }
    }

    function cleanup() {
        AppContext.currentChannel = ""
    }

    function makePage() {
        AppContext.currentChannel = "general"
        const page = createTemporaryObject(pageComponent, root)
        verify(page)
        const input = findChild(page, "composerInput")
        verify(input)
        input.forceActiveFocus()
        tryVerify(() => input.activeFocus)
        return page
    }

    function test_ctrlKOpensTheSwitcherFromTheComposer() {
        const page = makePage()
        const input = findChild(page, "composerInput")
        keyClick(Qt.Key_H)
        keyClick(Qt.Key_K, Qt.ControlModifier)
        const switcher = findChild(page, "quickSwitcher")
        verify(switcher)
        tryVerify(() => switcher.opened, 5000, "Ctrl+K opens the quick switcher")
        compare(input.text, "h", "Ctrl+K is not the text box's delete-to-end-of-line")
        keyClick(Qt.Key_Escape)
        tryVerify(() => !switcher.visible)
        tryVerify(() => input.activeFocus, 5000, "back to the composer")
    }

    function test_aSwitchPutsTheFocusInTheComposer() {
        const page = makePage()
        const input = findChild(page, "composerInput")
        const other = findChild(page, "createChannelButton")
        other.forceActiveFocus()
        verify(!input.activeFocus)
        AppContext.currentChannel = "random" // as a notification or the switcher does
        tryVerify(() => input.activeFocus, 5000, "typing goes to the new conversation")
    }

    function test_statusMenuOpensFromTheAvatar() {
        const page = makePage()
        const button = findChild(page, "ownStatusButton")
        verify(button)
        verify(button.Accessible.name.startsWith("Your status: Online"), button.Accessible.name)
        button.forceActiveFocus()
        keyClick(Qt.Key_Space)
        const menu = findChild(page, "statusMenu")
        tryVerify(() => menu.opened)
        compare(menu.status, "online", "an engine without a status reads as online")
        keyClick(Qt.Key_Escape)
        tryVerify(() => !menu.visible)
        tryVerify(() => findChild(page, "composerInput").activeFocus)
    }

    function test_neighbourOrder() {
        const page = makePage()
        const order = [{ name: "a", unread: 0 }, { name: "b", unread: 2 }, { name: "c", unread: 0 },
                       { name: "dm:x:y", unread: 1 }]
        compare(page.neighbour(order, "a", 1, false), "b")
        compare(page.neighbour(order, "b", -1, false), "a")
        compare(page.neighbour(order, "a", -1, false), "", "stops at the top")
        compare(page.neighbour(order, "dm:x:y", 1, false), "", "stops at the bottom")
        compare(page.neighbour(order, "", 1, false), "a", "none shown: the first")
        compare(page.neighbour(order, "", -1, false), "dm:x:y", "none shown, up: the last")
        compare(page.neighbour(order, "a", 1, true), "b", "next unread")
        compare(page.neighbour(order, "b", 1, true), "dm:x:y", "skips the read ones")
        compare(page.neighbour(order, "dm:x:y", 1, true), "b", "wraps around")
        compare(page.neighbour(order, "c", -1, true), "b", "previous unread")
        compare(page.neighbour(order, "a", -1, true), "dm:x:y", "previous wraps around")
        compare(page.neighbour([{ name: "a", unread: 3 }], "a", 1, true), "", "only the current")
        compare(page.neighbour([], "a", 1, false), "")
    }
}
