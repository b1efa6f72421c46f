// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtTest
import Confab.Ui

TestCase {
    id: root
    name: "Theme"

    function test_colours() {
        verify(Theme.background !== undefined)
        compare(Theme.online, Qt.color("#2eb67d"))
        verify(!Qt.colorEqual(Theme.text, Theme.background), "text must differ from background")
        verify(!Qt.colorEqual(Theme.sidebarText, Theme.sidebar))
    }

    function test_spacingAndFonts() {
        verify(Theme.spacing > 0)
        verify(Theme.spacingLarge > Theme.spacing)
        verify(Theme.fontSize >= 12)
        verify(Theme.fontSizeSmall < Theme.fontSize)
        verify(Theme.fontSizeTitle > Theme.fontSizeLarge)
    }

    function test_presenceColours_data() {
        return [
            { tag: "online", status: "online", colour: Theme.online },
            { tag: "away", status: "away", colour: Theme.away },
            { tag: "dnd", status: "dnd", colour: Theme.dnd },
            { tag: "offline", status: "offline", colour: Theme.offline },
            { tag: "unknown", status: "bogus", colour: Theme.offline },
        ]
    }
    function test_presenceColours(data) {
        verify(Qt.colorEqual(Theme.presenceColor(data.status), data.colour))
    }

    function test_avatarColourIsStable() {
        verify(Qt.colorEqual(Theme.avatarColor("alice"), Theme.avatarColor("alice")))
    }
}
