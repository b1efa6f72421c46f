// SPDX-License-Identifier: Apache-2.0
#include "sessionbus.h"

#include <QStandardPaths>
#include <QTest>

using namespace Qt::StringLiterals;

namespace confab::test {

PrivateSessionBus::~PrivateSessionBus()
{
    for (const QString &name : std::as_const(m_connections))
        QDBusConnection::disconnectFromBus(name);
    if (m_daemon && m_daemon->state() != QProcess::NotRunning) {
        m_daemon->terminate();
        if (!m_daemon->waitForFinished(5000))
            m_daemon->kill();
    }
}

bool PrivateSessionBus::start(int timeoutMs)
{
    const QString program = QStandardPaths::findExecutable(u"dbus-daemon"_s);
    if (program.isEmpty()) {
        m_whyNot = u"dbus-daemon is not installed (Debian package dbus-daemon)"_s;
        return false;
    }
    m_daemon = std::make_unique<QProcess>();
    m_daemon->start(program,
                    {u"--session"_s, u"--print-address"_s, u"--nofork"_s, u"--nopidfile"_s});
    const bool up = QTest::qWaitFor(
        [&] { return m_daemon->canReadLine() || m_daemon->state() == QProcess::NotRunning; },
        timeoutMs);
    if (!up || !m_daemon->canReadLine()) {
        m_whyNot = u"dbus-daemon did not start: %1"_s.arg(
            QString::fromLocal8Bit(m_daemon->readAllStandardError()).trimmed());
        return false;
    }
    m_address = QString::fromLatin1(m_daemon->readLine()).trimmed();
    return true;
}

QDBusConnection PrivateSessionBus::connect(const QString &name)
{
    m_connections.append(name);
    return QDBusConnection::connectToBus(m_address, name);
}

} // namespace confab::test
