// SPDX-License-Identifier: Apache-2.0
// Read positions (protocol 1.2): `read` requests, the `read` event to the user's OTHER
// connections only, the join reply's `read_seq`, clamping, never going back, refusals that
// change nothing, and positions kept across a restart. The same user is always on two
// connections. Absence is proven by a later marker frame, never by a sleep.

#include "serverfixture.h"

#include "server.h"

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

class Reads : public ServerFixture
{
protected:
    static QJsonObject read(const QString &channel, const QJsonValue &seq)
    {
        QJsonObject frame{{"t"_L1, "read"_L1}, {"channel"_L1, channel}};
        if (!seq.isUndefined())
            frame.insert("seq"_L1, seq);
        return frame;
    }

    static FramePredicate readEvent(const QString &channel, qint64 seq)
    {
        return [channel, seq](const QJsonObject &f) {
            return f.value("channel"_L1).toString() == channel &&
                   f.value("seq"_L1).toInteger(-1) == seq;
        };
    }

    /// The join reply's read_seq of `channel` on `client` (-1 when the join failed).
    static qint64 readSeqOnJoin(TestClient *client, const QString &channel)
    {
        const auto reply = client->join(channel);
        if (!reply || !isOk(*reply)) {
            ADD_FAILURE() << "join " << channel.toStdString() << " failed";
            return -1;
        }
        const QJsonObject ok = reply->value("ok"_L1).toObject();
        EXPECT_TRUE(ok.contains("read_seq"_L1)) << dump(ok).toStdString();
        return ok.value("read_seq"_L1).toInteger(-1);
    }

    /// `author` publishes `text` to general; every one of `watchers` (joined to general)
    /// waits for it: whatever the server sent them before has arrived.
    static void marker(TestClient *author, const QString &text, const QList<TestClient *> &watchers)
    {
        ASSERT_TRUE(author->publish(u"general"_s, text));
        for (TestClient *watcher : watchers) {
            ASSERT_TRUE(watcher->waitFor(
                u"msg"_s,
                [text](const QJsonObject &f) { return f.value("text"_L1).toString() == text; }))
                << "no marker " << text.toStdString();
        }
    }

    /// alice on two connections and bob, all joined to general, which holds `count`
    /// messages by bob.
    void aliceTwiceAndBob(int count)
    {
        ASSERT_NO_FATAL_FAILURE(start());
        alice = signInAndJoin(u"alice"_s, {u"general"_s});
        aliceToo = signInAndJoin(u"alice"_s, {u"general"_s});
        bob = signInAndJoin(u"bob"_s, {u"general"_s});
        ASSERT_TRUE(alice && aliceToo && bob);
        for (int i = 1; i <= count; ++i)
            ASSERT_TRUE(bob->publish(u"general"_s, u"message %1"_s.arg(i)));
        for (TestClient *c : {alice, aliceToo, bob}) {
            ASSERT_TRUE(c->waitFor(u"msg"_s, [count](const QJsonObject &f) {
                return f.value("seq"_L1).toInteger() == count;
            }));
        }
    }

    TestClient *alice = nullptr;
    TestClient *aliceToo = nullptr;
    TestClient *bob = nullptr;
};

TEST_F(Reads, AReadIsToldToTheUsersOtherConnectionOnlyAndNeverToOthers)
{
    ASSERT_NO_FATAL_FAILURE(aliceTwiceAndBob(3));
    const QJsonObject ok = expectOk(alice, read(u"general"_s, 2));
    EXPECT_EQ(ok.value("read_seq"_L1).toInteger(), 2);

    const auto event = aliceToo->waitFor(u"read"_s, readEvent(u"general"_s, 2));
    ASSERT_TRUE(event) << "alice's other connection was not told";
    EXPECT_FALSE(event->contains("id"_L1));
    EXPECT_EQ(event->size(), 3) << dump(*event).toStdString(); // t, channel, seq

    ASSERT_NO_FATAL_FAILURE(marker(bob, u"marker"_s, {alice, aliceToo, bob}));
    EXPECT_TRUE(alice->receivedOf(u"read"_s).isEmpty()) << "the sender's own connection";
    EXPECT_TRUE(bob->receivedOf(u"read"_s).isEmpty()) << "another user";
    EXPECT_EQ(aliceToo->receivedOf(u"read"_s).size(), 1);
}

TEST_F(Reads, ThePositionNeverGoesBackAndOnlyAMoveIsTold)
{
    ASSERT_NO_FATAL_FAILURE(aliceTwiceAndBob(3));
    EXPECT_EQ(expectOk(alice, read(u"general"_s, 3)).value("read_seq"_L1).toInteger(), 3);
    ASSERT_TRUE(aliceToo->waitFor(u"read"_s, readEvent(u"general"_s, 3)));
    // Older and equal positions change nothing and tell no one; the reply says where it is.
    EXPECT_EQ(expectOk(aliceToo, read(u"general"_s, 1)).value("read_seq"_L1).toInteger(), 3);
    EXPECT_EQ(expectOk(alice, read(u"general"_s, 3)).value("read_seq"_L1).toInteger(), 3);
    EXPECT_EQ(expectOk(alice, read(u"general"_s, 0)).value("read_seq"_L1).toInteger(), 3);

    ASSERT_NO_FATAL_FAILURE(marker(bob, u"marker"_s, {alice, aliceToo, bob}));
    EXPECT_TRUE(alice->receivedOf(u"read"_s).isEmpty());
    EXPECT_EQ(aliceToo->receivedOf(u"read"_s).size(), 1);
    EXPECT_EQ(readSeqOnJoin(alice, u"general"_s), 3);
}

TEST_F(Reads, APositionPastTheNewestMessageIsClampedToIt)
{
    ASSERT_NO_FATAL_FAILURE(aliceTwiceAndBob(3));
    EXPECT_EQ(expectOk(alice, read(u"general"_s, 1000000)).value("read_seq"_L1).toInteger(), 3);
    ASSERT_TRUE(aliceToo->waitFor(u"read"_s, readEvent(u"general"_s, 3)));
    EXPECT_EQ(readSeqOnJoin(aliceToo, u"general"_s), 3);
    // The next message is unread: the clamped position did not run ahead of it.
    ASSERT_TRUE(bob->publish(u"general"_s, u"fourth"_s));
    EXPECT_EQ(expectOk(alice, read(u"general"_s, 4)).value("read_seq"_L1).toInteger(), 4);
    ASSERT_TRUE(aliceToo->waitFor(u"read"_s, readEvent(u"general"_s, 4)));
}

TEST_F(Reads, TheJoinReplyCarriesZeroBeforeAnyRead)
{
    ASSERT_NO_FATAL_FAILURE(aliceTwiceAndBob(2));
    EXPECT_EQ(readSeqOnJoin(alice, u"general"_s), 0);
    const QJsonObject hello = alice->helloOk();
    EXPECT_EQ(hello.value("protocol"_L1).toString(), u"1.2"_s);
}

TEST_F(Reads, NonMembersAndBadInputAreRefusedAndChangeNothing)
{
    ASSERT_NO_FATAL_FAILURE(aliceTwiceAndBob(3));
    TestClient *carol = signIn(u"carol"_s);
    ASSERT_TRUE(carol);
    // A private channel of bob's, and a public one alice is not a member of.
    expectOk(bob,
             QJsonObject{{"t"_L1, "create"_L1}, {"channel"_L1, "secret"_L1}, {"private"_L1, true}});
    ASSERT_TRUE(bob->joinSynced(u"secret"_s));
    ASSERT_TRUE(bob->publish(u"secret"_s, u"hush"_s));
    expectOk(bob, QJsonObject{{"t"_L1, "create"_L1}, {"channel"_L1, "design"_L1}});
    ASSERT_TRUE(bob->joinSynced(u"design"_s));
    ASSERT_TRUE(bob->publish(u"design"_s, u"sketch"_s));
    ASSERT_TRUE(expectOk(alice, read(u"general"_s, 1)).contains("read_seq"_L1));
    ASSERT_TRUE(aliceToo->waitFor(u"read"_s, readEvent(u"general"_s, 1)));

    // The same answers `history` and `publish` give a non-member.
    const auto history = alice->request(
        QJsonObject{{"t"_L1, "history"_L1}, {"channel"_L1, "secret"_L1}, {"before"_L1, 10}});
    ASSERT_TRUE(history);
    EXPECT_EQ(errorCode(*history), u"forbidden"_s);
    expectError(alice, read(u"secret"_s, 1), u"forbidden"_s);
    expectError(alice, read(u"design"_s, 1), u"forbidden"_s);
    expectError(carol, read(u"dm:alice:bob"_s, 1), u"forbidden"_s);
    expectError(alice, read(u"nowhere"_s, 1), u"not_found"_s);
    for (const QJsonValue &seq : {QJsonValue(-1), QJsonValue(u"2"_s), QJsonValue(1.5),
                                  QJsonValue(QJsonValue::Null), QJsonValue(QJsonValue::Undefined)})
        expectError(alice, read(u"general"_s, seq), u"bad_request"_s);
    expectError(alice, read(u"Not A Name"_s, 2), u"bad_request"_s);

    ASSERT_NO_FATAL_FAILURE(marker(bob, u"marker"_s, {alice, aliceToo, bob}));
    EXPECT_EQ(aliceToo->receivedOf(u"read"_s).size(), 1) << "a refused read was told";
    EXPECT_TRUE(bob->receivedOf(u"read"_s).isEmpty());
    EXPECT_EQ(readSeqOnJoin(alice, u"general"_s), 1);
    // Joining design makes alice a member: her position there starts at 0.
    EXPECT_EQ(readSeqOnJoin(alice, u"design"_s), 0);
}

TEST_F(Reads, PositionsAreKeptAcrossARestart)
{
    ASSERT_NO_FATAL_FAILURE(aliceTwiceAndBob(3));
    expectOk(alice, read(u"general"_s, 2));
    ASSERT_TRUE(aliceToo->waitFor(u"read"_s, readEvent(u"general"_s, 2)));
    stopServer();

    server = std::make_unique<confab::server::Server>(config);
    QString error;
    ASSERT_TRUE(server->start(&error)) << error.toStdString();
    url = server->url();
    TestClient *again = signIn(u"alice"_s);
    ASSERT_TRUE(again);
    EXPECT_EQ(readSeqOnJoin(again, u"general"_s), 2);
    // And it still never goes back.
    EXPECT_EQ(expectOk(again, read(u"general"_s, 1)).value("read_seq"_L1).toInteger(), 2);
}

} // namespace
