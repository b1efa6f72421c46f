// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "types.h"

#include <QHostAddress>
#include <QString>
#include <QStringList>

#include <optional>

namespace confab::server {

/// Every setting of confabd. Defaults are PROTOCOL.md's; each can be set in the INI config
/// file (`[section] key = value`) and by a flag `--section-key VALUE`.
struct ServerConfig
{
    // [server]
    QHostAddress listenAddress = QHostAddress::LocalHost;
    quint16 listenPort = 8765; ///< 0 picks a free port
    QString dataDir;           ///< holds confab.db; default $XDG_DATA_HOME/confab
    bool openRegistration = false;
    QString serverName;     ///< shown to people who sign in (the hello reply's `name`)
    QString tlsCertificate; ///< PEM files; TLS (wss://) when both are set
    QString tlsKey;
    /// Without tlsCertificate and tlsKey: serve wss:// with a certificate of confabd's own,
    /// `<data>/tls/cert.pem` and `key.pem`, made on first start (trust on first use).
    bool tlsSelfSigned = false;
    /// Reverse proxies whose X-Forwarded-For is believed (empty: the header is ignored).
    QList<QHostAddress> trustedProxies;
    /// Refuse to start when plain ws:// would be served on an address other than loopback
    /// (127.0.0.0/8, ::1): there, only a local reverse proxy that terminates TLS can connect.
    bool tlsOnly = false;
    /// Browser origins allowed to upgrade, normalised `scheme://host[:port]` (see
    /// normalizeOrigin); empty: no check. An upgrade without an Origin header is always let in.
    QStringList allowedOrigins;

    // [limits]
    Limits limits;
    qint64 sendBufferBytes = 8 * 1024 * 1024; ///< unsent bytes per connection before 4008
    // Requests other than publish, per connection: a client's reconnect joins all its
    // channels at once, so the burst is generous; a flood of cheap requests is not.
    int requestRatePerSecond = 50;
    int requestBurst = 200;
    int channelsPerUser = 100; ///< channels one user may create (admins: no limit; 0: none)
    /// Unsent bytes of all connections together; over it the largest backlogs get 4008.
    qint64 sendBudgetBytes = 256 * 1024 * 1024;
    int maxHandshaking = 1024;        ///< connections not yet upgraded; more are closed at once
    int connectionsPerAddress = 1000; ///< per client address (0: unlimited); over it: 4009
    int connectionsPerUser = 32;      ///< signed-in per user (0: unlimited); over it: 4009

    // [timing]
    int helloTimeoutMs = 10000;
    int handshakeTimeoutMs = 10000; ///< from accept to the end of the WebSocket upgrade
    int heartbeatMs = 15000;
    int presenceGraceMs = 10000;
    int typingExpiryMs = 6000;
    // 0: the writer commits as soon as it is free; publishes that arrive during a commit
    // share the next one (natural group commit). A wait only adds latency on a fast disk.
    int groupCommitMs = 0;
    int tokenTtlDays = 30;

    // [auth]
    quint32 kdfMemoryKiB = 19 * 1024;
    quint32 kdfIterations = 2;
    int maxFailures = 5;     ///< failed sign-ins per user or address within the window
    int failureWindowS = 60; ///< before further attempts are throttled

    QString databasePath() const;
    static QString defaultDataDir();
    /// With tlsOnly: a sentence saying why this config must not start (plain ws:// on an
    /// address other than loopback); empty when it may. Call once TLS files are settled.
    QString tlsOnlyViolation() const;
};

/// An origin as `scheme://host[:port]`, scheme and host in lower case, a scheme's default
/// port (80, 443) left out; nullopt when `text` is not such an origin (a path, query,
/// user info, or no host). Browsers send this form in the Origin header.
std::optional<QString> normalizeOrigin(const QString &text);

/// Reads a config file and command-line flags into a ServerConfig (flags win).
/// On a bad file, key or value: returns false with a sentence naming it in `error`.
class ServerConfigLoader
{
public:
    /// Flag names this loader understands, as `--section-key`, for --help.
    static QStringList flagHelp();
    /// Every setting as `section.key`, e.g. "timing.heartbeat_ms".
    static QStringList keys();
    /// The flag of a setting: "timing.heartbeat_ms" -> "timing-heartbeat-ms".
    static QString flagName(const QString &sectionKey);
    static bool loadFile(const QString &path, ServerConfig *config, QString *error);
    /// Applies one `section.key` setting from its text value.
    static bool apply(const QString &sectionKey, const QString &value, ServerConfig *config,
                      QString *error);
};

} // namespace confab::server
