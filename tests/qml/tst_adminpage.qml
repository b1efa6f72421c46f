// SPDX-License-Identifier: Apache-2.0
// The admin page's own logic: nothing is kicked before the confirmation, the kick's answer
// is shown, the filter bar hands the engine its filters, the figures the server does not
// send stay hidden, the formats, and an accessible name on every control. Never signed
// in here (see main.cpp): AppContext's engine answers a kick with "offline".
import QtQuick
import QtQuick.Controls
import QtTest
import Confab.Ui

TestCase {
    id: root
    name: "AdminPage"
    width: 1200
    height: 760
    visible: true
    when: windowShown

    Component {
        id: pageComponent
        AdminPage { width: 1200; height: 760 }
    }
    SignalSpy { id: kickSpy; signalName: "kickRequested" }

    function makePage() {
        const page = createTemporaryObject(pageComponent, root)
        verify(page)
        kickSpy.clear()
        kickSpy.target = page
        return page
    }

    function cleanup() {
        // The filters live in the engine (a singleton shared by the tests): back to none.
        AppContext.setAdminFilter([], "", "", 0)
        AppContext.adminPresence.nameFilter = ""
    }

    function test_kickWaitsForTheConfirmation() {
        const page = makePage()
        const dialog = findChild(page, "kickDialog")
        verify(dialog)
        page.askKick("bob", "", 2, "")
        tryVerify(() => dialog.opened)
        compare(findChild(dialog, "kickQuestion").text,
                "This closes all 2 of bob's connections. They can sign in again.")
        compare(kickSpy.count, 0, "asking is not kicking")

        mouseClick(findChild(dialog, "kickCancel"))
        tryVerify(() => !dialog.visible)
        compare(kickSpy.count, 0, "cancelled: nothing kicked")

        page.askKick("bob", "", 2, "")
        tryVerify(() => dialog.opened)
        compare(findChild(dialog, "kickReason").text, "", "a new question starts without a reason")
        findChild(dialog, "kickReason").text = "  spam  "
        compare(kickSpy.count, 0, "typing a reason is not confirming")
        mouseClick(findChild(dialog, "kickConfirm"))
        compare(kickSpy.count, 1)
        compare(kickSpy.signalArguments[0][0], "bob")
        compare(kickSpy.signalArguments[0][1], "")
        compare(kickSpy.signalArguments[0][2], "spam")
        tryVerify(() => !dialog.visible)
        // The engine answered (offline here): the sentence is shown, as an error.
        const result = findChild(page, "resultText")
        tryCompare(result, "text", "You are offline; kick again once connected.")
        verify(findChild(page, "resultBanner").visible)
        verify(findChild(page, "resultBanner").isError)
    }

    function test_escapeDoesNotKick() {
        const page = makePage()
        const dialog = findChild(page, "kickDialog")
        page.askKick("carol", "s3-k2x9a", 1, "confab-desktop 0.3 from 10.0.0.2")
        tryVerify(() => dialog.opened)
        compare(findChild(dialog, "kickQuestion").text,
                "This closes carol's session s3-k2x9a (confab-desktop 0.3 from 10.0.0.2). They can sign in again.")
        keyClick(Qt.Key_Escape)
        tryVerify(() => !dialog.visible)
        compare(kickSpy.count, 0)
    }

    function test_sessionKickNamesTheSession() {
        const page = makePage()
        const dialog = findChild(page, "kickDialog")
        page.askKick("carol", "s3-k2x9a", 1, "")
        tryVerify(() => dialog.opened)
        mouseClick(findChild(dialog, "kickConfirm"))
        compare(kickSpy.count, 1)
        compare(kickSpy.signalArguments[0][0], "carol")
        compare(kickSpy.signalArguments[0][1], "s3-k2x9a")
        compare(kickSpy.signalArguments[0][2], "")
    }

    function test_kickResultSentences() {
        const page = makePage()
        compare(page.kickResultText("bob", 2), "Kicked bob: 2 connections closed.")
        compare(page.kickResultText("s3-k2x9a", 1), "Kicked s3-k2x9a: 1 connection closed.")
        compare(page.kickResultText("bob", 0), "bob had no open connection.")
        AppContext.kickSucceeded("bob", 2)
        compare(findChild(page, "resultText").text, "Kicked bob: 2 connections closed.")
        verify(!findChild(page, "resultBanner").isError)
    }

    function test_statusTogglesSetTheServersFilter() {
        const page = makePage()
        const online = findChild(page, "toggle_online")
        const away = findChild(page, "toggle_away")
        verify(online && away)
        mouseClick(online)
        compare(AppContext.adminPresence.statusFilter, ["online"])
        mouseClick(away)
        compare(AppContext.adminPresence.statusFilter, ["online", "away"])
        mouseClick(online)
        compare(AppContext.adminPresence.statusFilter, ["away"])
        verify(!online.checked)
        verify(away.checked)
    }

    function test_nameFieldFiltersHereOrAsksTheServer() {
        const page = makePage()
        const field = findChild(page, "nameFilter")
        field.forceActiveFocus()
        keyClick(Qt.Key_B)
        keyClick(Qt.Key_O)
        compare(AppContext.adminPresence.nameFilter, "bo", "a plain name filters at once, here")
        compare(AppContext.adminPresence.userGlob, "")
        keyClick(Qt.Key_Asterisk)
        compare(AppContext.adminPresence.nameFilter, "", "a pattern is the server's")
        tryCompare(AppContext.adminPresence, "userGlob", "bo*")
        compare(page.splitNameFilter(" a?c "), { name: "", glob: "a?c" })
        compare(page.splitNameFilter(" amy "), { name: "amy", glob: "" })
    }

    function test_channelAndIdleFilters() {
        const page = makePage()
        const channel = findChild(page, "channelFilter")
        channel.forceActiveFocus()
        channel.text = "Ops"
        keyClick(Qt.Key_Return)
        compare(AppContext.adminPresence.channelFilter, "ops")
        const idle = findChild(page, "idleFilter")
        idle.currentIndex = 2
        idle.activated(2)
        compare(AppContext.adminPresence.idleOverMs, 300000)
    }

    function test_unknownFiguresStayHidden() {
        const page = makePage()
        // No snapshot (never signed in): no figures at all, and no zeros.
        verify(!AppContext.adminStats.ready)
        verify(!findChild(page, "rateFigure").visible)
        verify(!findChild(page, "uptimeFigure").visible)
        verify(!findChild(page, "serverVersion").visible)
        verify(!findChild(page, "countedNote").visible)
        compare(findChild(page, "emptyText").text, "Only admins can see this page.")
    }

    function test_formats() {
        const page = makePage()
        compare(page.shortDuration(45000), "45s")
        compare(page.shortDuration(12 * 60000 + 5000), "12m")
        compare(page.shortDuration(2 * 3600000), "2h")
        compare(page.shortDuration(3 * 86400000), "3d")
        compare(page.shortDuration(-5), "0s")
        compare(page.longDuration(3 * 3600000 + 20 * 60000), "3h 20m")
        compare(page.longDuration(4 * 86400000 + 2 * 3600000), "4d 2h")
        compare(page.bytesText(0), "0 B")
        compare(page.bytesText(12 * 1024 + 5), "12 KiB")
        compare(page.bytesText(3.4 * 1024 * 1024), "3.4 MiB")
        compare(page.ago(null), "")
    }

    // Every control a user can reach has a name for screen readers.
    function controlsWithoutName(item, path) {
        let missing = []
        const isControl = item instanceof Button || item instanceof TextField
                          || item instanceof ComboBox || item instanceof ToolButton
        if (isControl && item.visible && (!item.Accessible.name || item.Accessible.name.length === 0))
            missing.push(path + "/" + (item.objectName || item.text || "?"))
        const children = item.children || []
        for (let i = 0; i < children.length; ++i)
            missing = missing.concat(controlsWithoutName(children[i], path + "/" + i))
        return missing
    }

    function test_everyControlHasAnAccessibleName() {
        const page = makePage()
        compare(controlsWithoutName(page, "page"), [])
        const dialog = findChild(page, "kickDialog")
        page.askKick("bob", "", 1, "")
        tryVerify(() => dialog.opened)
        compare(controlsWithoutName(dialog.contentItem, "dialog"), [])
        compare(controlsWithoutName(dialog.footer, "footer"), [])
        compare(findChild(dialog, "kickContent").Accessible.name, "Kick bob?")
        dialog.close()
    }
}
