// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "connection.h"
#include "errorcode.h"
#include "passwordhasher.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QThreadPool>

#include <deque>
#include <functional>
#include <optional>

namespace confab::store {
class Database;
}

namespace confab::server {

/// Signs users in. Password checks (Argon2id) run on a thread pool so one sign-in never
/// stalls other clients; their results come back on this object's thread. Failed attempts
/// are throttled per user name and per address: after `maxFailures` for one user (four
/// times as many for one address) within the window, further attempts get `rate_limited`
/// until the oldest failure ages out.
class AuthService : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        auth::KdfCost cost;
        int maxFailures = 5;
        int failureWindowMs = 60000;
        qint64 tokenTtlMs = 30LL * 24 * 3600 * 1000;
    };
    struct Result
    {
        std::optional<SessionUser> user;
        std::optional<Error> error;
    };
    using Callback = std::function<void(Result)>;

    AuthService(store::Database &db, Options options, QObject *parent = nullptr);
    ~AuthService() override;

    /// Token sign-in: a hash and an indexed lookup, done at once.
    Result signInWithToken(const QString &token, qint64 nowMs);
    /// Password sign-in; on success issues a new token (SessionUser::token).
    void signInWithPassword(const QString &user, const QString &password, const QHostAddress &from,
                            Callback done);
    /// Hashes a new password off the event loop; `done` gets an empty string on failure.
    void hashPassword(const QString &password, std::function<void(QString)> done);
    /// Revokes a token. True when it existed.
    bool revoke(const QString &token);

private:
    std::optional<qint64> throttledFor(const QString &key, int maxFailures, qint64 nowMs);
    void recordFailure(const QString &key, qint64 nowMs);

    store::Database &m_db;
    Options m_options;
    QHash<QString, std::deque<qint64>> m_failures;
    QString m_dummyHash; ///< verified against for unknown users, so timing does not tell
    QThreadPool m_pool;
};

} // namespace confab::server
