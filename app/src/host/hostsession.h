// SPDX-License-Identifier: Apache-2.0
#pragma once

// Hosting from the app, end to end (issue 12): the host's settings, her admin account, the
// supervised confabd, and the app signed in to it. The page and `confab --host` both drive
// this; it holds no UI.
//
// Contract:
// - The server's data lives in `<appDataDir>/server`, laid out exactly like a
//   `confabd --data` directory (plus host.json, the settings, which confabd ignores): that
//   folder can later be served by confabd on a real server.
// - start(): saves nothing; makes the host's account if needed (HostAccount, without
//   blocking), then starts the server (HostSupervisor). Each time the server reaches
//   Running the app is signed in as the host over loopback, unless it already is signed in
//   there as the host (the engine then reconnects by itself). On the network the server's
//   own certificate is trusted for that loopback URL.
// - problem() says why hosting is not running (the account could not be made, the server
//   failed, no confabd found); empty while all is well. notice() relays the supervisor's.
// - stop() stops the server (`bye shutdown` to everyone); the app stays signed in and
//   reconnects when the server runs again.
// - While the server runs on the network it is announced over DNS-SD (`_confab._tcp`, with
//   its name, the port it got, tls=1 and the fingerprint); the announcement is withdrawn
//   when it stops. Without an Avahi daemon nothing is announced and hosting goes on
//   (announcer()->errorString() says why).
// - findTools(): confabd and confabctl from $CONFAB_CONFABD / $CONFAB_CONFABCTL, else beside
//   the app's binary, else ../server (the build tree), else on $PATH.

#include "hostaccount.h"
#include "hostsettings.h"
#include "hostsupervisor.h"

#include <QObject>
#include <QUrl>

namespace confab::client {

class ChatClient;
class ServiceAnnouncer;

class HostSession : public QObject
{
    Q_OBJECT
public:
    struct Tools
    {
        QString confabd;
        QString confabctl;
    };

    HostSession(ChatClient *client, const QString &appDataDir, Tools tools,
                HostSupervisor::Options options = {}, QObject *parent = nullptr);

    static Tools findTools();

    QString serverDataDir() const { return m_serverDataDir; }
    QString settingsFile() const;
    HostSettings savedSettings() const;
    bool saveSettings(const HostSettings &settings, QString *error = nullptr) const;

    /// The settings of the last start() (what is hosted now while active).
    HostSettings settings() const { return m_settings; }
    /// Hosts with `settings` (see contract); false when already hosting.
    bool start(const HostSettings &settings);
    void stop();
    /// Starting, running, or restarting after a crash.
    bool isActive() const;

    HostSupervisor *supervisor() const { return m_supervisor; }
    ServiceAnnouncer *announcer() const { return m_announcer; }
    /// The name others see: the settings' name, else "Confab on HOSTNAME".
    QString displayName() const;
    /// The URL this app signs in with: the loopback address and the hosted port.
    QUrl localUrl() const;
    /// The URL to give others: the first network address (the loopback one when local only).
    QUrl shareUrl() const;
    QString adminUser() const { return m_credentials.user; }
    QString problem() const { return m_problem; }

Q_SIGNALS:
    void activeChanged();
    void problemChanged();
    /// The server reached Running (after start() or after a restart).
    void running(const QUrl &localUrl);

private:
    void onAccountReady(bool ok, const QString &error);
    void onStateChanged(HostSupervisor::State state);
    void signInAsHost();
    void setProblem(const QString &problem);

    ChatClient *m_client;
    QString m_appDataDir;
    QString m_serverDataDir;
    Tools m_tools;
    HostSupervisor::Options m_options;
    HostSupervisor *m_supervisor;
    HostAccount *m_account;
    ServiceAnnouncer *m_announcer;
    HostSettings m_settings;
    HostCredentials m_credentials;
    bool m_preparing = false; ///< the account is being made; the server starts after
    QString m_problem;
};

} // namespace confab::client
