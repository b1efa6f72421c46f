// SPDX-License-Identifier: Apache-2.0
// A round avatar with the user's initial, optionally with a presence dot.
import QtQuick
import Confab.Ui

Rectangle {
    id: root

    property string name
    property string status: "" // empty: no presence dot
    property int size: Theme.avatarSize
    property color ringColor: Theme.background

    implicitWidth: root.size
    implicitHeight: root.size
    radius: root.size / 2
    color: Theme.avatarColor(root.name)

    Text {
        anchors.centerIn: parent
        text: root.name.length > 0 ? root.name.charAt(0).toUpperCase() : "?"
        color: Theme.avatarText
        font.pixelSize: root.size * 0.45
        font.bold: true
    }

    Rectangle {
        visible: root.status.length > 0
        width: Math.max(10, root.size * 0.34)
        height: width
        radius: width / 2
        color: root.ringColor
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: -2

        PresenceDot {
            anchors.centerIn: parent
            width: parent.width - 4
            height: width
            status: root.status
            ringColor: root.ringColor
        }
    }
}
