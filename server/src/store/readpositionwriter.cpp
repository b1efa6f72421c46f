// SPDX-License-Identifier: Apache-2.0
#include "readpositionwriter.h"

#include "storelog.h"

#include <utility>

using namespace Qt::StringLiterals;

namespace confab::store {

namespace {
constexpr int retryMs = 1000; // after a batch could not be written (e.g. the disk is full)
} // namespace

ReadPositionWriter::ReadPositionWriter(OpenStore openStore)
    : m_openStore(std::move(openStore))
{}

ReadPositionWriter::~ReadPositionWriter()
{
    stop();
}

bool ReadPositionWriter::start(QString *error)
{
    std::unique_lock lock(m_mutex);
    if (m_thread)
        return true;
    if (m_stopped) {
        *error = u"the read position writer has been stopped"_s;
        return false;
    }
    m_thread = QThread::create([this] { threadMain(); });
    m_thread->setObjectName(u"confab-reads"_s);
    m_thread->start();
    while (!m_startResult)
        m_wake.wait(lock);
    if (m_startResult->isEmpty())
        return true;
    *error = *m_startResult;
    lock.unlock();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    return false;
}

void ReadPositionWriter::threadMain()
{
    QString error;
    std::unique_ptr<ReadPositionStore> store = m_openStore ? m_openStore(&error) : nullptr;
    if (!store && error.isEmpty())
        error = u"the read position store could not be opened"_s;
    std::unique_lock lock(m_mutex);
    m_startResult = store ? QString() : error;
    m_wake.notify_all();
    if (!store)
        return;
    bool failing = false; // the last batch could not be written
    for (;;) {
        while (m_pending.isEmpty() && !m_stopping)
            m_wake.wait(lock);
        if (m_pending.isEmpty())
            return; // stopping, and everything is written
        QList<ReadPosition> batch;
        batch.reserve(m_pending.size());
        for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it)
            batch.append(ReadPosition{it.key().first, it.key().second, it.value()});
        m_pending.clear();
        lock.unlock();
        const bool written = store->raiseReadPositions(batch, &error);
        lock.lock();
        ++m_batches;
        if (written) {
            if (std::exchange(failing, false))
                qCInfo(lcStore) << "read positions are written again";
            continue;
        }
        if (!std::exchange(failing, true))
            qCWarning(lcStore) << "cannot keep" << batch.size() << "read positions:" << error
                               << "- retrying every" << retryMs << "ms";
        // Back into the queue, under what came meanwhile (the higher wins): a full disk
        // frees up again, and these would otherwise be lost at the next restart.
        for (const ReadPosition &position : std::as_const(batch)) {
            qint64 &seq = m_pending[{position.channelId, position.user}];
            seq = std::max(seq, position.seq);
        }
        if (m_stopping) {
            qCWarning(lcStore) << "stopping:" << m_pending.size()
                               << "read positions could not be kept";
            m_pending.clear();
            return;
        }
        const auto retryAt = std::chrono::steady_clock::now() + std::chrono::milliseconds(retryMs);
        m_wake.wait_until(lock, retryAt, [this] { return m_stopping; });
    }
}

void ReadPositionWriter::submit(const ReadPosition &position)
{
    std::unique_lock lock(m_mutex);
    if (m_stopped)
        return;
    qint64 &seq = m_pending[{position.channelId, position.user}];
    seq = std::max(seq, position.seq);
    m_wake.notify_all();
}

void ReadPositionWriter::stop()
{
    std::unique_lock lock(m_mutex);
    if (m_stopped)
        return;
    m_stopping = true;
    m_wake.notify_all();
    QThread *thread = m_thread;
    lock.unlock();
    if (thread) {
        thread->wait(); // the thread writes what is pending before it returns
        delete thread;
    }
    lock.lock();
    m_thread = nullptr;
    m_stopped = true;
    m_pending.clear();
}

quint64 ReadPositionWriter::batchesWritten() const
{
    std::unique_lock lock(m_mutex);
    return m_batches;
}

} // namespace confab::store
