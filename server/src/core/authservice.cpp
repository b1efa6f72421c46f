// SPDX-License-Identifier: Apache-2.0
#include "authservice.h"

#include "database.h"
#include "logging.h"
#include "tokenrepository.h"
#include "userrepository.h"

#include <QDateTime>
#include <QPointer>

using namespace Qt::StringLiterals;

namespace confab::server {

namespace {
// An address (an office behind NAT) may fail this many times more often than one user.
constexpr int addressFailureFactor = 4;

Error unauthorized(const QString &message)
{
    return Error{ErrorCode::Unauthorized, message, std::nullopt};
}
} // namespace

AuthService::AuthService(store::Database &db, Options options, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_options(options)
{
    m_pool.setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
    m_dummyHash = auth::PasswordHasher::hash(u"not a password"_s, m_options.cost);
}

AuthService::~AuthService()
{
    m_pool.waitForDone();
}

AuthService::Result AuthService::signInWithToken(const QString &token, qint64 nowMs)
{
    store::TokenRepository tokens(m_db);
    const auto userId = tokens.userFor(token, nowMs);
    if (!userId)
        return {std::nullopt, unauthorized(u"this sign-in token is unknown, expired or revoked; "
                                           u"sign in with your password"_s)};
    const auto record = store::UserRepository(m_db).findById(*userId);
    if (!record)
        return {std::nullopt, unauthorized(u"this account no longer exists"_s)};
    if (record->disabled)
        return {std::nullopt, unauthorized(u"this account is disabled"_s)};
    return {SessionUser{record->id, record->info, token}, std::nullopt};
}

void AuthService::signInWithPassword(const QString &user, const QString &password,
                                     const QHostAddress &from, Callback done)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QString userKey = u"u:"_s + user;
    const QString addressKey = u"a:"_s + from.toString();
    const auto wait = std::max(
        throttledFor(userKey, m_options.maxFailures, now).value_or(0),
        throttledFor(addressKey, addressFailureFactor * m_options.maxFailures, now).value_or(0));
    if (wait > 0) {
        qCInfo(lcAuth) << "sign-in throttled for" << user << "from" << from.toString();
        done({std::nullopt,
              Error{ErrorCode::RateLimited, u"too many failed sign-ins; try again later"_s, wait}});
        return;
    }
    store::UserRepository users(m_db);
    const auto record = users.find(user);
    const QString hash = record ? record->passwordHash : m_dummyHash;
    QPointer<AuthService> self(this);
    m_pool.start([self, password, hash, record, userKey, addressKey, done = std::move(done)] {
        const bool matches = auth::PasswordHasher::verify(password, hash);
        QMetaObject::invokeMethod(
            self.data(),
            [self, matches, record, userKey, addressKey, done] {
                if (!self)
                    return;
                const qint64 now = QDateTime::currentMSecsSinceEpoch();
                if (!record || !matches) {
                    self->recordFailure(userKey, now);
                    self->recordFailure(addressKey, now);
                    qCInfo(lcAuth) << "failed sign-in for" << userKey.mid(2);
                    done({std::nullopt, unauthorized(u"wrong user name or password"_s)});
                    return;
                }
                if (record->disabled) {
                    done({std::nullopt, unauthorized(u"this account is disabled"_s)});
                    return;
                }
                store::TokenRepository tokens(self->m_db);
                QString error;
                const auto token =
                    tokens.issue(record->id, now, self->m_options.tokenTtlMs, &error);
                if (!token) {
                    qCWarning(lcAuth) << "cannot issue a token:" << error;
                    done(
                        {std::nullopt, Error{ErrorCode::Internal,
                                             u"the server could not sign you in"_s, std::nullopt}});
                    return;
                }
                self->m_failures.remove(userKey);
                done({SessionUser{record->id, record->info, *token}, std::nullopt});
            },
            Qt::QueuedConnection);
    });
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
    store::TokenRepository tokens(m_db);
    return tokens.revoke(token);
}

std::optional<qint64> AuthService::throttledFor(const QString &key, int maxFailures, qint64 nowMs)
{
    auto it = m_failures.find(key);
    if (it == m_failures.end())
        return std::nullopt;
    while (!it->empty() && it->front() <= nowMs - m_options.failureWindowMs)
        it->pop_front();
    if (it->empty()) {
        m_failures.erase(it);
        return std::nullopt;
    }
    if (int(it->size()) < maxFailures)
        return std::nullopt;
    return it->front() + m_options.failureWindowMs - nowMs;
}

void AuthService::recordFailure(const QString &key, qint64 nowMs)
{
    auto &times = m_failures[key];
    times.push_back(nowMs);
    while (int(times.size()) > addressFailureFactor * m_options.maxFailures)
        times.pop_front();
}

} // namespace confab::server
