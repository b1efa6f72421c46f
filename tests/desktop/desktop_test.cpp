// SPDX-License-Identifier: Apache-2.0
// Two people's desktop apps side by side (issue 13), each a real `confab` process on its own
// Xvfb display, driven by real mouse and key events (xdotool), against a real confabd. What
// each window shows is read from the app's CONFAB_UI_STATE_LOG (the last JSON line).
//
// Alice creates a channel: Bob's running app, with its channel browser open, lists it at
// once. Alice writes half a message there, goes to #general: the composer is empty there
// (the draft did not follow her), and she opens a direct conversation with Bob from the
// member list: Bob's running app shows it at once, titled with her name. Back in her channel,
// her half-written message is still there. The window layout is the app's default size.

#include "confabprocess.h"
#include "desktopapp.h"

#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <memory>

using namespace Qt::StringLiterals;
using confab::test::addUser;
using confab::test::ConfabdProcess;

namespace {

using namespace confab::test::desktop;

// Where things are in the default 1200×760 window (qml/pages/ChatPage.qml).
constexpr int createChannelX = 215, createChannelY = 81; // "+" beside CHANNELS
constexpr int firstChannelY = 111, secondChannelY = 140; // sidebar rows, sorted by name
constexpr int browseWithOneChannelY = 145;               // "Browse channels…" under one row
constexpr int secondMemberY = 126, envelopeX = 1171;     // a member row's "Message" button

} // namespace

TEST(TwoDesktopApps, ChannelAndDirectMessageAppearAtOnceAndTheDraftStaysInItsChannel)
{
    if (QStandardPaths::findExecutable(u"xdotool"_s).isEmpty())
        GTEST_SKIP() << "xdotool is not installed: the two-window test did not run";
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    ConfabdProcess server(dir.filePath(u"server"_s));
    QString error;
    ASSERT_TRUE(addUser(dir.filePath(u"server"_s), u"alice"_s, password));
    ASSERT_TRUE(addUser(dir.filePath(u"server"_s), u"bob"_s, password));
    ASSERT_TRUE(server.start(0, &error)) << error.toStdString();

    Display aliceScreen, bobScreen;
    ASSERT_TRUE(aliceScreen.start(&error)) << error.toStdString();
    ASSERT_TRUE(bobScreen.start(&error)) << error.toStdString();
    QDir(dir.path()).mkpath(u"alice"_s);
    QDir(dir.path()).mkpath(u"bob"_s);
    App alice(aliceScreen, dir.filePath(u"alice"_s), server.url(), u"alice"_s);
    App bob(bobScreen, dir.filePath(u"bob"_s), server.url(), u"bob"_s);
    auto onGeneral = [](const QJsonObject &s) { return s.value("current"_L1) == u"general"_s; };
    ASSERT_TRUE(alice.shows(onGeneral, 30000))
        << dump(alice.state()) << alice.output().toStdString();
    ASSERT_TRUE(bob.shows(onGeneral, 30000)) << dump(bob.state()) << bob.output().toStdString();

    // Bob browses the channels while Alice creates one.
    ASSERT_TRUE(bob.click(77, browseWithOneChannelY));
    ASSERT_TRUE(bob.shows([](const QJsonObject &s) { return contains(s, "public", u"general"_s); }))
        << dump(bob.state());
    ASSERT_TRUE(alice.click(createChannelX, createChannelY));
    ASSERT_TRUE(alice.type(u"Design Team"_s));
    ASSERT_TRUE(alice.key(u"Return"_s));
    ASSERT_TRUE(alice.shows([](const QJsonObject &s) {
        return s.value("current"_L1) == u"design-team"_s &&
               contains(s, "channels", u"design-team"_s);
    })) << dump(alice.state());
    EXPECT_TRUE(bob.shows([](const QJsonObject &s) {
        return contains(s, "public", u"design-team"_s);
    })) << "Bob's running app did not list the new channel: "
        << dump(bob.state());
    ASSERT_TRUE(bob.key(u"Escape"_s)); // closes the browser

    // Half a message in #design-team, then #general: the draft stays behind.
    ASSERT_TRUE(alice.type(u"half-written note"_s));
    ASSERT_TRUE(alice.shows([](const QJsonObject &s) {
        return s.value("composer"_L1) == u"half-written note"_s;
    })) << dump(alice.state());
    ASSERT_TRUE(alice.click(60, secondChannelY)); // design-team, general: general is second
    ASSERT_TRUE(alice.shows(onGeneral)) << dump(alice.state());
    EXPECT_TRUE(alice.shows([](const QJsonObject &s) { return s.value("composer"_L1) == u""_s; }))
        << "the draft followed Alice to #general: " << dump(alice.state());

    // A direct conversation from #general's member list (alice, bob): Bob sees it at once.
    auto inConversation = [](const QJsonObject &s) {
        return s.value("current"_L1) == u"dm:alice:bob"_s;
    };
    ASSERT_TRUE(alice.hoverClick(envelopeX, secondMemberY));
    ASSERT_TRUE(alice.shows(inConversation)) << dump(alice.state());
    EXPECT_TRUE(bob.shows([](const QJsonObject &s) { return contains(s, "direct", u"alice"_s); }))
        << "Bob's running app did not show the conversation: " << dump(bob.state());

    // Back in #design-team, the half-written note is waiting.
    ASSERT_TRUE(alice.click(60, firstChannelY));
    EXPECT_TRUE(alice.shows([](const QJsonObject &s) {
        return s.value("current"_L1) == u"design-team"_s &&
               s.value("composer"_L1) == u"half-written note"_s;
    })) << dump(alice.state());
}
