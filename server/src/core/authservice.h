// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "attemptthrottle.h"
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
class AccountStore;
}

namespace confab::server {

/// Signs users in. Password checks (Argon2id) run on a thread pool so one sign-in never
/// stalls other clients; their results come back on this object's thread.
///
/// Password attempts are throttled per user name and per address (AttemptThrottle): an
/// attempt counts from the moment it starts, so however many arrive at once, at most
/// `maxFailures` per user are checked in a window; failures stay counted for the window.
/// Per address, 4x that many failures hold off users who have failed themselves; users
/// who have not are held only at 20x (a spray over many names), so one noisy client
/// behind a shared address does not lock out everyone else. Registrations are counted per
/// address the same way (4x `maxFailures` per window), since each costs a password hash.
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

    AuthService(store::AccountStore &accounts, Options options, QObject *parent = nullptr);
    ~AuthService() override;

    /// Token sign-in: a hash and an indexed lookup, done at once.
    Result signInWithToken(const QString &token, qint64 nowMs);
    /// Password sign-in; on success issues a new token (SessionUser::token).
    void signInWithPassword(const QString &user, const QString &password, const QHostAddress &from,
                            Callback done);
    /// Hashes a new password off the event loop; `done` gets an empty string on failure.
    void hashPassword(const QString &password, std::function<void(QString)> done);
    /// Admits a registration from `from`, counted at once for the window; `rate_limited`
    /// when that address has registered too often lately.
    std::optional<Error> admitRegistration(const QHostAddress &from);
    /// Revokes a token. True when it existed.
    bool revoke(const QString &token);

private:
    /// Forgets keys idle for a whole window, at most once a window.
    void sweep(qint64 nowMs);

    store::AccountStore &m_accounts;
    Options m_options;
    AttemptThrottle m_attempts;
    qint64 m_lastSweepMs = 0;
    QString m_dummyHash; ///< verified against for unknown users, so timing does not tell
    QThreadPool m_pool;
};

} // namespace confab::server
