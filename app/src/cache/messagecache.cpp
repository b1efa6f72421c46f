// SPDX-License-Identifier: Apache-2.0
#include "messagecache.h"

#include "mentions.h"

#include <QHash>
#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace confab::client {

Q_LOGGING_CATEGORY(lcCache, "confab.client.cache")

namespace {

bool exec(QSqlQuery &query)
{
    if (query.exec())
        return true;
    qCWarning(lcCache) << "query failed:" << query.lastError().text();
    return false;
}

Message readMessage(const QSqlQuery &query, const QString &channel)
{
    Message m;
    m.channel = channel;
    m.seq = query.value(0).toLongLong();
    m.mid = query.value(1).toString();
    m.cid = query.value(2).toString();
    m.from = query.value(3).toString();
    m.ts = query.value(4).toLongLong();
    m.text = query.value(5).toString();
    return m;
}

const QString columns = u"seq, mid, cid, author, ts, text"_s;

} // namespace

MessageCache::MessageCache(QSqlDatabase db, int maxPerChannel, QObject *parent)
    : QObject(parent)
    , m_db(std::move(db))
    , m_maxPerChannel(maxPerChannel)
{}

QList<CachedChannel> MessageCache::channels() const
{
    QList<CachedChannel> result;
    QSqlQuery query(m_db);
    query.prepare(u"SELECT name, topic, synced_seq, last_read_seq FROM channels ORDER BY name"_s);
    if (!exec(query))
        return result;
    while (query.next())
        result.append({query.value(0).toString(), query.value(1).toString(),
                       query.value(2).toLongLong(), query.value(3).toLongLong()});
    return result;
}

std::optional<CachedChannel> MessageCache::channel(const QString &name) const
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT name, topic, synced_seq, last_read_seq FROM channels WHERE name = ?"_s);
    query.addBindValue(name);
    if (!exec(query) || !query.next())
        return std::nullopt;
    return CachedChannel{query.value(0).toString(), query.value(1).toString(),
                         query.value(2).toLongLong(), query.value(3).toLongLong()};
}

void MessageCache::addChannel(const QString &name, const QString &topic)
{
    QSqlQuery query(m_db);
    query.prepare(u"INSERT INTO channels(name, topic) VALUES(?, coalesce(?, ''))"
                  " ON CONFLICT(name) DO UPDATE SET topic = excluded.topic"_s);
    query.addBindValue(name);
    query.addBindValue(topic);
    if (exec(query))
        Q_EMIT channelAdded(name, topic);
}

void MessageCache::removeChannel(const QString &name)
{
    m_db.transaction();
    for (const QString &sql :
         {u"DELETE FROM channels WHERE name = ?"_s, u"DELETE FROM messages WHERE channel = ?"_s}) {
        QSqlQuery query(m_db);
        query.prepare(sql);
        query.addBindValue(name);
        exec(query);
    }
    m_db.commit();
    Q_EMIT channelRemoved(name);
}

void MessageCache::setSyncedSeq(const QString &channel, qint64 seq)
{
    QSqlQuery query(m_db);
    query.prepare(u"UPDATE channels SET synced_seq = max(synced_seq, ?) WHERE name = ?"_s);
    query.addBindValue(seq);
    query.addBindValue(channel);
    exec(query);
}

void MessageCache::setLastReadSeq(const QString &channel, qint64 seq)
{
    QSqlQuery query(m_db);
    query.prepare(u"UPDATE channels SET last_read_seq = max(last_read_seq, ?) WHERE name = ?"_s);
    query.addBindValue(seq);
    query.addBindValue(channel);
    exec(query);
}

QList<Message> MessageCache::store(const QList<Message> &messages)
{
    const QList<Message> added = insert(messages);
    if (!added.isEmpty())
        Q_EMIT messagesStored(added);
    return added;
}

QList<Message> MessageCache::backfill(const QList<Message> &messages)
{
    return insert(messages);
}

QList<Message> MessageCache::insert(const QList<Message> &messages)
{
    QList<Message> added;
    if (messages.isEmpty())
        return added;
    m_db.transaction();
    QSqlQuery query(m_db);
    query.prepare(u"INSERT OR IGNORE INTO messages(channel, seq, mid, cid, author, ts, text)"
                  " VALUES(?, ?, ?, ?, ?, ?, ?)"_s);
    QHash<QString, int> perChannel;
    for (const Message &m : messages) {
        query.bindValue(0, m.channel);
        query.bindValue(1, m.seq);
        query.bindValue(2, m.mid);
        query.bindValue(3, m.cid);
        query.bindValue(4, m.from);
        query.bindValue(5, m.ts);
        query.bindValue(6, m.text);
        if (exec(query) && query.numRowsAffected() > 0) {
            added.append(m);
            ++perChannel[m.channel];
        }
    }
    m_db.commit();
    // Trimming scans maxPerChannel keys: do it once per trimEvery new messages.
    for (auto it = perChannel.cbegin(); it != perChannel.cend(); ++it) {
        int &since = m_sinceTrim[it.key()];
        since += it.value();
        if (since >= trimEvery) {
            since = 0;
            trim(it.key());
        }
    }
    return added;
}

QList<Message> MessageCache::newest(const QString &channel, int limit) const
{
    return before(channel, std::numeric_limits<qint64>::max(), limit);
}

QList<Message> MessageCache::before(const QString &channel, qint64 before, int limit) const
{
    QList<Message> result;
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.prepare(u"SELECT "_s + columns +
                  u" FROM messages WHERE channel = ? AND seq < ? ORDER BY seq DESC LIMIT ?"_s);
    query.addBindValue(channel);
    query.addBindValue(before);
    query.addBindValue(limit);
    if (!exec(query))
        return result;
    while (query.next())
        result.append(readMessage(query, channel));
    std::reverse(result.begin(), result.end());
    return result;
}

std::optional<qint64> MessageCache::highestBelow(const QString &channel, qint64 seq) const
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT max(seq) FROM messages WHERE channel = ? AND seq < ?"_s);
    query.addBindValue(channel);
    query.addBindValue(seq);
    if (!exec(query) || !query.next() || query.value(0).isNull())
        return std::nullopt;
    return query.value(0).toLongLong();
}

std::optional<Message> MessageCache::last(const QString &channel) const
{
    const QList<Message> one = newest(channel, 1);
    return one.isEmpty() ? std::nullopt : std::optional<Message>(one.first());
}

qint64 MessageCache::count(const QString &channel) const
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT count(*) FROM messages WHERE channel = ?"_s);
    query.addBindValue(channel);
    if (!exec(query) || !query.next())
        return 0;
    return query.value(0).toLongLong();
}

std::pair<int, bool> MessageCache::unread(const QString &channel, qint64 afterSeq,
                                          const QString &me) const
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT count(*) FROM messages WHERE channel = ? AND seq > ? AND author != ?"_s);
    query.addBindValue(channel);
    query.addBindValue(afterSeq);
    query.addBindValue(me);
    if (!exec(query) || !query.next())
        return {0, false};
    const int count = query.value(0).toInt();
    if (me.isEmpty() || count == 0)
        return {count, false};
    // SQLite narrows the candidates; mentionsUser() is the rule (the one the UI uses).
    QSqlQuery texts(m_db);
    texts.prepare(u"SELECT text FROM messages WHERE channel = ? AND seq > ? AND author != ?"
                  " AND instr(lower(text), ?) > 0"_s);
    texts.addBindValue(channel);
    texts.addBindValue(afterSeq);
    texts.addBindValue(me);
    texts.addBindValue(u'@' + me.toLower());
    if (!exec(texts))
        return {count, false};
    while (texts.next()) {
        if (mentionsUser(texts.value(0).toString(), me))
            return {count, true};
    }
    return {count, false};
}

bool MessageCache::containsCid(const QString &channel, const QString &cid) const
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT 1 FROM messages WHERE channel = ? AND cid = ? LIMIT 1"_s);
    query.addBindValue(channel);
    query.addBindValue(cid);
    return exec(query) && query.next();
}

void MessageCache::trim(const QString &channel)
{
    if (m_maxPerChannel <= 0)
        return;
    QSqlQuery query(m_db);
    query.prepare(u"DELETE FROM messages WHERE channel = ? AND seq <= (SELECT seq FROM messages"
                  " WHERE channel = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)"_s);
    query.addBindValue(channel);
    query.addBindValue(channel);
    query.addBindValue(m_maxPerChannel);
    exec(query);
}

void MessageCache::wipe()
{
    QSqlQuery query(m_db);
    m_db.transaction();
    query.exec(u"DELETE FROM messages"_s);
    query.exec(u"UPDATE channels SET synced_seq = 0"_s);
    m_db.commit();
    Q_EMIT wiped();
}

} // namespace confab::client
