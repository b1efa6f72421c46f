// SPDX-License-Identifier: Apache-2.0
// AppContext hands QML the engine's own objects (uncreatable types): the connection status
// with the engine's State enum, and the models. Never signed in here (see main.cpp).
import QtQuick
import QtTest
import Confab.Ui

TestCase {
    id: root
    name: "AppContext"

    function test_statusIsTheEnginesOwn() {
        verify(AppContext.status, "AppContext.status")
        compare(AppContext.status.state, Connection.Offline)
        compare(AppContext.status.stateText, "Offline")
        compare(AppContext.status.secondsToRetry, 0)
        compare(AppContext.status.queuedCount, 0)
        compare(AppContext.status.errorString, "")
        verify(!AppContext.busy)
    }

    // Nothing unread before any sign-in: the window is just "Confab" (appcontext_test.cpp
    // checks the live total); the window's focus is the page's to set.
    function test_unreadTotalAndTitle() {
        compare(AppContext.unreadTotal, 0)
        compare(AppContext.windowTitle, "Confab")
        verify(AppContext.windowActive)
        AppContext.windowActive = false
        verify(!AppContext.windowActive)
        AppContext.windowActive = true
        verify(!AppContext.mentionsMe("@nobody"))
    }

    function test_stateEnumValues() {
        // The engine's enum, in its order: no copy to keep in step.
        compare(Connection.Offline, 0)
        compare(Connection.Connecting, 1)
        compare(Connection.Authenticating, 2)
        compare(Connection.Syncing, 3)
        compare(Connection.Online, 4)
        compare(Connection.WaitingToRetry, 5)
    }

    function test_modelsAreTheEnginesTypes() {
        verify(AppContext.channels)
        verify(AppContext.adminPresence)
        compare(AppContext.currentChannel, "")
        compare(AppContext.messages, null)
        compare(AppContext.members, null)
    }

    function test_engineTypesAreUncreatable_data() {
        return [
            { tag: "Connection" }, { tag: "ConnectionStatus" }, { tag: "ChannelListModel" },
            { tag: "MessageModel" }, { tag: "MemberModel" }, { tag: "AdminPresenceModel" },
            // The same call creates a component: the refusals above are the types' own.
            { tag: "ConnectionBanner", creatable: true },
        ]
    }
    function test_engineTypesAreUncreatable(data) {
        let created = null
        try {
            created = Qt.createQmlObject("import Confab.Ui\n" + data.tag + " {}", root)
        } catch (e) {
            created = null
        }
        compare(created !== null, data.creatable === true)
        if (created)
            created.destroy()
    }
}
