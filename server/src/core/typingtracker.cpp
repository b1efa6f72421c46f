// SPDX-License-Identifier: Apache-2.0
#include "typingtracker.h"

#include "clock.h"

#include <algorithm>

namespace confab::server {

TypingTracker::TypingTracker(int expiryMs, QObject *parent)
    : QObject(parent)
    , m_expiryMs(expiryMs)
{
    // Expiry is checked a few times per period: late by at most a quarter of it.
    m_sweep.setInterval(std::clamp(expiryMs / 4, 20, 1000));
    connect(&m_sweep, &QTimer::timeout, this, &TypingTracker::sweep);
}

bool TypingTracker::update(const QString &channel, const QString &user, bool active, qint64 nowMs)
{
    if (!active)
        return stop(channel, user);
    m_deadlines[channel][user] = nowMs + m_expiryMs;
    if (!m_sweep.isActive())
        m_sweep.start();
    return true;
}

bool TypingTracker::stop(const QString &channel, const QString &user)
{
    auto it = m_deadlines.find(channel);
    if (it == m_deadlines.end() || !it->remove(user))
        return false;
    if (it->isEmpty())
        m_deadlines.erase(it);
    return true;
}

QStringList TypingTracker::typingIn(const QString &channel) const
{
    QStringList users = m_deadlines.value(channel).keys();
    users.sort();
    return users;
}

QStringList TypingTracker::channelsOf(const QString &user) const
{
    QStringList channels;
    for (auto it = m_deadlines.cbegin(); it != m_deadlines.cend(); ++it) {
        if (it->contains(user))
            channels.append(it.key());
    }
    return channels;
}

void TypingTracker::sweep()
{
    const qint64 now = clock::monotonicMs();
    QList<std::pair<QString, QString>> ended;
    for (auto channel = m_deadlines.begin(); channel != m_deadlines.end();) {
        for (auto user = channel->begin(); user != channel->end();) {
            if (user.value() <= now) {
                ended.append({channel.key(), user.key()});
                user = channel->erase(user);
            } else {
                ++user;
            }
        }
        channel = channel->isEmpty() ? m_deadlines.erase(channel) : std::next(channel);
    }
    if (m_deadlines.isEmpty())
        m_sweep.stop();
    for (const auto &[channel, user] : ended)
        emit expired(channel, user);
}

} // namespace confab::server
