// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "types.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

namespace confab::server {

class Connection;

/// Who is connected and who listens to what. Owns no sockets (the Transport parents the
/// Connections). Single-threaded: the server's event loop.
///
/// Ordering contract: `lastSeq(channel)` is the newest seq that has been broadcast. Every
/// committed message passes through broadcastMessage() exactly once, in seq order, so a
/// join that sends catch-up up to lastSeq() and subscribes in the same event-loop turn sees
/// every later message live, once.
class Hub
{
public:
    void add(Connection *connection);
    /// Forgets a connection everywhere (its subscriptions too).
    void remove(Connection *connection);
    const QList<Connection *> &connections() const { return m_connections; }
    QList<Connection *> connectionsOf(const QString &user) const;
    Connection *bySession(const QString &session) const;
    /// Every signed-in connection.
    QList<Connection *> signedInConnections() const;
    /// Users with at least one signed-in connection.
    int signedInUsers() const { return int(m_byUser.size()); }
    void signedIn(Connection *connection);

    void subscribe(const QString &channel, Connection *connection);
    void unsubscribe(const QString &channel, Connection *connection);
    const QList<Connection *> &subscribers(const QString &channel) const;
    /// Channels with at least one subscriber.
    QList<QString> activeChannels() const { return m_subscribers.keys(); }

    qint64 lastSeq(const QString &channel) const { return m_lastSeq.value(channel, 0); }
    void setLastSeq(const QString &channel, qint64 seq) { m_lastSeq[channel] = seq; }

    /// Encodes the `msg` event once and writes the same bytes to every subscriber.
    void broadcastMessage(const Message &message);
    /// Sends one JSON frame to every subscriber of `channel` but `user`'s own connections
    /// (what is said about a user, such as their typing, never reaches that user).
    void sendToOthersInChannel(const QString &channel, QByteArrayView json, const QString &user);
    /// The fan-out path of every event: frames `json` once and writes the same bytes to each
    /// of `recipients` (no per-connection encoding).
    void sendTo(QList<Connection *> recipients, QByteArrayView json);

    qint64 messagesBroadcast() const { return m_messagesBroadcast; }

private:
    QList<Connection *> m_connections;
    QHash<QString, Connection *> m_bySession;
    QHash<QString, QList<Connection *>> m_byUser;
    QHash<QString, QList<Connection *>> m_subscribers;
    QHash<QString, qint64> m_lastSeq;
    qint64 m_messagesBroadcast = 0;
};

} // namespace confab::server
