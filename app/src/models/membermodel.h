// SPDX-License-Identifier: Apache-2.0
#pragma once

// The members of one channel with their presence (status, status text, last seen) and
// whether they are typing, sorted by user name. follow() fills it from the PresenceRoster
// (the last `join` reply's list, then presence events) and the TypingBoard and keeps it
// current from their signals. Single-row changes only after the first fill.
// Each row has a display name (the roster's, falling back to the user name) and, for an
// offline user, "last seen …" (lastseen.h) against the wall clock setWallClock() gives;
// refreshLastSeen() re-announces those texts (the owner calls it on a timer: they age).

#include "clock.h"
#include "types.h"

#include <QAbstractListModel>

namespace confab::client {

class PresenceRoster;
class TypingBoard;

class MemberModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(QString channel READ channel CONSTANT)
public:
    enum Role {
        UserRole = Qt::UserRole + 1, /**< QString: user name */
        StatusRole,                  /**< QString: online, away, dnd or offline */
        StatusTextRole,              /**< QString: the user's status text */
        LastSeenRole,                /**< QDateTime: last live connection (invalid if unknown) */
        TypingRole,                  /**< bool: typing in this channel now */
        DisplayNameRole,             /**< QString: display name, else the user name */
        LastSeenTextRole, /**< QString: "last seen 5 min ago" while offline, else empty */
    };
    Q_ENUM(Role)

    explicit MemberModel(const QString &channel, QObject *parent = nullptr);

    QString channel() const { return m_channel; }
    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    int rowOf(const QString &user) const;

    /// Fills from `roster` and `typing` now, then follows their signals.
    void follow(const PresenceRoster *roster, const TypingBoard *typing);

    /// The member list of a join reply: rows are added, removed or updated one by one.
    void setMembers(const QList<Member> &members);
    void applyPresence(const Presence &presence);
    void setTyping(const QString &user, bool typing);
    void setDisplayName(const QString &user, const QString &display);
    /// Milliseconds since the epoch for "last seen"; default: the system clock.
    void setWallClock(ClockFn wallClock) { m_wallClock = std::move(wallClock); }
    /// Announces a change of every offline row's "last seen" text (time moved on).
    void refreshLastSeen();

private:
    struct Entry
    {
        Presence presence;
        QString display;
        bool typing = false;
    };
    static const QString &userOf(const Entry &entry);
    int insertRow(const QString &user);

    QString m_channel;
    QList<Entry> m_entries;
    ClockFn m_wallClock;
};

} // namespace confab::client
