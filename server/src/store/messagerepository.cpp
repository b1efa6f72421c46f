// SPDX-License-Identifier: Apache-2.0
#include "messagerepository.h"

#include "database.h"
#include "sqlutil.h"
#include "storelog.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace confab::store {

namespace {

/// Runs a message query and returns its rows in the order SQLite gave them, or nullopt and
/// `*error` when a step failed (QSqlQuery::next() is false then too: lastError() tells).
std::optional<QList<Message>> fetch(QSqlDatabase &db, const QString &channel, const QString &where,
                                    std::initializer_list<QVariant> values, QString *error)
{
    QList<Message> messages;
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!sql::exec(query, u"SELECT seq, mid, cid, sender, ts, text FROM messages "_s + where,
                   values, error))
        return std::nullopt;
    while (query.next()) {
        messages.append(Message{channel, query.value(0).toLongLong(), query.value(1).toString(),
                                query.value(2).toString(), query.value(3).toString(),
                                query.value(4).toLongLong(),
                                sql::textFromBlob(query.value(5).toByteArray())});
    }
    if (query.lastError().isValid()) {
        *error = query.lastError().text();
        return std::nullopt;
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

std::optional<QList<Message>> MessageRepository::read(const QString &channel, const QString &where,
                                                      std::initializer_list<QVariant> values,
                                                      qint64 first, int step, qint64 count) const
{
    QString why;
    auto messages = fetch(m_db.sql(), channel, where, values, &why);
    if (!messages) {
        m_db.markDamaged(u"reading the messages of %1 failed: %2"_s.arg(channel, why));
        return std::nullopt;
    }
    count = std::max<qint64>(count, 0);
    for (qsizetype i = 0; i < messages->size(); ++i) {
        const qint64 expected = first + step * i;
        if (i >= count || messages->at(i).seq != expected) {
            m_db.markDamaged(
                u"the messages of %1 have a gap: seq %2 is missing (found %3)"_s.arg(channel)
                    .arg(expected)
                    .arg(messages->at(i).seq));
            return std::nullopt;
        }
    }
    if (messages->size() < count) {
        m_db.markDamaged(u"the messages of %1 have a gap: seq %2 is missing"_s.arg(channel).arg(
            first + step * messages->size()));
        return std::nullopt;
    }
    return messages;
}

std::optional<QList<Message>> MessageRepository::range(qint64 channelId, const QString &channel,
                                                       qint64 fromSeq, qint64 toSeq,
                                                       int limit) const
{
    fromSeq = std::max<qint64>(fromSeq, 1);
    if (limit <= 0 || fromSeq > toSeq)
        return QList<Message>();
    return read(channel, u"WHERE channel_id = ? AND seq BETWEEN ? AND ? ORDER BY seq LIMIT ?"_s,
                {channelId, fromSeq, toSeq, limit}, fromSeq, 1,
                std::min<qint64>(limit, toSeq - fromSeq + 1));
}

std::optional<QList<Message>> MessageRepository::newest(qint64 channelId, const QString &channel,
                                                        qint64 toSeq, int limit) const
{
    if (limit <= 0 || toSeq <= 0)
        return QList<Message>();
    auto messages = read(channel, u"WHERE channel_id = ? AND seq <= ? ORDER BY seq DESC LIMIT ?"_s,
                         {channelId, toSeq, limit}, toSeq, -1, std::min<qint64>(limit, toSeq));
    if (messages)
        std::reverse(messages->begin(), messages->end());
    return messages;
}

std::optional<QList<Message>> MessageRepository::before(qint64 channelId, const QString &channel,
                                                        qint64 before, int limit, bool *more) const
{
    if (more)
        *more = false;
    const qint64 toSeq = before - 1;
    if (limit <= 0 || toSeq <= 0)
        return QList<Message>();
    auto messages =
        read(channel, u"WHERE channel_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?"_s,
             {channelId, before, limit + 1}, toSeq, -1, std::min<qint64>(limit + 1, toSeq));
    if (!messages)
        return std::nullopt;
    const bool extra = trimExtra(*messages, limit);
    if (more)
        *more = extra;
    std::reverse(messages->begin(), messages->end());
    return messages;
}

std::optional<QList<Message>> MessageRepository::after(qint64 channelId, const QString &channel,
                                                       qint64 after, qint64 toSeq, int limit,
                                                       bool *more) const
{
    if (more)
        *more = false;
    after = std::max<qint64>(after, 0);
    if (limit <= 0 || after >= toSeq)
        return QList<Message>();
    auto messages =
        read(channel, u"WHERE channel_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?"_s,
             {channelId, after, toSeq, limit + 1}, after + 1, 1,
             std::min<qint64>(limit + 1, toSeq - after));
    if (!messages)
        return std::nullopt;
    const bool extra = trimExtra(*messages, limit);
    if (more)
        *more = extra;
    return messages;
}

std::optional<qint64> MessageRepository::firstSeqSince(qint64 channelId, qint64 sinceMs,
                                                       qint64 toSeq) const
{
    QSqlQuery query(m_db.sql());
    QString why;
    if (!sql::exec(query,
                   u"SELECT min(seq) FROM messages WHERE channel_id = ? AND ts >= ? AND seq <= ?"_s,
                   {channelId, sinceMs, toSeq}, &why) ||
        (!query.next() && query.lastError().isValid())) {
        if (why.isEmpty())
            why = query.lastError().text();
        m_db.markDamaged(
            u"reading the messages of channel %1 failed: %2"_s.arg(channelId).arg(why));
        return std::nullopt;
    }
    if (!query.isValid() || query.isNull(0))
        return toSeq + 1;
    return query.value(0).toLongLong();
}

} // namespace confab::store
