// SPDX-License-Identifier: Apache-2.0
#pragma once

// A private desktop keyring for the TokenStore tests: a D-Bus session bus of its own
// (dbus-daemon, no service files, so nothing is ever activated from the system) and, in
// SecretService mode, gnome-keyring-daemon on it serving org.freedesktop.secrets, with HOME,
// XDG_DATA_HOME, XDG_CONFIG_HOME, XDG_CACHE_HOME and XDG_RUNTIME_DIR in a temporary
// directory and a login keyring it creates and unlocks with a password given on stdin. The
// user's own keyring and bus are never touched. BusOnly mode is a session bus without a
// Secret Service: "no keyring service runs".
//
// Contract:
// - One per test process, made through the process's gtest environment: start() points
//   this process's session bus (DBUS_SESSION_BUS_ADDRESS) at it and hides the desktop
//   variables (XDG_CURRENT_DESKTOP, …) so QtKeychain takes its libsecret backend. Call it
//   before anything in the process uses D-Bus: GLib's D-Bus keeps its first session bus.
// - The bus lives as long as the process (GLib ends a process whose session bus closes): it
//   gets SIGTERM when the test process ends (PR_SET_PDEATHSIG). stop() ends the keyring
//   daemon and deletes the temporary directory.
// - start() returns false with whyNot() when this machine cannot run it: the tests skip
//   and print why. It waits on the event loop until the Secret Service answers.
// - Parallel test processes each have their own bus and keyring.

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <memory>
#include <optional>

namespace confab::client::test {

class KeyringSandbox
{
public:
    enum class Mode { SecretService, BusOnly };

    explicit KeyringSandbox(Mode mode)
        : m_mode(mode)
    {}
    ~KeyringSandbox();
    KeyringSandbox(const KeyringSandbox &) = delete;
    KeyringSandbox &operator=(const KeyringSandbox &) = delete;

    bool start(int timeoutMs = 15000);
    void stop();

    QString busAddress() const { return m_busAddress; }
    QString whyNot() const { return m_whyNot; }

    /// The secret stored under QtKeychain's schema for `service` and `key`, read with
    /// secret-tool (libsecret-tools), independently of QtKeychain; nullopt when none.
    std::optional<QString> lookup(const QString &service, const QString &key) const;

private:
    bool fail(const QString &why);
    bool startBus(int timeoutMs);
    bool startKeyring(int timeoutMs);
    QProcessEnvironment sandboxEnvironment() const;

    Mode m_mode;
    QTemporaryDir m_dir;
    // Leaked on purpose at stop(): the bus must outlive the process's D-Bus connections.
    QProcess *m_bus = nullptr;
    std::unique_ptr<QProcess> m_keyring;
    QString m_busAddress;
    QString m_whyNot;
};

/// One sandbox for the whole test executable (the session bus is process-wide), started
/// before the first test and ended after the last: `installKeyringSandbox(mode)` at namespace
/// scope, then `keyringSandbox()` in the tests (null before the start).
KeyringSandbox *keyringSandbox();
/// Registers the sandbox's start and end with GoogleTest; returns true (for a static).
bool installKeyringSandbox(KeyringSandbox::Mode mode);

} // namespace confab::client::test
