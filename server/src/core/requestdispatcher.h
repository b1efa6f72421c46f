// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "codec.h"
#include "serverconfig.h"

#include <QObject>

namespace confab::server {

class AdminRequests;
class ChannelRequests;
class Connection;
class Hub;
class HistoryReader;
class PresenceRelay;
class PublishPipeline;
class ReadMarkers;
class Sessions;

/// Reads each connection's inbox in order and hands every frame to the class that handles
/// its type, so that every request is answered exactly once, in request order. Before a
/// request reaches its handler: a frame that does not parse gets an error reply (more than
/// 20 in 10 s: close 1008); the access its type needs (clientFrameRule in shared/) is
/// checked (`not_ready`, `forbidden`); requests other than `publish` spend from the
/// connection's request bucket (`rate_limited`). Input pauses while a sign-in is being
/// checked, and before a `join` until earlier replies have left (a join's reply, catch-up
/// and `synced` are never overtaken). A connection yields the event loop after 32 frames.
class RequestDispatcher : public QObject
{
    Q_OBJECT
public:
    struct Handlers
    {
        Sessions &sessions;
        ChannelRequests &channels;
        PublishPipeline &publishing;
        HistoryReader &history;
        PresenceRelay &presence;
        AdminRequests &admin;
        ReadMarkers &reads;
    };

    RequestDispatcher(const ServerConfig &config, Hub &hub, Handlers handlers,
                      QObject *parent = nullptr);

    /// Takes a new connection from the Transport.
    void adopt(Connection *connection);
    /// Goes on reading `connection`'s inbox in a later event-loop turn.
    void resume(Connection *connection);
    /// Stops reading requests (shutdown).
    void stopReading() { m_stopped = true; }

private:
    void pump(Connection *connection);
    void badFrame(Connection *connection, const ProtocolError &error);
    void dispatch(Connection *connection, const ClientFrame &frame);

    const ServerConfig &m_config;
    Hub &m_hub;
    Handlers m_handlers;
    bool m_stopped = false;
};

} // namespace confab::server
