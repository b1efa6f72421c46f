// SPDX-License-Identifier: Apache-2.0
// The admin's live view of every user: presence, status text and live connections.
import QtQuick
import Confab.Ui
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    id: root

    signal backRequested()

    color: Theme.background
    Component.onCompleted: AppContext.watchAdmin()

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 56
            color: Theme.background
            border.color: Theme.border
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: Theme.spacing
                anchors.rightMargin: Theme.spacingLarge
                spacing: Theme.spacing
                Button {
                    text: qsTr("← Back to chat")
                    flat: true
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
                    text: qsTr("%1 users").arg(list.count)
                    color: Theme.textMuted
                }
            }
        }

        // Column headings.
        RowLayout {
            Layout.fillWidth: true
            Layout.leftMargin: Theme.spacingLarge * 2
            Layout.rightMargin: Theme.spacingLarge * 2
            Layout.topMargin: Theme.spacing
            Layout.bottomMargin: Theme.spacingSmall
            Repeater {
                model: [qsTr("User"), qsTr("Status"), qsTr("Connections"), qsTr("Clients")]
                Label {
                    required property string modelData
                    required property int index
                    text: modelData
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSizeSmall
                    font.bold: true
                    Layout.preferredWidth: [220, 220, 110, 300][index]
                    Layout.fillWidth: index === 3
                }
            }
        }

        ListView {
            id: list
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: AppContext.adminPresence
            ScrollBar.vertical: ScrollBar {}

            delegate: Rectangle {
                id: row
                required property int index
                required property string user
                required property string status
                required property string statusText
                required property var since
                required property var lastSeen
                required property int connectionCount
                required property var connections

                width: ListView.view.width
                height: 48
                color: index % 2 ? Theme.background : Theme.surface

                RowLayout {
                    anchors.fill: parent
                    anchors.leftMargin: Theme.spacingLarge * 2
                    anchors.rightMargin: Theme.spacingLarge * 2
                    spacing: 0
                    RowLayout {
                        Layout.preferredWidth: 220
                        spacing: Theme.spacing
                        Avatar { name: row.user; size: 28; status: row.status; ringColor: row.color }
                        Label { text: row.user; color: Theme.text; font.pixelSize: Theme.fontSize }
                    }
                    Label {
                        Layout.preferredWidth: 220
                        text: row.status + (row.statusText.length > 0 ? " — " + row.statusText : "")
                        color: Theme.presenceColor(row.status) === Theme.offline ? Theme.textMuted : Theme.text
                        elide: Text.ElideRight
                    }
                    Label {
                        Layout.preferredWidth: 110
                        text: String(row.connectionCount)
                        color: Theme.text
                    }
                    Label {
                        Layout.fillWidth: true
                        elide: Text.ElideRight
                        color: Theme.textMuted
                        text: {
                            const list = row.connections || []
                            if (list.length === 0)
                                return row.lastSeen && !isNaN(row.lastSeen.getTime())
                                    ? qsTr("last seen %1").arg(Qt.formatDateTime(row.lastSeen, "d MMM hh:mm"))
                                    : ""
                            return list.map(c => c.client + " (" + c.address + ")").join(", ")
                        }
                    }
                }
            }

            Label {
                anchors.centerIn: parent
                visible: list.count === 0
                text: AppContext.admin ? qsTr("Waiting for the server…")
                                       : qsTr("Only admins can see this page.")
                color: Theme.textMuted
            }
        }
    }
}
