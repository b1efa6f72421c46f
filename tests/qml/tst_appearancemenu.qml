// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtTest
import Confab.Ui

TestCase {
    id: root
    name: "AppearanceMenu"
    width: 400
    height: 300
    visible: true
    when: windowShown

    Component {
        id: menuComponent
        AppearanceMenu {}
    }

    property string modeBefore
    function initTestCase() { root.modeBefore = Theme.mode }
    function cleanupTestCase() { Theme.setMode(root.modeBefore) }

    function choose(button, mode) {
        mouseClick(button)
        const menu = findChild(button, "appearanceMenu")
        tryCompare(menu, "opened", true)
        const item = findChild(menu.contentItem, "appearance_" + mode) || findChild(menu, "appearance_" + mode)
        verify(item, "an item for " + mode)
        mouseClick(item)
        tryCompare(menu, "visible", false)
        return menu
    }

    function test_choosingSetsTheMode() {
        Theme.setMode("system")
        const button = createTemporaryObject(menuComponent, root)
        verify(button)
        verify(button.Accessible.name.length > 0)
        choose(button, "dark")
        compare(Theme.mode, "dark")
        verify(Theme.dark)
        choose(button, "light")
        compare(Theme.mode, "light")
        verify(!Theme.dark)
        // Choosing the checked one again keeps it checked (and the mode).
        const menu = choose(button, "light")
        compare(Theme.mode, "light")
        const items = ["system", "light", "dark"].map(m => findChild(menu, "appearance_" + m))
        compare(items.map(i => i.checked), [false, true, false])
        choose(button, "system")
        compare(Theme.mode, "system")
        compare(items.map(i => i.checked), [true, false, false])
    }
}
