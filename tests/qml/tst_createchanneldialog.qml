// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtTest
import Confab.Ui

TestCase {
    id: root
    name: "CreateChannelDialog"
    width: 500
    height: 400
    visible: true
    when: windowShown

    Component {
        id: dialogComponent
        CreateChannelDialog {}
    }
    SignalSpy { id: createSpy; signalName: "createRequested" }

    function test_typedNameIsLowerCasedAndHyphenatedNotEaten() {
        const dialog = createTemporaryObject(dialogComponent, root)
        verify(dialog)
        createSpy.target = dialog
        dialog.open()
        const field = findChild(dialog.contentItem, "channelNameField")
        verify(field)
        tryVerify(() => field.activeFocus)
        keySequence("Shift+D")
        for (const key of [Qt.Key_E, Qt.Key_S, Qt.Key_I, Qt.Key_G, Qt.Key_N])
            keyClick(key)
        keyClick(Qt.Key_Space)
        keySequence("Shift+T")
        for (const key of [Qt.Key_E, Qt.Key_A, Qt.Key_M])
            keyClick(key)
        compare(field.text, "design-team", "\"Design Team\" used to become \"esigneam\"")
        keyClick(Qt.Key_Return)
        compare(createSpy.count, 1)
        compare(createSpy.signalArguments[0][0], "design-team")
        compare(createSpy.signalArguments[0][2], false, "public unless asked")
    }

    function test_channelNameFrom() {
        const dialog = createTemporaryObject(dialogComponent, root)
        compare(dialog.channelNameFrom("Design Team"), "design-team")
        compare(dialog.channelNameFrom("Q3 plans!"), "q3-plans")
        compare(dialog.channelNameFrom("ünï"), "n")
        compare(dialog.channelNameFrom("a".repeat(70)).length, 64)
    }
}
