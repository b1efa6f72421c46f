// SPDX-License-Identifier: Apache-2.0
#include "sqlitestores.h"

#include "database.h"
#include "messagerepository.h"
#include "sqlutil.h"
#include "storelog.h"
#include "tokenrepository.h"

#include <QHash>
#include <QSqlQuery>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace confab::store {

SqliteStores::SqliteStores(Database &db)
    : m_db(db)
{}

SqliteStores::SqliteStores(std::unique_ptr<Database> db, const std::atomic<bool> *blockGrowth)
    : m_ownDb(std::move(db))
    , m_db(*m_ownDb)
    , m_blockGrowth(blockGrowth)
{}

SqliteStores::~SqliteStores() = default;

std::unique_ptr<SqliteStores> SqliteStores::open(const QString &path, QString *error,
                                                 const std::atomic<bool> *blockGrowth)
{
    auto db = std::make_unique<Database>();
    if (!db->open(path, error))
        return nullptr;
    std::unique_ptr<SqliteStores> stores(new SqliteStores(std::move(db), blockGrowth));
    // Now rather than on the first append: a writer learns at start that it cannot write.
    if (!stores->openCommitter(error))
        return nullptr;
    return stores;
}

bool SqliteStores::openCommitter(QString *error)
{
    if (m_committer)
        return true;
    auto committer = std::make_unique<BatchCommitter>();
    if (!committer->open(m_db.path(), error))
        return false;
    m_committer = std::move(committer);
    return true;
}

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

qint64 SqliteStores::changeMarker()
{
    // data_version moves when another connection (confabctl, the message writer) commits to
    // the file, and never for this connection's own commits: one cheap statement.
    QSqlQuery query(m_db.sql());
    QString why;
    if (!sql::exec(query, u"PRAGMA data_version"_s, {}, &why) || !query.next()) {
        qCWarning(lcStore) << "reading data_version failed:" << why;
        return -1;
    }
    return query.value(0).toLongLong();
}

std::optional<QSet<QString>> SqliteStores::liveTokens(const QStringList &tokens)
{
    // Only hashes are stored: look the given tokens up by hash, some hundreds per statement
    // (well below SQLite's limit of bound values).
    constexpr qsizetype perStatement = 500;
    QHash<QByteArray, QString> byHash;
    for (const QString &token : tokens)
        byHash.insert(TokenRepository::hash(token), token);
    const QList<QByteArray> hashes = byHash.keys();
    QSet<QString> live;
    QSqlQuery query(m_db.sql());
    query.setForwardOnly(true);
    for (qsizetype from = 0; from < hashes.size(); from += perStatement) {
        const qsizetype count = std::min(perStatement, hashes.size() - from);
        QString statement = u"SELECT hash FROM tokens WHERE hash IN (?"_s;
        statement += u",?"_s.repeated(count - 1);
        statement += u')';
        bool ok = query.prepare(statement);
        for (qsizetype i = 0; ok && i < count; ++i)
            query.addBindValue(hashes[from + i]);
        if (!ok || !query.exec()) {
            qCWarning(lcStore) << "reading tokens failed:" << query.lastError().text();
            return std::nullopt;
        }
        while (query.next())
            live.insert(byHash.value(query.value(0).toByteArray()));
    }
    return live;
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
    QString why;
    if (!openCommitter(&why)) {
        QList<PublishOutcome> failed;
        for (const PublishJob &job : jobs)
            failed.append(PublishOutcome{
                job.ticket, {}, false, Error{ErrorCode::Internal, why, std::nullopt}});
        return failed;
    }
    if (m_blockGrowth)
        m_committer->setGrowthBlocked(m_blockGrowth->load(std::memory_order_relaxed));
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

// ---- read positions ---------------------------------------------------------------------

std::optional<qint64> SqliteStores::readPosition(qint64 channelId, const QString &user)
{
    QSqlQuery query(m_db.sql());
    QString why;
    if (!sql::exec(query,
                   u"SELECT seq FROM read_positions WHERE user_name = ? AND channel_id = ?"_s,
                   {user, channelId}, &why)) {
        qCWarning(lcStore) << "cannot read a read position:" << why;
        return std::nullopt;
    }
    return query.next() ? query.value(0).toLongLong() : 0;
}

bool SqliteStores::raiseReadPositions(const QList<ReadPosition> &positions, QString *error)
{
    Transaction tx(m_db);
    if (!tx.isActive()) {
        *error = tx.error();
        return false;
    }
    QSqlQuery query(m_db.sql());
    // The EXISTS skips a channel deleted meanwhile instead of failing the whole batch on its
    // foreign key.
    if (!query.prepare(u"INSERT INTO read_positions(channel_id, user_name, seq)"
                       u" SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM channels WHERE id = ?)"
                       u" ON CONFLICT(user_name, channel_id)"
                       u" DO UPDATE SET seq = max(seq, excluded.seq)"_s)) {
        *error = query.lastError().text();
        return false;
    }
    for (const ReadPosition &position : positions) {
        query.addBindValue(position.channelId);
        query.addBindValue(position.user);
        query.addBindValue(position.seq);
        query.addBindValue(position.channelId);
        if (!query.exec()) {
            *error = query.lastError().text();
            return false;
        }
    }
    if (!tx.commit()) {
        *error = tx.error();
        return false;
    }
    return true;
}

} // namespace confab::store
