// SPDX-License-Identifier: Apache-2.0
// A button with the Appearance menu: System, Light or Dark (Theme.mode, kept across
// restarts). The chosen one is checked.
import QtQuick
import Confab.Ui
import QtQuick.Controls

ToolButton {
    id: root

    objectName: "appearanceButton"
    text: "◐"
    flat: true
    font.pixelSize: Theme.fontSizeLarge
    Accessible.name: qsTr("Appearance: system, light or dark")
    ToolTip.visible: hovered && !menu.visible
    ToolTip.text: qsTr("Appearance")
    onClicked: menu.open()
    background: Rectangle {
        implicitWidth: 32
        implicitHeight: 32
        radius: Theme.radius
        color: root.down ? Theme.border : root.hovered ? Theme.hover : "transparent"
    }

    // A checkable item toggles itself when triggered: the binding to Theme.mode comes back.
    function choose(item, mode) {
        Theme.setMode(mode)
        item.checked = Qt.binding(() => Theme.mode === mode)
    }

    Menu {
        id: menu
        objectName: "appearanceMenu"
        y: root.height
        width: 220

        Label {
            text: qsTr("Appearance")
            color: Theme.textMuted
            font.pixelSize: Theme.fontSizeSmall
            font.bold: true
            leftPadding: Theme.spacingLarge
            topPadding: Theme.spacingSmall
            bottomPadding: Theme.spacingSmall
        }
        MenuItem {
            objectName: "appearance_system"
            text: qsTr("System")
            checkable: true
            checked: Theme.mode === "system"
            Accessible.name: qsTr("Appearance: System")
            onTriggered: root.choose(this, "system")
        }
        MenuItem {
            objectName: "appearance_light"
            text: qsTr("Light")
            checkable: true
            checked: Theme.mode === "light"
            Accessible.name: qsTr("Appearance: Light")
            onTriggered: root.choose(this, "light")
        }
        MenuItem {
            objectName: "appearance_dark"
            text: qsTr("Dark")
            checkable: true
            checked: Theme.mode === "dark"
            Accessible.name: qsTr("Appearance: Dark")
            onTriggered: root.choose(this, "dark")
        }
    }
}
