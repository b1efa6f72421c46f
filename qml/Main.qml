// SPDX-License-Identifier: Apache-2.0
// The window: the sign-in page until signed in, then the chat (or the admin view, or the
// host's page). Closing it while hosting asks whether to keep hosting in the background.
import QtQuick
import Confab.Ui
import QtQuick.Controls

ApplicationWindow {
    id: root

    property bool showAdmin: false
    // `confab --host` opens on the host's page: the addresses to give others come first.
    property bool showHost: AppContext.host.active

    width: 1200
    height: 760
    minimumWidth: 760
    minimumHeight: 480
    visible: true
    // "(3) #general — Confab": the unread total, what is shown, the app.
    title: AppContext.windowTitle
    color: Theme.background
    font.pixelSize: Theme.fontSize
    // The controls (Basic style) take their colours from the theme, light or dark.
    palette {
        window: Theme.background
        windowText: Theme.text
        base: Theme.background
        alternateBase: Theme.surface
        text: Theme.text
        button: Theme.surface
        buttonText: Theme.text
        brightText: Theme.accentText
        highlight: Theme.accent
        highlightedText: Theme.accentText
        placeholderText: Theme.textMuted
        toolTipBase: Theme.surface
        toolTipText: Theme.text
        link: Theme.link
        light: Theme.hover
        midlight: Theme.border
        mid: Theme.controlBorder
        dark: Theme.accent
        shadow: Theme.shadow
    }

    // The messages of the channel on screen count as read while the window is active.
    onActiveChanged: if (active) AppContext.markRead()
    // Ask for the keyboard at start: window shortcuts (Ctrl+K, Alt+Up/Down) only work in the
    // focus window, and without a window manager (Xvfb) nothing else would make it one.
    Component.onCompleted: root.requestActivate()

    Loader {
        anchors.fill: parent
        sourceComponent: root.showHost ? hostPage
                         : !AppContext.signedIn ? signInPage
                         : root.showAdmin && AppContext.admin ? adminPage : chatPage
    }

    onClosing: (close) => {
        if (AppContext.host.active && !AppContext.host.inBackground) {
            close.accepted = false
            closeWhileHosting.open()
        }
    }

    Connections {
        target: AppContext.host
        function onOpenRequested() {
            root.show()
            root.raise()
            root.requestActivate()
        }
    }
    // Desktop notifications come only while the window does not have the focus.
    Binding {
        target: AppContext
        property: "windowActive"
        value: root.active
    }
    // A desktop notification was clicked: its conversation is shown already.
    Connections {
        target: AppContext
        function onRaiseRequested() {
            root.show()
            root.raise()
            root.requestActivate()
        }
    }

    Dialog {
        id: closeWhileHosting
        objectName: "closeWhileHostingDialog"
        anchors.centerIn: parent
        width: Math.min(460, root.width - 2 * Theme.spacingLarge)
        modal: true
        title: qsTr("You are hosting the server")
        Label {
            width: parent.width
            wrapMode: Text.Wrap
            text: qsTr("Others chat through this computer. Keep the server running in the "
                       + "background, or stop it (everyone is told the host stopped it)?")
        }
        footer: DialogButtonBox {
            Button {
                text: qsTr("Keep hosting")
                Accessible.name: qsTr("Keep hosting in the background")
                DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
            }
            Button {
                text: qsTr("Stop hosting and quit")
                Accessible.name: text
                DialogButtonBox.buttonRole: DialogButtonBox.DestructiveRole
            }
            Button {
                text: qsTr("Cancel")
                Accessible.name: qsTr("Cancel: keep the window open")
                DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
            }
            onClicked: (button) => {
                if (button.DialogButtonBox.buttonRole === DialogButtonBox.DestructiveRole)
                    Qt.quit() // the server says `bye shutdown` and ends with the app
            }
        }
        onAccepted: {
            // With a tray the window goes; without one it is minimised (still hosting).
            if (AppContext.host.keepHostingInBackground())
                root.hide()
            else
                root.showMinimized()
        }
    }

    Component {
        id: signInPage
        SignInPage { onHostRequested: root.showHost = true }
    }
    Component {
        id: chatPage
        ChatPage {
            onAdminRequested: root.showAdmin = true
            onHostRequested: root.showHost = true
        }
    }
    Component {
        id: hostPage
        HostPage { onBackRequested: root.showHost = false }
    }
    Component {
        id: adminPage
        AdminPage { onBackRequested: root.showAdmin = false }
    }
}
