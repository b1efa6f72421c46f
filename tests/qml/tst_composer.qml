// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtTest
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
}
