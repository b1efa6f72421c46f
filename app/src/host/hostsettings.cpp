// SPDX-License-Identifier: Apache-2.0
#include "hostsettings.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace confab::client {

QString HostSettings::defaultFilePath(const QString &dataDir)
{
    return QDir(dataDir).filePath(u"host.json"_s);
}

HostSettings HostSettings::load(const QString &filePath, bool *ok, QString *error)
{
    HostSettings settings;
    auto fail = [&](const QString &why) {
        if (ok)
            *ok = false;
        if (error)
            *error = why;
        return HostSettings{};
    };
    if (ok)
        *ok = true;
    QFile file(filePath);
    if (!file.exists())
        return settings;
    if (!file.open(QIODevice::ReadOnly))
        return fail(u"cannot read %1: %2"_s.arg(filePath, file.errorString()));
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!doc.isObject())
        return fail(u"%1 is not a JSON object: %2"_s.arg(filePath, parseError.errorString()));
    const QJsonObject o = doc.object();
    const int port = o.value(u"port"_s).toInt(defaultPort);
    if (port >= 1 && port <= 65535)
        settings.port = port;
    if (o.value(u"scope"_s).toString() == u"network"_s)
        settings.scope = Scope::Network;
    if (o.value(u"registration"_s).toString() == u"open"_s)
        settings.registration = Registration::Open;
    settings.serverName = o.value(u"server_name"_s).toString();
    settings.certificateFile = o.value(u"tls_cert"_s).toString();
    settings.keyFile = o.value(u"tls_key"_s).toString();
    return settings;
}

bool HostSettings::save(const QString &filePath, QString *error) const
{
    const QJsonObject o{
        {u"port"_s, port},
        {u"scope"_s, scope == Scope::Network ? u"network"_s : u"local"_s},
        {u"registration"_s, registration == Registration::Open ? u"open"_s : u"invite"_s},
        {u"server_name"_s, serverName},
        {u"tls_cert"_s, certificateFile},
        {u"tls_key"_s, keyFile},
    };
    QSaveFile file(filePath);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(o).toJson()) < 0 ||
        !file.commit()) {
        if (error)
            *error = u"cannot write %1: %2"_s.arg(filePath, file.errorString());
        return false;
    }
    return true;
}

} // namespace confab::client
