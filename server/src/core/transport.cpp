// SPDX-License-Identifier: Apache-2.0
#include "transport.h"

#include "clock.h"
#include "connection.h"
#include "frameflusher.h"
#include "logging.h"
#include "serverconfig.h"

#include <QFile>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QSocketNotifier>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QWebSocket>
#include <QWebSocketCorsAuthenticator>
#include <QWebSocketServer>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <unistd.h>

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

QString peerKey(const QHostAddress &address, quint16 port)
{
    return address.toString() + u'|' + QString::number(port);
}

/// Pause before accepting again after running out of descriptors: long enough not to spin,
/// short enough that a freed descriptor is soon used.
constexpr int acceptRetryMs = 200;
/// Connections accepted per readiness of the listening socket: others get a turn between.
constexpr int acceptBatch = 256;
constexpr int perAddressCloseGraceMs = 1000;

/// One entry of X-Forwarded-For: an address, perhaps with a port ("1.2.3.4:5", "[::1]:5").
QHostAddress parseForwarded(QStringView entry)
{
    entry = entry.trimmed();
    if (entry.startsWith(u'[')) {
        const auto end = entry.indexOf(u']');
        if (end < 0)
            return {};
        entry = entry.mid(1, end - 1);
    } else if (entry.count(u':') == 1) {
        entry = entry.left(entry.indexOf(u':'));
    }
    QHostAddress address;
    if (!address.setAddress(entry.toString()))
        return {};
    return address;
}

} // namespace

Transport::Transport(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_flusher(new FrameFlusher(this))
{
    m_flusher->setSendBudget(m_options.sendBudgetBytes);
    m_handshakeClock.setInterval(std::clamp(m_options.handshakeTimeoutMs / 4, 20, 1000));
    connect(&m_handshakeClock, &QTimer::timeout, this, &Transport::expireHandshakes);
    m_acceptRetry.setSingleShot(true);
    m_acceptRetry.setInterval(acceptRetryMs);
    connect(&m_acceptRetry, &QTimer::timeout, this, [this] {
        if (m_acceptNotifier)
            m_acceptNotifier->setEnabled(true);
    });
}

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
        m_sslConfig = sslConfig;
    }
    // It only listens: we accept on its descriptor ourselves (see acceptReady).
    m_tcpServer = new QTcpServer(this);
    // Bursts of connections wait in the kernel instead of on SYN retries (the default is 50).
    m_tcpServer->setListenBacklogSize(1024);

    // The WebSocket server never listens: it only performs handshakes on sockets we give it.
    m_wsServer = new QWebSocketServer(u"confabd"_s, QWebSocketServer::NonSecureMode, this);
    m_wsServer->setSupportedSubprotocols({u"confab.v1"_s});
    m_wsServer->setMaxPendingConnections(10000);
    m_wsServer->setHandshakeTimeout(std::chrono::milliseconds(m_options.handshakeTimeoutMs));
    connect(m_wsServer, &QWebSocketServer::newConnection, this, &Transport::adoptUpgraded);
    if (!m_options.allowedOrigins.isEmpty())
        connect(m_wsServer, &QWebSocketServer::originAuthenticationRequired, this,
                &Transport::checkOrigin);

    if (!m_tcpServer->listen(m_options.address, m_options.port)) {
        *error = u"cannot listen on %1:%2: %3"_s.arg(m_options.address.toString())
                     .arg(m_options.port)
                     .arg(m_tcpServer->errorString());
        return false;
    }
    // We accept ourselves: QTcpServer (6.4) reports running out of descriptors only the first
    // time (its socket engine keeps the first error it saw, often the EAGAIN that ends an
    // accept loop), and otherwise retries at once, at 100 % CPU, while the backlog waits.
    // Its own notifier stays off: nextPendingConnection() would turn it on again, so it is
    // never called.
    m_tcpServer->pauseAccepting();
    m_acceptNotifier =
        new QSocketNotifier(m_tcpServer->socketDescriptor(), QSocketNotifier::Read, this);
    connect(m_acceptNotifier, &QSocketNotifier::activated, this, &Transport::acceptReady);
    m_handshakeClock.start();
    return true;
}

void Transport::stopListening()
{
    m_acceptRetry.stop();
    delete std::exchange(m_acceptNotifier, nullptr); // before its descriptor closes
    if (m_tcpServer)
        m_tcpServer->close();
}

void Transport::acceptReady()
{
    const int listener = int(m_tcpServer->socketDescriptor());
    for (int i = 0; i < acceptBatch; ++i) {
        const int descriptor = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (descriptor >= 0) {
            if (m_acceptFailures > 0) {
                qCWarning(lcNet) << "accepting connections again after" << m_acceptFailures
                                 << "failed attempts";
                m_acceptFailures = 0;
            }
            acceptDescriptor(descriptor);
            continue;
        }
        const int error = errno;
        if (error == EINTR || error == ECONNABORTED || error == EPROTO)
            continue; // that one connection is gone; go on
        if (error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM) {
            // The connection stays in the backlog and the socket stays readable: stop
            // watching it for a while instead of spinning. Said once per episode.
            if (m_acceptFailures++ == 0)
                qCWarning(lcNet) << "cannot accept connections:" << std::strerror(error)
                                 << "(out of descriptors?) - retrying every" << acceptRetryMs
                                 << "ms";
            m_acceptNotifier->setEnabled(false);
            m_acceptRetry.start();
        } else if (error != EAGAIN && error != EWOULDBLOCK) {
            qCWarning(lcNet) << "accept failed:" << std::strerror(error);
        }
        break;
    }
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

void Transport::acceptDescriptor(int descriptor)
{
    if (m_handshaking.size() >= m_options.maxHandshaking) {
        // Each costs a descriptor and buffers until its deadline: refuse at once.
        if (m_refusedHandshakes++ == 0)
            qCWarning(lcNet) << m_handshaking.size()
                             << "connections are still in the handshake; closing new ones"
                                " (limits.handshaking)";
        ::close(descriptor);
        return;
    }
    QTcpSocket *socket = nullptr;
    QSslSocket *ssl = nullptr;
    if (m_tls) {
        ssl = new QSslSocket(this);
        ssl->setSslConfiguration(m_sslConfig);
        socket = ssl;
    } else {
        socket = new DirectWriteSocket(this);
    }
    if (!socket->setSocketDescriptor(descriptor)) {
        qCWarning(lcNet) << "cannot use an accepted socket:" << socket->errorString();
        ::close(descriptor);
        delete socket;
        return;
    }
    // The deadline runs from accept, through the TLS and the WebSocket handshakes.
    const QString peer = peerKey(socket->peerAddress(), socket->peerPort());
    m_handshaking.insert(peer,
                         Handshake{socket, clock::monotonicMs() + m_options.handshakeTimeoutMs});
    connect(socket, &QObject::destroyed, this, [this, peer, socket] {
        if (m_handshaking.value(peer).socket == socket)
            m_handshaking.remove(peer);
    });
    connect(socket, &QAbstractSocket::disconnected, this, [this, peer, socket] {
        // Gone before the upgrade (QWebSocketServer may delete it too: once is enough).
        if (m_handshaking.value(peer).socket != socket)
            return;
        m_handshaking.remove(peer);
        socket->deleteLater();
    });
    if (ssl) {
        connect(ssl, &QSslSocket::encrypted, this, [this, ssl] { startUpgrade(ssl); });
        ssl->startServerEncryption();
    } else {
        startUpgrade(socket);
    }
}

void Transport::startUpgrade(QTcpSocket *socket)
{
    m_wsServer->handleConnection(socket);
    // QWebSocketServer (6.4) finds a socket that went away before the upgrade with
    // QObject::sender(), which walks every connection made to the server: with thousands of
    // sockets in the handshake, closing them all (their deadline, or the peers leaving) took
    // seconds of a stalled event loop. The lambda above deletes the socket instead.
    disconnect(socket, &QAbstractSocket::disconnected, m_wsServer, nullptr);
}

void Transport::expireHandshakes()
{
    if (m_handshaking.size() < m_options.maxHandshaking && m_refusedHandshakes > 0) {
        qCWarning(lcNet) << "refused" << m_refusedHandshakes
                         << "connections over limits.handshaking";
        m_refusedHandshakes = 0;
    }
    if (m_handshaking.isEmpty())
        return;
    const qint64 now = clock::monotonicMs();
    QList<QTcpSocket *> expired;
    for (const Handshake &handshake : std::as_const(m_handshaking)) {
        if (handshake.deadlineMs <= now)
            expired.append(handshake.socket);
    }
    if (expired.isEmpty())
        return;
    // One line per sweep: a flood of silent connections must not flood the log too.
    qCInfo(lcNet) << "closing" << expired.size()
                  << "connections that did not finish the handshake in time, e.g. from"
                  << qPrintable(expired.front()->peerAddress().toString());
    for (QTcpSocket *socket : std::as_const(expired))
        socket->abort(); // deleted once disconnected (see acceptDescriptor)
}

bool Transport::isTrustedProxy(const QHostAddress &address) const
{
    return std::any_of(m_options.trustedProxies.cbegin(), m_options.trustedProxies.cend(),
                       [&](const QHostAddress &proxy) {
                           return proxy.isEqual(address, QHostAddress::TolerantConversion);
                       });
}

QHostAddress Transport::clientAddress(const QWebSocket *ws) const
{
    const QHostAddress peer = ws->peerAddress();
    if (m_options.trustedProxies.isEmpty() || !isTrustedProxy(peer))
        return peer;
    const QByteArray header = ws->request().rawHeader("X-Forwarded-For");
    if (header.isEmpty())
        return peer;
    // Each proxy appends the address it got the connection from: the right-most entry that is
    // not one of our proxies is the client (anything left of it the client could have made
    // up). An entry that is not an address ends the walk at the last proxy.
    QHostAddress client = peer;
    const QList<QByteArray> entries = header.split(',');
    for (auto it = entries.crbegin(); it != entries.crend(); ++it) {
        const QHostAddress address = parseForwarded(QString::fromLatin1(*it));
        if (address.isNull())
            break;
        client = address;
        if (!isTrustedProxy(address))
            break;
    }
    return client;
}

void Transport::checkOrigin(QWebSocketCorsAuthenticator *authenticator)
{
    const QString origin = authenticator->origin();
    // No Origin header: not a browser (the desktop app, confabctl), which cannot be made to
    // send someone else's credentials; the allowlist is about browsers only.
    if (origin.isEmpty())
        return;
    const auto normalized = normalizeOrigin(origin);
    if (normalized && m_options.allowedOrigins.contains(*normalized))
        return;
    authenticator->setAllowed(false);
    // Each origin once at info (a page hammering the server must not flood the log), bounded.
    constexpr qsizetype maxLoggedOrigins = 100;
    if (!m_refusedOrigins.contains(origin) && m_refusedOrigins.size() < maxLoggedOrigins) {
        m_refusedOrigins.insert(origin);
        qCInfo(lcNet) << "refusing upgrades from origin" << origin
                      << "(not in server.allowed_origins): HTTP 403";
    } else {
        qCDebug(lcNet) << "refusing an upgrade from origin" << origin;
    }
}

void Transport::adoptUpgraded()
{
    while (QWebSocket *ws = m_wsServer->nextPendingConnection()) {
        const QString path = ws->requestUrl().path();
        // QWebSocket goes on using the socket it was given (true in Qt 6.4, undocumented;
        // covered by tests/core/transport_test.cpp): we write pre-built frames to that same socket,
        // and the Connection owns it from now on.
        QTcpSocket *tcp = m_handshaking.take(peerKey(ws->peerAddress(), ws->peerPort())).socket;
        // The socket has left m_handshaking: drop the cleanup lambdas (and the key they hold),
        // which would otherwise live as long as the connection.
        if (tcp)
            disconnect(tcp, nullptr, this, nullptr);
        const QString session = u"s"_s + QString::number(m_nextSession++, 36) + u'-' +
                                QString::number(QRandomGenerator::global()->generate(), 36);
        auto *connection = new Connection(ws, tcp, session, m_options.sendBufferBytes,
                                          m_options.limits, clock::wallMs(), m_flusher, this);
        if (!tcp) {
            qCWarning(lcNet) << "upgraded socket without its TCP socket; closing";
            connection->closeWith(CloseCode::Internal, u"internal error"_s);
            continue;
        }
        if (path != u"/ws"_s) {
            qCInfo(lcNet) << "connection to unknown path" << path;
            connection->closeWith(CloseCode::Policy, u"unknown path; use /ws"_s);
        }
        const QHostAddress client = clientAddress(ws);
        if (client != connection->peerAddress())
            connection->setForwardedFor(client);
        qCInfo(lcNet) << "connect" << session << "from" << connection->peerText();
        if (!connection->isClosing()) {
            int &count = m_perAddress[client];
            if (m_options.connectionsPerAddress > 0 && count >= m_options.connectionsPerAddress) {
                qCInfo(lcNet) << session << "is one too many from" << client.toString()
                              << "- closing 4009";
                connection->closeWith(CloseCode::TooManyConnections, u"too many connections"_s,
                                      perAddressCloseGraceMs);
            } else {
                ++count;
                connect(connection, &QObject::destroyed, this, [this, client] {
                    const auto it = m_perAddress.find(client);
                    if (it != m_perAddress.end() && --*it <= 0)
                        m_perAddress.erase(it);
                });
            }
        }
        emit connected(connection);
    }
}

} // namespace confab::server
