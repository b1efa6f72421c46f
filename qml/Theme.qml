// SPDX-License-Identifier: Apache-2.0
// Colours, spacing and type sizes of the whole UI, in one place.
pragma Singleton
import QtQuick

QtObject {
    id: root

    // ---- colours ----
    readonly property color background: "#ffffff"
    readonly property color surface: "#f6f7f9"
    readonly property color border: "#e1e4e8"
    readonly property color text: "#1d2129"
    readonly property color textMuted: "#6b7280"
    readonly property color textPending: "#9aa1ab"
    readonly property color accent: "#2f6fde"
    readonly property color accentText: "#ffffff"
    readonly property color danger: "#d93025"
    readonly property color dangerSurface: "#fdecea"
    readonly property color warning: "#b26a00"
    readonly property color warningSurface: "#fff4e0"
    readonly property color hover: "#eef1f5"

    readonly property color sidebar: "#1f2430"
    readonly property color sidebarText: "#c9ced8"
    readonly property color sidebarTextStrong: "#ffffff"
    readonly property color sidebarMuted: "#8b93a3"
    readonly property color sidebarSelected: "#2f6fde"
    readonly property color sidebarHover: "#2b3140"
    readonly property color badge: "#e0453a"
    readonly property color badgeQuiet: "#5b6478"

    readonly property color online: "#2eb67d"
    readonly property color away: "#ecb22e"
    readonly property color dnd: "#e01e5a"
    readonly property color offline: "#9aa1ab"

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
        const palette = ["#5b8def", "#e06c75", "#56b6c2", "#c678dd", "#d19a66", "#2eb67d",
                         "#e5a50a", "#7a5af8"]
        let hash = 0
        for (let i = 0; i < name.length; ++i)
            hash = (hash * 31 + name.charCodeAt(i)) % 1000003
        return palette[hash % palette.length]
    }
}
