// SPDX-License-Identifier: Apache-2.0
#include "presenceroster.h"

#include <QSet>

#include <algorithm>

namespace confab::client {

PresenceRoster::PresenceRoster(QObject *parent)
    : QObject(parent)
{}

Presence PresenceRoster::presence(const QString &user) const
{
    Presence p = m_presence.value(user);
    p.user = user;
    return p;
}

void PresenceRoster::setMembers(const QString &channel, const QList<Member> &members,
                                bool textsSent)
{
    for (const Member &member : members) {
        Presence &p = m_presence[member.user];
        p.user = member.user;
        p.status = member.status;
        if (textsSent)
            p.text = member.text;
    }
    m_members.insert(channel, members);
    Q_EMIT membersChanged(channel);
}

void PresenceRoster::applyPresence(const Presence &presence)
{
    m_presence.insert(presence.user, presence);
    Q_EMIT presenceChanged(presence);
}

void PresenceRoster::showSelfOffline(const QString &me)
{
    if (me.isEmpty())
        return;
    Presence self = presence(me);
    self.status = PresenceStatus::Offline;
    self.text.clear();
    applyPresence(self);
}

bool PresenceRoster::applyMember(const QString &channel, const QString &user, bool joined)
{
    const auto it = m_members.find(channel);
    if (it == m_members.end() || user.isEmpty())
        return false; // not joined here: the join reply brings the whole list
    QList<Member> &members = it.value();
    const auto at = std::find_if(members.begin(), members.end(),
                                 [&user](const Member &m) { return m.user == user; });
    if (joined == (at != members.end()))
        return false;
    if (joined)
        members.append(Member{user, presence(user).status, m_display.value(user)});
    else
        members.erase(at);
    Q_EMIT membersChanged(channel);
    return true;
}

void PresenceRoster::forgetChannel(const QString &channel)
{
    if (m_members.remove(channel) > 0)
        Q_EMIT membersChanged(channel);
}

QStringList PresenceRoster::knownUsers() const
{
    QSet<QString> users;
    for (const QList<Member> &members : m_members) {
        for (const Member &m : members)
            users.insert(m.user);
    }
    for (auto it = m_presence.cbegin(); it != m_presence.cend(); ++it)
        users.insert(it.key());
    QStringList sorted(users.cbegin(), users.cend());
    sorted.sort();
    return sorted;
}

QString PresenceRoster::displayName(const QString &user) const
{
    const QString display = m_display.value(user);
    return display.isEmpty() ? user : display;
}

void PresenceRoster::setDisplayName(const QString &user, const QString &display)
{
    if (user.isEmpty() || display.isEmpty() || m_display.value(user) == display)
        return;
    m_display.insert(user, display);
    Q_EMIT displayNameChanged(user, display);
}

} // namespace confab::client
