// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtTest
import QtQuick.Controls
import Confab.Ui

TestCase {
    id: root
    name: "Composer"
    width: 500
    height: 200
    visible: true
    when: windowShown

    Component {
        id: composerComponent
        Composer { width: 400 }
    }
    Component {
        id: composerBetweenFields
        Column {
            property alias composer: composer
            property alias before: before
            property alias after: after
            TextField { id: before; width: 100 }
            Composer { id: composer; width: 400 }
            TextField { id: after; width: 100 }
        }
    }
    SignalSpy { id: sendSpy; signalName: "sendRequested" }
    SignalSpy { id: draftSpy; signalName: "draftEdited" }

    function init() {
        sendSpy.clear()
        draftSpy.clear()
    }

    function makeFocused() {
        const composer = createTemporaryObject(composerComponent, root)
        verify(composer)
        sendSpy.target = composer
        draftSpy.target = composer
        composer.input.forceActiveFocus()
        tryVerify(() => composer.input.activeFocus)
        return composer
    }

    function test_enterSends() {
        const composer = makeFocused()
        keyClick(Qt.Key_H)
        keyClick(Qt.Key_I)
        compare(composer.text, "hi")
        verify(draftSpy.count >= 2, "every edit is reported for typing notifications")
        keyClick(Qt.Key_Return)
        compare(sendSpy.count, 1)
        compare(sendSpy.signalArguments[0][0], "hi")
        compare(composer.text, "", "sending clears the box")
    }

    function test_keypadEnterSends() {
        const composer = makeFocused()
        keyClick(Qt.Key_A)
        keyClick(Qt.Key_Enter)
        compare(sendSpy.count, 1)
    }

    function test_shiftEnterAddsNewLine() {
        const composer = makeFocused()
        keyClick(Qt.Key_A)
        keyClick(Qt.Key_Return, Qt.ShiftModifier)
        keyClick(Qt.Key_B)
        compare(sendSpy.count, 0, "Shift+Enter must not send")
        compare(composer.text, "a\nb")
        keyClick(Qt.Key_Return)
        compare(sendSpy.count, 1)
        compare(sendSpy.signalArguments[0][0], "a\nb")
    }

    function test_blankIsNotSent() {
        const composer = makeFocused()
        keyClick(Qt.Key_Space)
        keyClick(Qt.Key_Return)
        compare(sendSpy.count, 0)
    }

    function test_tabLeavesTheBoxWithoutATabCharacter() {
        const form = createTemporaryObject(composerBetweenFields, root)
        verify(form)
        form.composer.input.forceActiveFocus()
        tryVerify(() => form.composer.input.activeFocus)
        keyClick(Qt.Key_A)
        keyClick(Qt.Key_Tab)
        compare(form.composer.text, "a", "Tab must not type a tab character")
        verify(!form.composer.input.activeFocus, "Tab moves focus out of the composer")
        form.composer.input.forceActiveFocus()
        keyClick(Qt.Key_Backtab, Qt.ShiftModifier)
        compare(form.composer.text, "a")
        verify(!form.composer.input.activeFocus, "Shift+Tab moves focus back out")
    }

    function test_overTheLimitIsNotSent() {
        const composer = makeFocused()
        composer.sendAllowed = false
        keyClick(Qt.Key_A)
        keyClick(Qt.Key_Return)
        compare(sendSpy.count, 0, "text over the limit stays in the box")
        compare(composer.text, "a")
        composer.sendAllowed = true
        keyClick(Qt.Key_Return)
        compare(sendSpy.count, 1)
    }

    function test_aRefusedSendCanPutTheTextBack() {
        const composer = makeFocused()
        composer.sendRequested.connect(text => { composer.text = text })
        keyClick(Qt.Key_B)
        keyClick(Qt.Key_Return)
        compare(sendSpy.count, 1)
        compare(composer.text, "b", "the handler's text is not cleared after it")
    }
}
