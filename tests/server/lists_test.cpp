// SPDX-License-Identifier: Apache-2.0
// Keeping lists fresh (protocol 1.1): who gets each `channel` and `member` event and who does
// not, every per-user case with the same user on two connections; `display` beside `user`.
// Absence is proven by a later marker frame on the same connection, never by a sleep.

#include "serverfixture.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

class Lists : public ServerFixture
{
protected:
    static QJsonObject create(const QString &name, bool isPrivate = false)
    {
        return QJsonObject{{"t"_L1, "create"_L1},
                           {"channel"_L1, name},
                           {"topic"_L1, u"about %1"_s.arg(name)},
                           {"private"_L1, isPrivate}};
    }

    static QJsonObject invite(const QString &channel, const QString &user)
    {
        return QJsonObject{{"t"_L1, "invite"_L1}, {"channel"_L1, channel}, {"user"_L1, user}};
    }

    static QJsonObject leave(const QString &channel)
    {
        return QJsonObject{{"t"_L1, "leave"_L1}, {"channel"_L1, channel}};
    }

    /// Matches a `channel` event of `kind` about `channel`.
    static FramePredicate channelEvent(const QString &kind, const QString &channel)
    {
        return [kind, channel](const QJsonObject &f) {
            return f.value("event"_L1).toString() == kind &&
                   f.value("channel"_L1).toObject().value("name"_L1).toString() == channel;
        };
    }

    /// Matches a `member` event of `kind` about `user` in `channel`.
    static FramePredicate memberEvent(const QString &kind, const QString &channel,
                                      const QString &user)
    {
        return [kind, channel, user](const QJsonObject &f) {
            return f.value("event"_L1).toString() == kind &&
                   f.value("channel"_L1).toString() == channel &&
                   f.value("user"_L1).toString() == user;
        };
    }

    static qsizetype channelEvents(TestClient *client, const QString &kind, const QString &channel)
    {
        return client->receivedOf(u"channel"_s, channelEvent(kind, channel)).size();
    }

    /// A marker: a public channel `name` is created by `creator`, and every one of
    /// `watchers` waits for its `added`. Whatever the server sent them before has arrived.
    void marker(TestClient *creator, const QString &name, const QList<TestClient *> &watchers)
    {
        expectOk(creator, create(name));
        for (TestClient *watcher : watchers)
            ASSERT_TRUE(watcher->waitFor(u"channel"_s, channelEvent(u"added"_s, name)))
                << "no marker " << name.toStdString();
    }

    /// bob, signed in, has created the public channel `design` and joined it.
    TestClient *bobInDesign()
    {
        TestClient *bob = signIn(u"bob"_s);
        EXPECT_TRUE(bob);
        if (!bob)
            return nullptr;
        expectOk(bob, create(u"design"_s));
        EXPECT_TRUE(bob->joinSynced(u"design"_s));
        return bob;
    }

    /// The index in received() of the first frame matching, or -1.
    static qsizetype indexOf(TestClient *client, const FramePredicate &pred)
    {
        const QList<QJsonObject> &all = client->received();
        for (qsizetype i = 0; i < all.size(); ++i) {
            if (pred(all.at(i)))
                return i;
        }
        return -1;
    }
};

TEST_F(Lists, APublicChannelIsAddedOnEverySignedInConnectionOnceTheCreatorsToo)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signIn(u"alice"_s);
    TestClient *aliceToo = signIn(u"alice"_s);
    TestClient *bob = signIn(u"bob"_s);
    TestClient *stranger = connectClient(); // connected, not signed in
    ASSERT_TRUE(alice && aliceToo && bob && stranger);

    const qint64 id = alice->sendRequest(create(u"design"_s));
    const auto reply = alice->waitForReply(id);
    ASSERT_TRUE(reply && isOk(*reply));
    for (TestClient *c : {alice, aliceToo, bob}) {
        const auto added = c->waitFor(u"channel"_s, channelEvent(u"added"_s, u"design"_s));
        ASSERT_TRUE(added) << "a signed-in connection was not told of the new channel";
        const QJsonObject channel = added->value("channel"_L1).toObject();
        EXPECT_EQ(channel.value("topic"_L1).toString(), u"about design"_s);
        EXPECT_FALSE(channel.value("private"_L1).toBool(true));
        EXPECT_EQ(channel.value("last_seq"_L1).toInteger(-1), 0);
        EXPECT_FALSE(added->contains("id"_L1));
        // Only the creator is a member: her other device puts it in the sidebar.
        EXPECT_EQ(added->value("member"_L1).toBool(), c != bob) << dump(*added).toStdString();
    }
    // On the creator's connection the event comes before the reply.
    EXPECT_LT(indexOf(alice, channelEvent(u"added"_s, u"design"_s)),
              indexOf(alice, [id](const QJsonObject &f) {
                  return f.value("t"_L1).toString() == "reply"_L1 &&
                         f.value("id"_L1).toInteger() == id;
              }));

    // Whatever reaches the connection that has not signed in comes before this reply.
    const auto notReady = stranger->request(QJsonObject{{"t"_L1, "channels"_L1}});
    ASSERT_TRUE(notReady);
    EXPECT_EQ(errorCode(*notReady), u"not_ready"_s);
    ASSERT_NO_FATAL_FAILURE(marker(bob, u"marker"_s, {alice, aliceToo, bob}));
    EXPECT_TRUE(stranger->receivedOf(u"channel"_s).isEmpty()) << "a connection without hello";
    for (TestClient *c : {alice, aliceToo, bob})
        EXPECT_EQ(channelEvents(c, u"added"_s, u"design"_s), 1);
}

TEST_F(Lists, APrivateChannelIsAddedOnlyForItsMembers)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *aliceToo = signIn(u"alice"_s);
    TestClient *bob = signIn(u"bob"_s);
    TestClient *bobToo = signIn(u"bob"_s);
    TestClient *carol = signIn(u"carol"_s);
    ASSERT_TRUE(alice && aliceToo && bob && bobToo && carol);

    expectOk(alice, create(u"secret"_s, true));
    for (TestClient *c : {alice, aliceToo}) {
        const auto added = c->waitFor(u"channel"_s, channelEvent(u"added"_s, u"secret"_s));
        ASSERT_TRUE(added) << "the creator's connection was not told";
        EXPECT_TRUE(added->value("channel"_L1).toObject().value("private"_L1).toBool());
    }
    ASSERT_NO_FATAL_FAILURE(marker(alice, u"marker1"_s, {bob, bobToo, carol}));
    for (TestClient *c : {bob, bobToo, carol})
        EXPECT_EQ(channelEvents(c, u"added"_s, u"secret"_s), 0)
            << "a private channel was announced to a non-member";

    ASSERT_TRUE(alice->joinSynced(u"secret"_s));
    expectOk(aliceToo, invite(u"secret"_s, u"bob"_s));
    for (TestClient *c : {bob, bobToo})
        ASSERT_TRUE(c->waitFor(u"channel"_s, channelEvent(u"added"_s, u"secret"_s)))
            << "an invited user's connection was not told";
    // alice's connection joined to the channel hears of the new member; the other does not.
    const auto joined =
        alice->waitFor(u"member"_s, memberEvent(u"joined"_s, u"secret"_s, u"bob"_s));
    ASSERT_TRUE(joined);
    EXPECT_EQ(joined->value("display"_L1).toString(), u"Bob"_s);

    // A second invite of a member changes nothing.
    expectOk(alice, invite(u"secret"_s, u"bob"_s));
    ASSERT_NO_FATAL_FAILURE(marker(alice, u"marker2"_s, {alice, aliceToo, bob, bobToo, carol}));
    for (TestClient *c : {bob, bobToo})
        EXPECT_EQ(channelEvents(c, u"added"_s, u"secret"_s), 1);
    EXPECT_EQ(channelEvents(carol, u"added"_s, u"secret"_s), 0) << "carol was not invited";
    EXPECT_EQ(alice->receivedOf(u"member"_s).size(), 1);
    for (TestClient *c : {aliceToo, bob, bobToo, carol})
        EXPECT_TRUE(c->receivedOf(u"member"_s).isEmpty()) << "a member event off the channel";
}

TEST_F(Lists, ADirectConversationIsAddedForBothMembersOnEveryConnection)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signIn(u"alice"_s);
    TestClient *aliceToo = signIn(u"alice"_s);
    TestClient *bob = signIn(u"bob"_s);
    TestClient *bobToo = signIn(u"bob"_s);
    TestClient *carol = signIn(u"carol"_s);
    ASSERT_TRUE(alice && aliceToo && bob && bobToo && carol);

    const qint64 id =
        alice->sendRequest(QJsonObject{{"t"_L1, "join"_L1}, {"channel"_L1, "dm:alice:bob"_L1}});
    ASSERT_TRUE(alice->waitForReply(id));
    ASSERT_TRUE(alice->waitFor(u"synced"_s));
    for (TestClient *c : {alice, aliceToo, bob, bobToo}) {
        const auto added = c->waitFor(u"channel"_s, channelEvent(u"added"_s, u"dm:alice:bob"_s));
        ASSERT_TRUE(added) << "a member's connection was not told of the conversation";
        EXPECT_TRUE(added->value("channel"_L1).toObject().value("private"_L1).toBool());
    }
    // Before the join reply on the connection that opened it.
    EXPECT_LT(indexOf(alice, channelEvent(u"added"_s, u"dm:alice:bob"_s)),
              indexOf(alice, [id](const QJsonObject &f) {
                  return f.value("t"_L1) == "reply"_L1 && f.value("id"_L1).toInteger() == id;
              }));

    // Joining it again (either member) announces nothing new.
    ASSERT_TRUE(bob->joinSynced(u"dm:alice:bob"_s));
    ASSERT_TRUE(aliceToo->joinSynced(u"dm:alice:bob"_s));
    ASSERT_NO_FATAL_FAILURE(marker(carol, u"marker"_s, {alice, aliceToo, bob, bobToo, carol}));
    for (TestClient *c : {alice, aliceToo, bob, bobToo})
        EXPECT_EQ(channelEvents(c, u"added"_s, u"dm:alice:bob"_s), 1);
    EXPECT_EQ(channelEvents(carol, u"added"_s, u"dm:alice:bob"_s), 0)
        << "a direct conversation was announced to a third user";
}

TEST_F(Lists, LeavingTellsHerOtherConnectionsAndTheJoinedMembers)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *bob = bobInDesign();
    ASSERT_TRUE(bob);
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s, u"design"_s});
    TestClient *aliceToo = signInAndJoin(u"alice"_s, {u"general"_s, u"design"_s});
    TestClient *carol = signInAndJoin(u"carol"_s, {u"general"_s}); // not in design
    ASSERT_TRUE(alice && aliceToo && carol);

    expectOk(alice, leave(u"design"_s));
    const auto removed = aliceToo->waitFor(u"channel"_s, channelEvent(u"removed"_s, u"design"_s));
    ASSERT_TRUE(removed) << "her other connection was not told";
    const auto left = bob->waitFor(u"member"_s, memberEvent(u"left"_s, u"design"_s, u"alice"_s));
    ASSERT_TRUE(left) << "a member joined to the channel was not told";
    EXPECT_EQ(left->value("display"_L1).toString(), u"Alice"_s);

    ASSERT_NO_FATAL_FAILURE(marker(bob, u"marker"_s, {alice, aliceToo, bob, carol}));
    EXPECT_EQ(channelEvents(alice, u"removed"_s, u"design"_s), 0) << "the one that asked";
    EXPECT_EQ(channelEvents(aliceToo, u"removed"_s, u"design"_s), 1);
    for (TestClient *c : {alice, aliceToo, carol}) {
        EXPECT_TRUE(
            c->receivedOf(u"member"_s, memberEvent(u"left"_s, u"design"_s, u"alice"_s)).isEmpty())
            << "a member event reached a connection not joined to the channel";
    }
    EXPECT_EQ(bob->receivedOf(u"member"_s, memberEvent(u"left"_s, u"design"_s, u"alice"_s)).size(),
              1);
    EXPECT_TRUE(carol->receivedOf(u"channel"_s, channelEvent(u"removed"_s, u"design"_s)).isEmpty());

    // Leaving a channel one is not a member of changes no one's list.
    expectOk(carol, leave(u"design"_s));
    ASSERT_NO_FATAL_FAILURE(marker(bob, u"marker2"_s, {bob, carol}));
    EXPECT_TRUE(
        bob->receivedOf(u"member"_s, memberEvent(u"left"_s, u"design"_s, u"carol"_s)).isEmpty());
}

TEST_F(Lists, AJoinThatMakesAMemberTellsTheChannelAndHerOtherConnections)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *bob = bobInDesign();
    ASSERT_TRUE(bob);
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *aliceToo = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *carol = signInAndJoin(u"carol"_s, {u"general"_s});
    ASSERT_TRUE(alice && aliceToo && carol);

    ASSERT_TRUE(alice->joinSynced(u"design"_s));
    const auto joined =
        bob->waitFor(u"member"_s, memberEvent(u"joined"_s, u"design"_s, u"alice"_s));
    ASSERT_TRUE(joined) << "a connection joined to the channel was not told";
    EXPECT_EQ(joined->value("display"_L1).toString(), u"Alice"_s);
    EXPECT_TRUE(aliceToo->waitFor(u"channel"_s, channelEvent(u"added"_s, u"design"_s)))
        << "her other connection was not told she is now a member";

    // A repeated join (this connection or her other one) makes no member anew.
    ASSERT_TRUE(alice->joinSynced(u"design"_s));
    ASSERT_TRUE(aliceToo->joinSynced(u"design"_s));
    ASSERT_NO_FATAL_FAILURE(marker(bob, u"marker"_s, {alice, aliceToo, bob, carol}));
    EXPECT_EQ(bob->receivedOf(u"member"_s).size(), 1);
    EXPECT_EQ(channelEvents(aliceToo, u"added"_s, u"design"_s), 1);
    EXPECT_EQ(channelEvents(alice, u"added"_s, u"design"_s), 0) << "the joining connection";
    for (TestClient *c : {alice, aliceToo, carol})
        EXPECT_TRUE(c->receivedOf(u"member"_s).isEmpty()) << "a member event off the channel";
}

TEST_F(Lists, DisplayStandsBesideUserInJoinMembersPresenceAndTheAdminSnapshot)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *bob = signIn(u"bob"_s);
    ASSERT_TRUE(alice && bob);
    EXPECT_EQ(alice->helloOk().value("protocol"_L1).toString(), u"1.2"_s);

    const auto join = bob->join(u"general"_s);
    ASSERT_TRUE(join && isOk(*join));
    QHash<QString, QString> displays;
    for (const QJsonValue &v : join->value("ok"_L1).toObject().value("members"_L1).toArray())
        displays.insert(v["user"_L1].toString(), v["display"_L1].toString());
    EXPECT_EQ(displays.value(u"alice"_s), u"Alice"_s);
    EXPECT_EQ(displays.value(u"carol"_s), u"Carol"_s) << "members offline too";

    expectOk(bob, QJsonObject{{"t"_L1, "presence"_L1}, {"status"_L1, "away"_L1}});
    const auto presence = alice->waitFor(u"presence"_s, [](const QJsonObject &f) {
        return f.value("user"_L1) == "bob"_L1 && f.value("status"_L1) == "away"_L1;
    });
    ASSERT_TRUE(presence);
    EXPECT_EQ(presence->value("display"_L1).toString(), u"Bob"_s);

    TestClient *root = signIn(u"root"_s);
    ASSERT_TRUE(root);
    const QJsonObject snapshot = expectOk(root, QJsonObject{{"t"_L1, "admin.watch"_L1}});
    bool sawCarol = false;
    for (const QJsonValue &v : snapshot.value("users"_L1).toArray()) {
        if (v["user"_L1].toString() == "carol"_L1) {
            sawCarol = true;
            EXPECT_EQ(v["display"_L1].toString(), u"Carol"_s);
        }
    }
    EXPECT_TRUE(sawCarol);
}

TEST_F(Lists, SigningInMakesNoOneAMemberOfThePublicChannels)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signIn(u"alice"_s);
    ASSERT_TRUE(alice);
    expectOk(alice, create(u"design"_s));
    // dave signs in on two connections and joins nothing.
    TestClient *dave = signIn(u"dave"_s);
    TestClient *daveToo = signIn(u"dave"_s);
    ASSERT_TRUE(dave && daveToo);
    QStringList listed;
    for (const QJsonValue &v : daveToo->helloOk().value("channels"_L1).toArray())
        listed.append(v["name"_L1].toString());
    EXPECT_EQ(listed, QStringList{u"general"_s}) << "hello lists memberships only";

    const auto join = alice->join(u"design"_s);
    ASSERT_TRUE(join && isOk(*join));
    QStringList members;
    for (const QJsonValue &v : join->value("ok"_L1).toObject().value("members"_L1).toArray())
        members.append(v["user"_L1].toString());
    EXPECT_EQ(members, QStringList{u"alice"_s}) << "a sign-in made someone a member";
}

} // namespace
