// SPDX-License-Identifier: Apache-2.0
#include "savedlogins.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace confab::ctl {

namespace {

QString key(const QUrl &server)
{
    return server.adjusted(QUrl::NormalizePathSegments | QUrl::StripTrailingSlash)
        .toString(QUrl::FullyEncoded);
}

QJsonObject readAll(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

bool writeAll(const QString &path, const QJsonObject &servers, QString *error)
{
    const QString folder = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(folder)) {
        *error = u"cannot create %1"_s.arg(folder);
        return false;
    }
    QFile::setPermissions(folder,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    QSaveFile file(path);
    // The permissions are set before a byte of a token is written.
    if (!file.open(QIODevice::WriteOnly) ||
        !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        *error = u"cannot write %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    file.write(QJsonDocument(servers).toJson());
    if (!file.commit()) {
        *error = u"cannot write %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace

SavedLogins::SavedLogins(QString path)
    : m_path(std::move(path))
{}

QString SavedLogins::defaultPath()
{
    const QString xdg = qEnvironmentVariable("XDG_CONFIG_HOME");
    const QString base =
        !xdg.isEmpty() && QDir::isAbsolutePath(xdg) ? xdg : QDir::homePath() + u"/.config"_s;
    return base + u"/confab/confabctl-logins.json"_s;
}

std::optional<SavedLogins::Login> SavedLogins::find(const QUrl &server) const
{
    const QJsonObject entry = readAll(m_path).value(key(server)).toObject();
    const QString token = entry.value(u"token"_s).toString();
    if (token.isEmpty())
        return std::nullopt;
    return Login{entry.value(u"user"_s).toString(), token};
}

bool SavedLogins::save(const QUrl &server, const Login &login, QString *error)
{
    QJsonObject servers = readAll(m_path);
    servers.insert(key(server), QJsonObject{{u"user"_s, login.user}, {u"token"_s, login.token}});
    return writeAll(m_path, servers, error);
}

bool SavedLogins::forget(const QUrl &server, QString *error)
{
    QJsonObject servers = readAll(m_path);
    if (!servers.contains(key(server)))
        return false;
    servers.remove(key(server));
    return writeAll(m_path, servers, error);
}

} // namespace confab::ctl
