// SPDX-License-Identifier: Apache-2.0
#include "tokenstore.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace confab::client {

Q_LOGGING_CATEGORY(lcToken, "confab.client.token")

TokenStore::TokenStore(const QString &dataDir)
    : m_path(QDir(dataDir).filePath(u"session.json"_s))
{}

std::optional<SavedSession> TokenStore::load() const
{
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QJsonObject object = QJsonDocument::fromJson(file.readAll()).object();
    SavedSession session{QUrl(object.value("url"_L1).toString()),
                         object.value("user"_L1).toString(), object.value("token"_L1).toString()};
    if (!session.url.isValid() || session.token.isEmpty()) {
        qCWarning(lcToken) << "ignoring an unreadable session file";
        return std::nullopt;
    }
    return session;
}

bool TokenStore::save(const SavedSession &session, QString *error)
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSaveFile file(m_path);
    // Restrict before any byte of the token is written.
    if (!file.open(QIODevice::WriteOnly) ||
        !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        if (error)
            *error = file.errorString();
        return false;
    }
    const QJsonObject object{
        {"url"_L1, session.url.toString()}, {"user"_L1, session.user}, {"token"_L1, session.token}};
    file.write(QJsonDocument(object).toJson(QJsonDocument::Compact));
    if (!file.commit()) {
        if (error)
            *error = file.errorString();
        return false;
    }
    QFile::setPermissions(m_path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    qCDebug(lcToken) << "session saved for" << session.user;
    return true;
}

bool TokenStore::remove()
{
    return !QFile::exists(m_path) || QFile::remove(m_path);
}

} // namespace confab::client
