// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "types.h"

#include <QHash>
#include <QObject>

namespace confab::server {

/// Each user's status. A user goes online with their first connection and offline once
/// their last connection has been gone for the grace period, so a quick reconnect does not
/// flap. A status set by the user (away, dnd, text) lasts until they go offline.
/// Emits changed() for every visible change. Keeps the number of users in each status
/// (of those it has seen), so counting costs nothing.
/// The `nowMs` passed in are wall-clock times (clock::wallMs()): they are shown as
/// `since`/`last_seen`. The grace runs on a QTimer (monotonic).
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
    /// Users not offline (online, away or dnd).
    int onlineUsers() const;
    /// Users seen since start whose status is `status` (users never seen are not counted:
    /// they are offline).
    int usersWith(PresenceStatus status) const { return m_counts[int(status)]; }

signals:
    /// `presence` is the new state; `previous` the status before the change (the same as
    /// the new one when only the text changed).
    void changed(const confab::Presence &presence, confab::PresenceStatus previous);

private:
    struct Entry
    {
        Presence presence;
        int connections = 0;
        quint64 generation = 0; ///< invalidates a pending grace timer
    };

    void setStatus(Entry &entry, PresenceStatus status);

    int m_graceMs;
    QHash<QString, Entry> m_entries;
    int m_counts[4] = {}; ///< entries per PresenceStatus
};

} // namespace confab::server
