// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtTest
import QtQuick.Controls
import Confab.Ui

TestCase {
    id: root
    name: "Composer"
    width: 500
    height: 300
    visible: true
    when: windowShown

    ListModel {
        id: memberModel
        ListElement { user: "alice"; displayName: "Alice Liddell" }
        ListElement { user: "albert"; displayName: "Albert" }
        ListElement { user: "bob"; displayName: "Bob Alvarez" }
        ListElement { user: "carol"; displayName: "Carol" }
        ListElement { user: "me"; displayName: "Me Myself" }
        ListElement { user: "zoe"; displayName: "Zoë Émile" }
    }
    Component {
        id: composerComponent
        Composer { width: 400; y: 150; members: memberModel; ownUser: "me" }
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

    function typeText(text) {
        for (const c of text)
            keyClick(c)
    }
    function mentionUsers(composer) {
        const out = []
        for (let i = 0; i < composer.mentions.count; ++i)
            out.push(composer.mentions.get(i).user)
        return out
    }

    function test_atOffersMembersByUserOrDisplayName() {
        const composer = makeFocused()
        typeText("hi @")
        verify(composer.mentionOpen, "@ alone lists everyone")
        compare(mentionUsers(composer), ["alice", "albert", "bob", "carol", "zoe"], "never oneself")
        typeText("al")
        compare(mentionUsers(composer), ["alice", "albert", "bob"], "bob by his last name")
        keyClick(Qt.Key_B)
        compare(mentionUsers(composer), ["albert"])
        keyClick(Qt.Key_X)
        verify(!composer.mentionOpen, "no member: no list")
    }

    function test_anyLettersComplete() {
        const composer = makeFocused()
        composer.text = "@Ém"
        composer.input.cursorPosition = 3
        compare(mentionUsers(composer), ["zoe"], "a display name in any script")
    }

    function test_emailIsNotAMention() {
        const composer = makeFocused()
        typeText("x@al")
        verify(!composer.mentionOpen)
    }

    function test_enterCompletesInsteadOfSending() {
        const composer = makeFocused()
        typeText("hi @ca")
        verify(composer.mentionOpen)
        keyClick(Qt.Key_Return)
        compare(sendSpy.count, 0, "Enter completes while the list is open")
        compare(composer.text, "hi @carol ")
        verify(!composer.mentionOpen)
        typeText("ok")
        keyClick(Qt.Key_Return)
        compare(sendSpy.count, 1)
        compare(sendSpy.signalArguments[0][0], "hi @carol ok")
    }

    function test_arrowsAndTabComplete() {
        const composer = makeFocused()
        typeText("@al")
        compare(composer.mentionIndex, 0)
        keyClick(Qt.Key_Down)
        compare(composer.mentionIndex, 1)
        keyClick(Qt.Key_Down)
        keyClick(Qt.Key_Down)
        compare(composer.mentionIndex, 0, "wraps around")
        keyClick(Qt.Key_Up)
        compare(composer.mentionIndex, 2)
        keyClick(Qt.Key_Up)
        keyClick(Qt.Key_Tab)
        compare(composer.text, "@albert ")
        verify(composer.input.activeFocus, "Tab completes instead of leaving the box")
    }

    function test_completesInTheMiddleOfText() {
        const composer = makeFocused()
        typeText("ask  today")
        composer.input.cursorPosition = 4
        typeText("@bo")
        keyClick(Qt.Key_Tab)
        compare(composer.text, "ask @bob  today")
        compare(composer.input.cursorPosition, 9)
    }

    function test_escapeClosesTheList() {
        const composer = makeFocused()
        typeText("@a")
        verify(composer.mentionOpen)
        keyClick(Qt.Key_Escape)
        verify(!composer.mentionOpen)
        compare(composer.text, "@a")
        keyClick(Qt.Key_Return)
        compare(sendSpy.count, 1, "Enter sends again once the list is closed")
    }

    function test_followsTheMembers() {
        const composer = makeFocused()
        typeText("@da")
        verify(!composer.mentionOpen)
        memberModel.append({ user: "dave", displayName: "Dave" })
        verify(composer.mentionOpen)
        compare(mentionUsers(composer), ["dave"])
        memberModel.remove(memberModel.count - 1)
        verify(!composer.mentionOpen)
    }
}
