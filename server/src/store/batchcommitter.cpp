// SPDX-License-Identifier: Apache-2.0
#include "batchcommitter.h"

#include "sqlutil.h"
#include "storelog.h"

#include <algorithm>
#include <sqlite3.h>

using namespace Qt::StringLiterals;

namespace confab::store {

namespace {
/// SQL for the ts of a channel's newest message (0 when it has none): the floor of the
/// next ts, so that history stays in time order across a restart too.
QString lastTsOf(const QString &channelId)
{
    return u"coalesce((SELECT m.ts FROM messages m WHERE m.channel_id = %1 "
           u"ORDER BY m.seq DESC LIMIT 1), 0)"_s.arg(channelId);
}
} // namespace

bool BatchCommitter::open(const QString &path, QString *error)
{
    if (!m_db.open(path, error))
        return false;
    QSqlQuery query(m_db.sql());
    QString why;
    // max() guards against a last_seq that lags its messages: seq must never be reused.
    if (!sql::exec(query,
                   u"SELECT c.id, max(c.last_seq, coalesce((SELECT max(m.seq) FROM messages m "
                   u"WHERE m.channel_id = c.id), 0)), "_s +
                       lastTsOf(u"c.id"_s) + u" FROM channels c"_s,
                   {}, &why)) {
        *error = u"cannot load channel seqs from %1: %2"_s.arg(path, why);
        return false;
    }
    while (query.next()) {
        m_lastSeq.insert(query.value(0).toLongLong(), query.value(1).toLongLong());
        m_lastTs.insert(query.value(0).toLongLong(), query.value(2).toLongLong());
    }
    if (!sql::exec(query, u"SELECT coalesce(max(rowid), 0) FROM messages"_s, {}, &why) ||
        !query.next()) {
        *error = u"cannot load message numbers from %1: %2"_s.arg(path, why);
        return false;
    }
    m_lastNumber = query.value(0).toLongLong();
    if (!sql::exec(query, u"PRAGMA max_page_count"_s, {}, &why) || !query.next()) {
        *error = u"cannot read max_page_count of %1: %2"_s.arg(path, why);
        return false;
    }
    m_defaultMaxPages = query.value(0).toLongLong();
    query.finish();
    m_handle = sqliteHandle(m_db);
    if (!m_statements.prepare(m_handle, &why)) {
        *error = u"cannot prepare the writer's statements on %1: %2"_s.arg(path, why);
        return false;
    }
    return true;
}

void BatchCommitter::setGrowthBlocked(bool blocked)
{
    if (blocked == m_growthBlocked)
        return;
    QSqlQuery query(m_db.sql());
    // SQLite raises a limit below the current size to the current size.
    const qint64 pages = blocked ? 1 : m_defaultMaxPages;
    if (sql::exec(query, u"PRAGMA max_page_count = %1"_s.arg(pages)))
        m_growthBlocked = blocked;
}

std::optional<qint64> BatchCommitter::lastSeq(qint64 channelId, QString *error)
{
    if (auto it = m_lastSeq.constFind(channelId); it != m_lastSeq.constEnd())
        return *it;
    // A channel created after open(): its seq starts where the database says.
    QSqlQuery query(m_db.sql());
    if (!sql::exec(query,
                   u"SELECT last_seq, "_s + lastTsOf(u"?"_s) + u" FROM channels WHERE id = ?"_s,
                   {channelId, channelId}, error))
        return std::nullopt;
    if (!query.next())
        return std::nullopt;
    const qint64 seq = query.value(0).toLongLong();
    m_lastSeq.insert(channelId, seq);
    m_lastTs.insert(channelId, query.value(1).toLongLong());
    return seq;
}

bool BatchCommitter::Statements::prepare(sqlite3 *db, QString *error)
{
    const std::pair<SqliteStatement *, const char *> statements[] = {
        // IMMEDIATE: take the write lock up front, so a concurrent writer (confabctl) makes
        // us wait on the busy timeout instead of failing on a stale snapshot.
        {&begin, "BEGIN IMMEDIATE"},
        {&commit, "COMMIT"},
        {&rollback, "ROLLBACK"},
        {&findDup, "SELECT c.name, m.seq, m.mid, m.ts, m.text FROM messages m "
                   "JOIN channels c ON c.id = m.channel_id WHERE m.sender = ? AND m.cid = ?"},
        // DO NOTHING on a repeated (sender, cid) only: the insert itself is the dup check
        // (one index probe per job instead of a SELECT and then the insert's own probe);
        // any other constraint still fails the statement.
        {&insert, "INSERT INTO messages(rowid, channel_id, seq, mid, cid, sender, ts, text) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(sender, cid) DO NOTHING"},
        {&bumpLastSeq, "UPDATE channels SET last_seq = ? WHERE id = ?"},
    };
    for (const auto &[statement, text] : statements) {
        if (!statement->prepare(db, text, error))
            return false;
    }
    return true;
}

void BatchCommitter::rollback()
{
    QString why;
    // Fails harmlessly when SQLite already rolled back by itself (some I/O errors do).
    if (!m_statements.rollback.run(&why))
        qCDebug(lcStore) << "rollback:" << why;
}

QList<PublishOutcome> BatchCommitter::commit(const std::vector<PublishJob> &jobs)
{
    QString why;
    if (!m_statements.begin.run(&why))
        return failAll(jobs, why, isDiskFull());
    const QHash<qint64, qint64> seqBefore = m_lastSeq; // implicitly shared: cheap to keep
    const QHash<qint64, qint64> tsBefore = m_lastTs;
    const qint64 numberBefore = m_lastNumber;
    auto handBack = [&](const QString &reason) {
        const bool diskFull = isDiskFull(); // before the rollback sets an error of its own
        rollback();
        m_lastSeq = seqBefore;
        m_lastTs = tsBefore;
        m_lastNumber = numberBefore;
        return failAll(jobs, reason, diskFull);
    };

    const qint64 now = sql::nowMs();
    QList<PublishOutcome> outcomes;
    outcomes.reserve(qsizetype(jobs.size()));
    QHash<qint64, qint64> touched; // channel id → its new last seq
    for (const PublishJob &job : jobs) {
        PublishOutcome outcome;
        outcome.ticket = job.ticket;
        if (!apply(job, now, &outcome, &why))
            return handBack(why);
        if (!outcome.dup && !outcome.error)
            touched.insert(job.channelId, outcome.message.seq);
        outcomes.append(outcome);
    }
    SqliteStatement &bump = m_statements.bumpLastSeq;
    for (auto it = touched.cbegin(); it != touched.cend(); ++it) {
        bump.bindInt(1, it.value());
        bump.bindInt(2, it.key());
        if (!bump.run(&why))
            return handBack(why);
    }
    // A failed COMMIT (e.g. SQLITE_FULL) leaves the transaction open: handBack ends it.
    if (!m_statements.commit.run(&why))
        return handBack(why);
    return outcomes;
}

bool BatchCommitter::apply(const PublishJob &job, qint64 nowMs, PublishOutcome *outcome,
                           QString *error)
{
    error->clear();
    const QByteArray from = job.from.toUtf8();
    const QByteArray cid = job.cid.toUtf8();
    // (from, cid) seen before, maybe earlier in this very batch: the original wins. Only
    // called once the insert found the pair taken (or the channel is gone), so the common
    // case pays no SELECT. Returns false with `*error` set when the query failed.
    auto findOriginal = [&](bool *found) {
        SqliteStatement &findDup = m_statements.findDup;
        findDup.bindText(1, from);
        findDup.bindText(2, cid);
        *found = findDup.step();
        if (!findDup.ok()) {
            *error = findDup.errorText();
            findDup.reset();
            return false;
        }
        if (*found) {
            outcome->dup = true;
            outcome->message = Message{findDup.columnText(0),
                                       findDup.columnInt(1),
                                       findDup.columnText(2),
                                       job.cid,
                                       job.from,
                                       findDup.columnInt(3),
                                       sql::textFromBlob(findDup.columnBlob(4))};
        }
        findDup.reset();
        return true;
    };

    const auto last = lastSeq(job.channelId, error);
    if (!last) {
        if (!error->isEmpty())
            return false;
        // As before the insert-first order: a repeat is answered with its original even
        // when its channel has gone since.
        bool found = false;
        if (!findOriginal(&found))
            return false;
        if (!found)
            outcome->error =
                Error{ErrorCode::NotFound, u"channel '%1' does not exist"_s.arg(job.channel), {}};
        return true;
    }
    const qint64 number = m_lastNumber + 1;
    // The wall clock may have been set back: ts never goes below the previous seq's.
    const qint64 ts = std::max(nowMs, m_lastTs.value(job.channelId));
    outcome->message = Message{
        job.channel, *last + 1, QString::number(number, 36), job.cid, job.from, ts, job.text};
    const QByteArray mid = outcome->message.mid.toLatin1(); // base-36 digits
    const QByteArray text = job.text.toUtf8();
    SqliteStatement &insert = m_statements.insert;
    insert.bindInt(1, number);
    insert.bindInt(2, job.channelId);
    insert.bindInt(3, outcome->message.seq);
    insert.bindText(4, mid);
    insert.bindText(5, cid);
    insert.bindText(6, from);
    insert.bindInt(7, ts);
    insert.bindBlob(8, text);
    if (!insert.run(error))
        return false;
    if (insert.changes() == 0) {
        // DO NOTHING fired: nothing stored, no seq or number used.
        bool found = false;
        if (!findOriginal(&found))
            return false;
        if (!found) {
            *error = u"a repeated (sender, cid) has no original"_s;
            return false;
        }
        return true;
    }
    m_lastNumber = number;
    m_lastSeq.insert(job.channelId, outcome->message.seq);
    m_lastTs.insert(job.channelId, ts);
    return true;
}

bool BatchCommitter::isDiskFull() const
{
    return m_handle && sqlite3_errcode(m_handle) == SQLITE_FULL;
}

QList<PublishOutcome> BatchCommitter::failAll(const std::vector<PublishJob> &jobs,
                                              const QString &why, bool diskFull)
{
    // `internal` is the contract's code for a server fault; a full disk says so, so that the
    // user (and whoever runs the server) learns why, and the client resends later.
    const Error error{ErrorCode::Internal,
                      diskFull ? u"the server's disk is full: the message was not stored; "
                                 u"send it again later"_s
                               : u"the message could not be stored"_s,
                      {}};
    qCWarning(lcStore) << "a batch of" << jobs.size() << "messages was not stored:" << why;
    QList<PublishOutcome> outcomes;
    outcomes.reserve(qsizetype(jobs.size()));
    for (const PublishJob &job : jobs) {
        PublishOutcome outcome;
        outcome.ticket = job.ticket;
        outcome.error = error;
        outcomes.append(outcome);
    }
    return outcomes;
}

} // namespace confab::store
