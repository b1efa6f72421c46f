// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QtGlobal>

#include <algorithm>

namespace confab::server {

/// A token bucket: `ratePerSecond` tokens a second, holding at most `burst`. Time is
/// passed in (ms) so tests need no clock.
class RateLimiter
{
public:
    RateLimiter(int ratePerSecond, int burst)
        : m_rate(ratePerSecond)
        , m_burst(burst)
        , m_tokens(burst)
    {}

    /// Takes a token when one is there: returns 0. Else returns the ms until one will be.
    qint64 take(qint64 nowMs)
    {
        refill(nowMs);
        if (m_tokens >= 1.0) {
            m_tokens -= 1.0;
            return 0;
        }
        if (m_rate <= 0)
            return 1000;
        return std::max<qint64>(1, qint64((1.0 - m_tokens) * 1000.0 / m_rate + 0.999));
    }

private:
    void refill(qint64 nowMs)
    {
        if (m_lastMs != 0 && nowMs > m_lastMs)
            m_tokens = std::min<double>(m_burst, m_tokens + (nowMs - m_lastMs) * m_rate / 1000.0);
        m_lastMs = nowMs;
    }

    int m_rate;
    int m_burst;
    double m_tokens;
    qint64 m_lastMs = 0;
};

} // namespace confab::server
