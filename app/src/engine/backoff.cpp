// SPDX-License-Identifier: Apache-2.0
#include "backoff.h"

#include <algorithm>
#include <cmath>

namespace confab::client {

Backoff::Backoff(Policy policy, ClockFn clock, RandomFn random)
    : m_policy(policy)
    , m_clock(std::move(clock))
    , m_random(std::move(random))
{}

qint64 Backoff::currentBaseMs() const
{
    // Double per attempt without overflowing: stop doubling once the cap is reached.
    qint64 base = m_policy.initialMs;
    for (int i = 0; i < m_attempts && base < m_policy.maxMs; ++i)
        base *= 2;
    return std::min(base, m_policy.maxMs);
}

qint64 Backoff::nextDelayMs()
{
    const qint64 base = currentBaseMs();
    ++m_attempts;
    const double r = std::clamp(m_random(), 0.0, 1.0);
    return base / 2 + qint64(std::llround(r * double(base - base / 2)));
}

void Backoff::sessionStarted()
{
    m_sessionStartMs = m_clock();
}

void Backoff::sessionEnded()
{
    if (m_sessionStartMs >= 0 && m_clock() - m_sessionStartMs >= m_policy.stableMs)
        m_attempts = 0;
    m_sessionStartMs = -1;
}

void Backoff::reset()
{
    m_attempts = 0;
}

} // namespace confab::client
