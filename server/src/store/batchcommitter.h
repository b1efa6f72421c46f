// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "database.h"
#include "messagewriter.h"
#include "sqlitestatement.h"

#include <QHash>

#include <vector>

namespace confab::store {

/// The writer thread's half of MessageWriter: one connection, the per-channel seq counters,
/// and the commit of one batch as one transaction. Used by one thread only.
class BatchCommitter
{
public:
    /// Opens the database and loads each channel's last seq and the last message number.
    bool open(const QString &path, QString *error);
    /// Stores the jobs in one transaction; one outcome per job, in order. When the
    /// transaction fails every job gets `internal` and the counters are handed back.
    QList<PublishOutcome> commit(const std::vector<PublishJob> &jobs);
    /// Caps the file at its current size (true) or lifts the cap (false).
    void setGrowthBlocked(bool blocked);

private:
    /// The writer's statements, prepared once in open() on the raw SQLite handle and reused
    /// by every batch: the writer's time is part of every ack's latency, and through Qt SQL
    /// the binding alone cost more than SQLite's insert.
    struct Statements
    {
        SqliteStatement begin;
        SqliteStatement commit;
        SqliteStatement rollback;
        SqliteStatement findDup;
        SqliteStatement insert;
        SqliteStatement bumpLastSeq;
        bool prepare(sqlite3 *db, QString *error);
    };

    /// Stores one job (or finds its original, or answers not_found) into `*outcome`;
    /// false with `*error` when the database failed and the batch must be rolled back.
    /// The message's ts is `nowMs` (wall clock), or the channel's last ts when that is later.
    bool apply(const PublishJob &job, qint64 nowMs, PublishOutcome *outcome, QString *error);
    /// Ends the open transaction without keeping anything (also after SQLite ended it).
    void rollback();
    /// The channel's newest seq; nullopt when it does not exist (or, with `*error` set, on
    /// failure).
    std::optional<qint64> lastSeq(qint64 channelId, QString *error);
    /// Every job answered `internal`; the message says so when the disk is full.
    QList<PublishOutcome> failAll(const std::vector<PublishJob> &jobs, const QString &why,
                                  bool diskFull);
    /// Whether the connection's last failure was SQLITE_FULL (no space, or the size cap).
    bool isDiskFull() const;

    Database m_db;
    sqlite3 *m_handle = nullptr; // m_db's connection, for the statements
    Statements m_statements;
    QHash<qint64, qint64> m_lastSeq; // channel id → newest committed seq
    QHash<qint64, qint64> m_lastTs;  // channel id → ts of that seq (the next one's floor)
    qint64 m_lastNumber = 0;         // newest message rowid, the source of `mid`
    qint64 m_defaultMaxPages = 0;
    bool m_growthBlocked = false;
};

} // namespace confab::store
