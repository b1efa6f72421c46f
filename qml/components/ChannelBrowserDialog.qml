// SPDX-License-Identifier: Apache-2.0
// Browses the server's public channels (AppContext.engine.publicChannels, listed again when
// opened and kept true by the server's `channel` events): search, see the topic, join one
// (it opens), or go create a new one.
import QtQuick
import Confab.Ui
import QtQuick.Controls
import QtQuick.Layouts

Dialog {
    id: root

    signal joinRequested(string channel)
    signal openRequested(string channel)
    signal createRequested()

    title: qsTr("Browse channels")
    modal: true
    width: 480
    height: Math.min(560, parent ? parent.height - 2 * Theme.spacingLarge : 560)
    standardButtons: Dialog.Close
    onOpened: {
        searchField.clear()
        AppContext.engine.refreshPublicChannels()
        searchField.forceActiveFocus()
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing

        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacing
            TextField {
                id: searchField
                objectName: "channelSearch"
                placeholderText: qsTr("Search channels")
                Layout.fillWidth: true
                Accessible.name: qsTr("Search channels")
            }
            Button {
                text: qsTr("Create…")
                Accessible.name: qsTr("Create a channel")
                onClicked: {
                    root.close()
                    root.createRequested()
                }
            }
        }
        ListView {
            id: list
            objectName: "publicChannelList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: AppContext.engine.publicChannels
            ScrollBar.vertical: ScrollBar {}
            delegate: Item {
                id: row
                required property string name
                required property string topic
                required property bool joined
                readonly property bool shown: {
                    const q = searchField.text.trim().toLowerCase()
                    return q.length === 0 || name.indexOf(q) >= 0 || topic.toLowerCase().indexOf(q) >= 0
                }
                visible: shown
                width: ListView.view.width
                height: shown ? 56 : 0
                RowLayout {
                    anchors.fill: parent
                    anchors.leftMargin: Theme.spacing
                    anchors.rightMargin: Theme.spacing
                    spacing: Theme.spacing
                    ColumnLayout {
                        spacing: 0
                        Layout.fillWidth: true
                        Label { text: "# " + row.name; color: Theme.text; font.bold: true; elide: Text.ElideRight; Layout.fillWidth: true }
                        Label {
                            text: row.topic.length > 0 ? row.topic : qsTr("No topic")
                            color: Theme.textMuted
                            font.pixelSize: Theme.fontSizeSmall + 1
                            elide: Text.ElideRight
                            Layout.fillWidth: true
                        }
                    }
                    Button {
                        text: row.joined ? qsTr("Open") : qsTr("Join")
                        Accessible.name: row.joined ? qsTr("Open #%1").arg(row.name) : qsTr("Join #%1").arg(row.name)
                        onClicked: {
                            root.close()
                            if (row.joined)
                                root.openRequested(row.name)
                            else
                                root.joinRequested(row.name)
                        }
                    }
                }
                Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border; visible: row.shown }
            }
            Label {
                anchors.centerIn: parent
                visible: list.count === 0
                text: qsTr("No public channels yet.")
                color: Theme.textMuted
            }
        }
    }
}
