// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "stores.h"

#include <QHash>
#include <QString>
#include <QThread>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace confab::store {

/// Writes read positions (protocol 1.2) on a thread of its own with a ReadPositionStore of
/// its own, so that a `read` never waits for the disk on the server's event loop (as
/// publishes wait for the MessageWriter, not the loop).
///
/// Contract: submit() is thread-safe and never blocks on the store. Positions waiting for
/// the thread are coalesced per (channel, user), keeping the highest, so a burst of reads
/// costs one row write each; the thread writes whatever waits in one transaction, and the
/// store keeps the max of stored and written. A batch the store cannot write (a full disk)
/// goes back into the queue and is tried again a second later, so it survives a restart
/// once space is back; stop() writes what waits (one last try), then ends.
class ReadPositionWriter
{
public:
    /// Makes the writer's store; called on the writer thread, which alone uses and destroys
    /// it. nullptr with `*error` when it cannot.
    using OpenStore = std::function<std::unique_ptr<ReadPositionStore>(QString *error)>;

    explicit ReadPositionWriter(OpenStore openStore);
    ~ReadPositionWriter();
    ReadPositionWriter(const ReadPositionWriter &) = delete;
    ReadPositionWriter &operator=(const ReadPositionWriter &) = delete;

    /// Starts the thread and opens the store on it; false with the store's error.
    bool start(QString *error);
    /// Queues a position to be written (raised to, never lowered). Before start() or after
    /// stop() it waits or is dropped, respectively.
    void submit(const ReadPosition &position);
    /// Writes everything submitted so far, then stops the thread. Idempotent.
    void stop();
    /// Batches written so far (tests wait on it).
    quint64 batchesWritten() const;

private:
    void threadMain();

    const OpenStore m_openStore;
    QThread *m_thread = nullptr;

    mutable std::mutex m_mutex; // guards everything below
    std::condition_variable m_wake;
    QHash<std::pair<qint64, QString>, qint64> m_pending; // (channel id, user) -> seq
    bool m_stopping = false;
    bool m_stopped = false;
    std::optional<QString> m_startResult; // empty: opened; else the error
    quint64 m_batches = 0;
};

} // namespace confab::store
