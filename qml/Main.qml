// SPDX-License-Identifier: Apache-2.0
// The window: the sign-in page until signed in, then the chat (or the admin view).
import QtQuick
import Confab.Ui
import QtQuick.Controls

ApplicationWindow {
    id: root

    property bool showAdmin: false

    width: 1200
    height: 760
    minimumWidth: 760
    minimumHeight: 480
    visible: true
    title: AppContext.signedIn && AppContext.currentChannel.length > 0
           ? "#" + AppContext.currentChannel + " — Confab" : "Confab"
    color: Theme.background
    font.pixelSize: Theme.fontSize

    // The messages of the channel on screen count as read while the window is active.
    onActiveChanged: if (active) AppContext.markRead()

    Loader {
        anchors.fill: parent
        sourceComponent: !AppContext.signedIn ? signInPage
                         : root.showAdmin && AppContext.admin ? adminPage : chatPage
    }

    Component {
        id: signInPage
        SignInPage {}
    }
    Component {
        id: chatPage
        ChatPage { onAdminRequested: root.showAdmin = true }
    }
    Component {
        id: adminPage
        AdminPage { onBackRequested: root.showAdmin = false }
    }
}
