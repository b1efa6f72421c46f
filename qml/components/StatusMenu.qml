// SPDX-License-Identifier: Apache-2.0
// The menu on the user's own avatar: Online, Away or Do not disturb, and a status text
// ("lunch", "in a meeting") with a clear button. It shows `status` and `statusText` and asks
// for changes with statusRequested(); the page binds both to the engine. Choosing a status or
// pressing Enter in the text field applies both and closes; Esc closes without a change.
import QtQuick
import Confab.Ui
import QtQuick.Controls
import QtQuick.Layouts

Popup {
    id: root

    /// "online", "away" or "dnd".
    property string status: "online"
    property string statusText

    /// The user chose `status` with `text` ("" clears the text).
    signal statusRequested(string status, string text)

    readonly property var choices: [
        { status: "online", label: qsTr("Online") },
        { status: "away", label: qsTr("Away") },
        { status: "dnd", label: qsTr("Do not disturb") }
    ]

    function labelOf(status) {
        for (const choice of root.choices) {
            if (choice.status === status)
                return choice.label
        }
        return status
    }

    function apply(status, text) {
        root.statusRequested(status, text.trim())
        root.close()
    }

    modal: true
    focus: true
    padding: Theme.spacing
    width: 300
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside

    onOpened: {
        textField.text = root.statusText
        // Start on the current status, so Enter or Space keeps it.
        for (let i = 0; i < choiceRepeater.count; ++i) {
            const item = choiceRepeater.itemAt(i)
            if (item.status === root.status)
                item.forceActiveFocus(Qt.TabFocusReason)
        }
    }

    background: Rectangle {
        color: Theme.background
        radius: Theme.radius
        border.color: Theme.border
    }

    contentItem: ColumnLayout {
        Accessible.role: Accessible.Dialog
        Accessible.name: qsTr("Your status")
        spacing: Theme.spacingSmall

        Label {
            text: qsTr("Your status")
            color: Theme.textMuted
            font.pixelSize: Theme.fontSizeSmall
            font.bold: true
            Layout.leftMargin: Theme.spacing
        }

        Repeater {
            id: choiceRepeater
            model: root.choices
            delegate: ItemDelegate {
                id: choice
                required property var modelData
                required property int index
                readonly property string status: modelData.status
                readonly property bool current: root.status === choice.status
                objectName: "statusChoice_" + choice.status
                Layout.fillWidth: true
                text: choice.modelData.label
                highlighted: activeFocus
                Accessible.role: Accessible.RadioButton
                Accessible.checkable: true
                Accessible.checked: choice.current
                Accessible.name: choice.modelData.label
                // Up/Down walk the choices; below the last one is the text field.
                Keys.onUpPressed: {
                    if (choice.index > 0)
                        choiceRepeater.itemAt(choice.index - 1).forceActiveFocus(Qt.BacktabFocusReason)
                }
                Keys.onDownPressed: {
                    if (choice.index + 1 < choiceRepeater.count)
                        choiceRepeater.itemAt(choice.index + 1).forceActiveFocus(Qt.TabFocusReason)
                    else
                        textField.forceActiveFocus(Qt.TabFocusReason)
                }
                onClicked: root.apply(choice.status, textField.text)
                contentItem: RowLayout {
                    spacing: Theme.spacing
                    PresenceDot {
                        status: choice.status
                        Layout.preferredWidth: 10
                        Layout.preferredHeight: 10
                    }
                    Label {
                        text: choice.text
                        color: Theme.text
                        font.bold: choice.current
                        Layout.fillWidth: true
                    }
                    Label {
                        visible: choice.current
                        text: "✓"
                        color: Theme.accent
                    }
                }
                background: Rectangle {
                    color: choice.activeFocus ? Theme.surface
                         : choice.hovered ? Theme.surface : "transparent"
                    border.color: choice.visualFocus ? Theme.accent : "transparent"
                    border.width: 2
                    radius: Theme.radius - 2
                }
            }
        }

        Rectangle { Layout.fillWidth: true; height: 1; color: Theme.border }

        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacingSmall
            TextField {
                id: textField
                objectName: "statusTextField"
                Layout.fillWidth: true
                placeholderText: qsTr("What are you up to?")
                maximumLength: 100
                Accessible.name: qsTr("Status text")
                Accessible.description: qsTr("For example: lunch, in a meeting. Enter saves it.")
                onAccepted: root.apply(root.status, textField.text)
            }
            ToolButton {
                objectName: "clearStatusTextButton"
                visible: textField.text.length > 0 || root.statusText.length > 0
                text: "✕"
                Accessible.name: qsTr("Clear the status text")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Clear the status text")
                onClicked: {
                    textField.clear()
                    root.apply(root.status, "")
                }
            }
        }
    }
}
