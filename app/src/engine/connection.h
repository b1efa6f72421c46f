// SPDX-License-Identifier: Apache-2.0
#pragma once

// The connection engine: the only code touching the QWebSocket. It owns the connection's
// state machine, signs in with `hello`, matches replies to requests by id, watches the
// connection's liveness and reconnects with backoff.
//
// States: Offline (not trying; `errorString` says why when it stopped on an error),
// Connecting (TCP/TLS/WebSocket handshake), Authenticating (`hello` sent), Syncing (signed
// in; the owner re-joins its channels and calls setOnline() when catch-up is done), Online,
// WaitingToRetry (`secondsToRetry` counts down).
//
// Contract:
// - Requests get ids 1, 2, … per connection; each reply handler runs exactly once: with the
//   reply, or with nullopt when the connection ended first. Handlers run on this object's
//   thread, in the order the server answers (it answers in order).
// - Events (frames without id) are emitted by eventReceived in arrival order.
// - Liveness: the engine pings every heartbeat_ms; any frame or pong counts as life. A
//   connection silent for 2×heartbeat_ms is dropped and retried.
// - When a connection ends, classifyDisconnect() (disconnectclassifier.h) alone decides
//   between retrying (RetryScheduler, with Backoff; a `bye`'s `retry_ms` is the least
//   wait) and stopping for good: Offline with a sentence in `errorString`, tried again
//   only on open() (or retryNow() with a token). A URL that is not ws:// or wss:// stops
//   before any attempt. A sign-in with a password that has not succeeded yet (the user is
//   at the sign-in form) is not retried: it stops with the reason (see classifyDisconnect).
// - open() replaces whatever attempt was under way; close() (the UI's "cancel") stops it.
// - createAccount() is open() that sends `register` before `hello` on the first connection;
//   once the account exists, only `hello`.
// - TLS: the server's certificate is checked against the system trust store plus
//   `extraCaCertificates`. A certificate that fails that check is accepted only by its
//   SHA-256: the pin `pinFor` names for the URL's origin (trust on first use), or one of
//   `pinnedSha256`. Otherwise the attempt stops for good: with certificateNeedsTrust() when
//   the origin has no pin, with certificateChanged() when its pin names another
//   certificate. A certificate the trust store accepts needs no pin (CA-signed ones rotate).
// - retryNow() and networkReachabilityChanged() to Online or Site retry a waiting attempt
//   at once.

#include "backoff.h"
#include "disconnectclassifier.h"
#include "frames.h"
#include "replies.h"
#include "retryscheduler.h"
#include "version.h"

#include <QElapsedTimer>
#include <QHash>
#include <QNetworkInformation>
#include <QObject>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslError>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

#include <functional>
#include <optional>

namespace confab::client {

struct ConnectionOptions
{
    BackoffPolicy backoff;
    QString clientName = QStringLiteral("confab-desktop/") + QLatin1StringView(shortVersion);
    /// Retry at once when QNetworkInformation reports the network back.
    bool watchReachability = true;
    /// Certificates trusted for wss:// in addition to the system trust store (e.g. a
    /// self-hosted server's self-signed certificate the user chose to trust).
    QList<QSslCertificate> extraCaCertificates;
    /// SHA-256 digests of server certificates trusted as they are (trust on first use, like
    /// SSH): a server presenting one of these is accepted whatever else is wrong with its
    /// certificate (self-signed, another host name). Any other certificate is checked as usual.
    QList<QByteArray> pinnedSha256;
    /// The SHA-256 the user trusted for a URL's origin (KnownServers::fingerprintFor), empty
    /// when none: asked on every wss:// attempt whose certificate the trust store refuses.
    std::function<QByteArray(const QUrl &)> pinFor;
    /// Until the server announces its heartbeat_ms (hello reply).
    int defaultHeartbeatMs = 15000;
    /// Deadline of the WebSocket handshake and of the `hello` reply.
    int handshakeTimeoutMs = 15000;
};

class Connection : public QObject
{
    Q_OBJECT
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(int secondsToRetry READ secondsToRetry NOTIFY secondsToRetryChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
public:
    enum class State { Offline, Connecting, Authenticating, Syncing, Online, WaitingToRetry };
    Q_ENUM(State)

    struct Credentials
    {
        QString token; ///< token sign-in when set
        QString user;
        QString password;
    };

    using Options = ConnectionOptions;

    using ReplyHandler = std::function<void(const std::optional<Reply> &)>;

    explicit Connection(Options options = {}, QObject *parent = nullptr);
    ~Connection() override;

    State state() const { return m_state; }
    int secondsToRetry() const { return m_retry.secondsToRetry(); }
    QString errorString() const { return m_errorString; }
    QUrl url() const { return m_url; }
    /// SHA-256 of the certificate the server presented on the last wss:// attempt (empty
    /// before one): what a user compares and pins.
    QByteArray peerSha256() const { return m_peerSha256; }
    /// SHA-256 of the certificate the connection stopped on for good (unknown or changed);
    /// empty otherwise. Cleared by open().
    QByteArray refusedSha256() const { return m_refusedSha256; }
    /// The hello reply of the current session (valid from Syncing on).
    const HelloOk &session() const { return m_hello; }

    /// Starts connecting to `url` and keeps the connection up until close().
    void open(const QUrl &url, const Credentials &credentials);
    /// open() for an account to create first (`register` with the credentials' user and
    /// password and `display`, which may be empty), then signed in with it.
    void createAccount(const QUrl &url, const Credentials &credentials, const QString &display);
    /// Closes normally and stops retrying.
    void close();
    /// Tries now instead of waiting (no effect unless WaitingToRetry or Offline with a URL).
    void retryNow();
    /// Offline after stopping for good (e.g. on a certificate the user has trusted since):
    /// opens again with the same URL and credentials. No effect in other states.
    void reopen();
    /// Stops (Offline) with `reason` for the user, e.g. an address that cannot be used.
    void stop(const QString &reason);
    /// Signed in and caught up: Syncing -> Online.
    void setOnline();
    /// Replaces the credentials used for the next attempts (e.g. token after a password).
    void setCredentials(const Credentials &credentials) { m_credentials = credentials; }

    /// Sends a request (its id is set here). False when not signed in (the handler is not
    /// kept then). `hello` is sent by the engine itself.
    bool request(ClientFrame frame, ReplyHandler handler);
    /// Sends a notification (`typing`); false when not signed in.
    bool notify(const ClientFrame &frame);
    bool isSignedIn() const { return m_state == State::Syncing || m_state == State::Online; }

    /// The TLS settings of wss:// connections: Qt's default configuration, its CA list
    /// being the system trust store plus `extra`.
    static QSslConfiguration sslConfiguration(const QList<QSslCertificate> &extra);

public Q_SLOTS:
    /// The network's reachability changed. Online or Site retries a waiting attempt at once
    /// (the "network is back" path); other values change nothing. With
    /// `watchReachability`, QNetworkInformation's reachabilityChanged is connected here;
    /// without a backend (or in tests) call it directly.
    void networkReachabilityChanged(QNetworkInformation::Reachability reachability);

Q_SIGNALS:
    void stateChanged(confab::client::Connection::State state);
    void secondsToRetryChanged(int seconds);
    void errorStringChanged(const QString &error);
    /// `hello` succeeded: state is Syncing. `hello.token` is set after a password sign-in.
    void signedIn(const confab::HelloOk &hello);
    /// The server refused the credentials; no retry until open() is called again.
    void credentialsRejected(bool wasToken);
    void eventReceived(const confab::ServerFrame &frame);
    /// A presence event named `user`'s display name (1.1 servers send `display` beside
    /// `user`; the shared Presence type does not carry it yet).
    void displayNameSeen(const QString &user, const QString &display);
    /// A signed-in session ended (replies in flight were answered with nullopt).
    void sessionEnded();
    /// Stopped for good (state Offline) on a certificate the trust store refuses and no pin
    /// names for `url`'s origin: the user may compare `sha256` with the host's and trust it.
    void certificateNeedsTrust(const QUrl &url, const QByteArray &sha256);
    /// Stopped for good (state Offline): `url`'s origin presented `actualSha256`, not the
    /// `expectedSha256` the user trusted. Possibly an interception; never accepted silently.
    void certificateChanged(const QUrl &url, const QByteArray &expectedSha256,
                            const QByteArray &actualSha256);

private:
    void connectSocket();
    void onConnected();
    void onTextMessage(const QString &text);
    void onDisconnected();
    void onSocketError(QAbstractSocket::SocketError error);
    void onSslErrors(const QList<QSslError> &errors);
    void openWith(const QUrl &url, const Credentials &credentials,
                  const std::optional<QString> &registerDisplay);
    /// Sends a request of the sign-in itself (`register`, `hello`): request() refuses those.
    void sendSignInStep(ClientFrame frame, ReplyHandler handler);
    /// True when a sign-in step got no reply (the connection ended) or an error; an error
    /// is kept in `refusal` for classifyDisconnect() and the connection dropped.
    bool signInStepFailed(const std::optional<Reply> &reply, std::optional<Error> &refusal,
                          const QString &why);
    void sendHello();
    void sendRegister();
    void onHelloReply(const std::optional<Reply> &reply);
    void handleBye(const ByeEvent &bye);
    /// Ends the connection; unless the user closed it, classifyDisconnect() decides
    /// between retrying and stopping for good.
    void dropConnection(const QString &why);
    void releaseSocket();
    void stopWithError(const QString &error);
    void setState(State state);
    void setError(const QString &error);
    void touch();
    void checkLiveness();
    void failPending();
    void send(const ClientFrame &frame);
    void watchNetwork();

    Options m_options;
    QUrl m_url;
    Credentials m_credentials;
    QWebSocket *m_socket = nullptr;
    State m_state = State::Offline;
    QString m_errorString;
    HelloOk m_hello;
    RetryScheduler m_retry;
    DisconnectFacts m_facts; ///< what the current attempt learnt, for classifyDisconnect()
    RequestId m_nextId = 1;
    QHash<RequestId, ReplyHandler> m_pending;
    QTimer m_heartbeatTimer; ///< pings and checks liveness
    QTimer m_handshakeTimer; ///< deadline of the handshake and hello
    QElapsedTimer m_lastHeard;
    bool m_wantOpen = false;
    std::optional<QSslConfiguration> m_ssl; ///< built on the first wss:// attempt
    QByteArray m_peerSha256;
    QByteArray m_refusedSha256;
    bool m_serverStopped = false; ///< a session ended with `bye` `shutdown`; no sign-in since
    bool m_afterKick = false;     ///< a session ended with a kick; same token since
    std::optional<QString> m_registerDisplay; ///< set: `register` before the next `hello`
};

} // namespace confab::client
