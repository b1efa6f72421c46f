// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "types.h"

#include <QHash>
#include <QObject>

namespace confab::server {

/// Each user's status. A user goes online with their first connection and offline once
/// their last connection has been gone for the grace period, so a quick reconnect does not
/// flap. A status set by the user (away, dnd, text) lasts until they go offline.
/// Emits changed() for every visible change.
class PresenceTracker : public QObject
{
    Q_OBJECT
public:
    explicit PresenceTracker(int graceMs, QObject *parent = nullptr);

    void connectionOpened(const QString &user, qint64 nowMs);
    void connectionClosed(const QString &user, qint64 nowMs);
    /// Sets a user's own status (not offline). Emits changed() when it changes.
    void set(const QString &user, PresenceStatus status, const QString &text, qint64 nowMs);

    /// The user's presence; offline with no times when never seen.
    Presence presence(const QString &user) const;
    int connectionCount(const QString &user) const;
    QList<Presence> known() const;
    int onlineUsers() const;

signals:
    void changed(const confab::Presence &presence);

private:
    struct Entry
    {
        Presence presence;
        int connections = 0;
        quint64 generation = 0; ///< invalidates a pending grace timer
    };

    int m_graceMs;
    QHash<QString, Entry> m_entries;
};

} // namespace confab::server
