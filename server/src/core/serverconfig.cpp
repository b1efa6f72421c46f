// SPDX-License-Identifier: Apache-2.0
#include "serverconfig.h"

#include "validation.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>
#include <QUrl>

#include <functional>

using namespace Qt::StringLiterals;

namespace confab::server {

namespace {

/// One setting: its `section.key`, help text, and how to apply a text value.
struct Setting
{
    QString key;
    QString help;
    std::function<bool(const QString &, ServerConfig *)> apply;
};

bool parseInt(const QString &text, qint64 min, qint64 max, qint64 *out)
{
    bool ok = false;
    const qint64 value = text.trimmed().toLongLong(&ok);
    if (!ok || value < min || value > max)
        return false;
    *out = value;
    return true;
}

template <typename T>
Setting intSetting(const QString &key, const QString &help, T ServerConfig::*field, qint64 min,
                   qint64 max)
{
    return {key, help, [field, min, max](const QString &text, ServerConfig *config) {
                qint64 value = 0;
                if (!parseInt(text, min, max, &value))
                    return false;
                config->*field = T(value);
                return true;
            }};
}

Setting limitSetting(const QString &key, const QString &help, int Limits::*field, int min, int max)
{
    return {key, help, [field, min, max](const QString &text, ServerConfig *config) {
                qint64 value = 0;
                if (!parseInt(text, min, max, &value))
                    return false;
                config->limits.*field = int(value);
                return true;
            }};
}

bool parseBool(const QString &text, bool *out)
{
    const QString t = text.trimmed().toLower();
    if (t == u"true"_s || t == u"1"_s || t == u"yes"_s || t == u"on"_s)
        *out = true;
    else if (t == u"false"_s || t == u"0"_s || t == u"no"_s || t == u"off"_s)
        *out = false;
    else
        return false;
    return true;
}

bool parseAddresses(const QString &text, QList<QHostAddress> *out)
{
    QList<QHostAddress> addresses;
    for (const QString &part : text.split(u',', Qt::SkipEmptyParts)) {
        QHostAddress address;
        if (!address.setAddress(part.trimmed()))
            return false;
        addresses.append(address);
    }
    *out = addresses;
    return true;
}

bool parseOrigins(const QString &text, QStringList *out)
{
    QStringList origins;
    for (const QString &part : text.split(u',', Qt::SkipEmptyParts)) {
        const auto origin = normalizeOrigin(part.trimmed());
        if (!origin)
            return false;
        origins.append(*origin);
    }
    *out = origins;
    return true;
}

bool parseListen(const QString &text, ServerConfig *config)
{
    const int colon = text.lastIndexOf(u':');
    if (colon <= 0)
        return false;
    QString host = text.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    QHostAddress address;
    if (host == u"localhost"_s)
        address = QHostAddress::LocalHost;
    else if (!address.setAddress(host))
        return false;
    qint64 port = 0;
    if (!parseInt(text.mid(colon + 1), 0, 65535, &port))
        return false;
    config->listenAddress = address;
    config->listenPort = quint16(port);
    return true;
}

const QList<Setting> &settings()
{
    static const QList<Setting> all = {
        {u"server.listen"_s, u"HOST:PORT to listen on (port 0 picks a free one)"_s, parseListen},
        {u"server.data"_s, u"data directory (holds confab.db)"_s,
         [](const QString &v, ServerConfig *c) {
             c->dataDir = v;
             return !v.isEmpty();
         }},
        {u"server.name"_s, u"the server's name shown to people who join (1 to 64 characters)"_s,
         [](const QString &v, ServerConfig *c) {
             c->serverName = v;
             return rules::isValidDisplayName(v);
         }},
        {u"server.open_registration"_s, u"let anyone create an account (true/false)"_s,
         [](const QString &v, ServerConfig *c) { return parseBool(v, &c->openRegistration); }},
        {u"server.tls_cert"_s, u"PEM certificate chain for wss://"_s,
         [](const QString &v, ServerConfig *c) {
             c->tlsCertificate = v;
             return true;
         }},
        {u"server.tls_key"_s, u"PEM private key for wss://"_s,
         [](const QString &v, ServerConfig *c) {
             c->tlsKey = v;
             return true;
         }},
        {u"server.tls_self_signed"_s,
         u"without tls_cert/tls_key: wss:// with a self-signed certificate made in "
         u"DATA/tls on first start (true/false)"_s,
         [](const QString &v, ServerConfig *c) { return parseBool(v, &c->tlsSelfSigned); }},
        {u"server.trusted_proxy"_s,
         u"comma-separated proxy addresses whose X-Forwarded-For is believed"_s,
         [](const QString &v, ServerConfig *c) { return parseAddresses(v, &c->trustedProxies); }},
        {u"server.tls_only"_s,
         u"refuse to start serving plain ws:// on an address other than 127.0.0.1 or ::1 "
         u"(true/false)"_s,
         [](const QString &v, ServerConfig *c) { return parseBool(v, &c->tlsOnly); }},
        {u"server.allowed_origins"_s,
         u"comma-separated browser origins (https://host[:port]) allowed to connect; "
         u"empty: any (clients without an Origin header are always allowed)"_s,
         [](const QString &v, ServerConfig *c) { return parseOrigins(v, &c->allowedOrigins); }},
        limitSetting(u"limits.frame"_s, u"largest frame in bytes"_s, &Limits::frame, 1024,
                     16 * 1024 * 1024),
        limitSetting(u"limits.text"_s, u"largest message text in UTF-8 bytes"_s, &Limits::text, 1,
                     16 * 1024 * 1024),
        limitSetting(u"limits.rate_per_s"_s, u"publishes per second per connection"_s,
                     &Limits::ratePerSecond, 1, 1000000),
        limitSetting(u"limits.burst"_s, u"publish burst per connection"_s, &Limits::burst, 1,
                     1000000),
        limitSetting(u"limits.catchup"_s, u"messages sent at most on join"_s, &Limits::catchup, 1,
                     1000000),
        limitSetting(u"limits.history_page"_s, u"largest history page"_s, &Limits::historyPage, 1,
                     100000),
        intSetting(u"limits.send_buffer"_s, u"unsent bytes per connection before close 4008"_s,
                   &ServerConfig::sendBufferBytes, 4096, qint64(1) << 40),
        intSetting(u"limits.request_rate_per_s"_s,
                   u"requests other than publish per second per connection"_s,
                   &ServerConfig::requestRatePerSecond, 1, 1000000),
        intSetting(u"limits.request_burst"_s, u"burst of requests other than publish"_s,
                   &ServerConfig::requestBurst, 1, 1000000),
        intSetting(u"limits.channels_per_user"_s,
                   u"channels one user may create (admins exempt; 0: no limit)"_s,
                   &ServerConfig::channelsPerUser, 0, 1000000),
        intSetting(u"limits.send_budget"_s,
                   u"unsent bytes of all connections before the largest get 4008"_s,
                   &ServerConfig::sendBudgetBytes, 4096, qint64(1) << 50),
        intSetting(u"limits.handshaking"_s, u"connections still in the WebSocket handshake"_s,
                   &ServerConfig::maxHandshaking, 1, 1000000),
        intSetting(u"limits.connections_per_address"_s,
                   u"connections per client address (0: unlimited)"_s,
                   &ServerConfig::connectionsPerAddress, 0, 100000000),
        intSetting(u"limits.connections_per_user"_s,
                   u"signed-in connections per user (0: unlimited)"_s,
                   &ServerConfig::connectionsPerUser, 0, 100000000),
        intSetting(u"timing.hello_timeout_ms"_s, u"time allowed for hello"_s,
                   &ServerConfig::helloTimeoutMs, 10, 3600000),
        intSetting(u"timing.handshake_timeout_ms"_s,
                   u"time from accept to the end of the WebSocket upgrade"_s,
                   &ServerConfig::handshakeTimeoutMs, 10, 3600000),
        intSetting(u"timing.heartbeat_ms"_s, u"WebSocket ping interval"_s,
                   &ServerConfig::heartbeatMs, 10, 3600000),
        intSetting(u"timing.presence_grace_ms"_s, u"offline after this long without connections"_s,
                   &ServerConfig::presenceGraceMs, 0, 3600000),
        intSetting(u"timing.typing_expiry_ms"_s, u"typing ends without a refresh after this"_s,
                   &ServerConfig::typingExpiryMs, 10, 3600000),
        intSetting(u"timing.group_commit_ms"_s, u"extra wait to batch publishes (0: none)"_s,
                   &ServerConfig::groupCommitMs, 0, 1000),
        intSetting(u"timing.token_ttl_days"_s, u"sign-in tokens expire after this"_s,
                   &ServerConfig::tokenTtlDays, 1, 3650),
        intSetting(u"auth.kdf_memory_kib"_s, u"Argon2id memory per hash"_s,
                   &ServerConfig::kdfMemoryKiB, 8, 4 * 1024 * 1024),
        intSetting(u"auth.kdf_iterations"_s, u"Argon2id passes"_s, &ServerConfig::kdfIterations, 1,
                   100),
        intSetting(u"auth.max_failures"_s, u"failed sign-ins before throttling"_s,
                   &ServerConfig::maxFailures, 1, 1000000),
        intSetting(u"auth.failure_window_s"_s, u"window for counting failed sign-ins"_s,
                   &ServerConfig::failureWindowS, 1, 86400),
    };
    return all;
}

} // namespace

QString ServerConfig::defaultDataDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + u"/confab"_s;
}

QString ServerConfig::databasePath() const
{
    return QDir(dataDir.isEmpty() ? defaultDataDir() : dataDir).filePath(u"confab.db"_s);
}

QString ServerConfig::tlsOnlyViolation() const
{
    const bool plain = tlsCertificate.isEmpty() && tlsKey.isEmpty();
    if (!tlsOnly || !plain || listenAddress.isLoopback())
        return {};
    return u"server.tls_only is set, but this would serve plain ws:// on %1, which is not a "
           u"loopback address: give --tls-cert and --tls-key or --tls-self-signed, or listen on "
           u"127.0.0.1 or ::1 behind a reverse proxy that terminates TLS"_s.arg(
               listenAddress.toString());
}

std::optional<QString> normalizeOrigin(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || scheme.isEmpty() || url.host().isEmpty() || !url.userInfo().isEmpty() ||
        !(url.path().isEmpty() || url.path() == u"/"_s) || url.hasQuery() || url.hasFragment())
        return std::nullopt;
    const int defaultPort = scheme == u"https"_s ? 443 : scheme == u"http"_s ? 80 : -1;
    QString origin = scheme + u"://"_s;
    const QString host = url.host(QUrl::FullyEncoded).toLower();
    origin += host.contains(u':') ? u'[' + host + u']' : host; // IPv6 literals
    if (const int port = url.port(defaultPort); port != defaultPort)
        origin += u':' + QString::number(port);
    return origin;
}

QString ServerConfigLoader::flagName(const QString &sectionKey)
{
    QString flag = sectionKey;
    return flag.replace(u'.', u'-').replace(u'_', u'-');
}

QStringList ServerConfigLoader::keys()
{
    QStringList keys;
    for (const Setting &setting : settings())
        keys.append(setting.key);
    return keys;
}

QStringList ServerConfigLoader::flagHelp()
{
    QStringList lines;
    for (const Setting &setting : settings())
        lines.append(u"  --%1 VALUE   %2"_s.arg(flagName(setting.key), setting.help));
    return lines;
}

bool ServerConfigLoader::apply(const QString &sectionKey, const QString &value,
                               ServerConfig *config, QString *error)
{
    // Accepts "timing.heartbeat_ms" and the flag form "timing-heartbeat-ms".
    QString key = sectionKey;
    if (const auto dash = key.indexOf(u'-'); !key.contains(u'.') && dash > 0)
        key[dash] = u'.';
    key.replace(u'-', u'_');
    for (const Setting &setting : settings()) {
        if (setting.key != key)
            continue;
        if (!setting.apply(value, config)) {
            *error = u"bad value '%1' for %2 (%3)"_s.arg(value, sectionKey, setting.help);
            return false;
        }
        return true;
    }
    *error = u"unknown setting %1"_s.arg(sectionKey);
    return false;
}

bool ServerConfigLoader::loadFile(const QString &path, ServerConfig *config, QString *error)
{
    if (!QFileInfo(path).isReadable()) {
        *error = u"cannot read config file %1"_s.arg(path);
        return false;
    }
    QSettings file(path, QSettings::IniFormat);
    if (file.status() != QSettings::NoError) {
        *error = u"config file %1 is not a valid INI file"_s.arg(path);
        return false;
    }
    for (const QString &key : file.allKeys()) {
        // QSettings reads "[server] listen = 1.2.3.4:5" as "server/listen".
        QString sectionKey = key;
        sectionKey.replace(u'/', u'.');
        QVariant raw = file.value(key);
        // An unquoted value with a comma comes back as a list; join it back.
        const QString value =
            raw.typeId() == QMetaType::QStringList ? raw.toStringList().join(u',') : raw.toString();
        if (!apply(sectionKey, value, config, error)) {
            *error = u"%1: %2"_s.arg(path, *error);
            return false;
        }
    }
    return true;
}

} // namespace confab::server
