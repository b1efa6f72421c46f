// SPDX-License-Identifier: Apache-2.0
#include "listevents.h"

#include "broker.h"
#include "displaynames.h"

namespace confab::server {

ListEvents::ListEvents(Broker &broker, DisplayNames &names)
    : m_broker(broker)
    , m_names(names)
{}

void ListEvents::created(const Channel &channel, const QString &creator)
{
    // The creator is a member; everyone else may browse a public channel.
    m_broker.channelToUsers(ChannelEvent{ChannelEventKind::Added, channel, true}, {creator});
    if (!channel.isPrivate)
        m_broker.channelToEveryone(ChannelEvent{ChannelEventKind::Added, channel}, creator);
}

void ListEvents::directOpened(const Channel &channel, const QString &first, const QString &second)
{
    m_broker.channelToUsers(ChannelEvent{ChannelEventKind::Added, channel, true}, {first, second});
}

void ListEvents::memberAdded(const Channel &channel, const QString &user,
                             const QString &exceptSession)
{
    m_broker.channelToUsers(ChannelEvent{ChannelEventKind::Added, channel, true}, {user},
                            exceptSession);
    m_broker.member(MemberEvent{channel.name, MemberEventKind::Joined, user, m_names.of(user)});
}

void ListEvents::memberRemoved(const Channel &channel, const QString &user,
                               const QString &exceptSession)
{
    m_broker.channelToUsers(ChannelEvent{ChannelEventKind::Removed, channel}, {user},
                            exceptSession);
    m_broker.member(MemberEvent{channel.name, MemberEventKind::Left, user, m_names.of(user)});
}

} // namespace confab::server
