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

    /// Whether `item` shows its part `name` (parts made on demand are absent when not shown).
    function shown(item, name) {
        const part = findChild(item, name)
        return part !== null && part.visible
    }

    function make(state, extra) {
        const props = {
            seq: state === 0 ? 7 : 0, author: "alice", authorDisplay: "Alice", text: "hello",
            time: new Date(2024, 10, 27, 9, 41), deliveryState: state,
            failReason: state === 2 ? "too large" : "", cid: "cid-1", own: true,
            firstOfGroup: true, dayBreak: false, mentionsMe: false, firstUnread: false
        }
        for (const key in extra)
            props[key] = extra[key]
        // As MessageModel's `markdown` and `formatted` roles do.
        props.markdown = MarkdownFilter.safe(props.text)
        props.formatted = MarkdownFilter.hasMarkdown(props.text)
        const item = createTemporaryObject(delegateComponent, root, props)
        verify(item, "delegate created with all required properties")
        return item
    }

    /// What the message shows, as plain text.
    function plainText(body) { return body.getText(0, body.length) }
    /// What the message's document renders (tests/qml/main.cpp: TextProbe).
    function rendered(body) { return TextProbe.formats(body) }

    function test_sent() {
        const item = make(0, {})
        const body = findChild(item, "messageText")
        compare(plainText(body), "hello")
        verify(Qt.colorEqual(body.color, Theme.text))
        verify(!findChild(item, "pendingClock").visible)
        verify(!shown(item, "failedRow"))
        compare(findChild(item, "authorLabel").text, "Alice")
    }

    function test_pending() {
        const item = make(1, {})
        verify(item.pending)
        verify(findChild(item, "pendingClock").visible, "a pending message shows a clock")
        verify(Qt.colorEqual(findChild(item, "messageText").color, Theme.textPending),
               "a pending message is greyed")
        verify(!shown(item, "failedRow"))
    }

    function test_failed() {
        const item = make(2, {})
        verify(item.failed)
        verify(shown(item, "failedRow"), "a failed message shows Retry/Discard")
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
        verify(!shown(grouped, "dayBreak"))
        const first = make(0, { dayBreak: true })
        verify(shown(first, "dayBreak"))
        verify(first.height > grouped.height)
    }

    function test_markdownRenders() {
        const item = make(0, { text: "**bold** and *it* with `a < b`\n\n- one\n- two\n\n> quoted" })
        const body = findChild(item, "messageText")
        const text = plainText(body)
        verify(text.indexOf("bold and it with a < b") >= 0, text)
        verify(text.indexOf("**") < 0, "the marks are rendered, not shown")
        const r = rendered(body)
        verify(r.bold, "bold renders")
        verify(r.italic, "italics render")
        verify(r.code, "code renders")
        verify(r.list, "a list renders")
        verify(r.quote, "a quote renders")
    }

    function test_neverRendersRawHtml_data() {
        return [
            { tag: "bold", text: "<b>x</b>", literal: "<b>x</b>" },
            { tag: "img", text: "<img src=\"http://example.com/x.png\">", literal: "<img src=" },
            { tag: "script", text: "<script>alert(1)</script>", literal: "<script>" },
            { tag: "javascript link", text: "<a href=\"javascript:alert(1)\">go</a>", literal: "<a href=" },
            { tag: "html block", text: "<div>\n<b>x</b>\n</div>", literal: "<b>x</b>" },
            { tag: "in a list", text: "- <b>x</b>\n- <i>y</i>", literal: "<b>x</b>" },
            { tag: "in a quote", text: "> <b>x</b>", literal: "<b>x</b>" },
            { tag: "entities", text: "&lt;b&gt;x&lt;/b&gt;", literal: "<b>x</b>" },
            { tag: "colour", text: "<font color=red size=7>big</font>", literal: "<font" },
            { tag: "markdown image", text: "![](http://example.com/x.png)", literal: "!", linked: true },
        ]
    }
    function test_neverRendersRawHtml(data) {
        const item = make(0, { text: data.text, own: false, author: "mallory" })
        const body = findChild(item, "messageText")
        const text = plainText(body)
        verify(text.indexOf(data.literal) >= 0, "shown as typed: " + text)
        const r = rendered(body)
        verify(!r.image, "no image")
        verify(!r.bold, "no bold")
        verify(!r.italic, "no italics")
        if (!data.linked)
            compare(r.anchors.length, 0, "no link from HTML")
        else
            verify(r.anchors.every(a => a.startsWith("http://example.com/")), r.anchors)
    }

    function test_linksOpenOnlyForWebAndMail_data() {
        return [
            { tag: "https", link: "https://example.com/a", open: true },
            { tag: "http", link: "http://example.com", open: true },
            { tag: "mailto", link: "mailto:a@example.com", open: true },
            { tag: "javascript", link: "javascript:alert(1)", open: false },
            { tag: "file", link: "file:///etc/passwd", open: false },
            { tag: "data", link: "data:text/html,<b>x</b>", open: false },
            { tag: "relative", link: "/etc/passwd", open: false },
            { tag: "empty", link: "", open: false },
        ]
    }
    function test_linksOpenOnlyForWebAndMail(data) {
        compare(MarkdownFilter.isOpenable(data.link), data.open)
        if (!data.open) {
            const item = make(0, {})
            verify(!item.openLink(data.link), "refused without opening anything")
        }
    }

    function test_linkRendersAndPlainUrlsAreLinked() {
        const item = make(0, { text: "[site](https://example.com/a) and https://example.org/b" })
        const r = rendered(findChild(item, "messageText"))
        compare(r.anchors, ["https://example.com/a", "https://example.org/b"],
                "a link, and a plain URL linked")
    }

    function test_linksTakeTheThemeColour() {
        const before = Theme.mode
        for (const mode of ["light", "dark"]) {
            Theme.setMode(mode)
            const item = make(0, { text: "see [site](https://example.com/a)" })
            const r = rendered(findChild(item, "messageText"))
            compare(r.linkColors, [Theme.link.toString()], mode)
            // A delegate made before the switch renders again in the new colour.
            Theme.setMode(mode === "light" ? "dark" : "light")
            compare(rendered(findChild(item, "messageText")).linkColors, [Theme.link.toString()])
        }
        Theme.setMode(before)
    }

    function test_mentionIsHighlighted() {
        const plain = make(0, { text: "hi" })
        verify(!findChild(plain, "mentionBar").visible)
        verify(Qt.colorEqual(findChild(plain, "messageBackground").color, "transparent"))
        const mention = make(0, { text: "hi @alice", mentionsMe: true, own: false })
        verify(findChild(mention, "mentionBar").visible, "an accent bar")
        verify(Qt.colorEqual(findChild(mention, "messageBackground").color, Theme.mentionSurface),
               "a tinted background")
    }

    function test_newMessagesLine() {
        const read = make(0, {})
        verify(!shown(read, "newMessagesLine"))
        const unread = make(0, { firstUnread: true })
        const line = findChild(unread, "newMessagesLine")
        verify(line.visible)
        verify(unread.height > read.height, "the line takes room above the message")
        const body = findChild(unread, "messageText")
        verify(line.mapToItem(unread, 0, 0).y < body.mapToItem(unread, 0, 0).y, "above the text")
    }

    // The line in a list: only above the row MessageModel marks firstUnread, below the
    // messages read before, whatever else the rows carry (day breaks, groups).
    ListModel { id: messagesModel }
    Component {
        id: listComponent
        ListView {
            width: 600
            height: 2000
            model: messagesModel
            delegate: MessageDelegate {}
        }
    }

    function test_newMessagesLinePlacementInAList() {
        messagesModel.clear()
        const firstUnreadRow = 6
        for (let i = 0; i < 10; ++i) {
            const text = "message " + i
            messagesModel.append({
                seq: i + 1, author: i % 3 === 0 ? "alice" : "bob", authorDisplay: "", text: text,
                time: new Date(2024, 10, 27, 9, i), deliveryState: 0, failReason: "",
                cid: "c" + i, own: false, firstOfGroup: i % 3 === 0, dayBreak: i === 0,
                markdown: MarkdownFilter.safe(text), formatted: MarkdownFilter.hasMarkdown(text),
                mentionsMe: false,
                firstUnread: i === firstUnreadRow
            })
        }
        const list = createTemporaryObject(listComponent, root)
        verify(list)
        tryCompare(list, "count", 10)
        list.forceLayout()
        let withLine = []
        for (let i = 0; i < list.count; ++i) {
            const item = list.itemAtIndex(i)
            verify(item, "row " + i + " is laid out")
            if (shown(item, "newMessagesLine"))
                withLine.push(i)
        }
        compare(withLine, [firstUnreadRow], "one line, above the first unread message")
        const above = list.itemAtIndex(firstUnreadRow - 1)
        const lineItem = findChild(list.itemAtIndex(firstUnreadRow), "newMessagesLine")
        verify(lineItem.mapToItem(list.contentItem, 0, 0).y >= above.y + above.height - 1,
               "below the last read message")

        // The model moves the line (the channel opened again later): the view follows.
        messagesModel.setProperty(firstUnreadRow, "firstUnread", false)
        messagesModel.setProperty(8, "firstUnread", true)
        verify(!shown(list.itemAtIndex(firstUnreadRow), "newMessagesLine"))
        verify(shown(list.itemAtIndex(8), "newMessagesLine"))
    }
}
