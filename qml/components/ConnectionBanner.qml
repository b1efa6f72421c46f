// SPDX-License-Identifier: Apache-2.0
// The strip above the messages that says why the app is not online: the connection's
// state, the countdown to the next attempt, the error that stopped it, and how many
// messages wait to be sent. Hidden while online with nothing queued.
import QtQuick
import Confab.Ui
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    id: root

    property int connectionState: Connection.Offline
    property int secondsToRetry: 0
    property string errorString
    property int queuedCount: 0

    /// The sentence shown (empty when there is nothing to say).
    readonly property string message: {
        switch (root.connectionState) {
        case Connection.Online:
            return ""
        case Connection.Connecting:
            return qsTr("Connecting…")
        case Connection.Authenticating:
            return qsTr("Signing in…")
        case Connection.Syncing:
            return qsTr("Catching up…")
        case Connection.WaitingToRetry:
            return qsTr("Connection lost. Reconnecting in %1 s").arg(root.secondsToRetry)
        default:
            return root.errorString.length > 0 ? root.errorString
                                               : qsTr("Offline")
        }
    }
    readonly property string queuedText: root.queuedCount > 0
        ? (root.queuedCount === 1 ? qsTr("1 message waiting to be sent")
                                : qsTr("%1 messages waiting to be sent").arg(root.queuedCount)) : ""
    readonly property bool canRetry: root.connectionState === Connection.WaitingToRetry
                                     || root.connectionState === Connection.Offline
    readonly property bool problem: root.connectionState === Connection.WaitingToRetry
                                    || root.connectionState === Connection.Offline

    signal retryRequested()

    visible: root.message.length > 0 || root.queuedText.length > 0
    implicitHeight: visible ? row.implicitHeight + 2 * Theme.spacing : 0
    color: root.problem ? Theme.warningSurface : Theme.surface
    border.color: Theme.border

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.leftMargin: Theme.spacingLarge
        anchors.rightMargin: Theme.spacing
        spacing: Theme.spacing

        BusyIndicator {
            visible: !root.problem && root.message.length > 0
            running: visible
            Layout.preferredWidth: 18
            Layout.preferredHeight: 18
        }
        Label {
            id: messageLabel
            objectName: "bannerMessage"
            text: root.message
            visible: text.length > 0
            color: root.problem ? Theme.warning : Theme.textMuted
            font.pixelSize: Theme.fontSize
            font.bold: root.problem
            elide: Text.ElideRight
            Layout.fillWidth: !queuedLabel.visible
            Layout.maximumWidth: row.width * 0.7
        }
        Label {
            id: queuedLabel
            objectName: "bannerQueued"
            text: (root.message.length > 0 ? "· " : "") + root.queuedText
            visible: root.queuedText.length > 0
            color: Theme.textMuted
            font.pixelSize: Theme.fontSize
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
        Button {
            objectName: "retryNowButton"
            Accessible.name: qsTr("Retry connecting now")
            text: qsTr("Retry now")
            visible: root.canRetry
            flat: true
            font.pixelSize: Theme.fontSize
            onClicked: root.retryRequested()
        }
    }
}
