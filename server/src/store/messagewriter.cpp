// SPDX-License-Identifier: Apache-2.0
#include "messagewriter.h"

#include <QMetaObject>

#include <algorithm>
#include <vector>

using namespace Qt::StringLiterals;

namespace confab::store {

MessageWriter::MessageWriter(OpenMessageStore openStore, std::chrono::milliseconds maxDelay,
                             int maxBatch, QObject *parent)
    : QObject(parent)
    , m_openStore(std::move(openStore))
    , m_maxDelay(std::max(maxDelay, std::chrono::milliseconds(0)))
    , m_maxBatch(std::max(maxBatch, 1))
{
    qRegisterMetaType<QList<confab::store::PublishOutcome>>();
}

MessageWriter::~MessageWriter()
{
    stop();
}

bool MessageWriter::start(QString *error)
{
    std::unique_lock lock(m_mutex);
    if (m_thread)
        return true;
    if (m_stopped) {
        *error = u"the message writer has been stopped"_s;
        return false;
    }
    m_startResult.reset();
    m_thread = QThread::create([this] { threadMain(); });
    m_thread->setObjectName(u"confab-writer"_s);
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

void MessageWriter::threadMain()
{
    // The store (and whatever connection it holds) is made, used and destroyed on this
    // thread only.
    QString error;
    std::unique_ptr<MessageStore> store = m_openStore ? m_openStore(&error) : nullptr;
    if (!store && error.isEmpty())
        error = u"the message store could not be opened"_s;
    {
        std::unique_lock lock(m_mutex);
        m_startResult = store ? QString() : error;
        m_wake.notify_all();
    }
    if (store)
        runBatches(*store);
}

void MessageWriter::runBatches(MessageStore &store)
{
    using Clock = std::chrono::steady_clock;
    std::unique_lock lock(m_mutex);
    for (;;) {
        while (m_queue.empty() && !m_stopping)
            m_wake.wait(lock);
        if (m_queue.empty())
            return; // stopping, and everything is committed
        // Group commit: wait for a full batch, or until the first job has waited maxDelay.
        const Clock::time_point deadline = m_queue.front().enqueued + m_maxDelay;
        while (!m_stopping && int(m_queue.size()) < m_maxBatch) {
            if (m_wake.wait_until(lock, deadline) == std::cv_status::timeout)
                break;
        }
        const auto take = std::min<std::size_t>(m_queue.size(), std::size_t(m_maxBatch));
        std::vector<PublishJob> batch;
        batch.reserve(take);
        for (std::size_t i = 0; i < take; ++i) {
            batch.push_back(std::move(m_queue.front().job));
            m_queue.pop_front();
        }
        m_inFlight += int(take);
        lock.unlock();

        const QList<PublishOutcome> outcomes = store.append(batch);
        m_batches.fetchAndAddRelaxed(1);
        // No longer in flight before anyone hears of it: a receiver that sees the outcomes
        // and then asks pending() must not count them.
        lock.lock();
        m_inFlight -= int(take);
        lock.unlock();
        emit committed(outcomes);
        lock.lock();
    }
}

quint64 MessageWriter::submit(PublishJob job)
{
    std::unique_lock lock(m_mutex);
    job.ticket = m_nextTicket++;
    const quint64 ticket = job.ticket;
    if (m_stopped) {
        lock.unlock();
        PublishOutcome outcome;
        outcome.ticket = ticket;
        outcome.error = Error{ErrorCode::Internal, u"the server is shutting down"_s, {}};
        rejectAfterStop({outcome});
        return ticket;
    }
    m_queue.push_back(Queued{std::move(job), std::chrono::steady_clock::now()});
    // The writer only needs waking to start a batch's clock or to commit a full batch.
    if (m_queue.size() == 1 || int(m_queue.size()) >= m_maxBatch)
        m_wake.notify_all();
    return ticket;
}

void MessageWriter::stop()
{
    std::unique_lock lock(m_mutex);
    if (m_stopped)
        return;
    m_stopping = true;
    m_wake.notify_all();
    QThread *thread = m_thread;
    lock.unlock();
    if (thread) {
        thread->wait(); // runBatches() commits everything queued before returning
        delete thread;
    }
    lock.lock();
    m_thread = nullptr;
    m_stopped = true;
    // Jobs left only when the writer never started: answer them rather than drop them.
    QList<PublishOutcome> unanswered;
    for (const Queued &queued : m_queue) {
        PublishOutcome outcome;
        outcome.ticket = queued.job.ticket;
        outcome.error = Error{ErrorCode::Internal, u"the message writer is not running"_s, {}};
        unanswered.append(outcome);
    }
    m_queue.clear();
    lock.unlock();
    if (!unanswered.isEmpty())
        rejectAfterStop(unanswered);
}

void MessageWriter::rejectAfterStop(QList<PublishOutcome> outcomes)
{
    // Queued, so a receiver never runs inside submit() before it has its ticket.
    QMetaObject::invokeMethod(
        this, [this, outcomes = std::move(outcomes)] { emit committed(outcomes); },
        Qt::QueuedConnection);
}

int MessageWriter::pending() const
{
    std::unique_lock lock(m_mutex);
    return int(m_queue.size()) + m_inFlight;
}

} // namespace confab::store
