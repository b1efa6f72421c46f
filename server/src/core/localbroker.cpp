// SPDX-License-Identifier: Apache-2.0
#include "localbroker.h"

#include "channeldirectory.h"
#include "codec.h"
#include "connection.h"
#include "hub.h"
#include "wsframe.h"

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
    const QByteArray frame = makeTextFrame(encodeServerFrame(PresenceEvent{presence}));
    for (Connection *connection : std::as_const(audience))
        connection->sendFrame(frame);
}

} // namespace confab::server
