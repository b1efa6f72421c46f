// SPDX-License-Identifier: Apache-2.0
#include "tokenrepository.h"

#include "database.h"
#include "sqlutil.h"
#include "storelog.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

#include <array>

using namespace Qt::StringLiterals;

namespace confab::store {

namespace {
constexpr int kTokenBits = 256;
}

std::optional<QString> TokenRepository::issue(qint64 userId, qint64 nowMs, qint64 ttlMs,
                                              QString *error)
{
    std::array<quint32, kTokenBits / 32> words;
    QRandomGenerator::system()->fillRange(words.data(), words.size());
    const QByteArray raw(reinterpret_cast<const char *>(words.data()), sizeof(words));
    const QString token = QString::fromLatin1(
        raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));

    QSqlQuery query(m_db.sql());
    QString why;
    if (!sql::exec(
            query,
            u"INSERT INTO tokens(hash, user_id, created_ms, expires_ms) VALUES (?, ?, ?, ?)"_s,
            {hash(token), userId, nowMs, nowMs + ttlMs}, &why)) {
        *error = u"cannot store a token for user %1: %2"_s.arg(userId).arg(why);
        return std::nullopt;
    }
    return token;
}

std::optional<qint64> TokenRepository::userFor(const QString &token, qint64 nowMs) const
{
    QSqlQuery query(m_db.sql());
    QString why;
    // A disabled account's tokens are revoked too; the join keeps a missed revocation harmless.
    if (!sql::exec(query,
                   u"SELECT t.user_id FROM tokens t JOIN users u ON u.id = t.user_id "
                   u"WHERE t.hash = ? AND t.expires_ms > ? AND u.disabled = 0"_s,
                   {hash(token), nowMs}, &why)) {
        qCWarning(lcStore) << "reading tokens failed:" << why;
        return std::nullopt;
    }
    if (!query.next())
        return std::nullopt;
    return query.value(0).toLongLong();
}

bool TokenRepository::revoke(const QString &token)
{
    QSqlQuery query(m_db.sql());
    QString why;
    if (!sql::exec(query, u"DELETE FROM tokens WHERE hash = ?"_s, {hash(token)}, &why)) {
        qCWarning(lcStore) << "revoking a token failed:" << why;
        return false;
    }
    return query.numRowsAffected() > 0;
}

int TokenRepository::revokeAll(qint64 userId)
{
    QSqlQuery query(m_db.sql());
    QString why;
    if (!sql::exec(query, u"DELETE FROM tokens WHERE user_id = ?"_s, {userId}, &why)) {
        qCWarning(lcStore) << "revoking tokens of user" << userId << "failed:" << why;
        return 0;
    }
    return query.numRowsAffected();
}

int TokenRepository::purgeExpired(qint64 nowMs)
{
    QSqlQuery query(m_db.sql());
    QString why;
    if (!sql::exec(query, u"DELETE FROM tokens WHERE expires_ms <= ?"_s, {nowMs}, &why)) {
        qCWarning(lcStore) << "purging tokens failed:" << why;
        return 0;
    }
    return query.numRowsAffected();
}

QByteArray TokenRepository::hash(const QString &token)
{
    return QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256);
}

} // namespace confab::store
