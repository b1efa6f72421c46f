// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtTest
import Confab.Ui

TestCase {
    id: root
    name: "ConnectionBanner"
    width: 800
    height: 100
    visible: true
    when: windowShown

    Component {
        id: bannerComponent
        ConnectionBanner { width: 700 }
    }
    SignalSpy { id: retrySpy; signalName: "retryRequested" }

    function make(props) {
        const banner = createTemporaryObject(bannerComponent, root, props)
        verify(banner)
        return banner
    }

    function test_texts_data() {
        return [
            { tag: "online", state: Connection.Online, text: "", visible: false, retry: false },
            { tag: "connecting", state: Connection.Connecting, text: "Connecting…",
              visible: true, retry: false },
            { tag: "authenticating", state: Connection.Authenticating, text: "Signing in…",
              visible: true, retry: false },
            { tag: "syncing", state: Connection.Syncing, text: "Catching up…", visible: true,
              retry: false },
            { tag: "waiting", state: Connection.WaitingToRetry, seconds: 7,
              text: "Connection lost. Reconnecting in 7 s", visible: true, retry: true },
            { tag: "offline", state: Connection.Offline, text: "Offline", visible: true,
              retry: true },
            { tag: "offline with error", state: Connection.Offline,
              error: "Wrong user name or password.", text: "Wrong user name or password.",
              visible: true, retry: true },
        ]
    }
    function test_texts(data) {
        const banner = make({ connectionState: data.state, secondsToRetry: data.seconds || 0,
                              errorString: data.error || "" })
        compare(banner.message, data.text)
        compare(banner.visible, data.visible)
        compare(findChild(banner, "retryNowButton").visible, data.retry)
        if (data.visible)
            compare(findChild(banner, "bannerMessage").text, data.text)
    }

    function test_countdownUpdates() {
        const banner = make({ connectionState: Connection.WaitingToRetry, secondsToRetry: 3 })
        compare(banner.message, "Connection lost. Reconnecting in 3 s")
        banner.secondsToRetry = 2
        compare(banner.message, "Connection lost. Reconnecting in 2 s")
    }

    function test_queued() {
        const online = make({ connectionState: Connection.Online, queuedCount: 1 })
        verify(online.visible, "queued messages show even when online")
        compare(online.queuedText, "1 message waiting to be sent")
        const offline = make({ connectionState: Connection.Offline, queuedCount: 3 })
        compare(findChild(offline, "bannerQueued").text, "· 3 messages waiting to be sent")
    }

    function test_retryNow() {
        const banner = make({ connectionState: Connection.WaitingToRetry, secondsToRetry: 9 })
        retrySpy.target = banner
        mouseClick(findChild(banner, "retryNowButton"))
        compare(retrySpy.count, 1)
    }
}
