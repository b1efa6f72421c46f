// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "frames.h"
#include "responder.h"

#include <QObject>

namespace confab::server {

class Broker;
class Connection;
class DisplayNames;
class Hub;
class PresenceTracker;
class TypingTracker;

/// `presence` requests and `typing` notices, and the events they cause: a user's status
/// and typing changes go to the Broker. Typing ends (active:false) on a refresh timeout, a
/// publish, a leave and the user's last connection closing. A status change carries the
/// user's display name (1.1).
class PresenceRelay : public QObject
{
    Q_OBJECT
public:
    PresenceRelay(PresenceTracker &presence, TypingTracker &typing, Hub &hub, Broker &broker,
                  DisplayNames &names, QObject *parent = nullptr);

    void setStatus(const Responder &reply, const PresenceRequest &request);
    /// A `typing` notice (no reply): dropped beyond 2 a second, or for a channel the
    /// connection has not joined.
    void typing(Connection *connection, const TypingNotice &notice);
    /// Ends `user`'s typing in `channel`, if any (they published or left).
    void stopTyping(const QString &channel, const QString &user);
    /// A connection closed: the user's typing ends with their last connection.
    void connectionClosed(Connection *connection);

private:
    void onStatusChanged(const Presence &presence);

    PresenceTracker &m_presence;
    TypingTracker &m_typing;
    Hub &m_hub;
    Broker &m_broker;
    DisplayNames &m_names;
};

} // namespace confab::server
