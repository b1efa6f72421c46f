// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "stores.h"

#include <QAtomicInteger>
#include <QList>
#include <QObject>
#include <QString>
#include <QThread>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace confab::store {

/// Group commit for publishes, on a thread of its own with a MessageStore of its own.
///
/// Contract: jobs are committed in submission order; seq is assigned per channel inside the
/// transaction, gapless (a failed transaction hands its seqs back) and strictly increasing;
/// (from, cid) is unique forever: a repeat gets the original message with dup = true. A batch
/// is committed (durably: one MessageStore::append) when `maxBatch` jobs wait or `maxDelay`
/// has passed since its first job; only then is `committed` emitted, once per batch, outcomes
/// in submission order. Connect it queued: it is emitted on the writer thread.
///
/// The writer knows no database: it makes its store with the OpenMessageStore it is given,
/// and the store keeps the seq, dup and atomicity promises (stores.h).
class MessageWriter : public QObject
{
    Q_OBJECT
public:
    /// Makes the writer's store, with a connection of its own; nullptr with `*error` set when
    /// it cannot. Called by start(), on the writer thread: the store is created, used and
    /// destroyed on that thread only, so it may hold thread-bound connections.
    using OpenMessageStore = std::function<std::unique_ptr<MessageStore>(QString *error)>;

    MessageWriter(OpenMessageStore openStore, std::chrono::milliseconds maxDelay, int maxBatch,
                  QObject *parent = nullptr);
    ~MessageWriter() override;

    /// Starts the thread and opens the store on it; false with the store's `error` when it
    /// cannot be opened.
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

signals:
    void committed(const QList<confab::store::PublishOutcome> &outcomes);

private:
    struct Queued
    {
        PublishJob job;
        std::chrono::steady_clock::time_point enqueued;
    };

    void threadMain();
    void runBatches(MessageStore &store);
    void rejectAfterStop(QList<PublishOutcome> outcomes);

    const OpenMessageStore m_openStore;
    const std::chrono::milliseconds m_maxDelay;
    const int m_maxBatch;
    QThread *m_thread = nullptr;

    mutable std::mutex m_mutex;     // guards everything below it
    std::condition_variable m_wake; // jobs arrived, stop requested, or start finished
    std::deque<Queued> m_queue;
    quint64 m_nextTicket = 1;
    int m_inFlight = 0;
    bool m_stopping = false;
    bool m_stopped = false;
    std::optional<QString> m_startResult; // empty string: opened; else the error

    QAtomicInteger<quint64> m_batches;
};

} // namespace confab::store
