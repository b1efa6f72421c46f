// SPDX-License-Identifier: Apache-2.0
// The admin's live view of the server, the same as `confabctl presence --watch`: the
// server's figures, filters (statuses, name or name pattern, channel, idle time), every
// user with their connections below them, a highlight on a status that just changed, the
// last events, and kicking a user or one session after a confirmation. The data and every
// request are the engine's (AppContext.adminPresence, AppContext.adminStats, kickUser,
// kickSession, setAdminFilter); this page only shows them and asks.
import QtQuick
import Confab.Ui
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    id: root

    signal backRequested()
    /// The admin confirmed a kick in the dialog (session empty: every connection of user).
    signal kickRequested(string user, string session, string reason)

    readonly property var presence: AppContext.adminPresence
    readonly property var stats: AppContext.adminStats
    readonly property real now: root.presence.now
    /// The sentence about the last kick, and whether it went wrong.
    property string resultText
    property bool resultIsError: false

    // Column widths, shared by the headings and the rows.
    readonly property int sideMargin: Theme.spacingLarge + Theme.spacing
    readonly property int indent: 44
    readonly property int colUser: 200
    readonly property int colStatus: 150
    readonly property int colSeen: 110
    readonly property int colConns: 60
    readonly property int colAction: 120
    readonly property int colSession: 130
    readonly property int colClient: 200
    readonly property int colAddress: 150
    readonly property int colTls: 56
    readonly property int colConnected: 96
    readonly property int colIdle: 76
    readonly property int colUnsent: 84

    // ---- the page's logic (tested in tests/qml/tst_adminpage.qml) ----

    /// "45s", "12m", "2h", "3d", as the console writes durations.
    function shortDuration(ms) {
        const s = Math.floor(Math.max(0, ms) / 1000)
        if (s < 60) return s + "s"
        if (s < 3600) return Math.floor(s / 60) + "m"
        if (s < 86400) return Math.floor(s / 3600) + "h"
        return Math.floor(s / 86400) + "d"
    }
    /// Two units: "45s", "12m 5s", "3h 20m", "4d 2h".
    function longDuration(ms) {
        const s = Math.floor(Math.max(0, ms) / 1000)
        if (s < 60) return s + "s"
        if (s < 3600) return Math.floor(s / 60) + "m " + (s % 60) + "s"
        if (s < 86400) return Math.floor(s / 3600) + "h " + Math.floor(s % 3600 / 60) + "m"
        return Math.floor(s / 86400) + "d " + Math.floor(s % 86400 / 3600) + "h"
    }
    /// "0 B", "12 KiB", "3.4 MiB".
    function bytesText(bytes) {
        if (bytes < 1024) return bytes + " B"
        if (bytes < 1024 * 1024) return Math.floor(bytes / 1024) + " KiB"
        return (bytes / (1024 * 1024)).toFixed(1) + " MiB"
    }
    /// How long ago a date was ("" for none).
    function ago(date) {
        if (!date || isNaN(date.getTime()) || date.getTime() <= 0)
            return ""
        return qsTr("%1 ago").arg(root.shortDuration(root.now - date.getTime()))
    }
    /// The name field: a plain name filters here as it is typed; a pattern with * or ? is
    /// the server's user filter.
    function splitNameFilter(text) {
        const t = text.trim()
        return /[*?]/.test(t) ? { name: "", glob: t } : { name: t, glob: "" }
    }
    function kickResultText(target, closed) {
        if (closed === 0)
            return qsTr("%1 had no open connection.").arg(target)
        return closed === 1 ? qsTr("Kicked %1: 1 connection closed.").arg(target)
                            : qsTr("Kicked %1: %2 connections closed.").arg(target).arg(closed)
    }
    /// The watched statuses with `status` switched on or off (none: every status).
    function toggledStatuses(status) {
        const chosen = root.presence.statusFilter.slice()
        const at = chosen.indexOf(status)
        if (at >= 0)
            chosen.splice(at, 1)
        else
            chosen.push(status)
        return ["online", "away", "dnd", "offline"].filter(s => chosen.indexOf(s) >= 0)
    }
    /// Sends the server-side filter (the engine sends admin.watch again when it changed).
    function applyServerFilter(statuses) {
        AppContext.setAdminFilter(statuses !== undefined ? statuses : root.presence.statusFilter,
                                  root.splitNameFilter(nameField.text).glob,
                                  channelField.text, idleBox.currentValue || 0)
    }
    /// Asks for confirmation before kicking (session empty: every connection of user).
    function askKick(user, session, connectionCount, detail) {
        const own = AppContext.session
        const includesThisApp = own.length > 0
            && (session.length > 0 ? session === own : user === AppContext.user)
        kickDialog.ask(user, session, connectionCount, detail, includesThisApp)
    }
    function showResult(text, isError) {
        root.resultText = text
        root.resultIsError = isError
        resultTimer.restart()
    }

    color: Theme.background
    Accessible.name: qsTr("Admin: users and connections")
    Component.onCompleted: AppContext.watchAdmin()
    Component.onDestruction: AppContext.stopWatchingAdmin()
    onKickRequested: (user, session, reason) => {
        if (session.length > 0)
            AppContext.kickSession(session, reason)
        else
            AppContext.kickUser(user, reason)
    }

    Connections {
        target: AppContext
        function onKickSucceeded(target, closed) { root.showResult(root.kickResultText(target, closed), false) }
        function onKickFailed(target, reason) { root.showResult(reason, true) }
    }
    Timer {
        id: resultTimer
        interval: 10000
        onTriggered: root.resultText = ""
    }
    Timer {
        id: globTimer
        interval: 400
        onTriggered: root.applyServerFilter()
    }

    InviteDialog {
        id: inviteDialog
        objectName: "inviteDialog"
        anchors.centerIn: parent
    }

    KickDialog {
        id: kickDialog
        objectName: "kickDialog"
        anchors.centerIn: parent
        onKickConfirmed: (user, session, reason) => root.kickRequested(user, session, reason)
    }

    component Figure: RowLayout {
        id: figure
        property string value
        property string label
        property string status: "" // a presence dot before the figure
        spacing: Theme.spacingSmall + 2
        Accessible.role: Accessible.StaticText
        Accessible.name: figure.value + " " + figure.label
        PresenceDot {
            visible: figure.status.length > 0
            status: figure.status
            ringColor: Theme.surface
            Layout.alignment: Qt.AlignVCenter
        }
        Label {
            text: figure.value
            color: Theme.text
            font.pixelSize: Theme.fontSizeLarge
            font.bold: true
        }
        Label {
            text: figure.label
            color: Theme.textMuted
            Layout.rightMargin: Theme.spacingLarge
        }
    }

    component KickButton: Button {
        id: kick
        property bool outlined: false
        flat: true
        font.pixelSize: Theme.fontSize - 1
        contentItem: Text {
            text: kick.text
            font: kick.font
            color: Theme.danger
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
        background: Rectangle {
            implicitWidth: 56
            implicitHeight: kick.outlined ? 28 : 24
            radius: Theme.radius - 2
            color: kick.down ? Theme.dangerSurface : kick.hovered ? Theme.dangerSurface : "transparent"
            border.color: kick.outlined ? Theme.danger : "transparent"
        }
    }

    component StatusToggle: Button {
        id: toggle
        property string status
        flat: true
        font.pixelSize: Theme.fontSize
        Accessible.name: qsTr("Show %1 users").arg(toggle.status)
        Accessible.checkable: true
        Accessible.checked: toggle.checked
        ToolTip.visible: hovered
        ToolTip.delay: 600
        ToolTip.text: qsTr("Only users who are %1 (with none chosen: everybody)").arg(toggle.status)
        contentItem: RowLayout {
            spacing: Theme.spacingSmall + 2
            PresenceDot { status: toggle.status; ringColor: toggle.checked ? Theme.hover : Theme.background }
            Text {
                text: toggle.text
                font: toggle.font
                color: toggle.checked ? Theme.link : Theme.text
            }
        }
        background: Rectangle {
            implicitHeight: 30
            radius: 15
            color: toggle.checked ? Theme.hover : "transparent"
            border.color: toggle.checked ? Theme.accent : Theme.border
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // ---- title ----
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 56
            color: Theme.background
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: Theme.spacing
                anchors.rightMargin: root.sideMargin
                spacing: Theme.spacing
                Button {
                    objectName: "backButton"
                    text: qsTr("← Back to chat")
                    flat: true
                    Accessible.name: qsTr("Back to chat")
                    onClicked: root.backRequested()
                }
                Label {
                    text: qsTr("Users and connections")
                    color: Theme.text
                    font.pixelSize: Theme.fontSizeLarge
                    font.bold: true
                    Layout.fillWidth: true
                }
                Label {
                    objectName: "liveState"
                    readonly property bool live: AppContext.status.state === Connection.Online
                                                 && root.presence.ready
                    text: live ? qsTr("● live") : AppContext.status.stateText
                    color: live ? Theme.online : Theme.warning
                    font.bold: true
                }
                Button {
                    objectName: "addPersonButton"
                    text: qsTr("Add a person…")
                    Layout.leftMargin: Theme.spacingLarge
                    Layout.rightMargin: Theme.spacingLarge
                    Accessible.name: qsTr("Add a person to the server")
                    onClicked: inviteDialog.ask()
                }
                Label {
                    objectName: "serverVersion"
                    text: qsTr("confabd %1").arg(root.stats.version)
                    visible: root.stats.version.length > 0
                    color: Theme.textMuted
                }
            }
            Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }
        }

        // ---- the server's figures ----
        Rectangle {
            objectName: "figures"
            Layout.fillWidth: true
            implicitHeight: 48
            color: Theme.surface
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: root.sideMargin
                anchors.rightMargin: root.sideMargin
                spacing: 0
                Label {
                    visible: !root.stats.ready
                    text: AppContext.adminError.length > 0 ? "" : qsTr("Waiting for the server's figures…")
                    color: Theme.textMuted
                }
                Figure { visible: root.stats.ready; status: "online"; value: root.stats.usersOnline; label: qsTr("online") }
                Figure { visible: root.stats.ready; status: "away"; value: root.stats.usersAway; label: qsTr("away") }
                Figure { visible: root.stats.ready; status: "dnd"; value: root.stats.usersDnd; label: qsTr("dnd") }
                Figure { visible: root.stats.ready; status: "offline"; value: root.stats.usersOffline; label: qsTr("offline") }
                Rectangle {
                    visible: root.stats.ready
                    width: 1; height: 24; color: Theme.border
                    Layout.rightMargin: Theme.spacingLarge
                }
                Figure {
                    visible: root.stats.ready
                    value: root.stats.connections
                    label: root.stats.connections === 1 ? qsTr("connection") : qsTr("connections")
                }
                Figure {
                    objectName: "rateFigure"
                    visible: root.stats.fromServer
                    value: root.stats.messagesPerSecond.toFixed(1)
                    label: qsTr("msg/s")
                    ToolTip.visible: rateHover.hovered
                    ToolTip.text: qsTr("Over the last 10 s; %1/s over the last minute; %2 refused by the rate limit since the start")
                                  .arg(root.stats.messagesPerSecondMinute.toFixed(1))
                                  .arg(root.stats.refusedRateLimited)
                    HoverHandler { id: rateHover }
                }
                Figure {
                    objectName: "uptimeFigure"
                    visible: root.stats.fromServer
                    value: root.longDuration(root.stats.uptimeMs)
                    label: qsTr("up")
                }
                Figure {
                    visible: root.stats.fromServer && root.stats.databaseBytes > 0
                    value: root.bytesText(root.stats.databaseBytes)
                    label: qsTr("database")
                }
                Item { Layout.fillWidth: true }
                Label {
                    objectName: "countedNote"
                    visible: root.stats.ready && !root.stats.fromServer
                    text: qsTr("counted from the list: this server sends no figures")
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSizeSmall
                }
            }
        }

        // ---- filters ----
        RowLayout {
            objectName: "filterBar"
            Layout.fillWidth: true
            Layout.leftMargin: root.sideMargin
            Layout.rightMargin: root.sideMargin
            Layout.topMargin: Theme.spacing + 2
            Layout.bottomMargin: Theme.spacing
            spacing: Theme.spacing

            Repeater {
                model: [{ status: "online", text: qsTr("Online") }, { status: "away", text: qsTr("Away") },
                        { status: "dnd", text: qsTr("Dnd") }, { status: "offline", text: qsTr("Offline") }]
                StatusToggle {
                    required property var modelData
                    objectName: "toggle_" + modelData.status
                    status: modelData.status
                    text: modelData.text
                    checked: root.presence.statusFilter.indexOf(modelData.status) >= 0
                    onClicked: root.applyServerFilter(root.toggledStatuses(modelData.status))
                }
            }
            TextField {
                id: nameField
                objectName: "nameFilter"
                placeholderText: qsTr("Name, or a pattern like bo*")
                Layout.preferredWidth: 220
                Layout.leftMargin: Theme.spacing
                selectByMouse: true
                Accessible.name: qsTr("Filter users by name")
                onTextChanged: {
                    const parts = root.splitNameFilter(text)
                    root.presence.nameFilter = parts.name
                    if (parts.glob !== root.presence.userGlob)
                        globTimer.restart()
                }
                onAccepted: if (globTimer.running) { globTimer.stop(); root.applyServerFilter() }
            }
            TextField {
                id: channelField
                objectName: "channelFilter"
                placeholderText: qsTr("Members of #channel")
                Layout.preferredWidth: 180
                selectByMouse: true
                Accessible.name: qsTr("Only members of this channel")
                onEditingFinished: if (text.trim().toLowerCase() !== root.presence.channelFilter) root.applyServerFilter()
            }
            ComboBox {
                id: idleBox
                objectName: "idleFilter"
                textRole: "text"
                valueRole: "ms"
                Layout.preferredWidth: 170
                Accessible.name: qsTr("Only users idle longer than")
                background: Rectangle {
                    implicitWidth: 140
                    implicitHeight: 40
                    color: idleBox.pressed ? Theme.hover : Theme.background
                    border.color: idleBox.visualFocus ? Theme.accent : Theme.border
                    border.width: idleBox.visualFocus ? 2 : 1
                }
                model: [{ text: qsTr("Any idle time"), ms: 0 },
                        { text: qsTr("Idle over 1 min"), ms: 60000 },
                        { text: qsTr("Idle over 5 min"), ms: 300000 },
                        { text: qsTr("Idle over 15 min"), ms: 900000 },
                        { text: qsTr("Idle over 1 hour"), ms: 3600000 },
                        { text: qsTr("Idle over 1 day"), ms: 86400000 }]
                onActivated: root.applyServerFilter()
            }
            Item { Layout.fillWidth: true }
            Label {
                objectName: "shownCount"
                text: list.count === root.presence.watchedCount
                      ? (list.count === 1 ? qsTr("1 user") : qsTr("%1 users").arg(list.count))
                      : qsTr("%1 of %2 users").arg(list.count).arg(root.presence.watchedCount)
                visible: root.presence.ready
                color: Theme.textMuted
            }
        }

        // ---- the answer to a kick, or why the watch was refused ----
        Rectangle {
            id: resultBanner
            objectName: "resultBanner"
            readonly property string text: AppContext.adminError.length > 0 ? AppContext.adminError
                                                                              : root.resultText
            readonly property bool isError: AppContext.adminError.length > 0 || root.resultIsError
            visible: text.length > 0
            Layout.fillWidth: true
            Layout.leftMargin: root.sideMargin
            Layout.rightMargin: root.sideMargin
            Layout.bottomMargin: Theme.spacing
            implicitHeight: visible ? 36 : 0
            radius: Theme.radius
            color: isError ? Theme.dangerSurface : Theme.surface
            border.color: isError ? Theme.danger : Theme.border
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: Theme.spacingLarge
                anchors.rightMargin: Theme.spacingSmall
                Label {
                    objectName: "resultText"
                    text: resultBanner.text
                    color: resultBanner.isError ? Theme.danger : Theme.text
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                    Accessible.role: Accessible.AlertMessage
                    Accessible.name: text
                }
                ToolButton {
                    text: "✕"
                    visible: root.resultText.length > 0 && AppContext.adminError.length === 0
                    Accessible.name: qsTr("Dismiss")
                    onClicked: root.resultText = ""
                }
            }
        }

        // ---- headings: the user's columns, then the connections' (as the console) ----
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: headings.implicitHeight + Theme.spacing
            color: Theme.background
            ColumnLayout {
                id: headings
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.leftMargin: root.sideMargin
                anchors.rightMargin: root.sideMargin
                anchors.verticalCenter: parent.verticalCenter
                spacing: 2
                RowLayout {
                    spacing: 0
                    Repeater {
                        model: [[qsTr("USER"), root.colUser], [qsTr("STATUS"), root.colStatus],
                                [qsTr("TEXT"), -1], [qsTr("LAST SEEN"), root.colSeen],
                                [qsTr("CONNS"), root.colConns], ["", root.colAction]]
                        Label {
                            required property var modelData
                            text: modelData[0]
                            color: Theme.textMuted
                            font.pixelSize: Theme.fontSizeSmall
                            font.bold: true
                            Layout.preferredWidth: modelData[1] > 0 ? modelData[1] : -1
                            Layout.fillWidth: modelData[1] < 0
                        }
                    }
                }
                RowLayout {
                    spacing: 0
                    Layout.leftMargin: root.indent
                    Repeater {
                        model: [[qsTr("SESSION"), root.colSession], [qsTr("CLIENT"), root.colClient],
                                [qsTr("ADDRESS"), root.colAddress], [qsTr("TLS"), root.colTls],
                                [qsTr("CONNECTED"), root.colConnected], [qsTr("IDLE"), root.colIdle],
                                [qsTr("CHANNELS"), -1], [qsTr("UNSENT"), root.colUnsent],
                                ["", root.colAction]]
                        Label {
                            required property var modelData
                            text: modelData[0]
                            color: Theme.textMuted
                            font.pixelSize: Theme.fontSizeSmall - 1
                            Layout.preferredWidth: modelData[1] > 0 ? modelData[1] : -1
                            Layout.fillWidth: modelData[1] < 0
                        }
                    }
                }
            }
            Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }
        }

        // ---- the users, each with their connections ----
        ListView {
            id: list
            objectName: "userList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: root.presence
            boundsBehavior: Flickable.StopAtBounds
            Accessible.role: Accessible.Table
            Accessible.name: qsTr("Users and their connections")
            ScrollBar.vertical: ScrollBar { Accessible.name: qsTr("Scroll the users") }
            move: Transition { NumberAnimation { properties: "y"; duration: 180; easing.type: Easing.OutCubic } }
            displaced: Transition { NumberAnimation { properties: "y"; duration: 180; easing.type: Easing.OutCubic } }

            delegate: Rectangle {
                id: row
                required property int index
                required property string user
                required property string status
                required property string statusText
                required property var since
                required property var lastSeen
                required property int connectionCount
                required property bool reconnecting
                required property bool disabled
                required property var connections
                required property bool changedRecently

                readonly property color restColor: row.index % 2 ? Theme.background : Theme.surface

                width: ListView.view.width
                height: userLine.height + connectionColumn.height + Theme.spacingSmall
                color: row.changedRecently ? Qt.tint(row.restColor, Qt.rgba(Theme.accent.r, Theme.accent.g, Theme.accent.b, 0.2)) : row.restColor
                Behavior on color { ColorAnimation { duration: 900 } }
                Accessible.role: Accessible.Row
                Accessible.name: row.user + ", " + row.status

                RowLayout {
                    id: userLine
                    x: root.sideMargin
                    width: parent.width - 2 * root.sideMargin
                    height: 40
                    spacing: 0
                    RowLayout {
                        Layout.preferredWidth: root.colUser
                        Layout.maximumWidth: root.colUser
                        spacing: Theme.spacing
                        Avatar { name: row.user; size: 26; status: row.status; ringColor: row.restColor }
                        Label {
                            text: row.user
                            color: Theme.text
                            font.bold: row.changedRecently
                            font.strikeout: row.disabled
                            elide: Text.ElideRight
                            Layout.fillWidth: true
                        }
                        Label {
                            objectName: "disabledMark"
                            visible: row.disabled
                            text: qsTr("disabled")
                            color: Theme.danger
                            font.pixelSize: Theme.fontSizeSmall
                            font.bold: true
                            Accessible.name: qsTr("%1's account is disabled").arg(row.user)
                        }
                    }
                    Label {
                        objectName: "statusCell"
                        Layout.preferredWidth: root.colStatus
                        // Online with no connection: the grace period after a drop, before
                        // the server calls the user offline (a quick reconnect keeps them on).
                        readonly property bool inGrace: row.reconnecting
                        text: inGrace ? qsTr("%1 · reconnecting?").arg(row.status)
                              : row.status + (row.since && !isNaN(row.since.getTime())
                                              ? " · " + root.shortDuration(root.now - row.since.getTime()) : "")
                        color: row.status === "offline" || inGrace ? Theme.textMuted : Theme.presenceColor(row.status)
                        font.bold: row.status !== "offline" && !inGrace
                        ToolTip.visible: inGrace && statusHover.hovered
                        ToolTip.text: qsTr("No connection right now; offline unless they are back within the grace period")
                        HoverHandler { id: statusHover }
                    }
                    Label {
                        Layout.fillWidth: true
                        text: row.statusText
                        color: Theme.text
                        elide: Text.ElideRight
                    }
                    Label {
                        Layout.preferredWidth: root.colSeen
                        text: row.status === "offline" ? root.ago(row.lastSeen) : ""
                        color: Theme.textMuted
                    }
                    Label {
                        Layout.preferredWidth: root.colConns
                        text: String(row.connectionCount)
                        color: row.connectionCount > 0 ? Theme.text : Theme.textMuted
                    }
                    Item {
                        Layout.preferredWidth: root.colAction
                        Layout.fillHeight: true
                        KickButton {
                            objectName: "kickUser_" + row.user
                            anchors.right: parent.right
                            anchors.verticalCenter: parent.verticalCenter
                            visible: row.connectionCount > 0
                            outlined: true
                            text: qsTr("Kick")
                            Accessible.name: qsTr("Kick %1 (every connection)").arg(row.user)
                            onClicked: root.askKick(row.user, "", row.connectionCount, "")
                        }
                    }
                }

                Column {
                    id: connectionColumn
                    anchors.top: userLine.bottom
                    x: root.sideMargin + root.indent
                    width: parent.width - 2 * root.sideMargin - root.indent
                    Repeater {
                        model: row.connections
                        RowLayout {
                            id: connectionLine
                            required property var modelData
                            readonly property bool own: modelData.session === AppContext.session
                            width: connectionColumn.width
                            height: 30
                            spacing: 0
                            Accessible.role: Accessible.Row
                            Accessible.name: qsTr("Session %1 of %2").arg(modelData.session).arg(row.user)
                            Label {
                                Layout.preferredWidth: root.colSession
                                text: connectionLine.modelData.session
                                font.family: "monospace"
                                font.pixelSize: Theme.fontSize - 1
                                color: Theme.text
                                elide: Text.ElideRight
                            }
                            Label {
                                Layout.preferredWidth: root.colClient
                                text: (connectionLine.modelData.client || "-").replace("/", " ")
                                color: Theme.text
                                elide: Text.ElideRight
                            }
                            Label {
                                Layout.preferredWidth: root.colAddress
                                text: connectionLine.modelData.address
                                color: Theme.textMuted
                                elide: Text.ElideRight
                            }
                            Label {
                                Layout.preferredWidth: root.colTls
                                text: connectionLine.modelData.encrypted ? qsTr("tls") : qsTr("plain")
                                color: connectionLine.modelData.encrypted ? Theme.online : Theme.textMuted
                            }
                            Label {
                                Layout.preferredWidth: root.colConnected
                                text: root.ago(connectionLine.modelData.connectedSince)
                                color: Theme.textMuted
                            }
                            Label {
                                Layout.preferredWidth: root.colIdle
                                text: root.shortDuration(root.now - connectionLine.modelData.lastActiveMs)
                                color: Theme.textMuted
                            }
                            Label {
                                Layout.fillWidth: true
                                text: connectionLine.modelData.channels.length > 0
                                      ? connectionLine.modelData.channels.map(c => "#" + c).join(" ") : "-"
                                color: Theme.textMuted
                                elide: Text.ElideRight
                            }
                            Label {
                                Layout.preferredWidth: root.colUnsent
                                text: root.bytesText(connectionLine.modelData.unsentBytes)
                                color: connectionLine.modelData.unsentBytes > 1024 * 1024 ? Theme.warning : Theme.textMuted
                            }
                            Item {
                                Layout.preferredWidth: root.colAction
                                Layout.fillHeight: true
                                Label {
                                    anchors.right: parent.right
                                    anchors.rightMargin: Theme.spacing
                                    anchors.verticalCenter: parent.verticalCenter
                                    visible: connectionLine.own
                                    text: qsTr("this app")
                                    color: Theme.link
                                    font.pixelSize: Theme.fontSizeSmall + 1
                                }
                                KickButton {
                                    objectName: "kickSession_" + connectionLine.modelData.session
                                    anchors.right: parent.right
                                    anchors.verticalCenter: parent.verticalCenter
                                    visible: !connectionLine.own
                                    text: qsTr("Kick session")
                                    font.pixelSize: Theme.fontSizeSmall + 1
                                    Accessible.name: qsTr("Kick session %1 of %2")
                                                     .arg(connectionLine.modelData.session).arg(row.user)
                                    onClicked: root.askKick(row.user, connectionLine.modelData.session, 1,
                                                            (connectionLine.modelData.client || "").replace("/", " ")
                                                            + " " + qsTr("from") + " " + connectionLine.modelData.address)
                                }
                            }
                        }
                    }
                }
            }

            Label {
                objectName: "emptyText"
                anchors.centerIn: parent
                visible: list.count === 0
                text: !AppContext.admin ? qsTr("Only admins can see this page.")
                    : AppContext.adminError.length > 0 ? ""
                    : !root.presence.ready ? qsTr("Waiting for the server…")
                    : root.presence.watchedCount > 0 ? qsTr("No user matches these filters.")
                    : qsTr("No users.")
                color: Theme.textMuted
            }
        }

        // ---- the last events ----
        Rectangle {
            objectName: "eventLog"
            Layout.fillWidth: true
            implicitHeight: visible ? eventColumn.implicitHeight + 2 * Theme.spacing : 0
            visible: root.presence.events.length > 0
            color: Theme.surface
            Rectangle { anchors.top: parent.top; width: parent.width; height: 1; color: Theme.border }
            Column {
                id: eventColumn
                x: root.sideMargin
                y: Theme.spacing
                width: parent.width - 2 * root.sideMargin
                spacing: 2
                Accessible.role: Accessible.List
                Accessible.name: qsTr("Recent events")
                Repeater {
                    model: root.presence.events.slice(-4)
                    Label {
                        required property string modelData
                        width: eventColumn.width
                        text: modelData
                        font.family: "monospace"
                        font.pixelSize: Theme.fontSizeSmall + 1
                        color: Theme.textMuted
                        elide: Text.ElideRight
                    }
                }
            }
        }
    }
}
