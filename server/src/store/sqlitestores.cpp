// SPDX-License-Identifier: Apache-2.0
#include "sqlitestores.h"

#include "database.h"
#include "messagerepository.h"
#include "tokenrepository.h"

using namespace Qt::StringLiterals;

namespace confab::store {

SqliteStores::SqliteStores(Database &db)
    : m_db(db)
{}

SqliteStores::~SqliteStores() = default;

// ---- accounts ---------------------------------------------------------------------------

std::optional<UserRecord> SqliteStores::addUser(const UserInfo &info, const QString &passwordHash,
                                                QString *error)
{
    return UserRepository(m_db).add(info, passwordHash, error);
}

std::optional<UserRecord> SqliteStores::findUser(const QString &name)
{
    return UserRepository(m_db).find(name);
}

std::optional<UserRecord> SqliteStores::findUserById(qint64 id)
{
    return UserRepository(m_db).findById(id);
}

QList<UserRecord> SqliteStores::users()
{
    return UserRepository(m_db).list();
}

bool SqliteStores::setDisabled(const QString &name, bool disabled, QString *error)
{
    return UserRepository(m_db).setDisabled(name, disabled, error);
}

bool SqliteStores::setRole(const QString &name, Role role, QString *error)
{
    return UserRepository(m_db).setRole(name, role, error);
}

bool SqliteStores::setPasswordHash(const QString &name, const QString &hash, QString *error)
{
    return UserRepository(m_db).setPasswordHash(name, hash, error);
}

std::optional<QString> SqliteStores::issueToken(qint64 userId, qint64 nowMs, qint64 ttlMs,
                                                QString *error)
{
    return TokenRepository(m_db).issue(userId, nowMs, ttlMs, error);
}

std::optional<qint64> SqliteStores::tokenUser(const QString &token, qint64 nowMs)
{
    return TokenRepository(m_db).userFor(token, nowMs);
}

bool SqliteStores::revokeToken(const QString &token)
{
    return TokenRepository(m_db).revoke(token);
}

int SqliteStores::revokeTokens(qint64 userId)
{
    return TokenRepository(m_db).revokeAll(userId);
}

// ---- channels ---------------------------------------------------------------------------

std::optional<ChannelRecord> SqliteStores::createChannel(const QString &name, const QString &topic,
                                                         bool isPrivate, const QString &creator,
                                                         QString *error, bool *conflict)
{
    return ChannelRepository(m_db).create(name, topic, isPrivate, creator, error, conflict);
}

std::optional<ChannelRecord> SqliteStores::ensureDirect(const QString &name, QString *error)
{
    return ChannelRepository(m_db).ensureDirect(name, error);
}

std::optional<ChannelRecord> SqliteStores::findChannel(const QString &name)
{
    return ChannelRepository(m_db).find(name);
}

QList<ChannelRecord> SqliteStores::visibleTo(const QString &user, const QString &after, int limit)
{
    return ChannelRepository(m_db).visibleTo(user, after, limit);
}

QList<ChannelRecord> SqliteStores::memberOf(const QString &user)
{
    return ChannelRepository(m_db).memberOf(user);
}

QList<ChannelRecord> SqliteStores::allChannels()
{
    return ChannelRepository(m_db).all();
}

int SqliteStores::createdBy(const QString &user)
{
    return ChannelRepository(m_db).countCreatedBy(user);
}

bool SqliteStores::addMember(qint64 channelId, const QString &user, QString *error)
{
    return ChannelRepository(m_db).addMember(channelId, user, error);
}

bool SqliteStores::removeMember(qint64 channelId, const QString &user, QString *error)
{
    return ChannelRepository(m_db).removeMember(channelId, user, error);
}

QStringList SqliteStores::members(qint64 channelId)
{
    return ChannelRepository(m_db).members(channelId);
}

// ---- messages ---------------------------------------------------------------------------

QList<PublishOutcome> SqliteStores::append(const std::vector<PublishJob> &jobs)
{
    if (!m_committer) {
        auto committer = std::make_unique<BatchCommitter>();
        QString why;
        if (!committer->open(m_db.path(), &why)) {
            QList<PublishOutcome> failed;
            for (const PublishJob &job : jobs)
                failed.append(PublishOutcome{
                    job.ticket, {}, false, Error{ErrorCode::Internal, why, std::nullopt}});
            return failed;
        }
        m_committer = std::move(committer);
    }
    return m_committer->commit(jobs);
}

std::optional<QList<Message>> SqliteStores::range(qint64 channelId, const QString &channel,
                                                  qint64 fromSeq, qint64 toSeq, int limit)
{
    return MessageRepository(m_db).range(channelId, channel, fromSeq, toSeq, limit);
}

std::optional<QList<Message>> SqliteStores::before(qint64 channelId, const QString &channel,
                                                   qint64 before, int limit, bool *more)
{
    return MessageRepository(m_db).before(channelId, channel, before, limit, more);
}

std::optional<QList<Message>> SqliteStores::after(qint64 channelId, const QString &channel,
                                                  qint64 after, qint64 toSeq, int limit, bool *more)
{
    return MessageRepository(m_db).after(channelId, channel, after, toSeq, limit, more);
}

std::optional<qint64> SqliteStores::firstSeqSince(qint64 channelId, qint64 sinceMs, qint64 toSeq)
{
    return MessageRepository(m_db).firstSeqSince(channelId, sinceMs, toSeq);
}

} // namespace confab::store
