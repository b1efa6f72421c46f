// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "types.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QUrl>

class QTcpServer;
class QTcpSocket;
class QWebSocketServer;

namespace confab::server {

class Connection;
class FrameFlusher;

/// The only code that touches QWebSocketServer. Accepts TCP (or TLS) connections on its own
/// server socket and hands each to QWebSocketServer::handleConnection for the handshake
/// (subprotocol `confab.v1`, path `/ws`); each upgraded socket becomes a Connection that
/// keeps the TCP socket for pre-built frame writes (found again by its peer address and
/// port: QWebSocket keeps the pointer but offers no way to get it).
class Transport : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QHostAddress address;
        quint16 port = 0;
        QString tlsCertificate;
        QString tlsKey;
        Limits limits;
        qint64 sendBufferBytes = 0;
        int handshakeTimeoutMs = 10000;
    };

    explicit Transport(Options options, QObject *parent = nullptr);
    ~Transport() override;

    bool listen(QString *error);
    /// Stops accepting new connections (existing ones stay).
    void stopListening();
    QUrl url() const;

signals:
    void connected(confab::server::Connection *connection);

private:
    void acceptPending();
    void adoptUpgraded();

    Options m_options;
    QTcpServer *m_tcpServer = nullptr;
    QWebSocketServer *m_wsServer = nullptr;
    FrameFlusher *m_flusher;
    bool m_tls = false;
    quint64 m_nextSession = 1;
    QHash<QString, QTcpSocket *> m_handshaking; ///< by peer "address:port"
};

} // namespace confab::server
