// SPDX-License-Identifier: Apache-2.0
#pragma once

// A D-Bus session bus of the test's own: `dbus-daemon --session` started here, its address
// read from --print-address, stopped with the test. Nothing of the desktop's own bus is used.

#include <QDBusConnection>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>

namespace confab::desktoptest {

class NotifyTestBus
{
public:
    ~NotifyTestBus()
    {
        for (const QString &name : std::as_const(m_connections))
            QDBusConnection::disconnectFromBus(name);
        if (m_daemon.state() != QProcess::NotRunning) {
            m_daemon.kill();
            m_daemon.waitForFinished(5000);
        }
    }

    /// Starts the daemon; false with `error` when it cannot run here.
    bool start(QString *error, int timeoutMs = 10000)
    {
        const QString program = QStandardPaths::findExecutable(QStringLiteral("dbus-daemon"));
        if (program.isEmpty()) {
            *error = QStringLiteral("dbus-daemon is not installed (Debian package dbus-daemon)");
            return false;
        }
        m_daemon.start(program, {QStringLiteral("--session"), QStringLiteral("--print-address"),
                                 QStringLiteral("--nofork"), QStringLiteral("--nopidfile")});
        const bool up = QTest::qWaitFor(
            [&] { return m_daemon.canReadLine() || m_daemon.state() == QProcess::NotRunning; },
            timeoutMs);
        if (!up || !m_daemon.canReadLine()) {
            *error = QStringLiteral("dbus-daemon did not start: ") +
                     QString::fromLocal8Bit(m_daemon.readAllStandardError()).trimmed();
            return false;
        }
        m_address = QString::fromLatin1(m_daemon.readLine()).trimmed();
        return true;
    }

    /// A new connection to the bus (each its own unique name, like another process).
    QDBusConnection connect(const QString &name)
    {
        m_connections.append(name);
        return QDBusConnection::connectToBus(m_address, name);
    }

    QString address() const { return m_address; }

private:
    QProcess m_daemon;
    QString m_address;
    QStringList m_connections;
};

} // namespace confab::desktoptest
