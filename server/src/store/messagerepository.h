// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "types.h"

#include <QList>
#include <QVariant>

#include <initializer_list>
#include <optional>

namespace confab::store {

class Database;

/// Read side of the message log (the write side is MessageWriter). Every list is in
/// ascending seq order.
///
/// Seqs are gapless per channel (1, 2, 3, …; nothing is ever deleted), so a read returns
/// exactly the seqs it asks for, as long as the bound the caller gives (`toSeq`, `before`) is
/// at most the channel's committed last seq. A read that fails, or comes back short or with
/// a gap, found damage: it returns std::nullopt, marks the database damaged
/// (Database::markDamaged, logged once), and the caller must answer with an error, never
/// with part of the answer.
class MessageRepository
{
public:
    explicit MessageRepository(Database &db)
        : m_db(db)
    {}

    /// Messages with seq in [fromSeq, toSeq], at most `limit`, the OLDEST first.
    std::optional<QList<Message>> range(qint64 channelId, const QString &channel, qint64 fromSeq,
                                        qint64 toSeq, int limit) const;
    /// The newest `limit` messages with seq <= `toSeq` (ascending order).
    std::optional<QList<Message>> newest(qint64 channelId, const QString &channel, qint64 toSeq,
                                         int limit) const;
    /// Messages with seq < `before` (newest `limit` of them, ascending); `*more` when older exist.
    std::optional<QList<Message>> before(qint64 channelId, const QString &channel, qint64 before,
                                         int limit, bool *more) const;
    /// Messages with seq > `after` (oldest `limit` of them); `*more` when newer exist
    /// (up to `toSeq`, the newest seq the caller may show).
    std::optional<QList<Message>> after(qint64 channelId, const QString &channel, qint64 after,
                                        qint64 toSeq, int limit, bool *more) const;
    /// The smallest seq whose ts >= `sinceMs` (toSeq + 1 when none); nullopt when the read failed.
    std::optional<qint64> firstSeqSince(qint64 channelId, qint64 sinceMs, qint64 toSeq) const;

private:
    /// Reads the rows of `where`, which must be exactly the seqs `first`, first + step, … (count
    /// of them); nullopt, with the database marked damaged, when the read fails or differs.
    std::optional<QList<Message>> read(const QString &channel, const QString &where,
                                       std::initializer_list<QVariant> values, qint64 first,
                                       int step, qint64 count) const;

    Database &m_db;
};

} // namespace confab::store
