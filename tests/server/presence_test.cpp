// SPDX-License-Identifier: Apache-2.0
// Presence: statuses and text, who gets the events, the offline grace period, and the
// heartbeat that closes dead connections.

#include "serverfixture.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

class Presence : public ServerFixture
{
protected:
    static QJsonObject presence(const QString &status, const QString &text = QString())
    {
        QJsonObject f{{"t"_L1, "presence"_L1}, {"status"_L1, status}};
        if (!text.isNull())
            f.insert("text"_L1, text);
        return f;
    }

    /// The `members` of a join reply, by user name.
    static QJsonObject membersOf(const QJsonObject &joinReply)
    {
        QJsonObject byUser;
        const QJsonArray members =
            joinReply.value("ok"_L1).toObject().value("members"_L1).toArray();
        for (const QJsonValue &v : members)
            byUser.insert(v.toObject().value("user"_L1).toString(), v);
        return byUser;
    }

    static FramePredicate presenceOf(const QString &user, const QString &status)
    {
        return [=](const QJsonObject &f) {
            return f.value("user"_L1).toString() == user &&
                   f.value("status"_L1).toString() == status;
        };
    }
};

TEST_F(Presence, StatusAndTextGoToConnectionsSharingAChannel)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(alice && bob);

    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    expectOk(alice, presence(u"away"_s, u"lunch"_s));
    auto event = bob->waitFor(u"presence"_s, presenceOf(u"alice"_s, u"away"_s));
    ASSERT_TRUE(event);
    EXPECT_EQ(event->value("text"_L1).toString(), u"lunch"_s);
    EXPECT_GE(event->value("since"_L1).toInteger(), before - 1000);
    EXPECT_LE(event->value("since"_L1).toInteger(), QDateTime::currentMSecsSinceEpoch() + 1000);
    EXPECT_FALSE(event->contains("id"_L1));

    expectOk(alice, presence(u"dnd"_s, u"focus"_s));
    event = bob->waitFor(u"presence"_s, presenceOf(u"alice"_s, u"dnd"_s));
    ASSERT_TRUE(event);
    EXPECT_EQ(event->value("text"_L1).toString(), u"focus"_s);

    expectOk(alice, presence(u"online"_s));
    event = bob->waitFor(u"presence"_s, presenceOf(u"alice"_s, u"online"_s));
    ASSERT_TRUE(event);
    EXPECT_TRUE(event->value("text"_L1).toString().isEmpty());

    // The join reply of a newcomer shows alice's current status.
    expectOk(alice, presence(u"away"_s));
    TestClient *carol = signIn(u"carol"_s);
    ASSERT_TRUE(carol);
    const auto joined = carol->join(u"general"_s);
    ASSERT_TRUE(joined && isOk(*joined));
    QString aliceStatus;
    for (const QJsonValue &v : joined->value("ok"_L1).toObject().value("members"_L1).toArray()) {
        if (v.toObject().value("user"_L1).toString() == "alice"_L1)
            aliceStatus = v.toObject().value("status"_L1).toString();
    }
    EXPECT_EQ(aliceStatus, u"away"_s);
}

TEST_F(Presence, TheJoinReplyCarriesStatusTextSetBeforeTheJoin)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    TestClient *carol = signInAndJoin(u"carol"_s, {u"general"_s});
    ASSERT_TRUE(bob && carol);
    expectOk(bob, presence(u"away"_s, u"lunch"_s)); // before alice is there to be told

    // 1.2: each of alice's connections learns bob's text from its join reply alone.
    TestClient *aliceA = signIn(u"alice"_s);
    TestClient *aliceB = signIn(u"alice"_s);
    ASSERT_TRUE(aliceA && aliceB);
    for (TestClient *alice : {aliceA, aliceB}) {
        const auto joined = alice->join(u"general"_s);
        ASSERT_TRUE(joined && isOk(*joined));
        const QJsonObject members = membersOf(*joined);
        EXPECT_EQ(members[u"bob"_s][u"status"_s].toString(), u"away"_s);
        EXPECT_EQ(members[u"bob"_s][u"text"_s].toString(), u"lunch"_s);
        // No text, no key.
        ASSERT_TRUE(members.contains(u"carol"_s));
        EXPECT_FALSE(members[u"carol"_s].toObject().contains(u"text"_s));
    }

    // A text cleared is gone from the next join reply too.
    expectOk(bob, presence(u"online"_s));
    ASSERT_TRUE(aliceA->waitFor(u"presence"_s, presenceOf(u"bob"_s, u"online"_s)));
    TestClient *dave = signIn(u"dave"_s);
    ASSERT_TRUE(dave);
    const auto joined = dave->join(u"general"_s);
    ASSERT_TRUE(joined && isOk(*joined));
    EXPECT_FALSE(membersOf(*joined)[u"bob"_s].toObject().contains(u"text"_s));
}

TEST_F(Presence, AUserOnTwoConnectionsSeesHerStatusOnTheOtherAndStaysOnlineWhileOneIsOpen)
{
    config.presenceGraceMs = 200;
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *aliceA = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *aliceB = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(aliceA && aliceB && bob);

    // A status set on one device shows on her other one (and to bob).
    expectOk(aliceA, presence(u"away"_s, u"lunch"_s));
    ASSERT_TRUE(aliceB->waitFor(u"presence"_s, presenceOf(u"alice"_s, u"away"_s)));
    ASSERT_TRUE(bob->waitFor(u"presence"_s, presenceOf(u"alice"_s, u"away"_s)));

    // Closing one connection leaves her as she was: no offline while the other is open.
    aliceA->close();
    ASSERT_TRUE(aliceA->waitForDisconnected());
    QElapsedTimer graceOver;
    graceOver.start();
    ASSERT_TRUE(waitUntil([&] { return graceOver.elapsed() > 600; }, 2000));
    const auto reply = bob->request(QJsonObject{{"t"_L1, "channels"_L1}}); // a barrier
    ASSERT_TRUE(reply && isOk(*reply));
    EXPECT_FALSE(bob->has(u"presence"_s, presenceOf(u"alice"_s, u"offline"_s)))
        << "alice went offline although her other connection is open";

    // The last one closing makes her offline after the grace period.
    aliceB->abort();
    EXPECT_TRUE(bob->waitFor(u"presence"_s, presenceOf(u"alice"_s, u"offline"_s), 5000));
}

TEST_F(Presence, AStatusSetOnOneOfHerConnectionsReachesEveryConnectionOnce)
{
    // alice and bob share two channels, and each is on two connections: one status change
    // is one event on each connection (hers included), not one per shared channel or per
    // connection of hers.
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    ASSERT_TRUE(alice);
    expectOk(alice, QJsonObject{{"t"_L1, "create"_L1}, {"channel"_L1, "side"_L1}});
    ASSERT_TRUE(alice->joinSynced(u"side"_s));
    TestClient *aliceToo = signInAndJoin(u"alice"_s, {u"general"_s, u"side"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s, u"side"_s});
    TestClient *bobToo = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(aliceToo && bob && bobToo);

    expectOk(alice, presence(u"away"_s, u"lunch"_s));
    // A second change marks the end: each connection gets events in the order they happen.
    expectOk(alice, presence(u"dnd"_s));
    for (TestClient *c : {alice, aliceToo, bob, bobToo}) {
        ASSERT_TRUE(c->waitFor(u"presence"_s, presenceOf(u"alice"_s, u"dnd"_s)));
        const QList<QJsonObject> away =
            c->receivedOf(u"presence"_s, presenceOf(u"alice"_s, u"away"_s));
        ASSERT_EQ(away.size(), 1) << "a status change arrived " << away.size() << " times";
        EXPECT_EQ(away.first().value("text"_L1).toString(), u"lunch"_s);
        EXPECT_EQ(c->receivedOf(u"presence"_s, presenceOf(u"alice"_s, u"dnd"_s)).size(), 1);
    }
}

TEST_F(Presence, SheGoesOfflineOnlyAGracePeriodAfterHerLastConnectionCloses)
{
    config.presenceGraceMs = 500;
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *aliceA = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *aliceB = signIn(u"alice"_s); // joined to nothing: only counts as connected
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(aliceA && aliceB && bob);

    aliceA->abort();
    ASSERT_TRUE(aliceA->waitForDisconnected());
    // Well past the grace period counted from the first close, she is still online.
    EXPECT_FALSE(bob->waitFor(u"presence"_s, presenceOf(u"alice"_s, u"offline"_s), 500 + 700))
        << "alice went offline although her other connection is open";

    QElapsedTimer sinceLastClose;
    sinceLastClose.start();
    aliceB->close();
    const auto offline =
        bob->waitFor(u"presence"_s, presenceOf(u"alice"_s, u"offline"_s), 500 + 5000);
    ASSERT_TRUE(offline) << "no offline after her last connection closed";
    EXPECT_GE(sinceLastClose.elapsed(), 450) << "offline before the grace period was over";
    // Once.
    expectOk(bob, QJsonObject{{"t"_L1, "channels"_L1}});
    EXPECT_EQ(bob->receivedOf(u"presence"_s, presenceOf(u"alice"_s, u"offline"_s)).size(), 1);
}

TEST_F(Presence, OfflineCannotBeSetAndUnknownStatusIsBadRequest)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signIn(u"alice"_s);
    ASSERT_TRUE(alice);
    expectError(alice, presence(u"offline"_s), u"bad_request"_s);
    expectError(alice, presence(u"sleeping"_s), u"bad_request"_s);
    expectError(alice, presence(u"away"_s, u"x"_s.repeated(257)), u"bad_request"_s);
    EXPECT_TRUE(alice->isConnected());
}

TEST_F(Presence, NotSentToConnectionsWithoutASharedChannel)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *carol = signIn(u"carol"_s);
    ASSERT_TRUE(alice && carol);
    expectOk(carol, QJsonObject{{"t"_L1, "create"_L1}, {"channel"_L1, "elsewhere"_L1}});
    TestClient *dave = signInAndJoin(u"dave"_s, {u"elsewhere"_s});
    ASSERT_TRUE(dave);

    expectOk(alice, presence(u"away"_s, u"gone"_s));
    // carol's change is handled after alice's; when it reaches dave, alice's would have too.
    expectOk(carol, presence(u"dnd"_s));
    ASSERT_TRUE(dave->waitFor(u"presence"_s, presenceOf(u"carol"_s, u"dnd"_s)));
    EXPECT_TRUE(dave->receivedOf(u"presence"_s,
                                 [](const QJsonObject &f) {
                                     return f.value("user"_L1).toString() == "alice"_L1;
                                 })
                    .isEmpty());
}

TEST_F(Presence, OfflineOnlyAfterTheGracePeriodWithLastSeen)
{
    config.presenceGraceMs = 400;
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(alice && bob);
    QElapsedTimer elapsed;
    elapsed.start();
    const qint64 goneAt = QDateTime::currentMSecsSinceEpoch();
    alice->abort();
    const auto offline =
        bob->waitFor(u"presence"_s, presenceOf(u"alice"_s, u"offline"_s), 400 + 5000);
    ASSERT_TRUE(offline) << "no offline event after the grace period";
    EXPECT_GE(elapsed.elapsed(), 350) << "offline before the grace period was over";
    const qint64 lastSeen = offline->value("last_seen"_L1).toInteger();
    EXPECT_GE(lastSeen, goneAt - 2000) << dump(*offline).toStdString();
    EXPECT_LE(lastSeen, QDateTime::currentMSecsSinceEpoch());
}

TEST_F(Presence, QuickReconnectWithinTheGracePeriodDoesNotFlap)
{
    config.presenceGraceMs = 1000;
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *carol = signInAndJoin(u"carol"_s, {u"general"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(alice && carol && bob);
    const QString token = alice->token();

    alice->abort();
    carol->abort(); // carol goes for good: her offline event marks the end of the grace period
    TestClient *back = connectClient();
    ASSERT_TRUE(back);
    const auto hello = back->helloToken(token);
    ASSERT_TRUE(hello && isOk(*hello));
    ASSERT_TRUE(back->joinSynced(u"general"_s));

    ASSERT_TRUE(bob->waitFor(u"presence"_s, presenceOf(u"carol"_s, u"offline"_s), 1000 + 5000));
    EXPECT_TRUE(bob->receivedOf(u"presence"_s, presenceOf(u"alice"_s, u"offline"_s)).isEmpty())
        << "alice flapped offline although she was back within the grace period";
}

TEST_F(Presence, HeartbeatClosesAConnectionThatDoesNotAnswerPings)
{
    config.heartbeatMs = 300;
    ASSERT_NO_FATAL_FAILURE(start());
    // A normal client answers pings (QWebSocket does) and must survive.
    TestClient *healthy = signIn(u"bob"_s);
    ASSERT_TRUE(healthy);
    EXPECT_EQ(healthy->helloOk().value("heartbeat_ms"_L1).toInt(), 300);

    RawWsClient *dead = connectRaw();
    ASSERT_TRUE(dead);
    const qint64 id = dead->sendRequest(QJsonObject{
        {"t"_L1, "hello"_L1},
        {"v"_L1, 1},
        {"auth"_L1, QJsonObject{{"user"_L1, "alice"_L1}, {"password"_L1, defaultPassword}}}});
    const auto reply = dead->waitForReply(id);
    ASSERT_TRUE(reply && isOk(*reply));
    dead->setAnswerPings(false);
    QElapsedTimer elapsed;
    elapsed.start();
    ASSERT_TRUE(dead->waitForDisconnected(2 * 300 + 5000 + 1000))
        << "a connection that never answered pings was not closed";
    EXPECT_GE(dead->pingsReceived(), 1) << "the server never pinged";
    EXPECT_GE(elapsed.elapsed(), 2 * 300 - 350);

    EXPECT_TRUE(healthy->isConnected())
        << "a client answering pings was closed with " << healthy->closeCode();
    const auto channels = healthy->request(QJsonObject{{"t"_L1, "channels"_L1}});
    ASSERT_TRUE(channels);
    EXPECT_TRUE(isOk(*channels));
}

} // namespace
