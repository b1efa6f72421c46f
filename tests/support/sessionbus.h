// SPDX-License-Identifier: Apache-2.0
#pragma once

// A private D-Bus session bus for one test: a `dbus-daemon --session` of its own, so what a
// test registers or calls on it never meets the machine's desktop session, and tests run in
// parallel. Processes the test starts talk to it through DBUS_SESSION_BUS_ADDRESS=address().

#include <QDBusConnection>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <memory>

namespace confab::test {

class PrivateSessionBus
{
public:
    PrivateSessionBus() = default;
    ~PrivateSessionBus();
    PrivateSessionBus(const PrivateSessionBus &) = delete;
    PrivateSessionBus &operator=(const PrivateSessionBus &) = delete;

    /// Starts the daemon; false with whyNot() when it cannot run here.
    bool start(int timeoutMs = 10000);
    QString address() const { return m_address; }
    /// A new connection to the bus, named `name` (each its own unique bus name, as another
    /// process would have); closed with the bus.
    QDBusConnection connect(const QString &name);
    QString whyNot() const { return m_whyNot; }

private:
    std::unique_ptr<QProcess> m_daemon;
    QString m_address;
    QString m_whyNot;
    QStringList m_connections;
};

} // namespace confab::test
