// SPDX-License-Identifier: Apache-2.0
// Channels: create, list, join and leave, private channels and invites, direct conversations.

#include "serverfixture.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

class Channels : public ServerFixture
{
protected:
    static QStringList channelNames(const QJsonObject &ok)
    {
        QStringList names;
        for (const QJsonValue &v : ok.value("channels"_L1).toArray())
            names.append(v.toObject().value("name"_L1).toString());
        return names;
    }

    static QJsonObject create(const QString &name, bool isPrivate = false,
                              const QString &topic = QString())
    {
        QJsonObject f{{"t"_L1, "create"_L1}, {"channel"_L1, name}, {"private"_L1, isPrivate}};
        if (!topic.isNull())
            f.insert("topic"_L1, topic);
        return f;
    }

    static QJsonObject invite(const QString &channel, const QString &user)
    {
        return QJsonObject{{"t"_L1, "invite"_L1}, {"channel"_L1, channel}, {"user"_L1, user}};
    }

    static QJsonObject joinFrame(const QString &channel)
    {
        return QJsonObject{{"t"_L1, "join"_L1}, {"channel"_L1, channel}};
    }
};

TEST_F(Channels, CreateListAndConflict)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signIn(u"alice"_s);
    TestClient *bob = signIn(u"bob"_s);
    ASSERT_TRUE(alice && bob);

    const QJsonObject created = expectOk(alice, create(u"design"_s, false, u"pixels"_s));
    Q_UNUSED(created);
    expectError(bob, create(u"design"_s), u"conflict"_s);
    expectError(bob, create(u"general"_s), u"conflict"_s);

    const QJsonObject list = expectOk(bob, QJsonObject{{"t"_L1, "channels"_L1}});
    EXPECT_TRUE(channelNames(list).contains(u"general"_s));
    EXPECT_TRUE(channelNames(list).contains(u"design"_s));
    for (const QJsonValue &v : list.value("channels"_L1).toArray()) {
        const QJsonObject channel = v.toObject();
        if (channel.value("name"_L1).toString() == "design"_L1) {
            EXPECT_EQ(channel.value("topic"_L1).toString(), u"pixels"_s);
            EXPECT_EQ(channel.value("last_seq"_L1).toInteger(-1), 0);
        }
    }
    // The creator is a member: the join reply lists her.
    const auto joined = bob->join(u"design"_s);
    ASSERT_TRUE(joined && isOk(*joined));
    QStringList members;
    for (const QJsonValue &v : joined->value("ok"_L1).toObject().value("members"_L1).toArray())
        members.append(v.toObject().value("user"_L1).toString());
    EXPECT_TRUE(members.contains(u"alice"_s)) << members.join(u',').toStdString();
    EXPECT_TRUE(members.contains(u"bob"_s)) << members.join(u',').toStdString();
}

TEST_F(Channels, InvalidNamesAreBadRequest)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signIn(u"alice"_s);
    ASSERT_TRUE(alice);
    for (const QString &name : {u""_s, u"Upper"_s, u"has space"_s, u"x"_s.repeated(65),
                                u"dots.are.for.users"_s, u"ümlaut"_s}) {
        expectError(alice, create(name), u"bad_request"_s);
    }
    expectOk(alice, create(u"x"_s.repeated(64)));
    expectOk(alice, create(u"a-b_c-9"_s));
    // A direct conversation cannot be created, only joined.
    expectError(alice, create(u"dm:alice:bob"_s), u"bad_request"_s);
}

TEST_F(Channels, JoinReplyHoldsChannelLastSeqMembersAndTyping)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(bob);
    ASSERT_TRUE(bob->publish(u"general"_s, u"one"_s));
    TestClient *alice = signIn(u"alice"_s);
    ASSERT_TRUE(alice);
    const auto reply = alice->join(u"general"_s);
    ASSERT_TRUE(reply && isOk(*reply));
    const QJsonObject ok = reply->value("ok"_L1).toObject();
    EXPECT_EQ(ok.value("channel"_L1).toObject().value("name"_L1).toString(), u"general"_s);
    EXPECT_EQ(ok.value("last_seq"_L1).toInteger(), 1);
    EXPECT_TRUE(ok.value("typing"_L1).isArray());
    bool bobOnline = false;
    for (const QJsonValue &v : ok.value("members"_L1).toArray()) {
        const QJsonObject m = v.toObject();
        if (m.value("user"_L1).toString() == "bob"_L1)
            bobOnline = m.value("status"_L1).toString() == "online"_L1;
    }
    EXPECT_TRUE(bobOnline) << dump(ok).toStdString();
}

TEST_F(Channels, JoinOfAnUnknownChannelIsNotFound)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signIn(u"alice"_s);
    ASSERT_TRUE(alice);
    expectError(alice, joinFrame(u"nowhere"_s), u"not_found"_s);
}

TEST_F(Channels, PrivateChannelIsHiddenAndClosedToNonMembersUntilInvited)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signIn(u"alice"_s);
    TestClient *bob = signIn(u"bob"_s);
    TestClient *carol = signIn(u"carol"_s);
    ASSERT_TRUE(alice && bob && carol);
    expectOk(alice, create(u"secret"_s, true));

    EXPECT_TRUE(
        channelNames(expectOk(alice, QJsonObject{{"t"_L1, "channels"_L1}})).contains(u"secret"_s));
    EXPECT_FALSE(
        channelNames(expectOk(bob, QJsonObject{{"t"_L1, "channels"_L1}})).contains(u"secret"_s));
    expectError(bob, joinFrame(u"secret"_s), u"forbidden"_s);
    auto reply = bob->publish(u"secret"_s, u"let me in"_s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(errorCode(*reply), u"forbidden"_s) << dump(*reply).toStdString();

    // A non-member cannot invite.
    expectError(carol, invite(u"secret"_s, u"bob"_s), u"forbidden"_s);
    // A member can.
    expectOk(alice, invite(u"secret"_s, u"bob"_s));
    EXPECT_TRUE(
        channelNames(expectOk(bob, QJsonObject{{"t"_L1, "channels"_L1}})).contains(u"secret"_s));
    ASSERT_TRUE(bob->joinSynced(u"secret"_s));
    reply = bob->publish(u"secret"_s, u"in"_s);
    ASSERT_TRUE(reply);
    EXPECT_TRUE(isOk(*reply)) << dump(*reply).toStdString();
    // An invited member can invite in turn.
    expectOk(bob, invite(u"secret"_s, u"carol"_s));
    ASSERT_TRUE(carol->joinSynced(u"secret"_s));
    // Still hidden from dave.
    TestClient *dave = signIn(u"dave"_s);
    ASSERT_TRUE(dave);
    expectError(dave, joinFrame(u"secret"_s), u"forbidden"_s);
}

TEST_F(Channels, DirectConversationIsOpenOnlyToItsTwoMembers)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signIn(u"alice"_s);
    TestClient *bob = signIn(u"bob"_s);
    TestClient *carol = signIn(u"carol"_s);
    ASSERT_TRUE(alice && bob && carol);

    expectError(carol, joinFrame(u"dm:alice:bob"_s), u"forbidden"_s);
    // A member's join creates it.
    ASSERT_TRUE(alice->joinSynced(u"dm:alice:bob"_s));
    ASSERT_TRUE(bob->joinSynced(u"dm:alice:bob"_s));
    const auto reply = alice->publish(u"dm:alice:bob"_s, u"psst"_s);
    ASSERT_TRUE(reply);
    ASSERT_TRUE(isOk(*reply)) << dump(*reply).toStdString();
    const auto msg = bob->waitFor(u"msg"_s);
    ASSERT_TRUE(msg);
    EXPECT_EQ(msg->value("text"_L1).toString(), u"psst"_s);
    EXPECT_EQ(msg->value("channel"_L1).toString(), u"dm:alice:bob"_s);

    expectError(carol, joinFrame(u"dm:alice:bob"_s), u"forbidden"_s);
    const auto carolPublish = carol->publish(u"dm:alice:bob"_s, u"me too"_s);
    ASSERT_TRUE(carolPublish);
    EXPECT_EQ(errorCode(*carolPublish), u"forbidden"_s) << dump(*carolPublish).toStdString();
    expectError(alice, invite(u"dm:alice:bob"_s, u"carol"_s), u"forbidden"_s);
    EXPECT_FALSE(channelNames(expectOk(carol, QJsonObject{{"t"_L1, "channels"_L1}}))
                     .contains(u"dm:alice:bob"_s));
    EXPECT_TRUE(channelNames(expectOk(bob, QJsonObject{{"t"_L1, "channels"_L1}}))
                    .contains(u"dm:alice:bob"_s));
    // Names out of order or the same user twice are not direct-conversation names.
    expectError(alice, joinFrame(u"dm:bob:alice"_s), u"bad_request"_s);
    expectError(alice, joinFrame(u"dm:alice:alice"_s), u"bad_request"_s);
}

TEST_F(Channels, LeaveEndsSubscriptionAndMembership)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(alice && bob);
    expectOk(alice, QJsonObject{{"t"_L1, "create"_L1}, {"channel"_L1, "other"_L1}});
    ASSERT_TRUE(bob->joinSynced(u"other"_s));

    expectOk(bob, QJsonObject{{"t"_L1, "leave"_L1}, {"channel"_L1, "general"_L1}});
    auto reply = bob->publish(u"general"_s, u"after leaving"_s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(errorCode(*reply), u"forbidden"_s) << dump(*reply).toStdString();

    // Barrier: alice publishes to general, then to other; bob gets only the second.
    ASSERT_TRUE(alice->publish(u"general"_s, u"to general"_s));
    ASSERT_TRUE(alice->publish(u"other"_s, u"to other"_s));
    const auto msg = bob->waitFor(u"msg"_s);
    ASSERT_TRUE(msg);
    EXPECT_EQ(msg->value("channel"_L1).toString(), u"other"_s);
    EXPECT_EQ(bob->receivedOf(u"msg"_s,
                              [](const QJsonObject &m) {
                                  return m.value("channel"_L1).toString() == "general"_L1;
                              })
                  .size(),
              0);
}

TEST_F(Channels, LeavingAPrivateChannelNeedsANewInviteToComeBack)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signIn(u"alice"_s);
    TestClient *bob = signIn(u"bob"_s);
    ASSERT_TRUE(alice && bob);
    expectOk(alice, create(u"secret"_s, true));
    expectOk(alice, invite(u"secret"_s, u"bob"_s));
    ASSERT_TRUE(bob->joinSynced(u"secret"_s));
    expectOk(bob, QJsonObject{{"t"_L1, "leave"_L1}, {"channel"_L1, "secret"_L1}});
    expectError(bob, joinFrame(u"secret"_s), u"forbidden"_s);
}

} // namespace

namespace {

/// The `msg` events of `channel` among everything `client` received.
qsizetype msgsIn(const TestClient *client, const QString &channel)
{
    return client
        ->receivedOf(
            u"msg"_s,
            [&](const QJsonObject &m) { return m.value("channel"_L1).toString() == channel; })
        .size();
}

TEST_F(Channels, LeaveOnOneConnectionEndsThePublicChannelOnHerOtherConnection)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(alice && bob);
    expectOk(bob, create(u"other"_s, false, u"elsewhere"_s));
    ASSERT_TRUE(alice->joinSynced(u"other"_s));
    TestClient *aliceToo = signInAndJoin(u"alice"_s, {u"general"_s, u"other"_s});
    ASSERT_TRUE(aliceToo);
    ASSERT_TRUE(bob->publish(u"general"_s, u"before"_s));
    ASSERT_TRUE(aliceToo->waitFor(u"msg"_s));

    expectOk(alice, QJsonObject{{"t"_L1, "leave"_L1}, {"channel"_L1, "general"_L1}});
    const auto removed = aliceToo->waitFor(u"channel"_s);
    ASSERT_TRUE(removed) << "her other connection was not told the channel ended";
    EXPECT_EQ(removed->value("event"_L1).toString(), u"removed"_s) << dump(*removed).toStdString();
    const QJsonObject channel = removed->value("channel"_L1).toObject();
    EXPECT_EQ(channel.value("name"_L1).toString(), u"general"_s);
    EXPECT_FALSE(channel.value("private"_L1).toBool());
    EXPECT_EQ(channel.value("last_seq"_L1).toInteger(-1), 1) << dump(*removed).toStdString();
    EXPECT_TRUE(channel.contains("topic"_L1));
    EXPECT_FALSE(removed->contains("id"_L1));

    // bob publishes to general, then to other: her connections get only the second.
    ASSERT_TRUE(bob->publish(u"general"_s, u"after"_s));
    ASSERT_TRUE(bob->publish(u"other"_s, u"barrier"_s));
    for (TestClient *c : {alice, aliceToo}) {
        ASSERT_TRUE(c->waitFor(u"msg"_s, [](const QJsonObject &m) {
            return m.value("channel"_L1).toString() == "other"_L1;
        }));
    }
    EXPECT_EQ(msgsIn(aliceToo, u"general"_s), 1) << "a msg of general after leave";
    EXPECT_EQ(msgsIn(alice, u"general"_s), 1);
    // The one that asked got the reply, not the event.
    const auto isRemoved = [](const QJsonObject &f) {
        return f.value("event"_L1).toString() == "removed"_L1;
    };
    EXPECT_TRUE(alice->receivedOf(u"channel"_s, isRemoved).isEmpty());
    EXPECT_EQ(aliceToo->receivedOf(u"channel"_s, isRemoved).size(), 1);
    // The membership is gone for both.
    const auto reply = aliceToo->publish(u"general"_s, u"still here?"_s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(errorCode(*reply), u"forbidden"_s) << dump(*reply).toStdString();
}

TEST_F(Channels, LeavingAPrivateChannelOnOneConnectionStopsItOnHerOtherConnection)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *carol = signInAndJoin(u"carol"_s, {u"general"_s});
    ASSERT_TRUE(carol);
    expectOk(carol, create(u"secret"_s, true, u"hush"_s));
    expectOk(carol, invite(u"secret"_s, u"alice"_s));
    ASSERT_TRUE(carol->joinSynced(u"secret"_s));
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s, u"secret"_s});
    TestClient *aliceToo = signInAndJoin(u"alice"_s, {u"general"_s, u"secret"_s});
    ASSERT_TRUE(alice && aliceToo);

    expectOk(alice, QJsonObject{{"t"_L1, "leave"_L1}, {"channel"_L1, "secret"_L1}});
    const auto removed = aliceToo->waitFor(u"channel"_s);
    ASSERT_TRUE(removed) << "her other connection was not told the channel ended";
    EXPECT_EQ(removed->value("event"_L1).toString(), u"removed"_s);
    EXPECT_EQ(removed->value("channel"_L1).toObject().value("name"_L1).toString(), u"secret"_s);
    EXPECT_TRUE(removed->value("channel"_L1).toObject().value("private"_L1).toBool());

    // carol publishes to secret, then to general: her connections get only the second.
    ASSERT_TRUE(carol->publish(u"secret"_s, u"not for alice any more"_s));
    ASSERT_TRUE(carol->publish(u"general"_s, u"barrier"_s));
    for (TestClient *c : {alice, aliceToo}) {
        ASSERT_TRUE(c->waitFor(u"msg"_s, [](const QJsonObject &m) {
            return m.value("channel"_L1).toString() == "general"_L1;
        }));
        EXPECT_EQ(msgsIn(c, u"secret"_s), 0) << "a private channel still delivered after leave";
    }
    // Neither connection can read, write or re-enter it.
    for (TestClient *c : {alice, aliceToo}) {
        const auto published = c->publish(u"secret"_s, u"let me back"_s);
        ASSERT_TRUE(published);
        EXPECT_EQ(errorCode(*published), u"forbidden"_s) << dump(*published).toStdString();
        expectError(
            c, QJsonObject{{"t"_L1, "history"_L1}, {"channel"_L1, "secret"_L1}, {"after"_L1, 0}},
            u"forbidden"_s);
        expectError(c, joinFrame(u"secret"_s), u"forbidden"_s);
    }
}

} // namespace
