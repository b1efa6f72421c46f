// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace confab::store {

class Database;

/// Session tokens, stored only as SHA-256 hashes. A token is ≥128 random bits, handed to
/// the client once; the server keeps hash, owner and expiry.
class TokenRepository
{
public:
    explicit TokenRepository(Database &db)
        : m_db(db)
    {}

    /// Makes a new random token (256 bits, base64url) for `userId`, valid for `ttlMs`.
    /// Returns the token in clear (the only time it exists in clear), nullopt on error.
    std::optional<QString> issue(qint64 userId, qint64 nowMs, qint64 ttlMs, QString *error);
    /// The user id owning a live (unexpired, unrevoked) token; nullopt otherwise.
    std::optional<qint64> userFor(const QString &token, qint64 nowMs) const;
    /// Revokes one token; true when it existed.
    bool revoke(const QString &token);
    /// Revokes every token of a user (password reset, disable); returns how many.
    int revokeAll(qint64 userId);
    /// Deletes expired tokens; returns how many.
    int purgeExpired(qint64 nowMs);

    static QByteArray hash(const QString &token);

private:
    Database &m_db;
};

} // namespace confab::store
