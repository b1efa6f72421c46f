// SPDX-License-Identifier: Apache-2.0
#include "transport.h"

#include "connection.h"
#include "frameflusher.h"
#include "logging.h"

#include <QDateTime>
#include <QFile>
#include <QRandomGenerator>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QWebSocket>
#include <QWebSocketServer>

#include <sys/socket.h>

using namespace Qt::StringLiterals;

namespace confab::server {

namespace {

bool loadTls(const QString &certPath, const QString &keyPath, QSslConfiguration *config,
             QString *error)
{
    QFile certFile(certPath);
    if (!certFile.open(QIODevice::ReadOnly)) {
        *error = u"cannot read TLS certificate %1: %2"_s.arg(certPath, certFile.errorString());
        return false;
    }
    const auto chain = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
    if (chain.isEmpty()) {
        *error = u"no PEM certificate in %1"_s.arg(certPath);
        return false;
    }
    QFile keyFile(keyPath);
    if (!keyFile.open(QIODevice::ReadOnly)) {
        *error = u"cannot read TLS key %1: %2"_s.arg(keyPath, keyFile.errorString());
        return false;
    }
    const QByteArray keyPem = keyFile.readAll();
    QSslKey key(keyPem, QSsl::Rsa, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(keyPem, QSsl::Ec, QSsl::Pem);
    if (key.isNull()) {
        *error = u"no usable PEM private key (RSA or EC) in %1"_s.arg(keyPath);
        return false;
    }
    *config = QSslConfiguration::defaultConfiguration();
    config->setLocalCertificateChain(chain);
    config->setPrivateKey(key);
    config->setPeerVerifyMode(QSslSocket::VerifyNone);
    return true;
}

/// A plain TCP socket that sends what it is given straight to its descriptor while nothing is
/// queued, and buffers only what the kernel does not take. Memory: QAbstractSocket keeps the
/// 32 KiB write-buffer chunk of its first buffered write for the socket's whole life (the
/// handshake reply that QWebSocketServer writes, later pongs and close frames), and the pages
/// it touched stay resident: about a third of an idle connection's RSS. Writes are ordered as
/// before: direct only while Qt's buffer is empty, else appended behind it. Errors are left
/// to Qt: a failed send goes through the buffer, where QAbstractSocket finds and reports it.
/// (QWebSocket::bytesWritten is not emitted for the direct part; Confab does not use it.)
class DirectWriteSocket : public QTcpSocket
{
public:
    using QTcpSocket::QTcpSocket;

protected:
    qint64 writeData(const char *data, qint64 size) override
    {
        if (size > 0 && bytesToWrite() == 0 && state() == ConnectedState) {
            const auto sent =
                ::send(int(socketDescriptor()), data, size_t(size), MSG_NOSIGNAL | MSG_DONTWAIT);
            if (sent == size)
                return size;
            if (sent > 0) {
                const qint64 rest = QTcpSocket::writeData(data + sent, size - sent);
                return rest < 0 ? rest : size;
            }
        }
        return QTcpSocket::writeData(data, size);
    }
};

/// Accepts plain TCP connections as DirectWriteSocket.
class DirectWriteServer : public QTcpServer
{
public:
    using QTcpServer::QTcpServer;

protected:
    void incomingConnection(qintptr descriptor) override
    {
        // As QTcpServer::incomingConnection does, with our socket class.
        auto *socket = new DirectWriteSocket(this);
        socket->setSocketDescriptor(descriptor);
        addPendingConnection(socket);
    }
};

QString peerKey(const QHostAddress &address, quint16 port)
{
    return address.toString() + u'|' + QString::number(port);
}

} // namespace

Transport::Transport(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_flusher(new FrameFlusher(this))
{}

Transport::~Transport() = default;

bool Transport::listen(QString *error)
{
    m_tls = !m_options.tlsCertificate.isEmpty() || !m_options.tlsKey.isEmpty();
    if (m_tls) {
        if (m_options.tlsCertificate.isEmpty() || m_options.tlsKey.isEmpty()) {
            *error = u"TLS needs both a certificate and a key"_s;
            return false;
        }
        QSslConfiguration sslConfig;
        if (!loadTls(m_options.tlsCertificate, m_options.tlsKey, &sslConfig, error))
            return false;
        auto *sslServer = new QSslServer(this);
        sslServer->setSslConfiguration(sslConfig);
        sslServer->setHandshakeTimeout(m_options.handshakeTimeoutMs);
        m_tcpServer = sslServer;
    } else {
        m_tcpServer = new DirectWriteServer(this);
    }
    m_tcpServer->setMaxPendingConnections(10000);
    connect(m_tcpServer, &QTcpServer::pendingConnectionAvailable, this, &Transport::acceptPending);

    // The WebSocket server never listens: it only performs handshakes on sockets we give it.
    m_wsServer = new QWebSocketServer(u"confabd"_s, QWebSocketServer::NonSecureMode, this);
    m_wsServer->setSupportedSubprotocols({u"confab.v1"_s});
    m_wsServer->setMaxPendingConnections(10000);
    m_wsServer->setHandshakeTimeout(std::chrono::milliseconds(m_options.handshakeTimeoutMs));
    connect(m_wsServer, &QWebSocketServer::newConnection, this, &Transport::adoptUpgraded);

    if (!m_tcpServer->listen(m_options.address, m_options.port)) {
        *error = u"cannot listen on %1:%2: %3"_s.arg(m_options.address.toString())
                     .arg(m_options.port)
                     .arg(m_tcpServer->errorString());
        return false;
    }
    return true;
}

void Transport::stopListening()
{
    if (m_tcpServer)
        m_tcpServer->close();
}

QUrl Transport::url() const
{
    QUrl url;
    url.setScheme(m_tls ? u"wss"_s : u"ws"_s);
    url.setHost(m_tcpServer->serverAddress().toString());
    url.setPort(m_tcpServer->serverPort());
    url.setPath(u"/ws"_s);
    return url;
}

void Transport::acceptPending()
{
    while (QTcpSocket *socket = m_tcpServer->nextPendingConnection()) {
        const QString peer = peerKey(socket->peerAddress(), socket->peerPort());
        m_handshaking.insert(peer, socket);
        connect(socket, &QObject::destroyed, this, [this, peer, socket] {
            if (m_handshaking.value(peer) == socket)
                m_handshaking.remove(peer);
        });
        m_wsServer->handleConnection(socket);
    }
}

void Transport::adoptUpgraded()
{
    while (QWebSocket *ws = m_wsServer->nextPendingConnection()) {
        const QString path = ws->requestUrl().path();
        // QWebSocket goes on using the socket it was given (true in Qt 6.4, undocumented;
        // covered by tst_transport): we write pre-built frames to that same socket, and
        // the Connection owns it from now on.
        QTcpSocket *tcp = m_handshaking.take(peerKey(ws->peerAddress(), ws->peerPort()));
        // The socket has left m_handshaking: drop the cleanup lambda (and the key it holds),
        // which would otherwise live as long as the connection.
        if (tcp)
            disconnect(tcp, &QObject::destroyed, this, nullptr);
        const QString session = u"s"_s + QString::number(m_nextSession++, 36) + u'-' +
                                QString::number(QRandomGenerator::global()->generate(), 36);
        auto *connection =
            new Connection(ws, tcp, session, m_options.sendBufferBytes, m_options.limits,
                           QDateTime::currentMSecsSinceEpoch(), m_flusher, this);
        if (!tcp) {
            qCWarning(lcNet) << "upgraded socket without its TCP socket; closing";
            connection->closeWith(1011, u"internal error"_s);
            continue;
        }
        if (path != u"/ws"_s) {
            qCInfo(lcNet) << "connection to unknown path" << path;
            connection->closeWith(1008, u"unknown path; use /ws"_s);
        }
        qCInfo(lcNet) << "connect" << session << "from" << connection->peerText();
        emit connected(connection);
    }
}

} // namespace confab::server
