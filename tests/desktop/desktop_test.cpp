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

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <memory>

using namespace Qt::StringLiterals;
using confab::test::addUser;
using confab::test::ConfabdProcess;

namespace {

const QString password = u"password1"_s;

/// An Xvfb display of its own (a free number, so tests can run in parallel).
class Display
{
public:
    bool start(QString *why)
    {
        const QString xvfb = QStandardPaths::findExecutable(u"Xvfb"_s);
        if (xvfb.isEmpty()) {
            *why = u"Xvfb is not installed"_s;
            return false;
        }
        for (int attempt = 0; attempt < 20; ++attempt) {
            const int number = 200 + int(QRandomGenerator::global()->bounded(700));
            if (QFile::exists(u"/tmp/.X%1-lock"_s.arg(number)))
                continue;
            m_process.start(xvfb, {u":%1"_s.arg(number), u"-screen"_s, u"0"_s, u"1200x760x24"_s,
                                   u"-nolisten"_s, u"tcp"_s});
            const QString socket = u"/tmp/.X11-unix/X%1"_s.arg(number);
            if (QTest::qWaitFor(
                    [&] {
                        return QFile::exists(socket) || m_process.state() == QProcess::NotRunning;
                    },
                    10000) &&
                m_process.state() == QProcess::Running) {
                m_name = u":%1"_s.arg(number);
                return true;
            }
            m_process.kill();
            m_process.waitForFinished(2000);
        }
        *why = u"no Xvfb display could start"_s;
        return false;
    }
    ~Display()
    {
        m_process.terminate();
        if (!m_process.waitForFinished(5000))
            m_process.kill();
    }
    QString name() const { return m_name; }

private:
    QProcess m_process;
    QString m_name;
};

/// One person's app on a display, and what it shows.
class App
{
public:
    App(const Display &display, const QString &dir, const QUrl &server, const QString &user)
        : m_display(display.name())
        , m_log(QDir(dir).filePath(u"state.jsonl"_s))
    {
        const QString passwordFile = QDir(dir).filePath(u"password"_s);
        QFile file(passwordFile);
        if (file.open(QIODevice::WriteOnly))
            file.write(password.toUtf8() + '\n');
        file.close();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"DISPLAY"_s, m_display);
        env.remove(u"QT_QPA_PLATFORM"_s);
        env.insert(u"CONFAB_UI_STATE_LOG"_s, m_log);
        m_process.setProcessEnvironment(env);
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start(QString::fromUtf8(CONFAB_APP_PATH),
                        {u"--server"_s, server.toString(), u"--user"_s, user, u"--password-file"_s,
                         passwordFile, u"--data"_s, QDir(dir).filePath(u"data"_s)});
    }
    ~App()
    {
        m_process.terminate();
        if (!m_process.waitForFinished(5000))
            m_process.kill();
    }

    QJsonObject state() const
    {
        QFile file(m_log);
        if (!file.open(QIODevice::ReadOnly))
            return {};
        const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
        return QJsonDocument::fromJson(lines.last()).object();
    }
    bool shows(const std::function<bool(const QJsonObject &)> &condition, int timeoutMs = 15000)
    {
        return QTest::qWaitFor([&] { return condition(state()); }, timeoutMs);
    }
    QString output() { return QString::fromUtf8(m_process.readAll()); }

    /// xdotool on this app's display: real pointer and key events.
    bool xdo(const QStringList &args)
    {
        QProcess xdotool;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"DISPLAY"_s, m_display);
        xdotool.setProcessEnvironment(env);
        xdotool.start(u"xdotool"_s, args);
        return xdotool.waitForFinished(10000) && xdotool.exitCode() == 0;
    }
    bool click(int x, int y)
    {
        return xdo({u"mousemove"_s, QString::number(x), QString::number(y), u"click"_s, u"1"_s});
    }
    /// Points at (x, y), lets the hover show what it shows (as a person's hand pauses), then
    /// clicks: for controls that appear on hover.
    bool hoverClick(int x, int y)
    {
        return xdo({u"mousemove"_s, QString::number(x), QString::number(y), u"sleep"_s, u"0.4"_s,
                    u"mousemove_relative"_s, u"1"_s, u"0"_s, u"sleep"_s, u"0.2"_s, u"click"_s,
                    u"1"_s});
    }
    bool type(const QString &text) { return xdo({u"type"_s, u"--delay"_s, u"20"_s, text}); }
    bool key(const QString &name) { return xdo({u"key"_s, name}); }

private:
    QString m_display;
    QString m_log;
    QProcess m_process;
};

bool contains(const QJsonObject &state, const char *list, const QString &value)
{
    return state.value(QLatin1StringView(list)).toArray().contains(value);
}

std::string dump(const QJsonObject &state)
{
    return QJsonDocument(state).toJson(QJsonDocument::Compact).toStdString();
}

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
