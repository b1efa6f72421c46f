// SPDX-License-Identifier: Apache-2.0
// The wall clock of a running confabd set back or forward by an hour (issue 15): timeouts,
// grace periods, expiries, rate limits and throttles keep their length (they run on the
// monotonic clock), and message `ts` never goes backwards in seq order. The real binary
// runs under libfaketime; the test rewrites its FAKETIME_TIMESTAMP_FILE to jump the wall
// clock while confabd runs, leaving CLOCK_MONOTONIC alone.

#include "confabprocess.h"
#include "rawwsclient.h"
#include "testclient.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QSaveFile>
#include <QTcpSocket>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>
#include <ostream>

using namespace Qt::StringLiterals;

namespace confab::test {
namespace {

const QString libfaketime = u"/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"_s;
const QString password = u"password1"_s;
constexpr qint64 hourMs = 3600 * 1000;

// Every timing under test is 2 s: a forward jump that fires it at once, or a back jump that
// delays it by an hour, both land far outside [lowMs, highMs].
constexpr int periodMs = 2000;
constexpr qint64 lowMs = 1500;
constexpr qint64 highMs = periodMs + 3000;
constexpr int waitMs = 9000;

enum class Jump { Back, Forward };

void PrintTo(Jump jump, std::ostream *out)
{
    *out << (jump == Jump::Back ? "an hour back" : "an hour forward");
}

class ClockJumpTest : public ::testing::TestWithParam<Jump>
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(QFile::exists(libfaketime))
            << "needs libfaketime (Debian package faketime): " << libfaketime.toStdString();
        ASSERT_TRUE(dir.isValid());
        ASSERT_TRUE(addUser(dir.path(), u"alice"_s, password));
        ASSERT_TRUE(addUser(dir.path(), u"bob"_s, password));
        setWallOffsetMs(0);
    }

    /// libfaketime re-reads this file on every time call (FAKETIME_NO_CACHE); QSaveFile
    /// replaces it by a rename, so confabd never reads a half-written offset.
    void setWallOffsetMs(qint64 offsetMs)
    {
        QSaveFile file(dir.filePath(u"faketime.rc"_s));
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(offsetMs < 0 ? "-" : "+") +
                   QByteArray::number(qAbs(offsetMs) / 1000) + "\n");
        ASSERT_TRUE(file.commit());
    }

    /// Jumps the running server's wall clock an hour in this test's direction.
    void jump() { setWallOffsetMs(GetParam() == Jump::Back ? -hourMs : hourMs); }

    void startServer(const QStringList &args)
    {
        QProcessEnvironment env = fastKdfEnvironment();
        env.remove(u"FAKETIME"_s); // it would win over the file
        env.insert(u"LD_PRELOAD"_s, libfaketime);
        env.insert(u"FAKETIME_TIMESTAMP_FILE"_s, dir.filePath(u"faketime.rc"_s));
        env.insert(u"FAKETIME_NO_CACHE"_s, u"1"_s);
        env.insert(u"FAKETIME_DONT_FAKE_MONOTONIC"_s, u"1"_s);
        server.process().setProcessEnvironment(env);
        server.setDataDir(dir.path());
        server.setExtraArgs(QStringList{u"--timing-group-commit-ms"_s, u"2"_s} + args);
        QString error;
        ASSERT_TRUE(server.start(0, &error)) << error.toStdString();
    }

    std::unique_ptr<TestClient> signIn(const QString &user)
    {
        auto client = std::make_unique<TestClient>();
        if (!client->open(server.url())) {
            ADD_FAILURE() << "cannot connect";
            return nullptr;
        }
        const auto reply = client->hello(user, password);
        if (!reply || !isOk(*reply)) {
            ADD_FAILURE() << "hello: " << (reply ? dump(*reply).toStdString() : "no reply");
            return nullptr;
        }
        return client;
    }

    QTemporaryDir dir;
    ConfabdProcess server;
};

std::string jumpName(const ::testing::TestParamInfo<Jump> &info)
{
    return info.param == Jump::Back ? "Back" : "Forward";
}

/// Prints what was measured and checks it is the configured period, not at once nor never.
void expectOnTime(const char *what, qint64 elapsedMs)
{
    std::printf("%s after %lld ms (period %d ms)\n", what, qint64(elapsedMs), periodMs);
    EXPECT_GE(elapsedMs, lowMs) << what << " fired early";
    EXPECT_LE(elapsedMs, highMs) << what << " fired late or never";
}

TEST_P(ClockJumpTest, HelloTimeoutFiresOnTime)
{
    ASSERT_NO_FATAL_FAILURE(
        startServer({u"--timing-hello-timeout-ms"_s, QString::number(periodMs)}));
    RawWsClient silent;
    QElapsedTimer timer;
    timer.start();
    ASSERT_TRUE(silent.open(server.url()));
    jump();
    silent.waitForClosed(waitMs);
    ASSERT_TRUE(silent.isClosed()) << "no close within " << waitMs << " ms";
    expectOnTime("close 4001", timer.elapsed());
    EXPECT_EQ(silent.closeCode(), 4001);
}

TEST_P(ClockJumpTest, HandshakeTimeoutFiresOnTime)
{
    ASSERT_NO_FATAL_FAILURE(
        startServer({u"--timing-handshake-timeout-ms"_s, QString::number(periodMs)}));
    QTcpSocket mute; // connects and never sends the WebSocket upgrade
    QElapsedTimer timer;
    timer.start();
    mute.connectToHost(QHostAddress::LocalHost, quint16(server.port()));
    ASSERT_TRUE(mute.waitForConnected(5000));
    jump();
    waitUntil([&] { return mute.state() == QAbstractSocket::UnconnectedState; }, waitMs);
    ASSERT_EQ(mute.state(), QAbstractSocket::UnconnectedState)
        << "still connected after " << waitMs << " ms";
    expectOnTime("handshake closed", timer.elapsed());
}

TEST_P(ClockJumpTest, HeartbeatDropsOnlyTheSilentConnectionOnTime)
{
    // Dead after 2 heartbeats without a frame or pong.
    ASSERT_NO_FATAL_FAILURE(
        startServer({u"--timing-heartbeat-ms"_s, QString::number(periodMs / 2)}));
    auto alive = signIn(u"alice"_s); // QWebSocket answers every ping
    ASSERT_TRUE(alive);
    RawWsClient dead;
    ASSERT_TRUE(dead.open(server.url()));
    const qint64 id = dead.sendRequest(
        QJsonObject{{"t"_L1, "hello"_L1},
                    {"v"_L1, 1},
                    {"auth"_L1, QJsonObject{{"user"_L1, u"alice"_s}, {"password"_L1, password}}},
                    {"client"_L1, u"confab-test/1"_s}});
    const auto reply = dead.waitForReply(id);
    ASSERT_TRUE(reply && isOk(*reply)) << (reply ? dump(*reply).toStdString() : "no reply");
    dead.setAnswerPings(false);
    QElapsedTimer timer;
    timer.start();
    jump();
    dead.waitForDisconnected(waitMs);
    ASSERT_TRUE(dead.isClosed()) << "the silent connection is still open after " << waitMs << " ms";
    expectOnTime("silent connection dropped", timer.elapsed());
    EXPECT_TRUE(alive->isConnected()) << "a connection that answers pings was dropped too";
    EXPECT_GE(dead.pingsReceived(), 1);
}

TEST_P(ClockJumpTest, PresenceGoesOfflineAfterTheGrace)
{
    ASSERT_NO_FATAL_FAILURE(
        startServer({u"--timing-presence-grace-ms"_s, QString::number(periodMs)}));
    auto alice = signIn(u"alice"_s);
    auto bob1 = signIn(u"bob"_s);
    auto bob2 = signIn(u"bob"_s);
    ASSERT_TRUE(alice && bob1 && bob2);
    ASSERT_TRUE(alice->joinSynced(u"general"_s));
    ASSERT_TRUE(bob1->joinSynced(u"general"_s));
    const FramePredicate bobOffline = [](const QJsonObject &f) {
        return f.value("user"_L1).toString() == "bob"_L1 &&
               f.value("status"_L1).toString() == "offline"_L1;
    };
    bob1->close();
    ASSERT_TRUE(bob1->waitForDisconnected());
    // bob is still online on his second connection: the grace starts with the last one.
    bob2->close();
    ASSERT_TRUE(bob2->waitForDisconnected());
    QElapsedTimer timer;
    timer.start();
    jump();
    ASSERT_TRUE(alice->waitFor(u"presence"_s, bobOffline, waitMs))
        << "bob never went offline within " << waitMs << " ms";
    expectOnTime("bob offline", timer.elapsed());
    EXPECT_EQ(alice->receivedOf(u"presence"_s, bobOffline).size(), 1);
}

TEST_P(ClockJumpTest, TypingClearsOnTime)
{
    ASSERT_NO_FATAL_FAILURE(
        startServer({u"--timing-typing-expiry-ms"_s, QString::number(periodMs)}));
    auto alice = signIn(u"alice"_s);
    auto bob = signIn(u"bob"_s);
    ASSERT_TRUE(alice && bob);
    ASSERT_TRUE(alice->joinSynced(u"general"_s));
    ASSERT_TRUE(bob->joinSynced(u"general"_s));
    auto bobTyping = [](bool active) {
        return FramePredicate([active](const QJsonObject &f) {
            return f.value("user"_L1).toString() == "bob"_L1 &&
                   f.value("active"_L1).toBool() == active;
        });
    };
    bob->typing(u"general"_s, true);
    ASSERT_TRUE(alice->waitFor(u"typing"_s, bobTyping(true)));
    QElapsedTimer timer;
    timer.start();
    jump();
    ASSERT_TRUE(alice->waitFor(u"typing"_s, bobTyping(false), waitMs))
        << "typing never cleared within " << waitMs << " ms";
    expectOnTime("typing cleared", timer.elapsed());
}

TEST_P(ClockJumpTest, PublishRateLimitNeitherResetsNorLocksOut)
{
    ASSERT_NO_FATAL_FAILURE(
        startServer({u"--limits-rate-per-s"_s, u"1"_s, u"--limits-burst"_s, u"2"_s}));
    auto alice = signIn(u"alice"_s);
    ASSERT_TRUE(alice);
    ASSERT_TRUE(alice->joinSynced(u"general"_s));
    auto retryMs = [](const QJsonObject &reply) {
        return reply.value("error"_L1).toObject().value("retry_ms"_L1).toInteger(-1);
    };
    for (int i = 0; i < 2; ++i) {
        const auto ok = alice->publish(u"general"_s, u"burst"_s);
        ASSERT_TRUE(ok && isOk(*ok));
    }
    const auto refused = alice->publish(u"general"_s, u"over"_s);
    ASSERT_TRUE(refused);
    ASSERT_EQ(errorCode(*refused).toStdString(), "rate_limited") << dump(*refused).toStdString();
    QElapsedTimer timer;
    timer.start();
    jump();
    if (GetParam() == Jump::Forward) {
        // An hour "passed" on the wall clock, none really: the bucket is still empty.
        const auto again = alice->publish(u"general"_s, u"right after the jump"_s);
        ASSERT_TRUE(again);
        EXPECT_EQ(errorCode(*again).toStdString(), "rate_limited")
            << "the jump refilled the bucket: " << dump(*again).toStdString();
    }
    // And it is not locked out either: one retry_ms later a token is there.
    const qint64 retry = retryMs(*refused);
    ASSERT_GT(retry, 0);
    ASSERT_LE(retry, 1000);
    waitUntil([&] { return timer.elapsed() > retry + 100; }, 3000);
    const auto later = alice->publish(u"general"_s, u"after retry_ms"_s);
    ASSERT_TRUE(later);
    EXPECT_TRUE(isOk(*later)) << "still refused " << timer.elapsed()
                              << " ms after the jump: " << dump(*later).toStdString();
}

TEST_P(ClockJumpTest, SignInThrottleKeepsItsWindow)
{
    constexpr int windowS = 3;
    ASSERT_NO_FATAL_FAILURE(startServer({u"--auth-max-failures"_s, u"2"_s,
                                         u"--auth-failure-window-s"_s, QString::number(windowS)}));
    for (int i = 0; i < 2; ++i) {
        TestClient wrong;
        ASSERT_TRUE(wrong.open(server.url()));
        const auto reply = wrong.hello(u"alice"_s, u"wrong password"_s);
        ASSERT_TRUE(reply);
        ASSERT_EQ(errorCode(*reply).toStdString(), "unauthorized") << dump(*reply).toStdString();
    }
    QElapsedTimer timer;
    timer.start();
    jump();
    // The same user on another connection: throttled still, for the window, not an hour.
    TestClient second;
    ASSERT_TRUE(second.open(server.url()));
    const auto throttled = second.hello(u"alice"_s, password);
    ASSERT_TRUE(throttled);
    ASSERT_EQ(errorCode(*throttled).toStdString(), "rate_limited")
        << "the jump reset the throttle: " << dump(*throttled).toStdString();
    const qint64 retry = throttled->value("error"_L1).toObject().value("retry_ms"_L1).toInteger(-1);
    std::printf("throttled for %lld ms after the jump\n", retry);
    ASSERT_GT(retry, 0);
    ASSERT_LE(retry, windowS * 1000) << "locked out past the window";
    waitUntil([&] { return timer.elapsed() > retry + 100; }, windowS * 1000 + 1000);
    TestClient third;
    ASSERT_TRUE(third.open(server.url()));
    const auto ok = third.hello(u"alice"_s, password);
    ASSERT_TRUE(ok);
    EXPECT_TRUE(isOk(*ok)) << dump(*ok).toStdString();
}

INSTANTIATE_TEST_SUITE_P(Clock, ClockJumpTest, ::testing::Values(Jump::Back, Jump::Forward),
                         jumpName);

/// History after a back jump (and a restart under it) stays in time order; presence `since`
/// shows the server really saw the jump.
class ClockBackTest : public ClockJumpTest
{};

TEST_F(ClockBackTest, MessageTsNeverGoBackInSeqOrder)
{
    ASSERT_NO_FATAL_FAILURE(startServer({}));
    auto alice = signIn(u"alice"_s);
    auto bob = signIn(u"bob"_s);
    ASSERT_TRUE(alice && bob);
    ASSERT_TRUE(alice->joinSynced(u"general"_s));
    ASSERT_TRUE(bob->joinSynced(u"general"_s));
    auto publish = [&](const QString &text) {
        const auto reply = alice->publish(u"general"_s, text);
        EXPECT_TRUE(reply && isOk(*reply)) << (reply ? dump(*reply).toStdString() : "no reply");
        return reply ? reply->value("ok"_L1).toObject().value("ts"_L1).toInteger() : 0;
    };
    publish(u"one"_s);
    const qint64 beforeJump = publish(u"two"_s);

    setWallOffsetMs(-hourMs);
    // The server's clock did go back: bob's new status is dated an hour ago.
    ASSERT_TRUE(
        isOk(*bob->request(QJsonObject{{"t"_L1, "presence"_L1}, {"status"_L1, "away"_L1}})));
    const auto away = alice->waitFor(u"presence"_s, [](const QJsonObject &f) {
        return f.value("status"_L1).toString() == "away"_L1;
    });
    ASSERT_TRUE(away);
    const qint64 shift = away->value("since"_L1).toInteger() - QDateTime::currentMSecsSinceEpoch();
    std::printf("presence since is %lld ms off the real clock\n", shift);
    ASSERT_NEAR(double(shift), double(-hourMs), 60000.0) << "libfaketime did not move the clock";

    EXPECT_GE(publish(u"three"_s), beforeJump);
    publish(u"four"_s);
    alice.reset();
    bob.reset();
    QString error;
    ASSERT_TRUE(server.restart(&error)) << error.toStdString(); // still an hour back
    alice = signIn(u"alice"_s);
    ASSERT_TRUE(alice);
    publish(u"five after the restart"_s);

    setWallOffsetMs(0); // the clock is right again: ts follow it again
    const qint64 realNow = QDateTime::currentMSecsSinceEpoch();
    const qint64 last = publish(u"six"_s);
    EXPECT_NEAR(double(last), double(realNow), 60000.0);

    const auto history = alice->request(QJsonObject{
        {"t"_L1, "history"_L1}, {"channel"_L1, u"general"_s}, {"after"_L1, 0}, {"limit"_L1, 100}});
    ASSERT_TRUE(history && isOk(*history));
    const QJsonArray messages = history->value("ok"_L1).toObject().value("messages"_L1).toArray();
    ASSERT_EQ(messages.size(), 6);
    for (qsizetype i = 1; i < messages.size(); ++i) {
        const QJsonObject previous = messages[i - 1].toObject();
        const QJsonObject message = messages[i].toObject();
        ASSERT_EQ(message.value("seq"_L1).toInteger(), previous.value("seq"_L1).toInteger() + 1);
        EXPECT_GE(message.value("ts"_L1).toInteger(), previous.value("ts"_L1).toInteger())
            << "seq " << message.value("seq"_L1).toInteger() << " ("
            << message.value("text"_L1).toString().toStdString() << ") is older than seq "
            << previous.value("seq"_L1).toInteger();
    }
}

} // namespace
} // namespace confab::test
