// SPDX-License-Identifier: Apache-2.0
#include "channelrepository.h"

#include "database.h"
#include "sqlutil.h"
#include "storelog.h"
#include "validation.h"

using namespace Qt::StringLiterals;

namespace confab::store {

namespace {

const QString kSelect =
    u"SELECT c.id, c.name, c.topic, c.private, c.last_seq, c.created_ms FROM channels c "_s;

ChannelRecord recordFrom(const QSqlQuery &query)
{
    ChannelRecord record;
    record.id = query.value(0).toLongLong();
    record.channel.name = query.value(1).toString();
    record.channel.topic = query.value(2).toString();
    record.channel.isPrivate = query.value(3).toBool();
    record.channel.lastSeq = query.value(4).toLongLong();
    record.createdMs = query.value(5).toLongLong();
    return record;
}

QList<ChannelRecord> listOf(QSqlDatabase &db, const QString &statement,
                            std::initializer_list<QVariant> values)
{
    QList<ChannelRecord> channels;
    QSqlQuery query(db);
    QString why;
    if (!sql::exec(query, statement, values, &why)) {
        qCWarning(lcStore) << "reading channels failed:" << why;
        return channels;
    }
    while (query.next())
        channels.append(recordFrom(query));
    return channels;
}

} // namespace

std::optional<ChannelRecord> ChannelRepository::create(const QString &name, const QString &topic,
                                                       bool isPrivate, const QString &creator,
                                                       QString *error, bool *conflict)
{
    const QStringList members = creator.isEmpty() ? QStringList() : QStringList{creator};
    return insert(name, topic, isPrivate, creator, members, error, conflict);
}

std::optional<ChannelRecord> ChannelRepository::ensureDirect(const QString &name, QString *error)
{
    const auto pair = rules::directChannelMembers(name);
    if (!pair) {
        *error = u"'%1' is not a direct conversation name"_s.arg(name);
        return std::nullopt;
    }
    if (auto existing = find(name))
        return existing;
    bool conflict = false;
    auto record =
        insert(name, QString(), true, QString(), {pair->first, pair->second}, error, &conflict);
    if (!record && conflict)
        return find(name); // another connection created it meanwhile
    return record;
}

std::optional<ChannelRecord> ChannelRepository::insert(const QString &name, const QString &topic,
                                                       bool isPrivate, const QString &creator,
                                                       const QStringList &members, QString *error,
                                                       bool *conflict)
{
    if (conflict)
        *conflict = false;
    Transaction tx(m_db);
    if (!tx.isActive()) {
        *error = u"cannot create channel '%1': %2"_s.arg(name, tx.error());
        return std::nullopt;
    }
    if (find(name)) {
        *error = u"channel '%1' already exists"_s.arg(name);
        if (conflict)
            *conflict = true;
        return std::nullopt;
    }
    ChannelRecord record;
    record.channel = Channel{name, sql::notNull(topic), isPrivate, 0};
    record.createdMs = sql::nowMs();
    QSqlQuery query(m_db.sql());
    QString why;
    if (!sql::exec(
            query,
            u"INSERT INTO channels(name, topic, private, created_ms, created_by) "
            u"VALUES (?, ?, ?, ?, ?)"_s,
            {name, sql::notNull(topic), isPrivate ? 1 : 0, record.createdMs, sql::notNull(creator)},
            &why)) {
        *error = u"cannot create channel '%1': %2"_s.arg(name, why);
        return std::nullopt;
    }
    record.id = query.lastInsertId().toLongLong();
    for (const QString &member : members) {
        if (!addMember(record.id, member, error))
            return std::nullopt;
    }
    if (!tx.commit()) {
        *error = u"cannot create channel '%1': %2"_s.arg(name, tx.error());
        return std::nullopt;
    }
    return record;
}

std::optional<ChannelRecord> ChannelRepository::find(const QString &name) const
{
    QSqlQuery query(m_db.sql());
    QString why;
    if (!sql::exec(query, kSelect + u"WHERE c.name = ?"_s, {name}, &why)) {
        qCWarning(lcStore) << "reading channels failed:" << why;
        return std::nullopt;
    }
    if (!query.next())
        return std::nullopt;
    return recordFrom(query);
}

QList<ChannelRecord> ChannelRepository::visibleTo(const QString &user, const QString &after,
                                                  int limit) const
{
    return listOf(m_db.sql(),
                  kSelect + u"WHERE c.name > ? AND (c.private = 0 OR EXISTS (SELECT 1 FROM "
                            u"members m WHERE m.channel_id = c.id AND m.user_name = ?)) "
                            u"ORDER BY c.name LIMIT ?"_s,
                  {sql::notNull(after), user, limit < 0 ? -1 : limit});
}

QList<ChannelRecord> ChannelRepository::memberOf(const QString &user) const
{
    return listOf(m_db.sql(),
                  kSelect + u"JOIN members m ON m.channel_id = c.id WHERE m.user_name = ? "
                            u"ORDER BY c.name"_s,
                  {user});
}

int ChannelRepository::countCreatedBy(const QString &user) const
{
    QSqlQuery query(m_db.sql());
    if (!sql::exec(query, u"SELECT count(*) FROM channels WHERE created_by = ?"_s, {user}) ||
        !query.next())
        return 0;
    return query.value(0).toInt();
}

QList<ChannelRecord> ChannelRepository::all() const
{
    return listOf(m_db.sql(), kSelect + u"ORDER BY c.name"_s, {});
}

bool ChannelRepository::addMember(qint64 channelId, const QString &user, QString *error)
{
    QSqlQuery query(m_db.sql());
    QString why;
    if (!sql::exec(query, u"INSERT OR IGNORE INTO members(channel_id, user_name) VALUES (?, ?)"_s,
                   {channelId, user}, &why)) {
        *error = u"cannot add '%1' to channel %2: %3"_s.arg(user).arg(channelId).arg(why);
        return false;
    }
    return true;
}

bool ChannelRepository::removeMember(qint64 channelId, const QString &user, QString *error)
{
    QSqlQuery query(m_db.sql());
    QString why;
    if (!sql::exec(query, u"DELETE FROM members WHERE channel_id = ? AND user_name = ?"_s,
                   {channelId, user}, &why)) {
        *error = u"cannot remove '%1' from channel %2: %3"_s.arg(user).arg(channelId).arg(why);
        return false;
    }
    return true;
}

bool ChannelRepository::isMember(qint64 channelId, const QString &user) const
{
    QSqlQuery query(m_db.sql());
    return sql::exec(query, u"SELECT 1 FROM members WHERE channel_id = ? AND user_name = ?"_s,
                     {channelId, user}) &&
           query.next();
}

QStringList ChannelRepository::members(qint64 channelId) const
{
    QStringList names;
    QSqlQuery query(m_db.sql());
    if (sql::exec(query, u"SELECT user_name FROM members WHERE channel_id = ? ORDER BY user_name"_s,
                  {channelId})) {
        while (query.next())
            names.append(query.value(0).toString());
    }
    return names;
}

QStringList ChannelRepository::channelsOf(const QString &user) const
{
    QStringList names;
    QSqlQuery query(m_db.sql());
    if (sql::exec(query,
                  u"SELECT c.name FROM members m JOIN channels c ON c.id = m.channel_id "
                  u"WHERE m.user_name = ? ORDER BY c.name"_s,
                  {user})) {
        while (query.next())
            names.append(query.value(0).toString());
    }
    return names;
}

} // namespace confab::store
