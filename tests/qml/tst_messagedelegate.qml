// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtTest
import Confab.Ui

TestCase {
    id: root
    name: "MessageDelegate"
    width: 600
    height: 400
    visible: true
    when: windowShown

    Component {
        id: delegateComponent
        MessageDelegate {}
    }
    SignalSpy { id: retrySpy; signalName: "retryRequested" }
    SignalSpy { id: discardSpy; signalName: "discardRequested" }

    function make(state, extra) {
        const props = {
            seq: state === 0 ? 7 : 0, author: "alice", authorDisplay: "Alice", text: "hello",
            time: new Date(2024, 10, 27, 9, 41), deliveryState: state,
            failReason: state === 2 ? "too large" : "", cid: "cid-1", own: true,
            firstOfGroup: true, dayBreak: false
        }
        for (const key in extra)
            props[key] = extra[key]
        const item = createTemporaryObject(delegateComponent, root, props)
        verify(item, "delegate created with all required properties")
        return item
    }

    function test_sent() {
        const item = make(0, {})
        const body = findChild(item, "messageText")
        compare(body.text, "hello")
        verify(Qt.colorEqual(body.color, Theme.text))
        verify(!findChild(item, "pendingClock").visible)
        verify(!findChild(item, "failedRow").visible)
        compare(findChild(item, "authorLabel").text, "Alice")
    }

    function test_pending() {
        const item = make(1, {})
        verify(item.pending)
        verify(findChild(item, "pendingClock").visible, "a pending message shows a clock")
        verify(Qt.colorEqual(findChild(item, "messageText").color, Theme.textPending),
               "a pending message is greyed")
        verify(!findChild(item, "failedRow").visible)
    }

    function test_failed() {
        const item = make(2, {})
        verify(item.failed)
        verify(findChild(item, "failedRow").visible, "a failed message shows Retry/Discard")
        verify(Qt.colorEqual(findChild(item, "messageText").color, Theme.danger))
        verify(!findChild(item, "pendingClock").visible)

        retrySpy.target = item
        discardSpy.target = item
        mouseClick(findChild(item, "retryButton"))
        compare(retrySpy.count, 1)
        compare(retrySpy.signalArguments[0][0], "cid-1")
        mouseClick(findChild(item, "discardButton"))
        compare(discardSpy.count, 1)
    }

    function test_groupingAndDayBreak() {
        const grouped = make(0, { firstOfGroup: false })
        verify(!findChild(grouped, "authorLabel").visible, "a follow-up hides the author")
        verify(!findChild(grouped, "dayBreak").visible)
        const first = make(0, { dayBreak: true })
        verify(findChild(first, "dayBreak").visible)
        verify(first.height > grouped.height)
    }
}
