// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "types.h"

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QSet>
#include <QSslConfiguration>
#include <QTimer>
#include <QUrl>

class QSocketNotifier;
class QTcpServer;
class QTcpSocket;
class QWebSocket;
class QWebSocketServer;
class QWebSocketCorsAuthenticator;

namespace confab::server {

class Connection;
class FrameFlusher;

/// The only code that touches QWebSocketServer. Accepts TCP (or TLS) connections on its own
/// server socket and hands each to QWebSocketServer::handleConnection for the handshake
/// (subprotocol `confab.v1`, path `/ws`); each upgraded socket becomes a Connection that
/// keeps the TCP socket for pre-built frame writes (found again by its peer address and
/// port: QWebSocket keeps the pointer but offers no way to get it).
///
/// Limits held here: a deadline from accept to the end of the upgrade, a cap on connections
/// still handshaking (more are closed at once), connections per client address (close 4009;
/// the address is X-Forwarded-For's when the peer is a trusted proxy), and at the descriptor
/// limit accepting pauses and retries a little later instead of spinning. With an Origin
/// allowlist, a browser's upgrade from another origin is answered HTTP 403 and closed.
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
        qint64 sendBudgetBytes = 0; ///< 0: no server-wide budget
        int handshakeTimeoutMs = 10000;
        int maxHandshaking = 1024;
        int connectionsPerAddress = 0; ///< 0: unlimited
        QList<QHostAddress> trustedProxies;
        /// Normalised origins (normalizeOrigin) a browser's upgrade may come from; empty:
        /// any. An upgrade without an Origin header is let in (desktop clients send none).
        QStringList allowedOrigins;
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
    struct Handshake
    {
        QTcpSocket *socket = nullptr;
        qint64 deadlineMs = 0;
    };

    void acceptDescriptor(int descriptor);
    /// Hands an accepted (and, for TLS, encrypted) socket to the WebSocket handshake.
    void startUpgrade(QTcpSocket *socket);
    void adoptUpgraded();
    void acceptReady();
    void expireHandshakes();
    /// The client's address: X-Forwarded-For's right-most untrusted entry when the peer is a
    /// trusted proxy, else the peer's.
    QHostAddress clientAddress(const QWebSocket *ws) const;
    bool isTrustedProxy(const QHostAddress &address) const;
    /// QWebSocketServer asks during each upgrade; a refusal makes it answer 403 and close.
    void checkOrigin(QWebSocketCorsAuthenticator *authenticator);

    Options m_options;
    QTcpServer *m_tcpServer = nullptr; ///< listens; we accept on its descriptor ourselves
    QSocketNotifier *m_acceptNotifier = nullptr;
    QSslConfiguration m_sslConfig;
    QWebSocketServer *m_wsServer = nullptr;
    FrameFlusher *m_flusher;
    bool m_tls = false;
    quint64 m_nextSession = 1;
    QHash<QString, Handshake> m_handshaking; ///< by peer "address:port"
    QTimer m_handshakeClock;
    QTimer m_acceptRetry;        ///< resumes accepting after running out of descriptors
    int m_acceptFailures = 0;    ///< in the current episode (logged once at its start and end)
    int m_refusedHandshakes = 0; ///< over the handshaking cap, in the current episode
    QHash<QHostAddress, int> m_perAddress; ///< open connections per client address
    QSet<QString> m_refusedOrigins;        ///< already logged at info (bounded)
};

} // namespace confab::server
