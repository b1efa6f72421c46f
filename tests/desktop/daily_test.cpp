// SPDX-License-Identifier: Apache-2.0
// A day's use of two desktop apps (issue 14): real `confab` processes for Alice and Bob, each
// on its own Xvfb display and its own private D-Bus session (where the test is the desktop's
// notification service), driven by real key and pointer events (xdotool), against a real
// confabd. What each window shows is read from the app's CONFAB_UI_STATE_LOG.
//
// Alice opens the direct conversation with Bob from the quick switcher (Ctrl+K) and types:
// Bob sees her typing, then the message, a desktop notification (his window is not focused)
// and the unread badge; clicking the notification opens the conversation, with the "New
// messages" line above her message until Bob presses Esc. Alice sets do not
// disturb and Bob sees it. Bob replies in Markdown and Alice's window renders it. The server
// stops; Alice sends two messages (pending), the server returns, and each is delivered once,
// in order, to both windows.

#include "confabprocess.h"
#include "desktopapp.h"
#include "notificationservice.h"
#include "sessionbus.h"

#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace Qt::StringLiterals;
using confab::test::addUser;
using confab::test::ConfabdProcess;
using confab::test::NotificationService;
using confab::test::PrivateSessionBus;

namespace {

using namespace confab::test::desktop;

const QString dm = u"dm:alice:bob"_s;

/// The newest messages the window shows (author, text, state, seq), oldest first.
QJsonArray messages(const QJsonObject &state)
{
    return state.value("messages"_L1).toArray();
}

/// The texts of the window's newest messages by `author`, oldest first, with their states.
QList<std::pair<QString, QString>> textsBy(const QJsonObject &state, const QString &author)
{
    QList<std::pair<QString, QString>> texts;
    for (const QJsonValue &value : messages(state)) {
        const QJsonObject message = value.toObject();
        if (message.value("author"_L1).toString() == author)
            texts.append(
                {message.value("text"_L1).toString(), message.value("state"_L1).toString()});
    }
    return texts;
}

QJsonObject activityOf(const QJsonObject &state, const QString &channel)
{
    return state.value("activity"_L1).toObject().value(channel).toObject();
}

QJsonObject member(const QJsonObject &state, const QString &user)
{
    for (const QJsonValue &value : state.value("members"_L1).toArray()) {
        if (value.toObject().value("user"_L1).toString() == user)
            return value.toObject();
    }
    return {};
}

QString memberStatus(const QJsonObject &state, const QString &user)
{
    return member(state, user).value("status"_L1).toString();
}

QString memberText(const QJsonObject &state, const QString &user)
{
    return member(state, user).value("text"_L1).toString();
}

// Where things are in the default 1200×760 window (qml/pages/ChatPage.qml, StatusMenu.qml).
constexpr int ownStatusX = 60, ownStatusY = 28;         // the avatar: opens the status menu
constexpr int doNotDisturbX = 104, doNotDisturbY = 182; // the menu's third choice
constexpr int statusTextX = 165, statusTextY = 231;     // the menu's "What are you up to?"
constexpr int composerX = 580, composerY = 721;

} // namespace

TEST(DesktopDailyUse, DirectMessageTypingNotificationStatusMarkdownAndOfflineSending)
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

    PrivateSessionBus aliceBus, bobBus;
    ASSERT_TRUE(aliceBus.start()) << aliceBus.whyNot().toStdString();
    ASSERT_TRUE(bobBus.start()) << bobBus.whyNot().toStdString();
    NotificationService bobsDesktop;
    ASSERT_TRUE(bobsDesktop.start(bobBus.address(), &error)) << error.toStdString();

    // Bob's screen is larger than his window: another app's window sits beside it.
    Display aliceScreen, bobScreen;
    ASSERT_TRUE(aliceScreen.start(&error)) << error.toStdString();
    ASSERT_TRUE(bobScreen.start(&error, u"1500x900"_s)) << error.toStdString();
    QDir(dir.path()).mkpath(u"alice"_s);
    QDir(dir.path()).mkpath(u"bob"_s);
    auto busOf = [](const PrivateSessionBus &bus) {
        QProcessEnvironment env;
        env.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, bus.address());
        return env;
    };
    App alice(aliceScreen, dir.filePath(u"alice"_s), server.url(), u"alice"_s, busOf(aliceBus));
    App bob(bobScreen, dir.filePath(u"bob"_s), server.url(), u"bob"_s, busOf(bobBus));
    auto onGeneral = [](const QJsonObject &s) { return s.value("current"_L1) == u"general"_s; };
    ASSERT_TRUE(alice.shows(onGeneral, 30000))
        << dump(alice.state()) << alice.output().toStdString();
    ASSERT_TRUE(bob.shows(onGeneral, 30000)) << dump(bob.state()) << bob.output().toStdString();
    ASSERT_TRUE(alice.xdo({u"mousemove"_s, u"600"_s, u"400"_s}));
    auto active = [](const QJsonObject &s) { return s.value("active"_L1).toBool(); };
    ASSERT_TRUE(alice.shows(active))
        << "Alice's window never became active: " << dump(alice.state());
    ASSERT_TRUE(bob.focusElsewhere()) << "Bob's desktop cannot focus another window";
    ASSERT_TRUE(bob.shows([&](const QJsonObject &s) { return !active(s); }))
        << "Bob's window kept the focus: " << dump(bob.state());

    // Alice: Ctrl+K, "bob", Enter opens the conversation; she types.
    ASSERT_TRUE(alice.key(u"ctrl+k"_s));
    ASSERT_TRUE(alice.type(u"bob"_s));
    ASSERT_TRUE(alice.key(u"Return"_s));
    ASSERT_TRUE(alice.shows([](const QJsonObject &s) { return s.value("current"_L1) == dm; }))
        << dump(alice.state());
    ASSERT_TRUE(alice.type(u"lunch at 12:30?"_s));
    EXPECT_TRUE(bob.shows([](const QJsonObject &s) {
        return activityOf(s, dm).value("typing"_L1).toArray().contains(u"alice"_s);
    })) << "Bob does not see Alice typing: "
        << dump(bob.state());

    // She sends: Bob's badge counts it and his desktop shows a notification.
    QSignalSpy notified(&bobsDesktop, &NotificationService::notified);
    ASSERT_TRUE(alice.key(u"Return"_s));
    EXPECT_TRUE(bob.shows([](const QJsonObject &s) {
        return activityOf(s, dm).value("unread"_L1).toInt() == 1;
    })) << dump(bob.state());
    ASSERT_TRUE(QTest::qWaitFor([&] { return !bobsDesktop.shown().isEmpty(); }, 15000))
        << "no desktop notification for Bob: " << dump(bob.state());
    const confab::test::ShownNotification shown = bobsDesktop.shown().constFirst();
    EXPECT_EQ(shown.appName, u"Confab"_s);
    EXPECT_TRUE(shown.body.contains(u"lunch at 12:30?"_s)) << shown.body.toStdString();
    EXPECT_TRUE(shown.summary.contains(u"alice"_s, Qt::CaseInsensitive))
        << shown.summary.toStdString();

    // Bob clicks it: the conversation opens, the composer has the focus.
    bobsDesktop.click(shown.id);
    ASSERT_TRUE(bob.shows([](const QJsonObject &s) {
        return s.value("current"_L1) == dm && s.value("active"_L1).toBool();
    })) << "the click did not bring Bob's window forward on the conversation: "
        << dump(bob.state());
    EXPECT_EQ(textsBy(bob.state(), u"alice"_s).value(0).first, u"lunch at 12:30?"_s)
        << dump(bob.state());
    // The "New messages" line is above what he had not read; Esc reads it and the line goes.
    auto lineAboveFirst = [](const QJsonObject &s) {
        return messages(s).size() == 1 &&
               messages(s).first().toObject().value("first_unread"_L1).toBool();
    };
    EXPECT_TRUE(bob.shows(lineAboveFirst)) << dump(bob.state());
    ASSERT_TRUE(bob.key(u"Escape"_s));
    EXPECT_TRUE(bob.shows([&](const QJsonObject &s) { return !lineAboveFirst(s); }))
        << "Esc left the New messages line: " << dump(bob.state());

    // Alice sets do not disturb and a status text from the menu on her avatar; Bob sees both
    // in the conversation's members.
    ASSERT_TRUE(alice.click(ownStatusX, ownStatusY));
    ASSERT_TRUE(alice.click(doNotDisturbX, doNotDisturbY));
    ASSERT_TRUE(alice.shows([](const QJsonObject &s) { return s.value("status"_L1) == "dnd"_L1; }))
        << dump(alice.state());
    ASSERT_TRUE(alice.click(ownStatusX, ownStatusY));
    ASSERT_TRUE(alice.click(statusTextX, statusTextY));
    ASSERT_TRUE(alice.type(u"focus time"_s));
    ASSERT_TRUE(alice.key(u"Return"_s));
    EXPECT_TRUE(bob.shows([](const QJsonObject &s) {
        return memberStatus(s, u"alice"_s) == "dnd"_L1 &&
               memberText(s, u"alice"_s) == "focus time"_L1;
    })) << dump(bob.state());
    ASSERT_TRUE(alice.key(u"Escape"_s)); // the menu, if still open
    ASSERT_TRUE(alice.click(composerX, composerY));

    // Bob replies in Markdown; Alice's window renders it.
    const QString reply = u"**sure**, see you at `12:30`"_s;
    ASSERT_TRUE(bob.xdo({u"mousemove"_s, u"700"_s, u"600"_s}));
    ASSERT_TRUE(bob.type(reply));
    ASSERT_TRUE(bob.key(u"Return"_s));
    EXPECT_TRUE(alice.shows([&](const QJsonObject &s) {
        return textsBy(s, u"bob"_s).value(0).first == reply;
    })) << dump(alice.state());
    // Rendered: no asterisks or backticks on screen, "sure" in bold, "12:30" as code.
    EXPECT_TRUE(alice.shows([](const QJsonObject &s) {
        for (const QJsonValue &value : s.value("rendered"_L1).toArray()) {
            const QJsonObject shown = value.toObject();
            if (shown.value("plain"_L1).toString() == "sure, see you at 12:30"_L1)
                return shown.value("bold"_L1).toArray().contains(u"sure"_s) &&
                       shown.value("code"_L1).toArray().contains(u"12:30"_s);
        }
        return false;
    })) << "Alice's window does not show Bob's Markdown rendered: "
        << dump(alice.state());

    // The server stops; Alice sends two messages: pending until it is back.
    server.terminate();
    ASSERT_TRUE(alice.type(u"one"_s));
    ASSERT_TRUE(alice.key(u"Return"_s));
    ASSERT_TRUE(alice.type(u"two"_s));
    ASSERT_TRUE(alice.key(u"Return"_s));
    EXPECT_TRUE(alice.shows([](const QJsonObject &s) {
        const auto mine = textsBy(s, u"alice"_s);
        return mine.size() >= 3 && mine.at(mine.size() - 2) == std::pair(u"one"_s, u"pending"_s) &&
               mine.last() == std::pair(u"two"_s, u"pending"_s);
    })) << dump(alice.state());
    ASSERT_TRUE(server.start(server.port(), &error)) << error.toStdString();
    auto deliveredOnceInOrder = [](const QJsonObject &s) {
        const auto mine = textsBy(s, u"alice"_s);
        return mine == QList<std::pair<QString, QString>>{{u"lunch at 12:30?"_s, u"sent"_s},
                                                          {u"one"_s, u"sent"_s},
                                                          {u"two"_s, u"sent"_s}};
    };
    EXPECT_TRUE(alice.shows(deliveredOnceInOrder, 30000)) << dump(alice.state());
    EXPECT_TRUE(bob.shows(deliveredOnceInOrder, 30000)) << dump(bob.state());
}
