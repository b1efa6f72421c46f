// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "frames.h"

#include <QStringList>

namespace confab::server {

/// Where live events go once they are decided: a committed message, a typing change and a
/// presence change. The handlers hand every event to the Broker and never write to other
/// users' connections themselves, so that several server processes can share the work: a
/// broker for several nodes (Redis, say) tells the other processes too, and delivers what
/// they tell it to this process's connections.
///
/// What every implementation must guarantee:
/// - `message`: every committed message is delivered to every connection of this process
///   subscribed to its channel exactly once, in seq order per channel, and the channel's
///   last broadcast seq (Hub::lastSeq) moves with it, in the same event-loop turn as the
///   delivery (a join sends catch-up up to lastSeq and subscribes in one turn).
/// - `typing`: to the connections subscribed to the channel, never to the typing user's own.
/// - `presence`: to every connection subscribed to a channel the user is a member of.
/// - `channelToEveryone` (1.1): to every signed-in connection but those of `exceptUser` (a
///   public channel was made; its creator is told separately, as a member).
/// - `channelToUsers` (1.1): to every connection of each of `users`, but the one whose
///   session is `exceptSession` (the connection that asked and gets a reply instead).
/// - `member` (1.1): to every connection subscribed to the event's channel.
/// - `readPosition` (1.2): to every connection of `user` but the one whose session is
///   `exceptSession` (it moved the position and gets the reply); never to anyone else.
/// Each event is encoded once for all its recipients.
class Broker
{
public:
    virtual ~Broker() = default;
    virtual void message(const Message &message) = 0;
    virtual void typing(const TypingState &typing) = 0;
    virtual void presence(const Presence &presence) = 0;
    virtual void channelToEveryone(const ChannelEvent &event, const QString &exceptUser = {}) = 0;
    virtual void channelToUsers(const ChannelEvent &event, const QStringList &users,
                                const QString &exceptSession = {}) = 0;
    virtual void member(const MemberEvent &event) = 0;
    virtual void readPosition(const ReadEvent &event, const QString &user,
                              const QString &exceptSession) = 0;
};

} // namespace confab::server
