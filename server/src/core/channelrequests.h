// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "frames.h"
#include "responder.h"
#include "serverconfig.h"

#include "stores.h"

namespace confab::store {
struct ChannelRecord;
}

namespace confab::server {

class ChannelDirectory;
class DisplayNames;
class Hub;
class ListEvents;
class PresenceRelay;
class PresenceTracker;
class ReadMarkers;
class TypingTracker;

/// Channel requests: `join` (with its catch-up and `synced`), `leave`, `channels`,
/// `create` and `invite`. A join's reply, catch-up and `synced` are written and the
/// connection subscribed in one event-loop turn, so the live stream continues exactly
/// where the catch-up ended. Losing a membership ends the channel on every connection of
/// the user. Every change of what a user sees or of who is a member is told through
/// ListEvents (1.1), before the reply to the request that made it.
class ChannelRequests
{
public:
    struct Parts
    {
        store::Stores stores;
        ChannelDirectory &channels;
        Hub &hub;
        PresenceTracker &presence;
        TypingTracker &typing;
        PresenceRelay &relay;
        ListEvents &lists;
        DisplayNames &names;
        ReadMarkers &reads; ///< the join reply's `read_seq` (1.2)
    };

    ChannelRequests(const ServerConfig &config, Parts parts);

    void join(const Responder &reply, const JoinRequest &request);
    void leave(const Responder &reply, const LeaveRequest &request);
    void list(const Responder &reply, const ChannelsRequest &request);
    void create(const Responder &reply, const CreateRequest &request);
    void invite(const Responder &reply, const InviteRequest &request);

private:
    /// `user` is no longer a member of `record`: unsubscribes each of their connections, then
    /// tells those other than `asked` (`channel` `removed`) and the channel (`member` `left`)
    /// when the user `wasMember`.
    void endMembership(const store::ChannelRecord &record, const QString &user,
                       const Connection *asked, bool wasMember);
    Channel withLiveSeq(const store::ChannelRecord &record) const;

    const ServerConfig &m_config;
    Parts m_parts;
};

} // namespace confab::server
