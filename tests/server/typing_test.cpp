// SPDX-License-Identifier: Apache-2.0
// Typing: relayed to others only, expiry, cleared on publish and on the last disconnect,
// frames beyond 2 per second dropped.

#include "serverfixture.h"

#include <QElapsedTimer>
#include <QJsonArray>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

class Typing : public ServerFixture
{
protected:
    static FramePredicate typingOf(const QString &user, const QString &channel, bool active)
    {
        return [=](const QJsonObject &f) {
            return f.value("user"_L1).toString() == user &&
                   f.value("channel"_L1).toString() == channel &&
                   f.value("active"_L1).toBool() == active;
        };
    }

    /// A request whose reply means every frame the server sent before it has arrived.
    static bool barrier(TestClient *client)
    {
        const auto reply = client->request(QJsonObject{{"t"_L1, "channels"_L1}});
        return reply && isOk(*reply);
    }
};

TEST_F(Typing, RelayedToOtherConnectionsButNotTheSendersOwn)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    TestClient *carol = signIn(u"carol"_s); // not joined
    ASSERT_TRUE(alice && bob && carol);

    alice->typing(u"general"_s, true);
    const auto event = bob->waitFor(u"typing"_s);
    ASSERT_TRUE(event);
    EXPECT_EQ(event->value("channel"_L1).toString(), u"general"_s);
    EXPECT_EQ(event->value("user"_L1).toString(), u"alice"_s);
    EXPECT_TRUE(event->value("active"_L1).toBool());
    EXPECT_FALSE(event->contains("id"_L1));

    ASSERT_TRUE(barrier(alice));
    EXPECT_TRUE(alice->receivedOf(u"typing"_s).isEmpty())
        << "the sender's own connection got its typing back";
    ASSERT_TRUE(barrier(carol));
    EXPECT_TRUE(carol->receivedOf(u"typing"_s).isEmpty());
    // typing is a notification: no reply.
    EXPECT_TRUE(
        alice->receivedOf(u"reply"_s, [](const QJsonObject &f) { return !isOk(f); }).isEmpty());

    // A later join sees alice in the reply's typing list.
    TestClient *dave = signIn(u"dave"_s);
    ASSERT_TRUE(dave);
    const auto joined = dave->join(u"general"_s);
    ASSERT_TRUE(joined && isOk(*joined));
    const QJsonArray typing = joined->value("ok"_L1).toObject().value("typing"_L1).toArray();
    EXPECT_TRUE(typing.contains(u"alice"_s))
        << dump(joined->value("ok"_L1).toObject()).toStdString();
}

TEST_F(Typing, NothingAboutHerTypingReachesHerOtherConnection)
{
    // The relay, the stop on publish and the expiry: bob sees each, alice's second
    // connection none of them.
    config.typingExpiryMs = 300;
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *aliceToo = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(alice && aliceToo && bob);

    alice->typing(u"general"_s, true);
    ASSERT_TRUE(bob->waitFor(u"typing"_s, typingOf(u"alice"_s, u"general"_s, true)));
    ASSERT_TRUE(alice->publish(u"general"_s, u"sent"_s));
    ASSERT_TRUE(bob->waitFor(u"typing"_s, typingOf(u"alice"_s, u"general"_s, false)));
    alice->typing(u"general"_s, true);
    ASSERT_TRUE(bob->waitFor(u"typing"_s, typingOf(u"alice"_s, u"general"_s, true)));
    ASSERT_TRUE(bob->waitFor(u"typing"_s, typingOf(u"alice"_s, u"general"_s, false), 3300))
        << "no expiry";

    ASSERT_TRUE(barrier(aliceToo));
    EXPECT_TRUE(aliceToo->receivedOf(u"typing"_s).isEmpty())
        << "alice's other connection got " << aliceToo->receivedOf(u"typing"_s).size()
        << " typing frames about herself";
    ASSERT_TRUE(barrier(alice));
    EXPECT_TRUE(alice->receivedOf(u"typing"_s).isEmpty());
}

TEST_F(Typing, ExplicitInactiveIsRelayed)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(alice && bob);
    alice->typing(u"general"_s, true);
    ASSERT_TRUE(bob->waitFor(u"typing"_s, typingOf(u"alice"_s, u"general"_s, true)));
    alice->typing(u"general"_s, false);
    ASSERT_TRUE(bob->waitFor(u"typing"_s, typingOf(u"alice"_s, u"general"_s, false)));
}

TEST_F(Typing, ExpiresWithoutARefresh)
{
    config.typingExpiryMs = 300;
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(alice && bob);
    QElapsedTimer elapsed;
    elapsed.start();
    alice->typing(u"general"_s, true);
    ASSERT_TRUE(bob->waitFor(u"typing"_s, typingOf(u"alice"_s, u"general"_s, true)));
    const auto expired =
        bob->waitFor(u"typing"_s, typingOf(u"alice"_s, u"general"_s, false), 300 + 3000);
    ASSERT_TRUE(expired) << "no active:false after typingExpiryMs";
    EXPECT_GE(elapsed.elapsed(), 250);
    EXPECT_TRUE(alice->isConnected());
}

TEST_F(Typing, PublishingClearsTyping)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(alice && bob);
    alice->typing(u"general"_s, true);
    ASSERT_TRUE(bob->waitFor(u"typing"_s, typingOf(u"alice"_s, u"general"_s, true)));
    ASSERT_TRUE(alice->publish(u"general"_s, u"done typing"_s));
    ASSERT_TRUE(bob->waitFor(u"msg"_s));
    EXPECT_TRUE(bob->waitFor(u"typing"_s, typingOf(u"alice"_s, u"general"_s, false)));
}

TEST_F(Typing, LastConnectionClosingClearsTyping)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *aliceToo = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(alice && aliceToo && bob);
    alice->typing(u"general"_s, true);
    ASSERT_TRUE(bob->waitFor(u"typing"_s, typingOf(u"alice"_s, u"general"_s, true)));

    // Her other connection closing leaves her typing (she still has the typing one).
    aliceToo->close();
    ASSERT_TRUE(aliceToo->waitForDisconnected());
    ASSERT_TRUE(barrier(bob));
    EXPECT_FALSE(bob->has(u"typing"_s, typingOf(u"alice"_s, u"general"_s, false)))
        << "typing cleared although alice's typing connection is still open";
    // Then the last one goes.
    alice->abort();
    EXPECT_TRUE(bob->waitFor(u"typing"_s, typingOf(u"alice"_s, u"general"_s, false)));
}

TEST_F(Typing, HerOtherConnectionJoiningLaterIsNotToldSheIsTyping)
{
    // The join reply's `typing` list says who is typing: alice's own other connection must
    // not learn from it that she is (a client would show "Alice is typing" to Alice).
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    TestClient *aliceToo = signIn(u"alice"_s);
    TestClient *carol = signIn(u"carol"_s);
    ASSERT_TRUE(alice && bob && aliceToo && carol);
    alice->typing(u"general"_s, true);
    ASSERT_TRUE(bob->waitFor(u"typing"_s, typingOf(u"alice"_s, u"general"_s, true)));

    // Someone else joining now is told (the relay reached bob, so the state is set).
    const auto carolJoined = carol->join(u"general"_s);
    ASSERT_TRUE(carolJoined && isOk(*carolJoined));
    EXPECT_TRUE(
        carolJoined->value("ok"_L1).toObject().value("typing"_L1).toArray().contains(u"alice"_s))
        << dump(*carolJoined).toStdString();
    // Her own other connection is not.
    const auto joined = aliceToo->join(u"general"_s);
    ASSERT_TRUE(joined && isOk(*joined));
    EXPECT_FALSE(
        joined->value("ok"_L1).toObject().value("typing"_L1).toArray().contains(u"alice"_s))
        << "her other connection's join reply says alice is typing: "
        << dump(*joined).toStdString();
    ASSERT_TRUE(barrier(aliceToo));
    EXPECT_TRUE(aliceToo->receivedOf(u"typing"_s).isEmpty());
}

TEST_F(Typing, TypingOfAClosedConnectionExpiresForOthersButNeverReachesHerOtherOne)
{
    // Her typing connection closes while her other one stays: the typing ends by expiry
    // (not at the close: she is still connected), and neither the relay nor the expiry
    // reaches her remaining connection.
    config.typingExpiryMs = 300;
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *aliceToo = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(alice && aliceToo && bob);

    QElapsedTimer sinceTyping;
    sinceTyping.start();
    alice->typing(u"general"_s, true);
    ASSERT_TRUE(bob->waitFor(u"typing"_s, typingOf(u"alice"_s, u"general"_s, true)));
    alice->abort();
    ASSERT_TRUE(bob->waitFor(u"typing"_s, typingOf(u"alice"_s, u"general"_s, false), 300 + 3000))
        << "typing of a closed connection never ended although her other one is open";
    EXPECT_GE(sinceTyping.elapsed(), 250) << "ended at the close, not by expiry";
    EXPECT_TRUE(aliceToo->isConnected());
    ASSERT_TRUE(barrier(aliceToo));
    EXPECT_TRUE(aliceToo->receivedOf(u"typing"_s).isEmpty())
        << "alice's remaining connection got " << aliceToo->receivedOf(u"typing"_s).size()
        << " typing frames about herself";
}

TEST_F(Typing, LeavingOnHerOtherConnectionEndsHerTypingForOthersOnly)
{
    // alice types on one connection and leaves the channel on the other: the membership
    // ends, so does her typing there; bob is told, neither of her connections is.
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *aliceToo = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(alice && aliceToo && bob);

    alice->typing(u"general"_s, true);
    ASSERT_TRUE(bob->waitFor(u"typing"_s, typingOf(u"alice"_s, u"general"_s, true)));
    expectOk(aliceToo, QJsonObject{{"t"_L1, "leave"_L1}, {"channel"_L1, "general"_L1}});
    ASSERT_TRUE(bob->waitFor(u"typing"_s, typingOf(u"alice"_s, u"general"_s, false)));
    ASSERT_TRUE(alice->waitFor(u"channel"_s));
    ASSERT_TRUE(barrier(alice));
    EXPECT_TRUE(alice->receivedOf(u"typing"_s).isEmpty());
    ASSERT_TRUE(barrier(aliceToo));
    EXPECT_TRUE(aliceToo->receivedOf(u"typing"_s).isEmpty());
    // A join now shows nobody typing.
    TestClient *carol = signIn(u"carol"_s);
    ASSERT_TRUE(carol);
    const auto joined = carol->join(u"general"_s);
    ASSERT_TRUE(joined && isOk(*joined));
    EXPECT_TRUE(joined->value("ok"_L1).toObject().value("typing"_L1).toArray().isEmpty())
        << dump(*joined).toStdString();
}

TEST_F(Typing, FramesBeyondTwoPerSecondAreDropped)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(alice && bob);
    expectOk(alice, QJsonObject{{"t"_L1, "create"_L1}, {"channel"_L1, "marker"_L1}});
    ASSERT_TRUE(bob->joinSynced(u"marker"_s));

    for (int i = 0; i < 10; ++i)
        alice->typing(u"general"_s, i % 2 == 0);
    // Alice's frames are handled in order: the marker msg reaches bob after any relay.
    ASSERT_TRUE(alice->publish(u"marker"_s, u"barrier"_s));
    ASSERT_TRUE(bob->waitFor(u"msg"_s, [](const QJsonObject &m) {
        return m.value("channel"_L1).toString() == "marker"_L1;
    }));
    const qsizetype relayed =
        bob->receivedOf(u"typing"_s,
                        [](const QJsonObject &f) {
                            return f.value("channel"_L1).toString() == "general"_L1;
                        })
            .size();
    EXPECT_GE(relayed, 1);
    EXPECT_LE(relayed, 2) << "10 typing frames in well under a second were relayed " << relayed
                          << " times";
    EXPECT_TRUE(alice->isConnected()) << "dropping must be silent, not a close";
    EXPECT_TRUE(
        alice->receivedOf(u"reply"_s, [](const QJsonObject &f) { return !isOk(f); }).isEmpty());
}

TEST_F(Typing, TypingForAChannelNotJoinedIsIgnored)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signIn(u"alice"_s);
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(alice && bob);
    expectOk(alice, QJsonObject{{"t"_L1, "create"_L1}, {"channel"_L1, "marker"_L1}});
    ASSERT_TRUE(bob->joinSynced(u"marker"_s));
    alice->typing(u"general"_s, true);
    ASSERT_TRUE(alice->publish(u"marker"_s, u"barrier"_s));
    ASSERT_TRUE(bob->waitFor(u"msg"_s));
    EXPECT_TRUE(bob->receivedOf(u"typing"_s).isEmpty());
    EXPECT_TRUE(alice->isConnected());
}

} // namespace
