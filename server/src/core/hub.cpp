// SPDX-License-Identifier: Apache-2.0
#include "hub.h"

#include "codec.h"
#include "connection.h"
#include "wsframe.h"

namespace confab::server {

void Hub::add(Connection *connection)
{
    m_connections.append(connection);
    m_bySession.insert(connection->session(), connection);
}

void Hub::signedIn(Connection *connection)
{
    m_byUser[connection->userName()].append(connection);
}

void Hub::remove(Connection *connection)
{
    m_connections.removeOne(connection);
    m_bySession.remove(connection->session());
    if (connection->isSignedIn()) {
        auto it = m_byUser.find(connection->userName());
        if (it != m_byUser.end()) {
            it->removeOne(connection);
            if (it->isEmpty())
                m_byUser.erase(it);
        }
    }
    for (const QString &channel : std::as_const(connection->joined))
        unsubscribe(channel, connection);
}

QList<Connection *> Hub::connectionsOf(const QString &user) const
{
    return m_byUser.value(user);
}

Connection *Hub::bySession(const QString &session) const
{
    return m_bySession.value(session);
}

QList<Connection *> Hub::signedInConnections() const
{
    QList<Connection *> all;
    all.reserve(m_connections.size());
    for (const QList<Connection *> &ofUser : m_byUser)
        all.append(ofUser);
    return all;
}

void Hub::subscribe(const QString &channel, Connection *connection)
{
    auto &list = m_subscribers[channel];
    if (!list.contains(connection))
        list.append(connection);
}

void Hub::unsubscribe(const QString &channel, Connection *connection)
{
    auto it = m_subscribers.find(channel);
    if (it == m_subscribers.end())
        return;
    it->removeOne(connection);
    if (it->isEmpty())
        m_subscribers.erase(it);
}

const QList<Connection *> &Hub::subscribers(const QString &channel) const
{
    static const QList<Connection *> none;
    auto it = m_subscribers.constFind(channel);
    return it == m_subscribers.cend() ? none : *it;
}

void Hub::broadcastMessage(const Message &message)
{
    m_lastSeq[message.channel] = message.seq;
    ++m_messagesBroadcast;
    const auto &list = subscribers(message.channel);
    if (list.isEmpty())
        return;
    sendTo(list, encodeMsgEvent(message));
}

void Hub::sendTo(QList<Connection *> recipients, QByteArrayView json)
{
    // By value: a send may close a slow consumer, which must not disturb this loop.
    if (recipients.isEmpty())
        return;
    const QByteArray frame = makeTextFrame(json);
    for (Connection *connection : std::as_const(recipients))
        connection->sendFrame(frame);
}

void Hub::sendToOthersInChannel(const QString &channel, QByteArrayView json, const QString &user)
{
    const QList<Connection *> recipients = subscribers(channel);
    if (recipients.isEmpty())
        return;
    const QByteArray frame = makeTextFrame(json);
    for (Connection *connection : recipients) {
        if (connection->userName() != user)
            connection->sendFrame(frame);
    }
}

} // namespace confab::server
