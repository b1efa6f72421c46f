// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "broker.h"

namespace confab::server {

class ChannelDirectory;
class Hub;

/// The Broker of a server that runs alone: delivers each event to this process's
/// connections through the Hub, each frame encoded once for all its recipients.
class LocalBroker : public Broker
{
public:
    LocalBroker(Hub &hub, ChannelDirectory &channels);

    void message(const Message &message) override;
    void typing(const TypingState &typing) override;
    void presence(const Presence &presence) override;
    void channelToEveryone(const ChannelEvent &event, const QString &exceptUser = {}) override;
    void channelToUsers(const ChannelEvent &event, const QStringList &users,
                        const QString &exceptSession) override;
    void member(const MemberEvent &event) override;
    void readPosition(const ReadEvent &event, const QString &user,
                      const QString &exceptSession) override;

private:
    Hub &m_hub;
    ChannelDirectory &m_channels;
};

} // namespace confab::server
