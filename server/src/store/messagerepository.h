// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "types.h"

#include <QList>

namespace confab::store {

class Database;

/// Read side of the message log (the write side is MessageWriter). Every list is in
/// ascending seq order.
class MessageRepository
{
public:
    explicit MessageRepository(Database &db)
        : m_db(db)
    {}

    /// Messages with seq in [fromSeq, toSeq], at most `limit`, the OLDEST first.
    QList<Message> range(qint64 channelId, const QString &channel, qint64 fromSeq, qint64 toSeq,
                         int limit) const;
    /// The newest `limit` messages with seq <= `toSeq` (ascending order).
    QList<Message> newest(qint64 channelId, const QString &channel, qint64 toSeq, int limit) const;
    /// Messages with seq < `before` (newest `limit` of them, ascending); `*more` when older exist.
    QList<Message> before(qint64 channelId, const QString &channel, qint64 before, int limit,
                          bool *more) const;
    /// Messages with seq > `after` (oldest `limit` of them); `*more` when newer exist
    /// (up to `toSeq`, the newest seq the caller may show).
    QList<Message> after(qint64 channelId, const QString &channel, qint64 after, qint64 toSeq,
                         int limit, bool *more) const;
    /// The smallest seq whose ts >= `sinceMs` (toSeq + 1 when none).
    qint64 firstSeqSince(qint64 channelId, qint64 sinceMs, qint64 toSeq) const;

private:
    Database &m_db;
};

} // namespace confab::store
