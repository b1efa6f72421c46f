// SPDX-License-Identifier: Apache-2.0
#include "messagerepository.h"

#include "database.h"
#include "sqlutil.h"
#include "storelog.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace confab::store {

namespace {

/// Runs a message query and returns its rows in the order SQLite gave them.
QList<Message> fetch(QSqlDatabase &db, const QString &channel, const QString &where,
                     std::initializer_list<QVariant> values)
{
    QList<Message> messages;
    QSqlQuery query(db);
    query.setForwardOnly(true);
    QString why;
    if (!sql::exec(query, u"SELECT seq, mid, cid, sender, ts, text FROM messages "_s + where,
                   values, &why)) {
        qCWarning(lcStore) << "reading messages of" << channel << "failed:" << why;
        return messages;
    }
    while (query.next()) {
        messages.append(Message{channel, query.value(0).toLongLong(), query.value(1).toString(),
                                query.value(2).toString(), query.value(3).toString(),
                                query.value(4).toLongLong(),
                                sql::textFromBlob(query.value(5).toByteArray())});
    }
    return messages;
}

/// Keeps `limit` rows of a query that asked for limit + 1; true when the extra one came.
bool trimExtra(QList<Message> &messages, int limit)
{
    if (messages.size() <= limit)
        return false;
    messages.resize(limit);
    return true;
}

} // namespace

QList<Message> MessageRepository::range(qint64 channelId, const QString &channel, qint64 fromSeq,
                                        qint64 toSeq, int limit) const
{
    if (limit <= 0 || fromSeq > toSeq)
        return {};
    return fetch(m_db.sql(), channel,
                 u"WHERE channel_id = ? AND seq BETWEEN ? AND ? ORDER BY seq LIMIT ?"_s,
                 {channelId, fromSeq, toSeq, limit});
}

QList<Message> MessageRepository::newest(qint64 channelId, const QString &channel, qint64 toSeq,
                                         int limit) const
{
    if (limit <= 0)
        return {};
    auto messages =
        fetch(m_db.sql(), channel, u"WHERE channel_id = ? AND seq <= ? ORDER BY seq DESC LIMIT ?"_s,
              {channelId, toSeq, limit});
    std::reverse(messages.begin(), messages.end());
    return messages;
}

QList<Message> MessageRepository::before(qint64 channelId, const QString &channel, qint64 before,
                                         int limit, bool *more) const
{
    if (more)
        *more = false;
    if (limit <= 0)
        return {};
    auto messages =
        fetch(m_db.sql(), channel, u"WHERE channel_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?"_s,
              {channelId, before, limit + 1});
    const bool extra = trimExtra(messages, limit);
    if (more)
        *more = extra;
    std::reverse(messages.begin(), messages.end());
    return messages;
}

QList<Message> MessageRepository::after(qint64 channelId, const QString &channel, qint64 after,
                                        qint64 toSeq, int limit, bool *more) const
{
    if (more)
        *more = false;
    if (limit <= 0)
        return {};
    auto messages = fetch(m_db.sql(), channel,
                          u"WHERE channel_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?"_s,
                          {channelId, after, toSeq, limit + 1});
    const bool extra = trimExtra(messages, limit);
    if (more)
        *more = extra;
    return messages;
}

qint64 MessageRepository::firstSeqSince(qint64 channelId, qint64 sinceMs, qint64 toSeq) const
{
    QSqlQuery query(m_db.sql());
    QString why;
    if (!sql::exec(query,
                   u"SELECT min(seq) FROM messages WHERE channel_id = ? AND ts >= ? AND seq <= ?"_s,
                   {channelId, sinceMs, toSeq}, &why)) {
        qCWarning(lcStore) << "reading messages failed:" << why;
        return toSeq + 1;
    }
    if (!query.next() || query.isNull(0))
        return toSeq + 1;
    return query.value(0).toLongLong();
}

} // namespace confab::store
