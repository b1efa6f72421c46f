// SPDX-License-Identifier: Apache-2.0
// The one "retry or stop for good" decision, as a table of disconnects (no socket), and the
// retry scheduler's timer, countdown and least wait.

#include "disconnectclassifier.h"
#include "errortext.h"
#include "fingerprint.h"
#include "retryscheduler.h"
#include "testclock.h"

#include <QElapsedTimer>
#include <QSignalSpy>

#include <gtest/gtest.h>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::client;
using Action = DisconnectVerdict::Action;

namespace {

const QUrl url(u"ws://chat.example:8765/ws"_s);

DisconnectFacts facts()
{
    DisconnectFacts f;
    f.url = url;
    return f;
}

DisconnectFacts signedIn()
{
    DisconnectFacts f = facts();
    f.reachedServer = true;
    f.handshakeDone = true;
    f.signedIn = true;
    return f;
}

DisconnectFacts socketError(QAbstractSocket::SocketError error, const QString &text = {},
                            bool reachedServer = false)
{
    DisconnectFacts f = facts();
    f.reachedServer = reachedServer;
    f.socketError = error;
    f.socketErrorText = text;
    return f;
}

DisconnectFacts helloRefused(ErrorCode code, bool token = false)
{
    DisconnectFacts f = facts();
    f.reachedServer = true;
    f.handshakeDone = true;
    f.usedToken = token;
    f.helloError = Error{code, u"server says no"_s, std::nullopt};
    return f;
}

struct Case
{
    const char *name;
    DisconnectFacts facts;
    Action action;
    std::optional<QString> reason;
    qint64 retryAfterMs = 0;
    bool credentialsRejected = false;
};

QList<Case> cases()
{
    QList<Case> table;
    // ---- may pass: retried with backoff ----
    table.append({"port closed", socketError(QAbstractSocket::ConnectionRefusedError),
                  Action::Retry, errortext::unreachable(url)});
    table.append({"host not found", socketError(QAbstractSocket::HostNotFoundError), Action::Retry,
                  errortext::unreachable(url)});
    table.append({"closed before any error", facts(), Action::Retry, errortext::unreachable(url)});
    {
        DisconnectFacts f = facts();
        f.timedOut = true;
        table.append({"handshake deadline", f, Action::Retry, std::nullopt});
    }
    {
        DisconnectFacts f = signedIn();
        f.timedOut = true;
        table.append({"silent connection", f, Action::Retry, std::nullopt});
    }
    {
        DisconnectFacts f = signedIn();
        f.closeCode = 1011;
        table.append({"dropped session", f, Action::Retry, std::nullopt});
    }
    {
        DisconnectFacts f = signedIn();
        f.socketError = QAbstractSocket::RemoteHostClosedError;
        table.append({"remote closed", f, Action::Retry, errortext::unreachable(url)});
    }
    table.append({"proxy 503",
                  socketError(QAbstractSocket::ConnectionRefusedError,
                              u"Unhandled http status code: 503 (Service Unavailable)."_s, true),
                  Action::Retry, errortext::unreachable(url)});
    table.append({"hello failed otherwise", helloRefused(ErrorCode::Internal), Action::Retry,
                  u"server says no"_s});
    {
        DisconnectFacts f = signedIn();
        f.bye = ByeEvent{ByeReason::Shutdown, 700, {}};
        f.closeCode = 1001;
        table.append({"bye with retry_ms", f, Action::RetryAfter, errortext::serverStopped(), 700});
    }
    {
        DisconnectFacts f = signedIn();
        f.bye = ByeEvent{ByeReason::Shutdown, std::nullopt, {}};
        f.closeCode = 1001;
        table.append({"bye without retry_ms", f, Action::Retry, errortext::serverStopped()});
    }
    {
        // The server is down after its bye: "stopped", not "check your network".
        DisconnectFacts f = socketError(QAbstractSocket::ConnectionRefusedError);
        f.afterShutdown = true;
        table.append(
            {"port closed after a bye shutdown", f, Action::Retry, errortext::serverStopped()});
    }
    {
        DisconnectFacts f = facts();
        f.afterShutdown = true;
        f.timedOut = true;
        table.append(
            {"deadline after a bye shutdown", f, Action::Retry, errortext::serverStopped()});
    }
    {
        DisconnectFacts f = signedIn();
        f.bye = ByeEvent{ByeReason::Replaced, std::nullopt, {}};
        f.closeCode = 1000;
        table.append({"bye replaced", f, Action::Retry, std::nullopt});
    }
    {
        DisconnectFacts f = signedIn();
        f.closeCode = 1008;
        table.append({"1008 after sign-in", f, Action::Retry, std::nullopt});
    }
    // ---- the user must act: stop for good ----
    table.append({"web server 404",
                  socketError(QAbstractSocket::ConnectionRefusedError,
                              u"Unhandled http status code: 404 (Not Found)."_s, true),
                  Action::StopForGood, errortext::wrongUrl(url)});
    table.append({"refused handshake without a status",
                  socketError(QAbstractSocket::ConnectionRefusedError, u"refusé"_s, true),
                  Action::StopForGood, errortext::wrongUrl(url)});
    {
        DisconnectFacts f = facts();
        f.reachedServer = true;
        f.handshakeDone = true;
        f.closeCode = 1008;
        table.append({"1008 before sign-in", f, Action::StopForGood, errortext::wrongUrl(url)});
    }
    table.append({"wrong password", helloRefused(ErrorCode::Unauthorized), Action::StopForGood,
                  errortext::badCredentials(), 0, true});
    table.append({"forbidden sign-in", helloRefused(ErrorCode::Forbidden), Action::StopForGood,
                  errortext::badCredentials(), 0, true});
    table.append({"token revoked", helloRefused(ErrorCode::Unauthorized, true), Action::StopForGood,
                  errortext::sessionExpired(), 0, true});
    table.append({"hello unsupported", helloRefused(ErrorCode::Unsupported), Action::StopForGood,
                  errortext::versionMismatch()});
    table.append({"hello bad request", helloRefused(ErrorCode::BadRequest), Action::StopForGood,
                  errortext::versionMismatch()});
    {
        DisconnectFacts f = facts();
        f.handshakeDone = true;
        f.helloUnreadable = true;
        table.append(
            {"unreadable hello reply", f, Action::StopForGood, errortext::versionMismatch()});
    }
    {
        DisconnectFacts f = facts();
        f.handshakeDone = true;
        f.subprotocolMismatch = true;
        table.append({"subprotocol", f, Action::StopForGood, errortext::versionMismatch()});
    }
    {
        DisconnectFacts f = signedIn();
        f.bye = ByeEvent{ByeReason::Kicked, std::nullopt, {}};
        f.closeCode = 4002;
        table.append({"kicked", f, Action::StopForGood, errortext::kicked()});
    }
    {
        DisconnectFacts f = signedIn();
        f.closeCode = 4002;
        table.append({"kicked, bye lost", f, Action::StopForGood, errortext::kicked()});
    }
    {
        DisconnectFacts f = signedIn();
        f.bye = ByeEvent{ByeReason::Kicked, 5000, {}};
        f.socketError = QAbstractSocket::RemoteHostClosedError;
        table.append(
            {"kicked, then the socket closed", f, Action::StopForGood, errortext::kicked()});
    }
    {
        DisconnectFacts f = facts();
        f.reachedServer = true;
        f.certificateErrors = {u"self-signed"_s, u"host name mismatch"_s};
        f.socketError = QAbstractSocket::SslHandshakeFailedError;
        table.append({"untrusted certificate", f, Action::StopForGood,
                      errortext::certificate(u"self-signed; host name mismatch"_s)});
    }
    const QByteArray shaA(32, '\xab');
    const QByteArray shaB(32, '\xcd');
    {
        DisconnectFacts f = facts();
        f.reachedServer = true;
        f.certificateErrors = {u"self-signed"_s};
        f.unknownCertificateSha256 = shaA;
        f.socketError = QAbstractSocket::SslHandshakeFailedError;
        table.append({"certificate not trusted yet", f, Action::StopForGood,
                      errortext::certificateNeedsTrust(url, shaA, u"self-signed"_s)});
    }
    {
        DisconnectFacts f = facts();
        f.reachedServer = true;
        f.certificateErrors = {u"self-signed"_s};
        f.certificateChange = DisconnectFacts::CertificateChange{shaA, shaB};
        f.socketError = QAbstractSocket::SslHandshakeFailedError;
        table.append({"certificate changed", f, Action::StopForGood,
                      errortext::certificateChanged(url, shaA, shaB)});
    }
    {
        // A changed certificate is refused even on a reconnect after the host's bye.
        DisconnectFacts f = facts();
        f.afterShutdown = true;
        f.certificateChange = DisconnectFacts::CertificateChange{shaA, shaB};
        table.append({"certificate changed after a bye shutdown", f, Action::StopForGood,
                      errortext::certificateChanged(url, shaA, shaB)});
    }
    // ---- issue 13: kicks with a reason, disabled accounts, first sign-ins, register ----
    {
        DisconnectFacts f = signedIn();
        f.bye = ByeEvent{ByeReason::Kicked, std::nullopt, u"spamming #general"_s};
        f.closeCode = 4002;
        table.append({"kicked with a reason", f, Action::StopForGood,
                      u"An administrator disconnected you: spamming #general. You can sign in "
                      u"again."_s});
    }
    {
        DisconnectFacts f = helloRefused(ErrorCode::Unauthorized);
        f.helloError->message = u"this account is disabled"_s;
        table.append({"password sign-in of a disabled account", f, Action::StopForGood,
                      u"Your account was disabled by an administrator."_s, 0, true});
    }
    {
        DisconnectFacts f = helloRefused(ErrorCode::Unauthorized, true);
        f.helloError->message = u"this account is disabled"_s;
        table.append({"token of a disabled account", f, Action::StopForGood,
                      errortext::accountDisabled(), 0, true});
    }
    {
        // confabd revokes the tokens of a disabled account: the kick came first.
        DisconnectFacts f = helloRefused(ErrorCode::Unauthorized, true);
        f.afterKick = true;
        table.append({"token refused after a kick", f, Action::StopForGood,
                      errortext::revokedAfterKick(), 0, true});
    }
    {
        DisconnectFacts f = helloRefused(ErrorCode::Unauthorized);
        f.afterKick = true;
        table.append({"wrong password after a kick", f, Action::StopForGood,
                      errortext::badCredentials(), 0, true});
    }
    {
        DisconnectFacts f = socketError(QAbstractSocket::ConnectionRefusedError);
        f.firstSignIn = true;
        table.append({"first sign-in, port closed", f, Action::StopForGood,
                      u"Cannot reach the server at chat.example:8765. Check the address and "
                      u"your network."_s});
    }
    {
        DisconnectFacts f = facts();
        f.firstSignIn = true;
        f.timedOut = true;
        table.append({"first sign-in, no answer", f, Action::StopForGood,
                      u"The server at chat.example:8765 did not answer. Check the address, or "
                      u"try again later."_s});
    }
    {
        DisconnectFacts f = socketError(QAbstractSocket::ConnectionRefusedError,
                                        u"Unhandled http status code: 502 (Bad Gateway)."_s, true);
        f.firstSignIn = true;
        table.append(
            {"first sign-in, proxy 502", f, Action::StopForGood, errortext::unreachable(url)});
    }
    {
        DisconnectFacts f = helloRefused(ErrorCode::RateLimited);
        f.firstSignIn = true;
        table.append({"first sign-in, throttled", f, Action::StopForGood, u"server says no"_s});
    }
    {
        DisconnectFacts f = signedIn();
        f.firstSignIn = true; // signed in on this connection: the session dropped later
        f.closeCode = 1011;
        table.append({"dropped after a first sign-in succeeded", f, Action::Retry, std::nullopt});
    }
    {
        DisconnectFacts f = facts();
        f.handshakeDone = true;
        f.firstSignIn = true;
        f.user = u"carol"_s;
        f.registerError = Error{ErrorCode::Forbidden, u"registration is closed"_s, std::nullopt};
        table.append({"register on a closed server", f, Action::StopForGood,
                      u"This server does not let people create accounts; ask its administrator "
                      u"for one."_s});
        f.registerError = Error{ErrorCode::Conflict, u"taken"_s, std::nullopt};
        table.append({"register a taken name", f, Action::StopForGood,
                      u"There is already a user named “carol”; choose another name."_s});
    }
    return table;
}

} // namespace

TEST(ClassifyDisconnect, Table)
{
    for (const Case &c : cases()) {
        SCOPED_TRACE(c.name);
        const DisconnectVerdict verdict = classifyDisconnect(c.facts);
        EXPECT_EQ(verdict.action, c.action);
        EXPECT_EQ(verdict.reason, c.reason);
        EXPECT_EQ(verdict.retryAfterMs, c.retryAfterMs);
        EXPECT_EQ(verdict.credentialsRejected, c.credentialsRejected);
        EXPECT_EQ(verdict.stops(), c.action == Action::StopForGood);
    }
}

TEST(ClassifyDisconnect, CertificateSentencesShowTheFingerprints)
{
    const QByteArray trusted(32, '\x01');
    const QByteArray now(32, '\x02');
    const QString ask = errortext::certificateNeedsTrust(url, now, u"self-signed"_s);
    EXPECT_TRUE(ask.contains(fingerprintText(now))) << ask.toStdString();
    EXPECT_TRUE(ask.contains(u"chat.example:8765"_s)) << ask.toStdString();
    const QString changed = errortext::certificateChanged(url, trusted, now);
    EXPECT_TRUE(changed.contains(fingerprintText(trusted))) << changed.toStdString();
    EXPECT_TRUE(changed.contains(fingerprintText(now))) << changed.toStdString();
    EXPECT_TRUE(changed.contains(u"did not connect"_s)) << changed.toStdString();
}

TEST(ClassifyDisconnect, HttpStatusFromQtsErrorText)
{
    EXPECT_EQ(refusedHttpStatus(u"Unhandled http status code: 404 (Not Found)."_s), 404);
    EXPECT_EQ(refusedHttpStatus(u"Unhandled http status code: 502 (Bad Gateway)."_s), 502);
    EXPECT_EQ(refusedHttpStatus(u"Connection refused"_s), 0);
}

namespace {

Backoff fixedBackoff(qint64 initialMs, qint64 maxMs = 60000)
{
    return Backoff({initialMs, maxMs, 60000}, test::ManualClock().fn(), [] { return 1.0; });
}

} // namespace

TEST(RetryScheduler, FiresAfterTheBackoffDelayAndCountsDown)
{
    RetryScheduler retry(fixedBackoff(1500));
    QSignalSpy due(&retry, &RetryScheduler::due);
    QSignalSpy seconds(&retry, &RetryScheduler::secondsToRetryChanged);
    EXPECT_FALSE(retry.isWaiting());
    QElapsedTimer elapsed;
    elapsed.start();
    EXPECT_EQ(retry.schedule(), 1500);
    EXPECT_TRUE(retry.isWaiting());
    EXPECT_EQ(retry.secondsToRetry(), 2);
    ASSERT_TRUE(due.wait(5000));
    EXPECT_GE(elapsed.elapsed(), 1400);
    EXPECT_EQ(due.size(), 1);
    EXPECT_EQ(retry.secondsToRetry(), 0);
    EXPECT_FALSE(retry.isWaiting());
    // 2 on schedule, (1 from the countdown unless the machine stalled a whole second), 0
    // when due: never up again.
    QList<int> shown;
    for (const auto &args : seconds)
        shown.append(args.at(0).toInt());
    ASSERT_GE(shown.size(), 2);
    EXPECT_EQ(shown.first(), 2);
    EXPECT_EQ(shown.last(), 0);
    EXPECT_TRUE(std::is_sorted(shown.crbegin(), shown.crend()));
}

TEST(RetryScheduler, DelaysGrowAndALeastWaitWins)
{
    RetryScheduler retry(fixedBackoff(100, 400));
    EXPECT_EQ(retry.schedule(), 100);
    EXPECT_EQ(retry.schedule(), 200);
    EXPECT_EQ(retry.schedule(3000), 3000); // a bye's retry_ms
    EXPECT_EQ(retry.secondsToRetry(), 3);
    retry.reset();
    EXPECT_EQ(retry.schedule(), 100);
    retry.cancel();
}

TEST(RetryScheduler, CancelAndFireNow)
{
    RetryScheduler retry(fixedBackoff(200));
    QSignalSpy due(&retry, &RetryScheduler::due);
    EXPECT_FALSE(retry.fireNow()); // nothing scheduled
    EXPECT_EQ(due.size(), 0);

    retry.schedule();
    retry.cancel();
    EXPECT_FALSE(retry.isWaiting());
    EXPECT_EQ(retry.secondsToRetry(), 0);
    EXPECT_FALSE(due.wait(500));

    retry.schedule();
    EXPECT_TRUE(retry.fireNow());
    EXPECT_EQ(due.size(), 1);
    EXPECT_FALSE(retry.isWaiting());
    EXPECT_FALSE(due.wait(500)); // the timer was stopped: not twice
    EXPECT_EQ(due.size(), 1);
}
