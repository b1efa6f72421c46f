// SPDX-License-Identifier: Apache-2.0
#include "knownservers.h"

#include "fingerprint.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace confab::client {

Q_LOGGING_CATEGORY(lcKnown, "confab.client.knownservers")

namespace {

constexpr int sha256Size = 32;

int defaultPort(const QString &scheme)
{
    if (scheme == "wss"_L1 || scheme == "https"_L1)
        return 443;
    if (scheme == "ws"_L1 || scheme == "http"_L1)
        return 80;
    return -1;
}

} // namespace

KnownServers::KnownServers(const QString &dataDir)
    : m_path(QDir(dataDir).filePath(u"known-servers.json"_s))
{}

QString KnownServers::origin(const QUrl &url)
{
    if (!url.isValid() || url.host().isEmpty())
        return {};
    QUrl origin;
    origin.setScheme(url.scheme().toLower());
    origin.setHost(url.host()); // QUrl keeps hosts lower-case; brackets IPv6 in toString()
    origin.setPort(url.port(defaultPort(origin.scheme())));
    return origin.toString();
}

bool KnownServers::load(QString *error)
{
    m_pins.clear();
    QFile file(m_path);
    if (!file.exists())
        return true;
    const auto fail = [&](const QString &why) {
        // The safe side: with no pins the user is asked again, nothing is trusted blindly.
        qCWarning(lcKnown).noquote() << "ignoring" << m_path << "and starting empty:" << why;
        if (error)
            *error = why;
        m_pins.clear();
        return false;
    };
    if (!file.open(QIODevice::ReadOnly))
        return fail(file.errorString());
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(parseError.errorString());
    if (!doc.isObject() || !doc.object().value("servers"_L1).isObject())
        return fail(u"no \"servers\" object"_s);
    const QJsonObject servers = doc.object().value("servers"_L1).toObject();
    for (auto it = servers.begin(); it != servers.end(); ++it) {
        const auto sha256 = parseFingerprint(it.value().toObject().value("sha256"_L1).toString());
        const QString key = origin(QUrl(it.key()));
        if (!sha256 || key.isEmpty()) {
            // One bad entry does not cost the others.
            qCWarning(lcKnown) << "skipping an unreadable entry for" << it.key();
            continue;
        }
        m_pins.insert(key, *sha256);
    }
    return true;
}

QByteArray KnownServers::fingerprintFor(const QUrl &url) const
{
    const QString key = origin(url);
    return key.isEmpty() ? QByteArray() : m_pins.value(key);
}

bool KnownServers::trust(const QUrl &url, const QByteArray &sha256, QString *error)
{
    const QString key = origin(url);
    if (key.isEmpty() || sha256.size() != sha256Size) {
        if (error)
            *error = key.isEmpty() ? u"not a server address"_s : u"not a SHA-256 digest"_s;
        return false;
    }
    m_pins.insert(key, sha256);
    qCInfo(lcKnown).noquote() << "trusting" << fingerprintText(sha256) << "for" << key;
    return save(error);
}

bool KnownServers::forget(const QUrl &url, QString *error)
{
    if (!m_pins.remove(origin(url)))
        return true;
    return save(error);
}

bool KnownServers::save(QString *error)
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSaveFile file(m_path);
    // Restricted before any byte is written, as the token store does.
    if (!file.open(QIODevice::WriteOnly) ||
        !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        if (error)
            *error = file.errorString();
        return false;
    }
    QJsonObject servers;
    for (auto it = m_pins.cbegin(); it != m_pins.cend(); ++it)
        servers.insert(it.key(), QJsonObject{{"sha256"_L1, fingerprintText(it.value())}});
    file.write(QJsonDocument(QJsonObject{{"servers"_L1, servers}}).toJson());
    if (!file.commit()) {
        if (error)
            *error = file.errorString();
        return false;
    }
    QFile::setPermissions(m_path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return true;
}

} // namespace confab::client
