// SPDX-License-Identifier: Apache-2.0
#include "typingboard.h"

#include <algorithm>

namespace confab::client {

TypingBoard::TypingBoard(ClockFn clock, QObject *parent)
    : QObject(parent)
    , m_clock(std::move(clock))
{
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &TypingBoard::tick);
}

void TypingBoard::apply(const QString &channel, const QString &user, bool active)
{
    auto &users = m_since[channel];
    const bool was = users.contains(user);
    if (active)
        users.insert(user, m_clock());
    else
        users.remove(user);
    if (users.isEmpty())
        m_since.remove(channel);
    if (was != active)
        Q_EMIT changed(channel, user, active);
    updateTimer();
}

QStringList TypingBoard::typing(const QString &channel) const
{
    QStringList users = m_since.value(channel).keys();
    std::sort(users.begin(), users.end());
    return users;
}

bool TypingBoard::isTyping(const QString &channel, const QString &user) const
{
    const auto it = m_since.constFind(channel);
    return it != m_since.cend() && it->contains(user);
}

void TypingBoard::resetChannel(const QString &channel, const QStringList &users)
{
    const QStringList before = typing(channel);
    for (const QString &user : before) {
        if (!users.contains(user))
            apply(channel, user, false);
    }
    for (const QString &user : users)
        apply(channel, user, true);
}

void TypingBoard::clear()
{
    const auto channels = m_since.keys();
    for (const QString &channel : channels)
        resetChannel(channel);
}

void TypingBoard::tick()
{
    const qint64 now = m_clock();
    QList<std::pair<QString, QString>> expired;
    for (auto c = m_since.cbegin(); c != m_since.cend(); ++c) {
        for (auto u = c->cbegin(); u != c->cend(); ++u) {
            if (now - u.value() >= expiryMs)
                expired.append({c.key(), u.key()});
        }
    }
    for (const auto &[channel, user] : expired)
        apply(channel, user, false);
}

void TypingBoard::updateTimer()
{
    if (m_since.isEmpty())
        m_timer.stop();
    else if (!m_timer.isActive())
        m_timer.start();
}

} // namespace confab::client
