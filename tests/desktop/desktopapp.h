// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the desktop end-to-end tests share: an Xvfb display of their own, and one person's
// real `confab` process on it, driven by real input (xdotool) and read through its
// CONFAB_UI_STATE_LOG (the last JSON line: what the window shows).

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTest>
#include <QUrl>

#include <functional>
#include <string>

namespace confab::test::desktop {

using namespace Qt::StringLiterals;

inline const QString password = u"password1"_s;

/// An Xvfb display of its own (a free number, so tests can run in parallel).
class Display
{
public:
    /// Starts Xvfb with a screen of `size` (WIDTHxHEIGHT); false with the reason.
    bool start(QString *why, const QString &size = u"1200x760"_s)
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
            m_process.start(xvfb, {u":%1"_s.arg(number), u"-screen"_s, u"0"_s, size + u"x24"_s,
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
    /// Starts the app signed in as `user`; `environment` adds variables to the app's own
    /// (e.g. DBUS_SESSION_BUS_ADDRESS).
    App(const Display &display, const QString &dir, const QUrl &server, const QString &user,
        const QProcessEnvironment &environment = {})
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
        for (const QString &name : environment.keys())
            env.insert(name, environment.value(name));
        m_process.setProcessEnvironment(env);
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start(QString::fromUtf8(CONFAB_APP_PATH),
                        {u"--server"_s, server.toString(), u"--user"_s, user, u"--password-file"_s,
                         passwordFile, u"--data"_s, QDir(dir).filePath(u"data"_s)});
    }
    ~App()
    {
        m_elsewhere.kill();
        m_elsewhere.waitForFinished(2000);
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
    /// Gives the keyboard focus to another program's window on this display (an xmessage,
    /// as a person switches to another app): this app's window is no longer the active one.
    bool focusElsewhere()
    {
        if (m_elsewhere.state() == QProcess::NotRunning) {
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(u"DISPLAY"_s, m_display);
            m_elsewhere.setProcessEnvironment(env);
            m_elsewhere.start(u"xmessage"_s, {u"-geometry"_s, u"+1250+820"_s, u"-title"_s,
                                              u"elsewhere"_s, u"another app"_s});
        }
        return xdo({u"search"_s, u"--sync"_s, u"--name"_s, u"^elsewhere$"_s, u"windowfocus"_s,
                    u"--sync"_s});
    }
    bool type(const QString &text) { return xdo({u"type"_s, u"--delay"_s, u"20"_s, text}); }
    bool key(const QString &name) { return xdo({u"key"_s, name}); }

private:
    QString m_display;
    QString m_log;
    QProcess m_process;
    QProcess m_elsewhere; ///< focusElsewhere()'s window
};

inline bool contains(const QJsonObject &state, const char *list, const QString &value)
{
    return state.value(QLatin1StringView(list)).toArray().contains(value);
}

inline std::string dump(const QJsonObject &state)
{
    return QJsonDocument(state).toJson(QJsonDocument::Compact).toStdString();
}

} // namespace confab::test::desktop
