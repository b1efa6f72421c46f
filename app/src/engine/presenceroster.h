// SPDX-License-Identifier: Apache-2.0
#pragma once

// Who is in each joined channel and how they are: the member list of each channel's last
// `join` reply, and every user's latest presence (join replies, then `presence` events).
//
// Contract:
// - setMembers() replaces a channel's list (membersChanged); the members' statuses count as
//   presence. applyPresence() changes one user everywhere (presenceChanged).
// - While the session is down, showSelfOffline() marks our own user offline (another device
//   of ours may be online: the next join reply says so), so our row never shows "online"
//   beside a disconnected banner.
// - Display names: setDisplayName() records the `display` a server sent beside `user` (join
//   reply members, presence events; the hello reply for ourselves); displayName() falls
//   back to the user name when none came. displayNameChanged() only on a real change.
// - Pure bookkeeping: no requests; fed by ChatClient from join replies and events.

#include "types.h"

#include <QHash>
#include <QObject>

namespace confab::client {

class PresenceRoster : public QObject
{
    Q_OBJECT
public:
    explicit PresenceRoster(QObject *parent = nullptr);

    /// The last join reply's members of `channel` (empty before one came).
    QList<Member> members(const QString &channel) const { return m_members.value(channel); }
    /// The latest presence of `user` (offline with that name when unknown).
    Presence presence(const QString &user) const;

    void setMembers(const QString &channel, const QList<Member> &members);
    void applyPresence(const Presence &presence);
    void showSelfOffline(const QString &me);

    /// `user`'s display name, or the user name when the server sent none.
    QString displayName(const QString &user) const;
    void setDisplayName(const QString &user, const QString &display);

Q_SIGNALS:
    void membersChanged(const QString &channel);
    void presenceChanged(const confab::Presence &presence);
    void displayNameChanged(const QString &user, const QString &display);

private:
    QHash<QString, Presence> m_presence;
    QHash<QString, QList<Member>> m_members;
    QHash<QString, QString> m_display;
};

} // namespace confab::client
