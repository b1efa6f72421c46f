// SPDX-License-Identifier: Apache-2.0
#include "connection.h"

#include "closecode.h"
#include "codec.h"
#include "errortext.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkInformation>
#include <QSet>
#include <QSslError>
#include <QWebSocketHandshakeOptions>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace confab::client {

Q_LOGGING_CATEGORY(lcNet, "confab.client.net")

namespace {

const QString subprotocol = u"confab.v1"_s;

void setRequestId(ClientFrame &frame, RequestId id)
{
    std::visit(
        [id](auto &f) {
            if constexpr (requires { f.id; })
                f.id = id;
        },
        frame);
}

} // namespace

Connection::Connection(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_retry(Backoff(m_options.backoff))
{
    connect(&m_retry, &RetryScheduler::due, this, &Connection::connectSocket);
    connect(&m_retry, &RetryScheduler::secondsToRetryChanged, this,
            &Connection::secondsToRetryChanged);
    connect(&m_heartbeatTimer, &QTimer::timeout, this, &Connection::checkLiveness);
    m_handshakeTimer.setSingleShot(true);
    connect(&m_handshakeTimer, &QTimer::timeout, this, [this] {
        m_facts.timedOut = true;
        dropConnection(u"no answer to the handshake or hello in time"_s);
    });
}

Connection::~Connection()
{
    m_wantOpen = false;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

void Connection::open(const QUrl &url, const Credentials &credentials)
{
    openWith(url, credentials, std::nullopt);
}

void Connection::createAccount(const QUrl &url, const Credentials &credentials,
                               const QString &display)
{
    openWith(url, credentials, display);
}

void Connection::openWith(const QUrl &url, const Credentials &credentials,
                          const std::optional<QString> &registerDisplay)
{
    close();
    m_registerDisplay = registerDisplay;
    // A retry of the same saved sign-in keeps knowing that a kick came before it.
    if (credentials.token.isEmpty() || credentials.token != m_credentials.token)
        m_afterKick = false;
    m_url = url;
    m_credentials = credentials;
    m_retry.reset();
    m_refusedSha256.clear();
    m_serverStopped = false;
    setError(QString());
    if (!url.isValid() || url.host().isEmpty() ||
        (url.scheme() != "ws"_L1 && url.scheme() != "wss"_L1)) {
        stopWithError(errortext::wrongUrl(url));
        return;
    }
    m_wantOpen = true;
    if (m_options.watchReachability)
        watchNetwork();
    connectSocket();
}

void Connection::close()
{
    m_wantOpen = false;
    m_retry.cancel();
    if (m_socket) {
        QWebSocket *socket = m_socket;
        socket->close(QWebSocketProtocol::CloseCodeNormal);
        dropConnection(u"closed by the user"_s);
    }
    setState(State::Offline);
}

void Connection::stop(const QString &reason)
{
    close();
    stopWithError(reason);
}

void Connection::retryNow()
{
    if (m_state == State::WaitingToRetry) {
        m_retry.fireNow();
    } else if (m_state == State::Offline && m_url.isValid() && !m_credentials.token.isEmpty()) {
        open(m_url, m_credentials);
    }
}

void Connection::reopen()
{
    if (m_state == State::Offline && m_url.isValid())
        open(m_url, m_credentials);
}

void Connection::setOnline()
{
    if (m_state == State::Syncing)
        setState(State::Online);
}

void Connection::connectSocket()
{
    releaseSocket();
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_nextId = 1;
    m_facts = DisconnectFacts{};
    m_facts.url = m_url;
    m_facts.afterShutdown = m_serverStopped;
    m_facts.afterKick = m_afterKick;
    m_facts.user = m_credentials.user;
    // A password sign-in gets a token with its first success: no token, never signed in.
    m_facts.firstSignIn = m_credentials.token.isEmpty();
    QWebSocket *socket = m_socket;
    if (m_url.scheme() == "wss"_L1) {
        // Built once: reading the system store parses every certificate in it.
        if (!m_ssl)
            m_ssl = sslConfiguration(m_options.extraCaCertificates);
        socket->setSslConfiguration(*m_ssl);
    }
    // Incoming frames over the announced limit are the server's bug, not ours: allow 16 MiB.
    socket->setMaxAllowedIncomingMessageSize(16 * 1024 * 1024);
    connect(socket, &QWebSocket::connected, this, &Connection::onConnected);
    connect(socket, &QWebSocket::textMessageReceived, this, &Connection::onTextMessage);
    connect(socket, &QWebSocket::binaryMessageReceived, this,
            [] { qCWarning(lcNet) << "ignoring a binary frame"; });
    connect(socket, &QWebSocket::pong, this, &Connection::touch);
    connect(socket, &QWebSocket::disconnected, this, [this, socket] {
        if (socket == m_socket)
            onDisconnected();
    });
    connect(socket, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), this,
            [this, socket](QAbstractSocket::SocketError error) {
                if (socket == m_socket)
                    onSocketError(error);
            });
    // Bytes written (the HTTP upgrade request, or a TLS ClientHello) prove that the TCP
    // connection was made: a ConnectionRefusedError after that is the server refusing the
    // WebSocket handshake, not a closed port.
    connect(socket, &QWebSocket::bytesWritten, this, [this, socket] {
        if (socket == m_socket)
            m_facts.reachedServer = true;
    });
    connect(socket, &QWebSocket::sslErrors, this, [this, socket](const QList<QSslError> &errors) {
        if (socket == m_socket)
            onSslErrors(errors);
    });

    setState(State::Connecting);
    m_handshakeTimer.start(m_options.handshakeTimeoutMs);
    QWebSocketHandshakeOptions handshake;
    handshake.setSubprotocols({subprotocol});
    qCDebug(lcNet) << "connecting to" << m_url.toDisplayString();
    socket->open(m_url, handshake);
}

void Connection::onConnected()
{
    const QString accepted = m_socket->subprotocol();
    if (!accepted.isEmpty() && accepted != subprotocol) {
        qCWarning(lcNet) << "server chose subprotocol" << accepted;
        m_facts.subprotocolMismatch = true;
        dropConnection(u"subprotocol mismatch"_s);
        return;
    }
    if (accepted.isEmpty())
        qCWarning(lcNet) << "server accepted no subprotocol; trying confab.v1 anyway";
    m_facts.handshakeDone = true;
    m_lastHeard.start();
    m_heartbeatTimer.start(std::max(100, m_options.defaultHeartbeatMs / 2));
    setState(State::Authenticating);
    if (m_registerDisplay)
        sendRegister();
    else
        sendHello();
}

void Connection::sendSignInStep(ClientFrame frame, ReplyHandler handler)
{
    const RequestId id = m_nextId++;
    setRequestId(frame, id);
    m_pending.insert(id, std::move(handler));
    send(frame);
}

bool Connection::signInStepFailed(const std::optional<Reply> &reply, std::optional<Error> &refusal,
                                  const QString &why)
{
    if (!reply)
        return true; // the connection ended first; onDisconnected decides what's next
    if (!reply->error)
        return false;
    refusal = *reply->error;
    dropConnection(why);
    return true;
}

void Connection::sendRegister()
{
    RegisterRequest request;
    request.user = m_credentials.user;
    request.password = m_credentials.password;
    request.display = *m_registerDisplay;
    sendSignInStep(request, [this](const std::optional<Reply> &reply) {
        if (signInStepFailed(reply, m_facts.registerError, u"register refused"_s))
            return;
        m_registerDisplay.reset(); // it exists now: a retry only signs in
        sendHello();
    });
}

void Connection::sendHello()
{
    HelloRequest hello;
    hello.client = m_options.clientName;
    m_facts.usedToken = !m_credentials.token.isEmpty();
    if (m_facts.usedToken) {
        hello.token = m_credentials.token;
    } else {
        hello.user = m_credentials.user;
        hello.password = m_credentials.password;
    }
    sendSignInStep(hello, [this](const std::optional<Reply> &reply) { onHelloReply(reply); });
}

void Connection::onHelloReply(const std::optional<Reply> &reply)
{
    if (signInStepFailed(reply, m_facts.helloError, u"hello refused"_s))
        return;
    const auto hello = HelloOk::fromJson(reply->ok);
    if (!hello) {
        m_facts.helloUnreadable = true;
        dropConnection(u"unreadable hello reply"_s);
        return;
    }
    m_hello = *hello;
    m_handshakeTimer.stop();
    m_heartbeatTimer.start(std::max(100, m_hello.heartbeatMs / 2));
    m_credentials.password.clear();
    if (!m_hello.token.isEmpty())
        m_credentials.token = m_hello.token;
    m_retry.sessionStarted();
    m_facts.signedIn = true;
    m_serverStopped = false;
    m_afterKick = false;
    setError(QString());
    setState(State::Syncing);
    qCInfo(lcNet) << "signed in as" << m_hello.user.name << "session" << m_hello.session;
    Q_EMIT signedIn(m_hello);
}

void Connection::onTextMessage(const QString &text)
{
    touch();
    auto parsed = parseServerFrame(text.toUtf8());
    if (auto *error = std::get_if<ProtocolError>(&parsed)) {
        // An event of a type we do not know is a newer server's: ignored (PROTOCOL.md).
        if (error->error.code == ErrorCode::Unsupported)
            qCDebug(lcNet) << "ignoring an unknown event:" << error->error.message;
        else
            qCWarning(lcNet) << "ignoring an unreadable frame:" << error->error.message;
        return;
    }
    ServerFrame &frame = std::get<ServerFrame>(parsed);
    if (auto *reply = std::get_if<Reply>(&frame)) {
        const auto handler = m_pending.take(reply->id);
        if (handler)
            handler(*reply);
        else
            qCWarning(lcNet) << "reply to unknown request" << reply->id;
        return;
    }
    if (auto *bye = std::get_if<ByeEvent>(&frame)) {
        handleBye(*bye);
        return;
    }
    Q_EMIT eventReceived(frame);
    if (const auto *presence = std::get_if<PresenceEvent>(&frame);
        presence && text.contains("\"display\""_L1)) {
        const QString display =
            QJsonDocument::fromJson(text.toUtf8()).object().value("display"_L1).toString();
        if (!display.isEmpty())
            Q_EMIT displayNameSeen(presence->presence.user, display);
    }
}

void Connection::handleBye(const ByeEvent &bye)
{
    qCInfo(lcNet) << "server says bye:" << byeReasonName(bye.reason) << "retry_ms"
                  << bye.retryMs.value_or(-1);
    m_facts.bye = bye; // the server closes next; classifyDisconnect() reads it then
}

void Connection::onSocketError(QAbstractSocket::SocketError error)
{
    const QString detail = m_socket->errorString();
    qCDebug(lcNet) << "socket error" << error << detail;
    m_facts.socketError = error;
    m_facts.socketErrorText = detail;
    if (error == QAbstractSocket::ConnectionRefusedError && m_facts.reachedServer &&
        !m_facts.handshakeDone) {
        // Something answered HTTP, but not with 101 Switching Protocols.
        qCInfo(lcNet) << "WebSocket handshake refused:" << detail;
        dropConnection(u"handshake refused"_s);
        return;
    }
    if (m_socket->state() == QAbstractSocket::UnconnectedState)
        onDisconnected();
}

void Connection::onSslErrors(const QList<QSslError> &errors)
{
    // Never ignored, unless the user pinned this very certificate: otherwise the system
    // trust store (plus extraCaCertificates) decides. Retrying cannot help; the user or the
    // server's administrator must act.
    const QSslCertificate peer = m_socket->sslConfiguration().peerCertificate();
    m_peerSha256 = peer.isNull() ? QByteArray() : peer.digest(QCryptographicHash::Sha256);
    // The pin of this origin only: a certificate trusted for one server says nothing about
    // another that presents it.
    const QByteArray pin = m_options.pinFor ? m_options.pinFor(m_url) : QByteArray();
    if (!m_peerSha256.isEmpty() &&
        (m_peerSha256 == pin || m_options.pinnedSha256.contains(m_peerSha256))) {
        qCInfo(lcNet) << "server certificate accepted by its pinned fingerprint";
        m_socket->ignoreSslErrors(errors);
        return;
    }
    if (!m_peerSha256.isEmpty()) {
        if (pin.isEmpty())
            m_facts.unknownCertificateSha256 = m_peerSha256;
        else
            m_facts.certificateChange = DisconnectFacts::CertificateChange{pin, m_peerSha256};
    }
    QStringList reasons;
    for (const QSslError &error : errors) {
        if (!reasons.contains(error.errorString()))
            reasons.append(error.errorString());
    }
    qCWarning(lcNet) << "certificate refused:" << reasons;
    m_facts.certificateErrors = reasons;
}

void Connection::onDisconnected()
{
    if (!m_socket)
        return;
    m_facts.closeCode = m_socket->closeCode();
    qCInfo(lcNet) << "disconnected, close code" << m_facts.closeCode << m_socket->closeReason();
    dropConnection(u"disconnected"_s);
}

void Connection::releaseSocket()
{
    QWebSocket *socket = std::exchange(m_socket, nullptr);
    if (!socket)
        return;
    socket->disconnect(this);
    if (socket->state() != QAbstractSocket::UnconnectedState &&
        socket->state() != QAbstractSocket::ClosingState)
        socket->abort();
    socket->deleteLater();
    m_heartbeatTimer.stop();
    m_handshakeTimer.stop();
}

void Connection::dropConnection(const QString &why)
{
    if (!m_socket)
        return;
    qCDebug(lcNet) << "dropping connection:" << why;
    releaseSocket();

    const bool wasSignedIn = isSignedIn();
    if (wasSignedIn)
        m_retry.sessionEnded();
    // Closed by the user: nothing to decide. Otherwise the one decision site.
    std::optional<DisconnectVerdict> verdict;
    if (m_wantOpen)
        verdict = classifyDisconnect(m_facts);
    if (verdict && verdict->reason)
        setError(*verdict->reason);
    if (m_facts.bye && m_facts.bye->reason == ByeReason::Shutdown)
        m_serverStopped = true;
    if (m_facts.closeCode == int(CloseCode::Kicked) ||
        (m_facts.bye && m_facts.bye->reason == ByeReason::Kicked))
        m_afterKick = true;
    if (!verdict || verdict->stops()) {
        m_wantOpen = false;
        if (verdict) {
            m_refusedSha256 = m_facts.certificateChange ? m_facts.certificateChange->actualSha256
                                                        : m_facts.unknownCertificateSha256;
        }
        setState(State::Offline);
    } else {
        m_retry.schedule(verdict->retryAfterMs);
        setState(State::WaitingToRetry);
    }
    failPending();
    if (wasSignedIn)
        Q_EMIT sessionEnded();
    // Emitted Offline, so that a listener may trust the certificate and reopen() at once.
    if (verdict && verdict->stops()) {
        if (m_facts.certificateChange) {
            Q_EMIT certificateChanged(m_url, m_facts.certificateChange->pinnedSha256,
                                      m_facts.certificateChange->actualSha256);
        } else if (!m_facts.unknownCertificateSha256.isEmpty()) {
            Q_EMIT certificateNeedsTrust(m_url, m_facts.unknownCertificateSha256);
        }
    }
    if (verdict && verdict->credentialsRejected) {
        // Never retry a password: clear it from memory once refused.
        m_credentials.password.clear();
        Q_EMIT credentialsRejected(m_facts.usedToken);
    }
}

void Connection::stopWithError(const QString &error)
{
    m_wantOpen = false;
    setError(error);
    setState(State::Offline);
}

void Connection::failPending()
{
    // Handlers may send again (they see a signed-out engine and are refused).
    const auto pending = std::exchange(m_pending, {});
    QList<RequestId> ids = pending.keys();
    std::sort(ids.begin(), ids.end());
    for (RequestId id : ids)
        pending.value(id)(std::nullopt);
}

void Connection::touch()
{
    m_lastHeard.start();
}

void Connection::checkLiveness()
{
    if (!m_socket)
        return;
    const int heartbeat = isSignedIn() && m_hello.heartbeatMs > 0 ? m_hello.heartbeatMs
                                                                  : m_options.defaultHeartbeatMs;
    if (m_lastHeard.isValid() && m_lastHeard.elapsed() > 2 * qint64(heartbeat)) {
        qCWarning(lcNet) << "no frame for" << m_lastHeard.elapsed() << "ms; reconnecting";
        m_facts.timedOut = true;
        dropConnection(u"silent connection"_s);
        return;
    }
    m_socket->ping();
}

bool Connection::request(ClientFrame frame, ReplyHandler handler)
{
    if (!isSignedIn() || !m_socket)
        return false;
    const RequestId id = m_nextId++;
    setRequestId(frame, id);
    m_pending.insert(id, std::move(handler));
    send(frame);
    return true;
}

bool Connection::notify(const ClientFrame &frame)
{
    if (!isSignedIn() || !m_socket)
        return false;
    send(frame);
    return true;
}

void Connection::send(const ClientFrame &frame)
{
    m_socket->sendTextMessage(QString::fromUtf8(encodeClientFrame(frame)));
}

void Connection::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    qCDebug(lcNet) << "state" << state;
    Q_EMIT stateChanged(state);
}

void Connection::setError(const QString &error)
{
    if (m_errorString == error)
        return;
    m_errorString = error;
    Q_EMIT errorStringChanged(error);
}

QSslConfiguration Connection::sslConfiguration(const QList<QSslCertificate> &extra)
{
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    if (extra.isEmpty())
        return config; // Qt loads the system store on demand
    // Setting a CA list turns off Qt's on-demand loading of the system store: name the
    // system certificates explicitly so they stay trusted.
    QList<QSslCertificate> cas = config.caCertificates();
    QSet<QSslCertificate> seen(cas.cbegin(), cas.cend());
    const QList<QSslCertificate> system = QSslConfiguration::systemCaCertificates();
    for (const QList<QSslCertificate> *list : {&system, &extra}) {
        for (const QSslCertificate &cert : *list) {
            if (!seen.contains(cert)) {
                seen.insert(cert);
                cas.append(cert);
            }
        }
    }
    config.setCaCertificates(cas);
    return config;
}

void Connection::watchNetwork()
{
    static bool tried = false;
    if (!tried) {
        tried = true;
        if (!QNetworkInformation::loadDefaultBackend())
            qCInfo(lcNet) << "no network information backend; retrying on timers only";
    }
    auto *info = QNetworkInformation::instance();
    if (!info)
        return;
    connect(info, &QNetworkInformation::reachabilityChanged, this,
            &Connection::networkReachabilityChanged, Qt::UniqueConnection);
}

void Connection::networkReachabilityChanged(QNetworkInformation::Reachability reachability)
{
    if (reachability == QNetworkInformation::Reachability::Online ||
        reachability == QNetworkInformation::Reachability::Site) {
        qCInfo(lcNet) << "network is back";
        if (m_state == State::WaitingToRetry)
            retryNow();
    }
}

} // namespace confab::client
