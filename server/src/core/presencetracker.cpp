// SPDX-License-Identifier: Apache-2.0
#include "presencetracker.h"

#include "clock.h"
#include "logging.h"

#include <QTimer>

namespace confab::server {

PresenceTracker::PresenceTracker(int graceMs, QObject *parent)
    : QObject(parent)
    , m_graceMs(graceMs)
{}

void PresenceTracker::setStatus(Entry &entry, PresenceStatus status)
{
    --m_counts[int(entry.presence.status)];
    ++m_counts[int(status)];
    entry.presence.status = status;
}

void PresenceTracker::connectionOpened(const QString &user, qint64 nowMs)
{
    auto it = m_entries.find(user);
    if (it == m_entries.end()) {
        it = m_entries.insert(user, Entry{});
        ++m_counts[int(PresenceStatus::Offline)];
    }
    Entry &entry = *it;
    entry.presence.user = user;
    ++entry.connections;
    ++entry.generation; // cancels a pending offline
    entry.presence.lastSeen = nowMs;
    if (entry.presence.status == PresenceStatus::Offline) {
        setStatus(entry, PresenceStatus::Online);
        entry.presence.text.clear();
        entry.presence.since = nowMs;
        qCDebug(lcPresence) << user << "online";
        emit changed(entry.presence, PresenceStatus::Offline);
    }
}

void PresenceTracker::connectionClosed(const QString &user, qint64 nowMs)
{
    auto it = m_entries.find(user);
    if (it == m_entries.end() || it->connections == 0)
        return;
    it->presence.lastSeen = nowMs;
    if (--it->connections > 0)
        return;
    const quint64 generation = ++it->generation;
    QTimer::singleShot(m_graceMs, this, [this, user, generation] {
        auto entry = m_entries.find(user);
        if (entry == m_entries.end() || entry->generation != generation || entry->connections > 0)
            return;
        const PresenceStatus previous = entry->presence.status;
        setStatus(*entry, PresenceStatus::Offline);
        entry->presence.text.clear();
        entry->presence.since = clock::wallMs();
        qCDebug(lcPresence) << user << "offline";
        emit changed(entry->presence, previous);
    });
}

void PresenceTracker::set(const QString &user, PresenceStatus status, const QString &text,
                          qint64 nowMs)
{
    auto it = m_entries.find(user);
    if (it == m_entries.end()) {
        it = m_entries.insert(user, Entry{});
        ++m_counts[int(PresenceStatus::Offline)];
    }
    Entry &entry = *it;
    entry.presence.user = user;
    if (entry.presence.status == status && entry.presence.text == text)
        return;
    const PresenceStatus previous = entry.presence.status;
    if (previous != status)
        entry.presence.since = nowMs;
    setStatus(entry, status);
    entry.presence.text = text;
    entry.presence.lastSeen = nowMs;
    emit changed(entry.presence, previous);
}

Presence PresenceTracker::presence(const QString &user) const
{
    auto it = m_entries.constFind(user);
    if (it != m_entries.cend())
        return it->presence;
    Presence offline;
    offline.user = user;
    return offline;
}

int PresenceTracker::connectionCount(const QString &user) const
{
    return m_entries.value(user).connections;
}

QList<Presence> PresenceTracker::known() const
{
    QList<Presence> list;
    list.reserve(m_entries.size());
    for (const Entry &entry : m_entries)
        list.append(entry.presence);
    return list;
}

int PresenceTracker::onlineUsers() const
{
    return usersWith(PresenceStatus::Online) + usersWith(PresenceStatus::Away) +
           usersWith(PresenceStatus::Dnd);
}

} // namespace confab::server
