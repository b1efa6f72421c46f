// SPDX-License-Identifier: Apache-2.0
#pragma once

// A private Avahi for tests: its own D-Bus system bus (dbus-daemon, every name and call
// allowed, on a socket in a temporary directory) and an avahi-daemon on it, as child
// processes.
//
// libdbus reads DBUS_SYSTEM_BUS_ADDRESS once per process and keeps it, so every sandbox of a
// process listens on the same address, processBusAddress(): call usePrivateSystemBus()
// before the first Avahi client is made. Between sandboxes nothing listens there, which is
// how a test sees "no system bus".
//
// Contract:
// - start() returns false with whyNot() when this machine cannot run it (not root, no
//   avahi-daemon or dbus-daemon, no multicast interface, the daemon failing): the caller
//   skips and prints why. It waits (on the event loop) until the daemon says it is up.
// - avahi-daemon keeps its pid file and socket in the fixed /run/avahi-daemon: it runs in
//   its own mount namespace (unshare) with a private tmpfs there, so parallel test runs and
//   a system daemon do not clash. Root is needed for that and for --no-drop-root.
// - stopAvahi()/startAvahi() restart the daemon alone (the bus stays).
// - Destruction (or stop()) ends both processes.

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace confab::test {

class AvahiSandbox
{
public:
    AvahiSandbox() = default;
    ~AvahiSandbox();
    AvahiSandbox(const AvahiSandbox &) = delete;
    AvahiSandbox &operator=(const AvahiSandbox &) = delete;

    bool start(int timeoutMs = 15000);
    bool startAvahi(int timeoutMs = 15000);
    void stopAvahi();
    void stop();

    /// This process's private bus address (a socket in a temporary directory).
    static QString processBusAddress();
    /// Points DBUS_SYSTEM_BUS_ADDRESS at processBusAddress() (for this process and children).
    static void usePrivateSystemBus();

    QString busAddress() const { return m_busAddress; }
    QString whyNot() const { return m_whyNot; }
    /// What avahi-daemon printed, for failure messages.
    QString avahiOutput() const;

private:
    bool fail(const QString &why);

    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_bus;
    std::unique_ptr<QProcess> m_avahi;
    QString m_busAddress;
    QString m_avahiConfig;
    QString m_avahiLog;
    QString m_whyNot;
};

} // namespace confab::test
