// SPDX-License-Identifier: Apache-2.0
#include "retryscheduler.h"

#include <QDeadlineTimer>
#include <QLoggingCategory>

#include <algorithm>

namespace confab::client {

Q_LOGGING_CATEGORY(lcRetry, "confab.client.retry")

RetryScheduler::RetryScheduler(Backoff backoff, QObject *parent)
    : QObject(parent)
    , m_backoff(std::move(backoff))
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, [this] {
        m_countdownTimer.stop();
        setSecondsToRetry(0);
        Q_EMIT due();
    });
    m_countdownTimer.setInterval(1000);
    connect(&m_countdownTimer, &QTimer::timeout, this, &RetryScheduler::updateCountdown);
}

qint64 RetryScheduler::schedule(qint64 minimumMs)
{
    const qint64 delay = std::max(m_backoff.nextDelayMs(), minimumMs);
    m_deadlineMs = QDeadlineTimer::current().deadline() + delay;
    qCDebug(lcRetry) << "retrying in" << delay << "ms";
    m_retryTimer.start(int(delay));
    m_countdownTimer.start();
    setSecondsToRetry(int((delay + 999) / 1000));
    return delay;
}

void RetryScheduler::cancel()
{
    m_retryTimer.stop();
    m_countdownTimer.stop();
    setSecondsToRetry(0);
}

bool RetryScheduler::fireNow()
{
    if (!isWaiting())
        return false;
    cancel();
    Q_EMIT due();
    return true;
}

void RetryScheduler::updateCountdown()
{
    const qint64 left = m_deadlineMs - QDeadlineTimer::current().deadline();
    setSecondsToRetry(int(std::max<qint64>(0, (left + 999) / 1000)));
}

void RetryScheduler::setSecondsToRetry(int seconds)
{
    if (m_secondsToRetry == seconds)
        return;
    m_secondsToRetry = seconds;
    Q_EMIT secondsToRetryChanged(seconds);
}

} // namespace confab::client
