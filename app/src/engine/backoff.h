// SPDX-License-Identifier: Apache-2.0
#pragma once

// Reconnect delays: exponential backoff with jitter. Pure (no timers, no I/O): the caller
// asks for the next delay after each failed or ended connection and reports when a session
// was established. Delays double from `initialMs` up to `maxMs`; each is drawn uniformly
// from [base/2, base] ("equal jitter") so clients kicked together do not return together.
// A session that stayed up for `stableMs` resets the sequence to `initialMs`.

#include "clock.h"

namespace confab::client {

struct BackoffPolicy
{
    qint64 initialMs = 500;
    qint64 maxMs = 30000;
    qint64 stableMs = 60000;
};

class Backoff
{
public:
    using Policy = BackoffPolicy;

    explicit Backoff(Policy policy = {}, ClockFn clock = steadyClock(),
                     RandomFn random = systemRandom());

    /// The delay before the next attempt; each call counts one more attempt.
    qint64 nextDelayMs();
    /// The un-jittered base of the next delay (for tests and display).
    qint64 currentBaseMs() const;
    /// A session was established now.
    void sessionStarted();
    /// The session ended now: when it lasted `stableMs` or more, the sequence starts over.
    void sessionEnded();
    /// Starts over at `initialMs` (e.g. the user asked to retry now).
    void reset();
    int attempts() const { return m_attempts; }

private:
    Policy m_policy;
    ClockFn m_clock;
    RandomFn m_random;
    int m_attempts = 0;
    qint64 m_sessionStartMs = -1;
};

} // namespace confab::client
