// SPDX-License-Identifier: Apache-2.0
#pragma once

// The figures above the admin page's table: users by status, connections, messages per
// second, uptime and the server's version. A QObject with properties, like
// ConnectionStatus: one record, not a list.
//
// Contract:
// - `fromServer`: the figures are the server's own (the `admin.watch` snapshot's `stats`,
//   then each `admin.stats` event): the whole server, whatever the watch's filter.
// - Without them (a server from before admin.stats), the users by status and the
//   connections are counted on the users being watched (`fromServer` false, `ready` true)
//   and the other figures (rates, uptime, database size) are unknown: the page hides them
//   rather than showing zeros. The version then comes from the
//   server's name in its `hello` reply, when it gave one.
// - The uptime counts on between events (the server sends figures only when they change).

#include "clock.h"
#include "types.h"

#include <QObject>

namespace confab::client {

class AdminStats : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool ready READ isReady NOTIFY changed)
    Q_PROPERTY(bool fromServer READ isFromServer NOTIFY changed)
    Q_PROPERTY(int usersOnline READ usersOnline NOTIFY changed)
    Q_PROPERTY(int usersAway READ usersAway NOTIFY changed)
    Q_PROPERTY(int usersDnd READ usersDnd NOTIFY changed)
    Q_PROPERTY(int usersOffline READ usersOffline NOTIFY changed)
    Q_PROPERTY(int connections READ connections NOTIFY changed)
    Q_PROPERTY(double messagesPerSecond READ messagesPerSecond NOTIFY changed)
    Q_PROPERTY(double messagesPerSecondMinute READ messagesPerSecondMinute NOTIFY changed)
    Q_PROPERTY(qint64 refusedRateLimited READ refusedRateLimited NOTIFY changed)
    Q_PROPERTY(qint64 uptimeMs READ uptimeMs NOTIFY uptimeChanged)
    Q_PROPERTY(qint64 databaseBytes READ databaseBytes NOTIFY changed)
    Q_PROPERTY(QString version READ version NOTIFY changed)
public:
    /// `wallClock`: milliseconds since the epoch (the uptime counts on with it).
    explicit AdminStats(ClockFn wallClock, QObject *parent = nullptr);

    bool isReady() const { return m_ready; }
    bool isFromServer() const { return m_fromServer; }
    int usersOnline() const { return int(m_stats.usersOnline); }
    int usersAway() const { return int(m_stats.usersAway); }
    int usersDnd() const { return int(m_stats.usersDnd); }
    int usersOffline() const { return int(m_stats.usersOffline); }
    int connections() const { return int(m_stats.connections); }
    double messagesPerSecond() const { return m_stats.messagesPerSecond; }
    double messagesPerSecondMinute() const { return m_stats.messagesPerSecondMinute; }
    qint64 refusedRateLimited() const { return m_stats.refusedRateLimited; }
    qint64 uptimeMs() const;
    qint64 databaseBytes() const { return m_stats.databaseBytes; }
    QString version() const;
    const ServerStatistics &statistics() const { return m_stats; }

    /// The server's figures.
    void setServerFigures(const ServerStatistics &stats);
    /// Figures counted on the watched users (`stats` carries the counts only).
    void setCountedFigures(const ServerStatistics &stats);
    /// The server's name from `hello` ("confabd/0.3"), for the version when it sends none.
    void setServerName(const QString &name);
    /// Back to "nothing known" (signed out, or a new watch before its snapshot).
    void clear();
    /// Called once a second: the uptime counts on.
    void tick();

Q_SIGNALS:
    void changed();
    void uptimeChanged();

private:
    ClockFn m_clock;
    ServerStatistics m_stats;
    qint64 m_readAtMs = 0; ///< when m_stats.uptimeMs was read
    QString m_serverName;
    bool m_ready = false;
    bool m_fromServer = false;
};

} // namespace confab::client
