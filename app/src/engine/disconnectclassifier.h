// SPDX-License-Identifier: Apache-2.0
#pragma once

// The one decision "retry or stop for good" after a connection attempt or session ended.
// Connection records what it learnt during the attempt in DisconnectFacts (socket error,
// close code, `bye`, the hello reply, certificate errors, …) and asks classifyDisconnect()
// once, when the connection is gone. Pure: no socket, no timers, so every case is testable
// in a table.
//
// Contract:
// - StopForGood for errors a user must act on: wrong credentials (`credentialsRejected`),
//   a protocol mismatch, `kicked` (a `bye` or close code 4002), an untrusted certificate
//   (one the user may trust on first use, one that differs from the certificate the user
//   trusted for this server, or any other), and a wrong URL (an HTTP answer other than 101 and
//   below 500, or a close with 1008 before sign-in: confabd's answer to an unknown path),
//   a refused `register` (closed registration, a taken name, …), and a disabled account.
// - A first sign-in (firstSignIn: password, never signed in since) stops on everything that
//   would otherwise be retried, with the reason (cannot reach host:port, no answer): the
//   person is looking at the sign-in form and can correct the address or try again.
//   Resuming with a saved token retries instead: the server was there before.
// - Retry (backoff delay) for errors that may pass: no TCP connection, a dropped or silent
//   connection, a deadline that passed, a 5xx answer, a hello refused for another reason.
// - RetryAfter when the server's `bye` named `retry_ms`: the least wait before the next
//   attempt (the backoff delay still applies when it is longer).
// - `reason` is the sentence the user sees; nullopt when this disconnect says nothing new
//   (a timeout keeps the previous sentence). After a `bye` with reason `shutdown`, and on
//   every failed attempt after it until a sign-in, the sentence says the host stopped the
//   server (errortext::serverStopped()): what the user needs to know while it is down.

#include "errorcode.h"
#include "frames.h"

#include <QAbstractSocket>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace confab::client {

/// What happened on one connection attempt, gathered as it happens.
struct DisconnectFacts
{
    QUrl url;
    bool reachedServer = false; ///< bytes went out on the TCP connection
    bool handshakeDone = false; ///< the WebSocket handshake completed
    bool signedIn = false;      ///< `hello` succeeded on this connection
    bool usedToken = false;     ///< `hello` carried a token, not a password
    bool timedOut = false;      ///< a deadline passed (handshake, hello, or silence)
    std::optional<QAbstractSocket::SocketError> socketError;
    QString socketErrorText; ///< QWebSocket's errorString() for socketError
    int closeCode = 0;       ///< the server's close code; 0 when none came
    std::optional<ByeEvent> bye;
    QStringList certificateErrors; ///< Qt's reasons for refusing the server's certificate
    /// The refused certificate's SHA-256 when no pin exists for this origin: the user may
    /// compare it with the host's and trust it (trust on first use).
    QByteArray unknownCertificateSha256;
    /// The refused certificate differs from the one the user trusted for this origin.
    struct CertificateChange
    {
        QByteArray pinnedSha256; ///< the one trusted before
        QByteArray actualSha256; ///< the one presented now
    };
    std::optional<CertificateChange> certificateChange;
    /// An earlier session of this connection ended with `bye` `shutdown` and no sign-in
    /// has succeeded since: the server is most likely still down.
    bool afterShutdown = false;
    /// An earlier session of this connection ended with a kick (4002), and the credentials
    /// are the same token since: a refusal of it means the kick revoked it.
    bool afterKick = false;
    /// No sign-in has succeeded since the user asked for this one with a password (the sign-in
    /// form is still open): a failure is shown at once instead of being retried.
    bool firstSignIn = false;
    QString user;                       ///< who signs in (or registers)
    std::optional<Error> registerError; ///< the server refused `register`
    bool subprotocolMismatch = false;
    std::optional<Error> helloError; ///< the server refused `hello`
    bool helloUnreadable = false;    ///< the hello reply could not be read
};

struct DisconnectVerdict
{
    enum class Action { Retry, RetryAfter, StopForGood };

    Action action = Action::Retry;
    qint64 retryAfterMs = 0;       ///< RetryAfter: the least wait
    std::optional<QString> reason; ///< the user-facing sentence; nullopt: keep the last one
    bool credentialsRejected = false;

    bool stops() const { return action == Action::StopForGood; }
};

DisconnectVerdict classifyDisconnect(const DisconnectFacts &facts);

/// The HTTP status of a refused WebSocket handshake, from QWebSocket's error text
/// ("… Unhandled http status code: 404 (Not Found)."); 0 when it names none.
int refusedHttpStatus(const QString &socketErrorText);

} // namespace confab::client
