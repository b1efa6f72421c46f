// SPDX-License-Identifier: Apache-2.0
#pragma once

// Who is in each joined channel and how they are: the member list of each channel's last
// `join` reply, and every user's latest presence (join replies, then `presence` events).
//
// Contract:
// - setMembers() replaces a channel's list (membersChanged); the members' statuses and (1.2)
//   status texts count as presence: a join reply is as new as the events before it. A
//   server before 1.2 sends no texts, so then a member's known text is kept, not erased.
//   applyPresence() changes one user everywhere (presenceChanged).
// - While the session is down, showSelfOffline() marks our own user offline (another device
//   of ours may be online: the next join reply says so), so our row never shows "online"
//   beside a disconnected banner.
// - Display names: setDisplayName() records the `display` a server sent beside `user` (join
//   reply members, presence events; the hello reply for ourselves); displayName() falls
//   back to the user name when none came. displayNameChanged() only on a real change.
// - Member events (1.1): applyMember() adds or drops one member of a channel whose list is
//   known (a joined channel; membersChanged), and ignores a channel without a list: its join
//   reply will bring the whole list. A new member's status is the latest presence known for
//   them (offline when none: the `member` event carries none; their next presence event
//   corrects it). forgetChannel() drops a channel left.
// - knownUsers(): everyone the roster has heard of (members of joined channels, presence):
//   the protocol has no user directory, so these are the people the user can see.
// - Pure bookkeeping: no requests; fed by ChatClient from join replies and events.

#include "types.h"

#include <QHash>
#include <QObject>
#include <QStringList>

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

    /// `textsSent`: the members carry their status texts (a 1.2 server), so an empty one
    /// means none; false keeps the texts known.
    void setMembers(const QString &channel, const QList<Member> &members, bool textsSent = true);
    void applyPresence(const Presence &presence);
    void showSelfOffline(const QString &me);
    /// A `member` event: `user` joined (true) or left `channel`; false when it changed nothing.
    bool applyMember(const QString &channel, const QString &user, bool joined);
    void forgetChannel(const QString &channel);
    /// Every user named by a member list or a presence, sorted.
    QStringList knownUsers() const;

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
