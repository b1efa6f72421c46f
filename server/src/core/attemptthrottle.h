// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHash>
#include <QString>

#include <algorithm>
#include <deque>

namespace confab::server {

/// Counts attempts per key (a user name, an address) in a sliding window: the ones recorded
/// within the window and the ones still in flight. In-flight attempts count from the moment
/// they begin, so a burst of concurrent attempts cannot all be evaluated before the first
/// one is recorded: at most `limit` are ever let through per window. Time is passed in (ms)
/// so tests need no clock. Single-threaded.
class AttemptThrottle
{
public:
    explicit AttemptThrottle(qint64 windowMs)
        : m_windowMs(windowMs)
    {}

    /// Recorded plus in-flight attempts of `key` now.
    int count(const QString &key, qint64 nowMs)
    {
        auto it = m_keys.find(key);
        if (it == m_keys.end())
            return 0;
        prune(*it, nowMs);
        if (it->recorded.empty() && it->inFlight == 0) {
            m_keys.erase(it);
            return 0;
        }
        return int(it->recorded.size()) + it->inFlight;
    }

    /// Attempts of `key` recorded within the window (in-flight ones not included).
    int recorded(const QString &key, qint64 nowMs)
    {
        auto it = m_keys.find(key);
        if (it == m_keys.end())
            return 0;
        prune(*it, nowMs);
        return int(it->recorded.size());
    }

    /// 0 when `key` may make another attempt under `limit`; else the ms until it may (when
    /// the oldest recorded attempt ages out, or soon when only attempts in flight are
    /// holding it up).
    qint64 waitFor(const QString &key, int limit, qint64 nowMs)
    {
        if (count(key, nowMs) < limit)
            return 0;
        const Attempts &attempts = m_keys[key];
        if (attempts.recorded.empty())
            return inFlightRetryMs;
        return std::max<qint64>(1, attempts.recorded.front() + m_windowMs - nowMs);
    }

    /// An attempt of `key` starts: it counts until end().
    void begin(const QString &key) { ++m_keys[key].inFlight; }

    /// An attempt of `key` ends; `record` keeps it counted for the window (a failure).
    void end(const QString &key, bool record, qint64 nowMs)
    {
        Attempts &attempts = m_keys[key];
        attempts.inFlight = std::max(0, attempts.inFlight - 1);
        if (record)
            attempts.recorded.push_back(nowMs);
        if (int(attempts.recorded.size()) > maxRecorded)
            attempts.recorded.pop_front();
    }

    /// Forgets what was recorded for `key` (attempts in flight still count).
    void clear(const QString &key)
    {
        auto it = m_keys.find(key);
        if (it != m_keys.end())
            it->recorded.clear();
    }

    /// Drops keys with nothing left in the window.
    void sweep(qint64 nowMs)
    {
        for (auto it = m_keys.begin(); it != m_keys.end();) {
            prune(*it, nowMs);
            it = it->recorded.empty() && it->inFlight == 0 ? m_keys.erase(it) : std::next(it);
        }
    }

    static constexpr qint64 inFlightRetryMs = 500;

private:
    struct Attempts
    {
        std::deque<qint64> recorded;
        int inFlight = 0;
    };
    static constexpr int maxRecorded = 10000; ///< bounds one key's memory

    void prune(Attempts &attempts, qint64 nowMs) const
    {
        while (!attempts.recorded.empty() && attempts.recorded.front() <= nowMs - m_windowMs)
            attempts.recorded.pop_front();
    }

    qint64 m_windowMs;
    QHash<QString, Attempts> m_keys;
};

} // namespace confab::server
