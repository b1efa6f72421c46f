// SPDX-License-Identifier: Apache-2.0
#include "authservice.h"

#include "clock.h"
#include "logging.h"
#include "stores.h"

#include <QPointer>

using namespace Qt::StringLiterals;

namespace confab::server {

namespace {
// An address (an office behind NAT) may fail this many times more often than one user,
// before users who have failed themselves are held off from it...
constexpr int addressFailureFactor = 4;
// ...and this many times before everyone is: guessing one password across many names.
constexpr int addressCeilingFactor = 20;

Error throttled(qint64 waitMs)
{
    return Error{ErrorCode::RateLimited, u"too many sign-in attempts; try again later"_s, waitMs};
}

Error unauthorized(const QString &message)
{
    return Error{ErrorCode::Unauthorized, message, std::nullopt};
}
} // namespace

AuthService::AuthService(store::AccountStore &accounts, Options options, QObject *parent)
    : QObject(parent)
    , m_accounts(accounts)
    , m_options(options)
    , m_attempts(options.failureWindowMs)
{
    m_pool.setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
    // Hashing threads live as long as the service: sign-ins come in bursts, and a pool that
    // retires idle threads (after 30 s) makes and joins threads all day for nothing.
    m_pool.setExpiryTimeout(-1);
    m_dummyHash = auth::PasswordHasher::hash(u"not a password"_s, m_options.cost);
}

AuthService::~AuthService()
{
    m_pool.waitForDone();
}

AuthService::Result AuthService::signInWithToken(const QString &token, qint64 nowMs)
{
    const auto userId = m_accounts.tokenUser(token, nowMs);
    if (!userId)
        return {std::nullopt, unauthorized(u"this sign-in token is unknown, expired or revoked; "
                                           u"sign in with your password"_s)};
    const auto record = m_accounts.findUserById(*userId);
    if (!record)
        return {std::nullopt, unauthorized(u"this account no longer exists"_s)};
    if (record->disabled)
        return {std::nullopt, unauthorized(u"this account is disabled"_s)};
    return {SessionUser{record->id, record->info, token, {}}, std::nullopt};
}

void AuthService::signInWithPassword(const QString &user, const QString &password,
                                     const QHostAddress &from, Callback done)
{
    const qint64 now = clock::monotonicMs();
    sweep(now);
    const QString userKey = u"u:"_s + user;
    const QString addressKey = u"a:"_s + from.toString();
    const int max = m_options.maxFailures;
    const int addressLimit =
        (m_attempts.recorded(userKey, now) > 0 ? addressFailureFactor : addressCeilingFactor) * max;
    const qint64 wait = std::max(m_attempts.waitFor(userKey, max, now),
                                 m_attempts.waitFor(addressKey, addressLimit, now));
    if (wait > 0) {
        qCInfo(lcAuth) << "sign-in throttled for" << user << "from" << from.toString();
        done({std::nullopt, throttled(wait)});
        return;
    }
    // Counted from now, not from when the check fails: concurrent attempts see each other.
    m_attempts.begin(userKey);
    m_attempts.begin(addressKey);
    const auto record = m_accounts.findUser(user);
    const QString hash = record ? record->passwordHash : m_dummyHash;
    QPointer<AuthService> self(this);
    m_pool.start([self, password, hash, record, userKey, addressKey, done = std::move(done)] {
        const bool matches = auth::PasswordHasher::verify(password, hash);
        QMetaObject::invokeMethod(
            self.data(),
            [self, matches, record, userKey, addressKey, done] {
                if (!self)
                    return;
                const qint64 now = clock::monotonicMs();
                const bool failed = !record || !matches;
                self->m_attempts.end(userKey, failed, now);
                self->m_attempts.end(addressKey, failed, now);
                if (failed) {
                    qCInfo(lcAuth) << "failed sign-in for" << userKey.mid(2);
                    done({std::nullopt, unauthorized(u"wrong user name or password"_s)});
                    return;
                }
                if (record->disabled) {
                    done({std::nullopt, unauthorized(u"this account is disabled"_s)});
                    return;
                }
                QString error;
                const auto token = self->m_accounts.issueToken(record->id, clock::wallMs(),
                                                               self->m_options.tokenTtlMs, &error);
                if (!token) {
                    qCWarning(lcAuth) << "cannot issue a token:" << error;
                    done(
                        {std::nullopt, Error{ErrorCode::Internal,
                                             u"the server could not sign you in"_s, std::nullopt}});
                    return;
                }
                self->m_attempts.clear(userKey);
                done({SessionUser{record->id, record->info, *token, {}}, std::nullopt});
            },
            Qt::QueuedConnection);
    });
}

std::optional<Error> AuthService::admitRegistration(const QHostAddress &from)
{
    const qint64 now = clock::monotonicMs();
    sweep(now);
    const QString key = u"r:"_s + from.toString();
    if (const qint64 wait =
            m_attempts.waitFor(key, addressFailureFactor * m_options.maxFailures, now)) {
        qCInfo(lcAuth) << "registration throttled from" << from.toString();
        return Error{ErrorCode::RateLimited,
                     u"too many registrations from your address; try later"_s, wait};
    }
    m_attempts.begin(key);
    m_attempts.end(key, true, now);
    return std::nullopt;
}

void AuthService::hashPassword(const QString &password, std::function<void(QString)> done)
{
    QPointer<AuthService> self(this);
    const auto cost = m_options.cost;
    m_pool.start([self, password, cost, done = std::move(done)] {
        QString hash = auth::PasswordHasher::hash(password, cost);
        QMetaObject::invokeMethod(
            self.data(),
            [self, hash, done] {
                if (self)
                    done(hash);
            },
            Qt::QueuedConnection);
    });
}

bool AuthService::revoke(const QString &token)
{
    return m_accounts.revokeToken(token);
}

void AuthService::sweep(qint64 nowMs)
{
    if (nowMs - m_lastSweepMs < m_options.failureWindowMs)
        return;
    m_lastSweepMs = nowMs;
    m_attempts.sweep(nowMs);
}

} // namespace confab::server
