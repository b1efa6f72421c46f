// SPDX-License-Identifier: Apache-2.0
#pragma once

// The admin's live view of every user, for the app's admin page: the rows of a
// PresenceBoard (the same board confabctl's console draws), filled by the `admin.watch`
// snapshot and kept current by `admin.presence` and `admin.stats` events.
//
// Contract:
// - Rows come in the board's order: online, away, dnd, offline, each by name; only the
//   users whose name contains `nameFilter` (case-insensitive, applied here like the
//   console's `/`) and, when the watch filters statuses, whose status is one of them (the
//   server also tells a watcher when a user leaves the statuses it watches: that user's
//   row goes).
// - Changes are coalesced (at most one pass every `coalesceMs`, 50 by default) and reported
//   row by row: rowsInserted / rowsRemoved / rowsMoved for the rows that come, go or move,
//   dataChanged for the users an event touched. Never a model reset, not even for a new
//   snapshot or a new filter: 1,000 events a second stay cheap. flush() does the pending
//   pass at once.
// - Time: `now` (ms since the epoch, from the injected wall clock) moves once a second while
//   a watch is live; idle times and durations are counted from it in QML, so a second
//   passing never rebuilds a row. `changedRecently` is true for a few seconds after a
//   user's status changed (dataChanged of that role alone when it ends).
// - The figures above the table are `stats` (an AdminStats, a child of this model).

#include "adminstats.h"
#include "clock.h"
#include "frames.h"
#include "presenceboard.h"
#include "replies.h"

#include <QAbstractListModel>
#include <QSet>
#include <QStringList>
#include <QTimer>

namespace confab::client {

class AdminPresenceModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(QString nameFilter READ nameFilter WRITE setNameFilter NOTIFY nameFilterChanged)
    /// The watch's own filter (what the server was asked for), as QML shows it.
    Q_PROPERTY(QStringList statusFilter READ statusFilter NOTIFY watchFilterChanged)
    Q_PROPERTY(QString userGlob READ userGlob NOTIFY watchFilterChanged)
    Q_PROPERTY(QString channelFilter READ channelFilter NOTIFY watchFilterChanged)
    /// 0: no idle filter.
    Q_PROPERTY(qint64 idleOverMs READ idleOverMs NOTIFY watchFilterChanged)
    /// A snapshot has arrived (false while the first one is on its way).
    Q_PROPERTY(bool ready READ isReady NOTIFY readyChanged)
    /// Users the watch covers (before the name filter).
    Q_PROPERTY(int watchedCount READ watchedCount NOTIFY watchedCountChanged)
    Q_PROPERTY(qint64 now READ now NOTIFY nowChanged)
    /// The last event lines ("bob is away (\"lunch\")"), oldest first, each with its time.
    Q_PROPERTY(QStringList events READ events NOTIFY eventsChanged)
    Q_PROPERTY(confab::client::AdminStats *stats READ stats CONSTANT)
public:
    enum Role {
        UserRole = Qt::UserRole + 1, /**< QString: user name */
        StatusRole,                  /**< QString: online, away, dnd or offline */
        StatusTextRole,              /**< QString: status text */
        SinceRole,                   /**< QDateTime: when the status last changed */
        LastSeenRole,                /**< QDateTime: last live connection */
        ConnectionCountRole,         /**< int: live connections */
        /** QVariantList of maps: session, client, address, encrypted (bool), connectedSince
            (QDateTime), idleMs (counted on to the call), lastActiveMs (ms since the epoch
            on the model's clock: idle = `now` - lastActiveMs), channels (QStringList),
            unsentBytes */
        ConnectionsRole,
        ChangedRecentlyRole, /**< bool: the status changed in the last few seconds */
        DisabledRole,        /**< bool: the account is disabled (as of the snapshot) */
        /** bool: still online/away/dnd with no connection: the grace period after a drop,
            before the server calls the user offline */
        ReconnectingRole,
    };
    Q_ENUM(Role)

    static constexpr qint64 recentChangeMs = 3000; ///< as long as the console highlights
    static constexpr qsizetype maxEvents = 50;

    /// `wallClock`: milliseconds since the epoch (the default: the system's).
    explicit AdminPresenceModel(QObject *parent = nullptr);
    AdminPresenceModel(ClockFn wallClock, QObject *parent);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    int rowOf(const QString &user) const;
    const PresenceBoard &board() const { return m_board; }

    QString nameFilter() const { return m_nameFilter; }
    void setNameFilter(const QString &filter);
    const AdminWatchFilter &watchFilter() const { return m_watchFilter; }
    /// The filter of the watch being asked for; rows of statuses it leaves out go.
    void setWatchFilter(const AdminWatchFilter &filter);
    QStringList statusFilter() const;
    QString userGlob() const { return m_watchFilter.userGlob; }
    QString channelFilter() const { return m_watchFilter.channel; }
    qint64 idleOverMs() const { return m_watchFilter.idleOverMs.value_or(0); }
    bool isReady() const { return m_ready; }
    int watchedCount() const { return int(m_board.size()); }
    qint64 now() const { return m_now; }
    QStringList events() const { return m_events; }
    AdminStats *stats() const { return m_stats; }

    /// A snapshot replaces the board (rows change in place, at once).
    void setSnapshot(const AdminWatchOk &snapshot);
    void apply(const AdminPresenceEvent &event);
    void apply(const AdminStatsEvent &event);
    /// The server's name from `hello`, for the version when the server sends no figures.
    void setServerName(const QString &name);
    /// Forgets the board (signed out); rows go.
    void clear();

    /// The pending coalesced pass, now.
    void flush();
    /// What the clock timer does once a second: `now` moves, highlights end.
    void tick();
    int coalesceMs() const { return m_flushTimer.interval(); }
    void setCoalesceMs(int ms) { m_flushTimer.setInterval(ms); }

Q_SIGNALS:
    void nameFilterChanged();
    void watchFilterChanged();
    void readyChanged();
    void watchedCountChanged();
    void nowChanged();
    void eventsChanged();

private:
    void init();
    void scheduleFlush();
    void setReady(bool ready);
    void note(const QString &line);
    bool shows(const BoardUser &user) const;
    bool changedRecently(const BoardUser &user) const;
    void updateCountedFigures();

    PresenceBoard m_board;
    ClockFn m_clock;
    QStringList m_rows;    ///< user names, in the order shown
    QSet<QString> m_dirty; ///< users changed since the last pass
    bool m_allDirty = false;
    QSet<QString> m_recent; ///< users shown as changed recently
    QString m_nameFilter;
    AdminWatchFilter m_watchFilter;
    QStringList m_events;
    bool m_eventsChanged = false;
    bool m_ready = false;
    qint64 m_now = 0;
    int m_watchedCount = 0;
    AdminStats *m_stats;
    QTimer m_flushTimer;
    QTimer m_clockTimer;
};

} // namespace confab::client
