// SPDX-License-Identifier: Apache-2.0
// A presence dot: online green, away amber, dnd red, offline grey (hollow).
import QtQuick
import Confab.Ui

Rectangle {
    id: root

    property string status: "offline"
    property color ringColor: Theme.background

    implicitWidth: 10
    implicitHeight: 10
    radius: width / 2
    color: root.status === "offline" ? root.ringColor : Theme.presenceColor(root.status)
    border.width: root.status === "offline" ? 2 : 0
    border.color: Theme.offline
}
