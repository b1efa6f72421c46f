// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "errorcode.h"
#include "types.h"

#include <QAtomicInteger>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QString>
#include <QThread>
#include <QWaitCondition>

#include <chrono>
#include <deque>
#include <optional>

namespace confab::store {

class BatchCommitter;

/// A publish waiting to be made durable.
struct PublishJob
{
    quint64 ticket = 0; ///< set by submit(); matches the outcome
    qint64 channelId = 0;
    QString channel;
    QString from;
    QString cid;
    QString text;
};

/// What became of a job: the stored message (the original one when `dup`), or an error
/// (`internal`: the disk is full or the database failed; nothing was stored).
struct PublishOutcome
{
    quint64 ticket = 0;
    Message message;
    bool dup = false;
    std::optional<Error> error;
};

/// Group commit for publishes, on a thread of its own with its own SQLite connection.
///
/// Contract: jobs are committed in submission order; seq is assigned per channel inside the
/// transaction, gapless (a failed transaction hands its seqs back) and strictly increasing;
/// (from, cid) is unique forever: a repeat gets the original message with dup = true. A batch
/// is committed (synchronous=FULL) when `maxBatch` jobs wait or `maxDelay` has passed since
/// its first job; only then is `committed` emitted, once per batch, outcomes in submission
/// order. Connect it queued: it is emitted on the writer thread.
class MessageWriter : public QObject
{
    Q_OBJECT
public:
    MessageWriter(QString databasePath, std::chrono::milliseconds maxDelay, int maxBatch,
                  QObject *parent = nullptr);
    ~MessageWriter() override;

    /// Opens the connection on the writer thread and loads each channel's last seq.
    bool start(QString *error);
    /// Thread-safe. Returns the job's ticket. Jobs submitted before start() wait for it;
    /// after stop() a job is answered (queued, via `committed`) with an `internal` error.
    quint64 submit(PublishJob job);
    /// Commits whatever is pending, then stops the thread. Idempotent.
    void stop();
    /// Jobs submitted and not yet reported.
    int pending() const;
    /// Batches the writer has tried to commit (each emitted one `committed`).
    quint64 batchCount() const { return m_batches.loadRelaxed(); }

    /// For tests: while on, the database may not grow (SQLite max_page_count), so a batch
    /// that needs a new page fails as on a full disk. Applied before the next batch.
    void setSimulatedDiskFull(bool full) { m_simulateDiskFull.storeRelaxed(full ? 1 : 0); }

signals:
    void committed(const QList<confab::store::PublishOutcome> &outcomes);

private:
    struct Queued
    {
        PublishJob job;
        std::chrono::steady_clock::time_point enqueued;
    };

    void threadMain();
    void runBatches(BatchCommitter &committer);
    void rejectAfterStop(QList<PublishOutcome> outcomes);

    const QString m_path;
    const std::chrono::milliseconds m_maxDelay;
    const int m_maxBatch;
    QThread *m_thread = nullptr;

    mutable QMutex m_mutex; // guards everything below it
    QWaitCondition m_wake;  // jobs arrived, stop requested, or start finished
    std::deque<Queued> m_queue;
    quint64 m_nextTicket = 1;
    int m_inFlight = 0;
    bool m_stopping = false;
    bool m_stopped = false;
    std::optional<QString> m_startResult; // empty string: opened; else the error

    QAtomicInteger<quint64> m_batches;
    QAtomicInt m_simulateDiskFull;
};

} // namespace confab::store
