// SPDX-License-Identifier: Apache-2.0
// The status menu with plain values: what it shows, and what it asks for by mouse and keys.
import QtQuick
import QtTest
import QtQuick.Controls
import Confab.Ui

TestCase {
    id: root
    name: "StatusMenu"
    width: 600
    height: 500
    visible: true
    when: windowShown

    Component {
        id: menuComponent
        StatusMenu { status: "away"; statusText: "lunch" }
    }
    SignalSpy { id: requestSpy; signalName: "statusRequested" }

    function makeOpen() {
        requestSpy.clear()
        const menu = createTemporaryObject(menuComponent, root)
        verify(menu)
        requestSpy.target = menu
        menu.open()
        tryVerify(() => menu.opened)
        return menu
    }
    function child(menu, name) {
        const item = findChild(menu.contentItem, name)
        verify(item, name)
        return item
    }

    function test_showsTheCurrentStatusAndText() {
        const menu = makeOpen()
        compare(child(menu, "statusTextField").text, "lunch")
        verify(child(menu, "statusChoice_away").current)
        verify(!child(menu, "statusChoice_online").current)
        tryVerify(() => child(menu, "statusChoice_away").activeFocus, 5000,
                  "the keyboard starts on the current status")
        compare(child(menu, "statusChoice_dnd").text, "Do not disturb")
        compare(menu.labelOf("dnd"), "Do not disturb")
    }

    function test_choosingAStatusKeepsTheText() {
        const menu = makeOpen()
        mouseClick(child(menu, "statusChoice_dnd"))
        compare(requestSpy.count, 1)
        compare(requestSpy.signalArguments[0][0], "dnd")
        compare(requestSpy.signalArguments[0][1], "lunch")
        tryVerify(() => !menu.visible)
    }

    function test_keyboardOnly() {
        const menu = makeOpen()
        tryVerify(() => child(menu, "statusChoice_away").activeFocus)
        keyClick(Qt.Key_Up)
        verify(child(menu, "statusChoice_online").activeFocus)
        keyClick(Qt.Key_Space)
        compare(requestSpy.count, 1)
        compare(requestSpy.signalArguments[0][0], "online")
    }

    function test_enterInTheTextFieldSetsTheText() {
        const menu = makeOpen()
        const field = child(menu, "statusTextField")
        field.forceActiveFocus()
        field.selectAll()
        keyClick(Qt.Key_M)
        keyClick(Qt.Key_E)
        keyClick(Qt.Key_E)
        keyClick(Qt.Key_T)
        keyClick(Qt.Key_Space)
        keyClick(Qt.Key_Return)
        compare(requestSpy.count, 1)
        compare(requestSpy.signalArguments[0][0], "away", "the status stays")
        compare(requestSpy.signalArguments[0][1], "meet", "trimmed")
    }

    function test_clearButtonClearsTheText() {
        const menu = makeOpen()
        const clear = child(menu, "clearStatusTextButton")
        verify(clear.visible)
        compare(clear.Accessible.name, "Clear the status text")
        mouseClick(clear)
        compare(requestSpy.count, 1)
        compare(requestSpy.signalArguments[0][0], "away")
        compare(requestSpy.signalArguments[0][1], "")
    }

    function test_escapeChangesNothing() {
        const menu = makeOpen()
        keyClick(Qt.Key_Escape)
        tryVerify(() => !menu.visible)
        compare(requestSpy.count, 0)
    }

    function test_noTextNoClearButton() {
        const menu = createTemporaryObject(menuComponent, root, { statusText: "" })
        menu.open()
        tryVerify(() => menu.opened)
        verify(!child(menu, "clearStatusTextButton").visible)
    }
}
