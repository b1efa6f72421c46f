// SPDX-License-Identifier: Apache-2.0
#include "localbroker.h"

#include "channeldirectory.h"
#include "codec.h"
#include "connection.h"
#include "hub.h"

namespace confab::server {

LocalBroker::LocalBroker(Hub &hub, ChannelDirectory &channels)
    : m_hub(hub)
    , m_channels(channels)
{}

void LocalBroker::message(const Message &message)
{
    m_hub.broadcastMessage(message);
}

void LocalBroker::typing(const TypingState &typing)
{
    m_hub.sendToOthersInChannel(typing.channel, encodeServerFrame(TypingEvent{typing}),
                                typing.user);
}

void LocalBroker::presence(const Presence &presence)
{
    QList<Connection *> audience;
    QSet<Connection *> seen;
    for (const QString &channel : m_hub.activeChannels()) {
        if (!m_channels.isMember(channel, presence.user))
            continue;
        for (Connection *connection : m_hub.subscribers(channel)) {
            if (!seen.contains(connection)) {
                seen.insert(connection);
                audience.append(connection);
            }
        }
    }
    if (audience.isEmpty())
        return;
    m_hub.sendTo(audience, encodeServerFrame(PresenceEvent{presence}));
}

void LocalBroker::channelToEveryone(const ChannelEvent &event, const QString &exceptUser)
{
    QList<Connection *> audience = m_hub.signedInConnections();
    if (!exceptUser.isEmpty())
        audience.removeIf([&](const Connection *c) { return c->userName() == exceptUser; });
    m_hub.sendTo(audience, encodeServerFrame(event));
}

namespace {

/// Every connection of `users` but the one of `exceptSession`, each once.
QList<Connection *> connectionsOfUsers(const Hub &hub, const QStringList &users,
                                       const QString &exceptSession)
{
    QList<Connection *> audience;
    for (const QString &user : users) {
        for (Connection *connection : hub.connectionsOf(user)) {
            if (connection->session() != exceptSession && !audience.contains(connection))
                audience.append(connection);
        }
    }
    return audience;
}

} // namespace

void LocalBroker::channelToUsers(const ChannelEvent &event, const QStringList &users,
                                 const QString &exceptSession)
{
    m_hub.sendTo(connectionsOfUsers(m_hub, users, exceptSession), encodeServerFrame(event));
}

void LocalBroker::readPosition(const ReadEvent &event, const QString &user,
                               const QString &exceptSession)
{
    const QList<Connection *> audience = connectionsOfUsers(m_hub, {user}, exceptSession);
    if (!audience.isEmpty())
        m_hub.sendTo(audience, encodeServerFrame(event));
}

void LocalBroker::member(const MemberEvent &event)
{
    m_hub.sendTo(m_hub.subscribers(event.channel), encodeServerFrame(event));
}

} // namespace confab::server
