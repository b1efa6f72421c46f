// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtTest
import Confab.Ui

TestCase {
    id: root
    name: "Theme"

    property string modeBefore

    function initTestCase() { root.modeBefore = Theme.mode }
    function cleanupTestCase() { Theme.setMode(root.modeBefore) }

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
            { tag: "online", status: "online", colour: "online" },
            { tag: "away", status: "away", colour: "away" },
            { tag: "dnd", status: "dnd", colour: "dnd" },
            { tag: "offline", status: "offline", colour: "offline" },
            { tag: "unknown", status: "bogus", colour: "offline" },
        ]
    }
    function test_presenceColours(data) {
        verify(Qt.colorEqual(Theme.presenceColor(data.status), Theme[data.colour]))
    }

    function test_avatarColourIsStable() {
        verify(Qt.colorEqual(Theme.avatarColor("alice"), Theme.avatarColor("alice")))
    }

    function test_modes() {
        verify(Theme.setMode("dark"))
        compare(Theme.mode, "dark")
        verify(Theme.dark)
        const darkBackground = Theme.background.toString()
        verify(Theme.setMode("light"))
        verify(!Theme.dark)
        verify(!Qt.colorEqual(Theme.background, darkBackground), "each colour has two values")
        verify(Theme.setMode("system"))
        compare(Theme.dark, Theme.systemDark, "system follows the desktop's palette")
        compare(Theme.systemDark, Theme.systemPalette.window.hslLightness < 0.5)
        verify(!Theme.setMode("purple"), "an unknown mode is refused")
        compare(Theme.mode, "system", "and changes nothing")
        compare(Theme.commandLineMode, "", "no --theme here")
    }

    function test_contrastFormula() {
        fuzzyCompare(Theme.contrast(Qt.color("#000000"), Qt.color("#ffffff")), 21, 0.01)
        fuzzyCompare(Theme.contrast(Qt.color("#ffffff"), Qt.color("#ffffff")), 1, 0.001)
        // WCAG's own example: the lightest grey that passes on white
        fuzzyCompare(Theme.contrast(Qt.color("#767676"), Qt.color("#ffffff")), 4.54, 0.01)
    }

    // Every text colour on each background it is drawn on (see the QML files that use them).
    readonly property var textPairs: [
        ["text", "background"], ["text", "surface"], ["text", "hover"],
        ["text", "mentionSurface"], ["text", "dangerSurface"], ["text", "warningSurface"],
        ["text", "selection"],
        ["textMuted", "background"], ["textMuted", "surface"], ["textMuted", "hover"],
        ["textMuted", "mentionSurface"],
        ["textPending", "background"], ["textPending", "hover"], ["textPending", "mentionSurface"],
        ["danger", "background"], ["danger", "surface"], ["danger", "hover"],
        ["danger", "dangerSurface"],
        ["warning", "background"], ["warning", "warningSurface"],
        ["link", "background"], ["link", "surface"], ["link", "hover"], ["link", "mentionSurface"],
        ["accentText", "accent"],
        ["newMessages", "background"],
        ["sidebarText", "sidebar"], ["sidebarText", "sidebarHover"],
        ["sidebarTextStrong", "sidebar"], ["sidebarTextStrong", "sidebarSelected"],
        ["sidebarTextStrong", "sidebarHover"],
        ["sidebarMuted", "sidebar"], ["sidebarMuted", "sidebarHover"],
        ["badgeText", "badge"], ["badgeText", "badgeQuiet"]
    ]

    function test_contrast_data() {
        const rows = []
        for (const mode of ["light", "dark"]) {
            for (const pair of root.textPairs)
                rows.push({ tag: mode + ": " + pair[0] + " on " + pair[1], mode: mode,
                            fg: pair[0], bg: pair[1] })
            for (let i = 0; i < Theme.avatarPalette.length; ++i)
                rows.push({ tag: mode + ": avatarText on avatar " + i, mode: mode,
                            fg: "avatarText", bgColour: Theme.avatarPalette[i] })
        }
        return rows
    }
    function test_contrast(data) {
        Theme.setMode(data.mode)
        const fg = Theme[data.fg]
        const bg = data.bgColour !== undefined ? Qt.color(data.bgColour) : Theme[data.bg]
        verify(fg !== undefined && bg !== undefined, "both colours exist")
        const ratio = Theme.contrast(fg, bg)
        verify(ratio >= 4.5, "%1 on %2: %3:1, needs 4.5:1".arg(fg).arg(bg).arg(ratio.toFixed(2)))
    }
}
