// SPDX-License-Identifier: Apache-2.0
#include "freezingproxy.h"

#include <QTcpSocket>

using namespace Qt::StringLiterals;

namespace confab::test {

/// One client connection and its own connection to the server.
struct FreezingProxy::Pair
{
    QTcpSocket *client = nullptr;
    QTcpSocket *server = nullptr;
    bool started = false; ///< the connection to the server was begun
    bool ended = false;   ///< one end closed (acted on while not frozen)
};

FreezingProxy::FreezingProxy(QString host, quint16 port, QObject *parent)
    : QObject(parent)
    , m_host(std::move(host))
    , m_port(port)
{
    connect(&m_server, &QTcpServer::newConnection, this, &FreezingProxy::onNewConnection);
}

FreezingProxy::~FreezingProxy()
{
    for (const auto &pair : m_pairs) {
        pair->client->abort();
        pair->server->abort();
    }
}

bool FreezingProxy::listen(QString *error)
{
    if (m_server.listen(QHostAddress::LocalHost, 0))
        return true;
    if (error)
        *error = m_server.errorString();
    return false;
}

QUrl FreezingProxy::url() const
{
    return QUrl(u"ws://127.0.0.1:%1/"_s.arg(m_server.serverPort()));
}

void FreezingProxy::freeze()
{
    m_frozen = true;
    for (const auto &pair : m_pairs)
        setThrottled(pair.get(), true);
}

void FreezingProxy::resume()
{
    m_frozen = false;
    // By index: ending a pair may not remove it while we walk the list.
    for (std::size_t i = 0; i < m_pairs.size(); ++i) {
        Pair *pair = m_pairs[i].get();
        setThrottled(pair, false);
        if (!pair->started)
            start(pair);
        pump(pair);
    }
}

void FreezingProxy::setThrottled(Pair *pair, bool throttled)
{
    // A read buffer of 1 byte: Qt stops taking bytes from the kernel, so the peers' data
    // waits in the network stack, and a close is not even noticed, until resume().
    for (QTcpSocket *socket : {pair->client, pair->server})
        socket->setReadBufferSize(throttled ? 1 : 0);
}

void FreezingProxy::onNewConnection()
{
    while (QTcpSocket *client = m_server.nextPendingConnection()) {
        ++m_accepted;
        auto pair = std::make_unique<Pair>();
        Pair *p = pair.get();
        p->client = client;
        p->client->setParent(this);
        p->server = new QTcpSocket(this);
        m_pairs.push_back(std::move(pair));
        for (QTcpSocket *socket : {p->client, p->server}) {
            connect(socket, &QTcpSocket::readyRead, this, [this, p] { pump(p); });
            connect(socket, &QTcpSocket::disconnected, this, [this, p] { end(p); });
        }
        connect(p->server, &QTcpSocket::connected, this, [this, p] { pump(p); });
        connect(p->server, &QAbstractSocket::errorOccurred, this, [this, p] {
            if (p->server->state() == QAbstractSocket::UnconnectedState)
                end(p);
        });
        setThrottled(p, m_frozen);
        if (!m_frozen)
            start(p);
    }
}

void FreezingProxy::start(Pair *pair)
{
    pair->started = true;
    pair->server->connectToHost(m_host, m_port);
}

void FreezingProxy::pump(Pair *pair)
{
    if (m_frozen)
        return;
    if (pair->server->state() == QAbstractSocket::ConnectedState && pair->client->bytesAvailable())
        pair->server->write(pair->client->readAll());
    if (pair->client->state() == QAbstractSocket::ConnectedState && pair->server->bytesAvailable())
        pair->client->write(pair->server->readAll());
    if (pair->ended)
        end(pair);
}

void FreezingProxy::end(Pair *pair)
{
    pair->ended = true;
    if (m_frozen)
        return; // a dead network carries no close either
    // What one end said last still goes to the other, then both close.
    if (pair->server->state() == QAbstractSocket::ConnectedState && pair->client->bytesAvailable())
        pair->server->write(pair->client->readAll());
    if (pair->client->state() == QAbstractSocket::ConnectedState && pair->server->bytesAvailable())
        pair->client->write(pair->server->readAll());
    pair->client->disconnectFromHost();
    pair->server->disconnectFromHost();
}

} // namespace confab::test
