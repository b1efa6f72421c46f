// SPDX-License-Identifier: Apache-2.0
// The primary action of a form (Sign in, Send, Create): accent colour, faded when disabled.
import QtQuick
import QtQuick.Controls
import Confab.Ui

Button {
    id: root

    font.pixelSize: Theme.fontSize
    font.bold: true
    background: Rectangle {
        implicitWidth: 72
        implicitHeight: 34
        radius: Theme.radius - 2
        color: Theme.accent
        opacity: root.enabled ? (root.down ? 0.8 : 1) : 0.35
        // The keyboard's place (Tab): a ring outside the accent colour.
        border.color: root.visualFocus ? Theme.text : "transparent"
        border.width: 2
    }
    contentItem: Text {
        text: root.text
        font: root.font
        color: Theme.accentText
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
    }
}
