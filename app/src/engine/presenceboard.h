// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "frames.h"
#include "replies.h"

#include <QList>

#include <map>

namespace confab::client {

/// The admin view of every user, shared by confabctl and the app's admin page.

/// One user on the board: their presence and live connections, and when each figure was
/// read, so idle times can go on counting between events.
struct BoardUser
{
    Presence presence;
    QList<ConnectionInfo> connections;
    qint64 readAtMs = 0;          ///< when the connections' idle_ms were read
    qint64 statusChangedAtMs = 0; ///< when this console last saw the status change (0: never)
    bool disabled = false;        ///< the account is disabled (as of the last snapshot)
};

/// What confabctl knows of the server's users: the admin.watch snapshot, kept true by the
/// admin.presence and admin.stats events that follow it. Rows come out in the console's
/// order: online, away, dnd, then offline (or another sort), each by name.
class PresenceBoard
{
public:
    enum class Sort { Status, Name, Connections, Idle };

    void reset(const AdminWatchOk &snapshot, qint64 nowMs);
    /// Applies an event; returns the line the console's event log shows for it.
    QString apply(const AdminPresenceEvent &event, qint64 nowMs);
    void apply(const AdminStatsEvent &event);

    /// The users whose name contains `filter` (case-insensitive; empty: all), sorted.
    QList<const BoardUser *> rows(Sort sort, const QString &filter = {}) const;
    const BoardUser *user(const QString &name) const;
    const ServerStatistics &stats() const { return m_stats; }
    bool hasStats() const { return m_hasStats; }
    qsizetype size() const { return qsizetype(m_users.size()); }

    /// How long the connection has been idle at `nowMs`.
    static qint64 idleMs(const BoardUser &user, const ConnectionInfo &connection, qint64 nowMs);

private:
    // By name, and node-based: rows() walks it in name order without sorting (10,000 users
    // and 1,000 changes a second: sorting on every redraw was most of the console's time),
    // and the pointers it hands out stay valid while users are added.
    std::map<QString, BoardUser> m_users;
    ServerStatistics m_stats;
    bool m_hasStats = false;
};

/// The sort after `sort`, for the console's `s` key.
PresenceBoard::Sort nextSort(PresenceBoard::Sort sort);
QString sortName(PresenceBoard::Sort sort);

} // namespace confab::client
