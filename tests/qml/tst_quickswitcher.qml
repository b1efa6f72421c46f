// SPDX-License-Identifier: Apache-2.0
// The quick switcher: QuickSwitcherModel's matching and ranking, and the popup's typing,
// arrows, Enter and Esc, fed ListModels with the engine's role names.
import QtQuick
import QtTest
import QtQuick.Controls
import Confab.Ui

TestCase {
    id: root
    name: "QuickSwitcher"
    width: 800
    height: 600
    visible: true
    when: windowShown

    ListModel {
        id: conversationModel
        ListElement { name: "general"; title: "general"; isDirect: false; otherUser: ""; unreadCount: 0 }
        ListElement { name: "dev-ops"; title: "dev-ops"; isDirect: false; otherUser: ""; unreadCount: 2 }
        ListElement { name: "random"; title: "random"; isDirect: false; otherUser: ""; unreadCount: 0 }
        ListElement { name: "dm:alice:carol"; title: "Carol Danvers"; isDirect: true; otherUser: "carol"; unreadCount: 1 }
        ListElement { name: "legal"; title: "legal"; isDirect: false; otherUser: ""; unreadCount: 0 }
    }
    ListModel {
        id: peopleModel
        ListElement { user: "bob"; displayName: "Bob Opsworth"; status: "online" }
        ListElement { user: "carol"; displayName: "Carol Danvers"; status: "away" }
        ListElement { user: "gene"; displayName: "Gene Ral"; status: "offline" }
    }

    QuickSwitcherModel {
        id: ranked
        conversations: conversationModel
        people: peopleModel
    }

    Component {
        id: switcherComponent
        QuickSwitcher {
            conversations: conversationModel
            people: peopleModel
        }
    }
    SignalSpy { id: conversationSpy; signalName: "conversationChosen" }
    SignalSpy { id: personSpy; signalName: "personChosen" }

    function keys() {
        const out = []
        for (let i = 0; i < ranked.count; ++i)
            out.push(ranked.get(i).key)
        return out
    }

    function init() {
        ranked.query = ""
        conversationSpy.clear()
        personSpy.clear()
    }

    function test_scoreTiers() {
        verify(ranked.matchScore("gen", "general") > ranked.matchScore("ops", "dev-ops"),
               "a prefix ranks above a word start")
        verify(ranked.matchScore("ops", "dev-ops") > ranked.matchScore("gnl", "general"),
               "a word start ranks above a subsequence")
        verify(ranked.matchScore("Ops", "devOps") > ranked.matchScore("ops", "devops"),
               "a camelCase word starts a word")
        verify(ranked.matchScore("GEN", "general") > 0, "case is ignored")
        compare(ranked.matchScore("xyz", "general"), 0)
        compare(ranked.matchScore("lareneg", "general"), 0, "the order of the letters matters")
        compare(ranked.matchScore("", "general"), 0)
        verify(ranked.matchScore("gl", "general") > ranked.matchScore("gl", "gone to the mall"),
               "a tighter subsequence ranks higher")
    }

    function test_emptyQueryListsConversationsThenPeople() {
        // Channels, then direct conversations, then people; carol has a conversation already.
        compare(keys(), ["general", "dev-ops", "random", "legal", "dm:alice:carol", "bob", "gene"])
        compare(ranked.get(4).title, "Carol Danvers")
        compare(ranked.get(5).kind, "person")
        compare(ranked.get(5).title, "Bob Opsworth")
        compare(ranked.get(5).status, "online")
        compare(ranked.get(1).unreadCount, 2)
    }

    function test_rankingPrefixThenWordStartThenSubsequence() {
        ranked.query = "ge"
        // Two prefixes ("legal" has g-e out of order): the shorter name is the closer match.
        compare(keys(), ["gene", "general"])
        ranked.query = "ops"
        // dev-ops (word start) and Bob Opsworth (word start of "Opsworth"): conversations first.
        compare(keys(), ["dev-ops", "bob"])
        ranked.query = "ral"
        // gene: "Gene Ral" word start; general: subsequence r-a-l.
        compare(keys(), ["gene", "general"])
        ranked.query = "DAN"
        compare(keys(), ["dm:alice:carol"], "a direct conversation matches its title, any case")
        ranked.query = "carol"
        compare(keys(), ["dm:alice:carol"], "and its other user's name, listed once")
        ranked.query = "zzz"
        compare(ranked.count, 0)
    }

    function test_followsTheSources() {
        ranked.query = "new"
        compare(ranked.count, 0)
        conversationModel.append({ name: "newsroom", title: "newsroom", isDirect: false, otherUser: "", unreadCount: 0 })
        compare(keys(), ["newsroom"])
        conversationModel.remove(conversationModel.count - 1)
        compare(ranked.count, 0)
    }

    function makeOpen() {
        const switcher = createTemporaryObject(switcherComponent, root)
        verify(switcher)
        conversationSpy.target = switcher
        personSpy.target = switcher
        switcher.open()
        tryVerify(() => switcher.opened)
        const field = findChild(switcher.contentItem, "quickSwitcherField")
        verify(field)
        tryVerify(() => field.activeFocus, 5000, "typing goes to the search field at once")
        return switcher
    }

    function test_typingFiltersAndEnterOpensTheBest() {
        const switcher = makeOpen()
        const list = findChild(switcher.contentItem, "quickSwitcherList")
        compare(list.count, 7)
        keyClick(Qt.Key_R)
        keyClick(Qt.Key_A)
        keyClick(Qt.Key_N)
        compare(switcher.query, "ran")
        compare(list.count, 2, "random by prefix, Carol Danvers by r-a-n")
        compare(switcher.model.get(0).key, "random")
        keyClick(Qt.Key_D)
        compare(list.count, 1)
        compare(switcher.currentIndex, 0)
        keyClick(Qt.Key_Return)
        compare(conversationSpy.count, 1)
        compare(conversationSpy.signalArguments[0][0], "random")
        tryVerify(() => !switcher.opened, 5000, "Enter closes it")
    }

    function test_arrowsChoose() {
        const switcher = makeOpen()
        keyClick(Qt.Key_G)
        keyClick(Qt.Key_E)
        const list = findChild(switcher.contentItem, "quickSwitcherList")
        compare(list.count, 2)
        compare(switcher.model.get(0).key, "gene")
        compare(switcher.model.get(1).key, "general")
        keyClick(Qt.Key_Down)
        compare(switcher.currentIndex, 1)
        keyClick(Qt.Key_Down)
        compare(switcher.currentIndex, 0, "the choice wraps around")
        keyClick(Qt.Key_Up)
        compare(switcher.currentIndex, 1)
        keyClick(Qt.Key_Return)
        compare(personSpy.count, 0)
        compare(conversationSpy.count, 1)
        compare(conversationSpy.signalArguments[0][0], "general", "the chosen row opens, not the first")
    }

    function test_aPersonIsOpenedByUserName() {
        makeOpen()
        keyClick(Qt.Key_O)
        keyClick(Qt.Key_P)
        keyClick(Qt.Key_S)
        keyClick(Qt.Key_W)
        keyClick(Qt.Key_Enter) // the keypad's Enter too
        compare(conversationSpy.count, 0)
        compare(personSpy.count, 1)
        compare(personSpy.signalArguments[0][0], "bob")
    }

    function test_typingAgainStartsAtTheBestMatch() {
        const switcher = makeOpen()
        keyClick(Qt.Key_Down)
        keyClick(Qt.Key_Down)
        compare(switcher.currentIndex, 2)
        keyClick(Qt.Key_L)
        compare(switcher.currentIndex, 0)
    }

    function test_escapeClosesWithoutChoosing() {
        const switcher = makeOpen()
        keyClick(Qt.Key_G)
        keyClick(Qt.Key_Escape)
        tryVerify(() => !switcher.visible)
        compare(conversationSpy.count, 0)
        compare(personSpy.count, 0)
    }

    function test_enterWithNoMatchDoesNothing() {
        const switcher = makeOpen()
        keyClick(Qt.Key_Q)
        keyClick(Qt.Key_Q)
        keyClick(Qt.Key_Return)
        compare(conversationSpy.count, 0)
        compare(personSpy.count, 0)
        verify(switcher.opened, "stays open to fix the typing")
    }
}
