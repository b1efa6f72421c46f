// SPDX-License-Identifier: Apache-2.0
#pragma once

// Idle detection: after `awayAfterMs` (5 min) without user input the user is away; the
// next input makes them present again. The UI reports input with activity(); the monitor
// owns the timer. Time comes from an injectable clock; a timer calls tick() (tests call it
// directly).

#include "clock.h"

#include <QObject>
#include <QTimer>

namespace confab::client {

class IdleMonitor : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool away READ isAway NOTIFY awayChanged)
public:
    static constexpr qint64 defaultAwayAfterMs = 5 * 60 * 1000;

    explicit IdleMonitor(ClockFn clock = steadyClock(), qint64 awayAfterMs = defaultAwayAfterMs,
                         QObject *parent = nullptr);

    bool isAway() const { return m_away; }
    /// The user did something (key, mouse, focus).
    void activity();
    /// Becomes away when the last activity is `awayAfterMs` old.
    void tick();

Q_SIGNALS:
    void awayChanged(bool away);

private:
    ClockFn m_clock;
    qint64 m_awayAfterMs;
    qint64 m_lastActivityMs;
    bool m_away = false;
    QTimer m_timer;
};

} // namespace confab::client
