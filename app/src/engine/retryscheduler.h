// SPDX-License-Identifier: Apache-2.0
#pragma once

// When the next connection attempt happens: schedule() draws the delay from the Backoff
// (never shorter than a server-given least wait), starts a timer and counts the seconds
// left down once a second; due() fires when it runs out. The owner reports sessions
// (sessionStarted/sessionEnded) so a stable session restarts the sequence.
//
// Contract:
// - At most one attempt is scheduled; schedule() replaces a waiting one.
// - due() fires once per schedule() unless cancel() or fireNow() came first; fireNow()
//   emits it at once (retry now, the network is back).
// - secondsToRetry() is 0 when nothing is scheduled, else the seconds left, rounded up.

#include "backoff.h"

#include <QObject>
#include <QTimer>

namespace confab::client {

class RetryScheduler : public QObject
{
    Q_OBJECT
public:
    explicit RetryScheduler(Backoff backoff, QObject *parent = nullptr);

    /// Schedules the next attempt; returns its delay in ms.
    qint64 schedule(qint64 minimumMs = 0);
    /// Forgets the scheduled attempt (if any).
    void cancel();
    /// A scheduled attempt happens now: cancels the timer and emits due(). False (and no
    /// signal) when nothing was scheduled.
    bool fireNow();
    bool isWaiting() const { return m_retryTimer.isActive(); }
    int secondsToRetry() const { return m_secondsToRetry; }

    void sessionStarted() { m_backoff.sessionStarted(); }
    void sessionEnded() { m_backoff.sessionEnded(); }
    /// Starts the backoff sequence over (a new open()).
    void reset() { m_backoff.reset(); }

Q_SIGNALS:
    void due();
    void secondsToRetryChanged(int seconds);

private:
    void setSecondsToRetry(int seconds);
    void updateCountdown();

    Backoff m_backoff;
    QTimer m_retryTimer;     ///< fires the next attempt
    QTimer m_countdownTimer; ///< updates secondsToRetry every second
    qint64 m_deadlineMs = 0;
    int m_secondsToRetry = 0;
};

} // namespace confab::client
