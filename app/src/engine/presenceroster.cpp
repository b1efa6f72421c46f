// SPDX-License-Identifier: Apache-2.0
#include "presenceroster.h"

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

void PresenceRoster::setMembers(const QString &channel, const QList<Member> &members)
{
    for (const Member &member : members) {
        Presence &p = m_presence[member.user];
        p.user = member.user;
        p.status = member.status;
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
