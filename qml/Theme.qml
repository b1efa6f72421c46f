// SPDX-License-Identifier: Apache-2.0
// Colours, spacing and type sizes of the whole UI, in one place, in a light and a dark
// variant. `mode` is what the user chose (System, Light or Dark: kept across restarts);
// `dark` is the one in effect: System follows the desktop's palette (Qt 6.4 has no colour
// scheme hint: a dark window colour means a dark desktop). `confab --theme light|dark`
// overrides the choice for one run without keeping it (for screenshots).
// Every text colour meets WCAG's 4.5:1 on the backgrounds it is drawn on, in both variants
// (tests/qml/tst_theme.qml).
pragma Singleton
import QtQuick
import Qt.labs.settings
import Confab.Ui

QtObject {
    id: root

    /// "system", "light" or "dark": the user's choice.
    property string mode: "system"
    /// `--theme` from the command line ("" when not given): wins over `mode`, not kept.
    readonly property string commandLineMode: {
        const args = Qt.application.arguments
        for (let i = 0; i < args.length; ++i) {
            if (args[i] === "--theme" && i + 1 < args.length)
                return root.validMode(args[i + 1]) ? args[i + 1] : ""
            if (args[i].startsWith("--theme="))
                return root.validMode(args[i].substring(8)) ? args[i].substring(8) : ""
        }
        return ""
    }
    readonly property string effectiveMode: commandLineMode.length > 0 ? commandLineMode : mode
    /// The desktop's palette is dark (its window colour is).
    readonly property bool systemDark: systemPalette.window.hslLightness < 0.5
    /// Whether the dark colours are in effect.
    readonly property bool dark: effectiveMode === "dark" || (effectiveMode !== "light" && systemDark)

    function validMode(value: string): bool {
        return value === "system" || value === "light" || value === "dark"
    }
    /// Sets and keeps the user's choice; anything but system, light or dark is refused.
    function setMode(value: string): bool {
        if (!root.validMode(value))
            return false
        root.mode = value
        return true
    }

    property SystemPalette systemPalette: SystemPalette { colorGroup: SystemPalette.Active }
    // Links in rendered Markdown take the application palette's link colour.
    property Binding linkColour: Binding {
        target: MarkdownFilter
        property: "linkColor"
        value: root.link
    }
    property Settings settings: Settings {
        category: "appearance"
        property alias mode: root.mode
    }

    // ---- colours: each a light and a dark value ----
    readonly property color background: dark ? "#1a1d21" : "#ffffff"
    readonly property color surface: dark ? "#212429" : "#f6f7f9"
    readonly property color border: dark ? "#363a41" : "#e1e4e8"
    readonly property color text: dark ? "#e6e8eb" : "#1d2129"
    readonly property color textMuted: dark ? "#a3a9b3" : "#5f6672"
    readonly property color textPending: dark ? "#959ca7" : "#656b75"
    readonly property color accent: dark ? "#2f6ad0" : "#2563d0" // fills under accentText
    readonly property color accentText: "#ffffff"
    readonly property color link: dark ? "#82b1ff" : "#1f5fc9" // accent-coloured text
    readonly property color danger: dark ? "#ff7b72" : "#c5221f"
    readonly property color dangerSurface: dark ? "#3b2124" : "#fdecea"
    readonly property color warning: dark ? "#f0b35a" : "#8a5300"
    readonly property color warningSurface: dark ? "#3a2f1c" : "#fff4e0"
    readonly property color hover: dark ? "#262a30" : "#eef1f5"
    /// Control outlines and scroll bar handles (the controls' palette.mid).
    readonly property color controlBorder: dark ? "#4a4f57" : "#c4c9d0"
    readonly property color shadow: dark ? "#000000" : "#8a9099"
    readonly property color selection: dark ? "#2f4a7a" : "#cfe0fc"
    /// A message that mentions the user: tinted, with an accent bar at its left.
    readonly property color mentionSurface: dark ? "#352f1d" : "#fff5d6"
    readonly property color mentionBar: dark ? "#e0b341" : "#d99a00"
    /// The "New messages" line and its label.
    readonly property color newMessages: dark ? "#ff7b72" : "#c5221f"

    // The sidebar is dark in both variants (darker still in the dark one).
    readonly property color sidebar: dark ? "#131519" : "#1f2430"
    readonly property color sidebarText: "#c9ced8"
    readonly property color sidebarTextStrong: "#ffffff"
    readonly property color sidebarMuted: dark ? "#969eac" : "#9aa2b1"
    readonly property color sidebarSelected: dark ? "#2f6ad0" : "#2563d0"
    readonly property color sidebarHover: dark ? "#232730" : "#2b3140"
    readonly property color badge: "#c8362c"
    readonly property color badgeQuiet: dark ? "#4f5869" : "#5b6478"
    readonly property color badgeText: "#ffffff"
    /// Letters on an avatar (avatarColor() fills).
    readonly property color avatarText: "#ffffff"

    readonly property color online: "#2eb67d"
    readonly property color away: "#ecb22e"
    readonly property color dnd: "#e01e5a"
    readonly property color offline: dark ? "#6b7280" : "#9aa1ab"

    // ---- spacing and sizes ----
    readonly property int spacingSmall: 4
    readonly property int spacing: 8
    readonly property int spacingLarge: 16
    readonly property int radius: 6
    readonly property int avatarSize: 36
    readonly property int sidebarWidth: 240
    readonly property int membersWidth: 210

    // ---- type ----
    readonly property int fontSizeSmall: 11
    readonly property int fontSize: 14
    readonly property int fontSizeLarge: 17
    readonly property int fontSizeTitle: 26

    /// Avatar fills: white letters stay readable (≥ 4.5:1) on each.
    readonly property var avatarPalette: ["#2f64c8", "#c0392b", "#0e6f78", "#8e44ad", "#a0522d",
                                          "#1e7d50", "#96600a", "#6a4ad8"]

    /// The colour of a presence status: online, away, dnd or offline.
    function presenceColor(status: string): color {
        switch (status) {
        case "online": return root.online
        case "away": return root.away
        case "dnd": return root.dnd
        default: return root.offline
        }
    }

    /// A stable colour for a user's avatar.
    function avatarColor(name: string): color {
        let hash = 0
        for (let i = 0; i < name.length; ++i)
            hash = (hash * 31 + name.charCodeAt(i)) % 1000003
        return root.avatarPalette[hash % root.avatarPalette.length]
    }

    /// WCAG 2 contrast ratio of two opaque colours (1 to 21).
    function contrast(a: color, b: color): real {
        const channel = c => c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4)
        const luminance = c => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
        const la = luminance(a)
        const lb = luminance(b)
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05)
    }
}
