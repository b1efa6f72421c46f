// SPDX-License-Identifier: Apache-2.0
#include "idlemonitor.h"

#include <algorithm>

namespace confab::client {

IdleMonitor::IdleMonitor(ClockFn clock, qint64 awayAfterMs, QObject *parent)
    : QObject(parent)
    , m_clock(std::move(clock))
    , m_awayAfterMs(awayAfterMs)
    , m_lastActivityMs(m_clock())
{
    // A coarse tick is enough: "away" a few seconds late is invisible to people.
    m_timer.setInterval(int(std::clamp<qint64>(awayAfterMs / 10, 100, 10000)));
    connect(&m_timer, &QTimer::timeout, this, &IdleMonitor::tick);
    m_timer.start();
}

void IdleMonitor::activity()
{
    m_lastActivityMs = m_clock();
    if (m_away) {
        m_away = false;
        Q_EMIT awayChanged(false);
    }
}

void IdleMonitor::tick()
{
    if (!m_away && m_clock() - m_lastActivityMs >= m_awayAfterMs) {
        m_away = true;
        Q_EMIT awayChanged(true);
    }
}

} // namespace confab::client
