// SPDX-License-Identifier: Apache-2.0
#include "typingnotifier.h"

namespace confab::client {

TypingNotifier::TypingNotifier(ClockFn clock, QObject *parent)
    : QObject(parent)
    , m_clock(std::move(clock))
{
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &TypingNotifier::tick);
}

void TypingNotifier::draftChanged(const QString &channel, const QString &text)
{
    if (text.isEmpty()) {
        stop(channel);
        return;
    }
    const qint64 now = m_clock();
    auto it = m_active.find(channel);
    if (it == m_active.end()) {
        m_active.insert(channel, Draft{now, now});
        Q_EMIT notice(channel, true);
    } else {
        it->lastChangeMs = now;
        if (now - it->lastSentMs >= refreshMs) {
            it->lastSentMs = now;
            Q_EMIT notice(channel, true);
        }
    }
    if (!m_timer.isActive())
        m_timer.start();
}

void TypingNotifier::draftSent(const QString &channel)
{
    stop(channel);
}

void TypingNotifier::stop(const QString &channel)
{
    if (m_active.remove(channel))
        Q_EMIT notice(channel, false);
    if (m_active.isEmpty())
        m_timer.stop();
}

void TypingNotifier::clear()
{
    m_active.clear();
    m_timer.stop();
}

void TypingNotifier::tick()
{
    const qint64 now = m_clock();
    QStringList idle;
    for (auto it = m_active.cbegin(); it != m_active.cend(); ++it) {
        if (now - it->lastChangeMs >= idleMs)
            idle.append(it.key());
    }
    for (const QString &channel : idle)
        stop(channel);
}

} // namespace confab::client
