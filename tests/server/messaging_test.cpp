// SPDX-License-Identifier: Apache-2.0
// Messages: publish and msg, ordering, idempotent cid, resume with since, the catch-up cap,
// rewind, history paging, byte-exact text and the text limit.

#include "serverfixture.h"

#include <QDateTime>
#include <QJsonArray>
#include <QSet>

#include <map>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

class Messaging : public ServerFixture
{
protected:
    /// Publishes `count` messages "m1".."mN" (pipelined) and waits for every ack.
    QList<QJsonObject> publishMany(TestClient *client, const QString &channel, int count,
                                   const QString &prefix = u"m"_s)
    {
        QList<qint64> ids;
        for (int i = 1; i <= count; ++i)
            ids.append(client->sendPublish(channel, prefix + QString::number(i)));
        QList<QJsonObject> oks;
        for (qint64 id : ids) {
            const auto reply = client->waitForReply(id);
            if (!reply) {
                ADD_FAILURE() << "no reply to publish " << id;
                return oks;
            }
            EXPECT_TRUE(isOk(*reply)) << dump(*reply).toStdString();
            oks.append(reply->value("ok"_L1).toObject());
        }
        return oks;
    }

    /// Collects `msg` events of `channel` until one with `lastSeq` arrived. Returns them
    /// in arrival order.
    static QList<QJsonObject> msgsUntil(TestClient *client, const QString &channel, qint64 lastSeq)
    {
        QList<QJsonObject> out;
        auto isOfChannel = [&](const QJsonObject &f) {
            return f.value("channel"_L1).toString() == channel;
        };
        while (true) {
            const auto msg = client->waitFor(u"msg"_s, isOfChannel);
            if (!msg) {
                ADD_FAILURE() << "timed out waiting for msg seq " << lastSeq << " in "
                              << channel.toStdString() << " (have " << out.size() << ")";
                return out;
            }
            out.append(*msg);
            if (msg->value("seq"_L1).toInteger() >= lastSeq)
                return out;
        }
    }

    static QList<qint64> seqs(const QList<QJsonObject> &messages)
    {
        QList<qint64> out;
        for (const QJsonObject &m : messages)
            out.append(m.value("seq"_L1).toInteger());
        return out;
    }

    static QList<qint64> range(qint64 first, qint64 last)
    {
        QList<qint64> out;
        for (qint64 s = first; s <= last; ++s)
            out.append(s);
        return out;
    }

    static QJsonObject historyFrame(const QString &channel, const char *direction, qint64 seq,
                                    int limit = -1)
    {
        QJsonObject f{{"t"_L1, "history"_L1}, {"channel"_L1, channel}};
        f.insert(QLatin1StringView(direction), seq);
        if (limit >= 0)
            f.insert("limit"_L1, limit);
        return f;
    }
};

TEST_F(Messaging, PublishIsAckedThenDeliveredToEveryJoinedConnectionSenderIncluded)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    TestClient *aliceToo = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *notJoined = signIn(u"carol"_s);
    ASSERT_TRUE(alice && bob && aliceToo && notJoined);

    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    const QString cid = newCid();
    const auto reply = alice->publish(u"general"_s, u"hello"_s, cid);
    const qint64 after = QDateTime::currentMSecsSinceEpoch();
    ASSERT_TRUE(reply);
    ASSERT_TRUE(isOk(*reply)) << dump(*reply).toStdString();
    const QJsonObject ok = reply->value("ok"_L1).toObject();
    EXPECT_EQ(ok.value("seq"_L1).toInteger(), 1);
    EXPECT_FALSE(ok.value("mid"_L1).toString().isEmpty());
    EXPECT_TRUE(ok.value("dup"_L1).isBool());
    EXPECT_FALSE(ok.value("dup"_L1).toBool());
    const qint64 ts = ok.value("ts"_L1).toInteger();
    EXPECT_GE(ts, before - 1000);
    EXPECT_LE(ts, after + 1000);

    for (TestClient *c : {alice, bob, aliceToo}) {
        const auto msg = c->waitFor(u"msg"_s);
        ASSERT_TRUE(msg);
        EXPECT_EQ(msg->value("channel"_L1).toString(), u"general"_s);
        EXPECT_EQ(msg->value("seq"_L1).toInteger(), 1);
        EXPECT_EQ(msg->value("mid"_L1).toString(), ok.value("mid"_L1).toString());
        EXPECT_EQ(msg->value("cid"_L1).toString(), cid);
        EXPECT_EQ(msg->value("from"_L1).toString(), u"alice"_s);
        EXPECT_EQ(msg->value("ts"_L1).toInteger(), ts);
        EXPECT_EQ(msg->value("text"_L1).toString(), u"hello"_s);
        EXPECT_FALSE(msg->contains("id"_L1)) << "events carry no id";
    }
    // carol, signed in but not joined, gets nothing: a later message to a channel she did
    // join arrives first.
    ASSERT_TRUE(notJoined->joinSynced(u"general"_s, {{"since"_L1, 1}}));
    ASSERT_TRUE(alice->publish(u"general"_s, u"second"_s));
    const auto msg = notJoined->waitFor(u"msg"_s);
    ASSERT_TRUE(msg);
    EXPECT_EQ(msg->value("seq"_L1).toInteger(), 2);
}

TEST_F(Messaging, HerOwnMessagesReachHerOtherConnectionExactlyOnceAndOnlyTheSenderGetsReplies)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *sender = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *other = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(sender && other && bob);

    const QList<QJsonObject> oks = publishMany(sender, u"general"_s, 3);
    ASSERT_EQ(oks.size(), 3);
    EXPECT_EQ(oks.at(0).value("seq"_L1).toInteger(), 1);
    EXPECT_EQ(oks.at(2).value("seq"_L1).toInteger(), 3);
    // The same cid again: a dup reply, and nothing broadcast again.
    const QString cid = newCid();
    const auto first = sender->publish(u"general"_s, u"m4"_s, cid);
    ASSERT_TRUE(first && isOk(*first));
    const auto again = sender->publish(u"general"_s, u"m4"_s, cid);
    ASSERT_TRUE(again && isOk(*again));
    EXPECT_TRUE(again->value("ok"_L1).toObject().value("dup"_L1).toBool());
    // bob's message comes after all of hers on every connection.
    const auto barrier = bob->publish(u"general"_s, u"from bob"_s);
    ASSERT_TRUE(barrier && isOk(*barrier));
    EXPECT_EQ(barrier->value("ok"_L1).toObject().value("seq"_L1).toInteger(), 5);

    for (TestClient *c : {other, sender, bob}) {
        const QList<QJsonObject> msgs = msgsUntil(c, u"general"_s, 5);
        EXPECT_EQ(seqs(msgs), range(1, 5));
        EXPECT_EQ(seqs(c->receivedOf(u"msg"_s)), range(1, 5)) << "a msg arrived twice";
        for (const QJsonObject &m : msgs)
            EXPECT_EQ(m.value("from"_L1).toString(),
                      m.value("seq"_L1).toInteger() < 5 ? u"alice"_s : u"bob"_s);
    }
    // The replies went to the connection that published, not to her other one.
    EXPECT_EQ(sender->receivedOf(u"reply"_s).size(), 1 + 1 + 3 + 2) << "hello, join, 5 publishes";
    EXPECT_EQ(other->receivedOf(u"reply"_s).size(), 1 + 1) << "hello and join only";
}

TEST_F(Messaging, FiveConcurrentPublishersEverySubscriberSeesEachMessageOnceInSeqOrder)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *creator = signIn(u"alice"_s);
    ASSERT_TRUE(creator);
    expectOk(creator, QJsonObject{{"t"_L1, "create"_L1}, {"channel"_L1, "second"_L1}});

    const QStringList channels{u"general"_s, u"second"_s};
    const QStringList users{u"alice"_s, u"bob"_s, u"carol"_s, u"dave"_s, u"root"_s};
    QList<TestClient *> publishers;
    for (const QString &user : users) {
        TestClient *c = signInAndJoin(user, channels);
        ASSERT_TRUE(c);
        publishers.append(c);
    }
    QList<TestClient *> subscribers;
    for (int i = 0; i < 2; ++i) {
        TestClient *c = signInAndJoin(u"bob"_s, channels);
        ASSERT_TRUE(c);
        subscribers.append(c);
    }

    constexpr int perPublisher = 40;
    // Interleave the publishers' pipelined sends so their frames reach the server together.
    std::map<TestClient *, QList<qint64>> ids;
    std::map<QString, QSet<QString>> cidsByChannel;
    for (int i = 0; i < perPublisher; ++i) {
        for (int p = 0; p < publishers.size(); ++p) {
            const QString channel = channels.at((i + p) % 2);
            const QString cid = newCid();
            cidsByChannel[channel].insert(cid);
            ids[publishers.at(p)].append(
                publishers.at(p)->sendPublish(channel, u"%1 #%2"_s.arg(users.at(p)).arg(i), cid));
        }
    }
    for (TestClient *p : publishers) {
        for (qint64 id : ids[p]) {
            const auto reply = p->waitForReply(id);
            ASSERT_TRUE(reply) << "no reply to publish " << id;
            ASSERT_TRUE(isOk(*reply)) << dump(*reply).toStdString();
        }
    }
    const qint64 total = qint64(publishers.size()) * perPublisher;
    const qint64 perChannel = total / 2;

    QList<TestClient *> everyone = publishers;
    everyone.append(subscribers);
    for (TestClient *c : everyone) {
        const int who = int(everyone.indexOf(c));
        SCOPED_TRACE(who < publishers.size() ? "publisher " + users.at(who).toStdString()
                                             : "subscriber " + std::to_string(who));
        for (const QString &channel : channels) {
            auto ofChannel = [&](const QJsonObject &m) {
                return m.value("channel"_L1).toString() == channel;
            };
            // Count-based, so a late (out-of-order) message shows as such, not as lost.
            waitUntil([&] { return c->receivedOf(u"msg"_s, ofChannel).size() >= perChannel; });
            const QList<QJsonObject> got = c->receivedOf(u"msg"_s, ofChannel);
            c->take(u"msg"_s, ofChannel);
            const QList<qint64> gotSeqs = seqs(got);
            EXPECT_EQ(gotSeqs.size(), perChannel) << "channel " << channel.toStdString();
            for (qsizetype i = 0; i < gotSeqs.size(); ++i) {
                if (gotSeqs.at(i) != i + 1) {
                    QStringList around;
                    for (qsizetype j = qMax<qsizetype>(0, i - 3);
                         j < qMin<qsizetype>(gotSeqs.size(), i + 12); ++j)
                        around.append(QString::number(gotSeqs.at(j)));
                    ADD_FAILURE() << "channel " << channel.toStdString() << ": msg #" << i
                                  << " has seq " << gotSeqs.at(i) << ", expected " << i + 1
                                  << "; seqs from #" << qMax<qsizetype>(0, i - 3) << ": "
                                  << around.join(u' ').toStdString();
                    break;
                }
            }
            QSet<QString> cids;
            for (const QJsonObject &m : got)
                cids.insert(m.value("cid"_L1).toString());
            EXPECT_EQ(cids.size(), got.size()) << "a cid was delivered twice";
            EXPECT_TRUE(cids == cidsByChannel[channel])
                << "channel " << channel.toStdString() << ": " << cids.size() << " cids, "
                << (cids - cidsByChannel[channel]).size() << " not published there, "
                << (cidsByChannel[channel] - cids).size() << " missing";
        }
    }
    // Nothing more arrived than the messages (no duplicates after the last one either):
    // a final marker is the next msg of each subscriber.
    ASSERT_TRUE(publishers.first()->publish(u"general"_s, u"marker"_s));
    for (TestClient *c : subscribers) {
        const auto next = c->waitFor(u"msg"_s);
        ASSERT_TRUE(next);
        EXPECT_EQ(next->value("text"_L1).toString(), u"marker"_s);
        EXPECT_EQ(next->value("seq"_L1).toInteger(), perChannel + 1);
    }
}

TEST_F(Messaging, RepliesOfPipelinedPublishesCarryTheirMessagesSeqs)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    ASSERT_TRUE(alice);
    const QList<QJsonObject> oks = publishMany(alice, u"general"_s, 30);
    ASSERT_EQ(oks.size(), 30);
    for (int i = 0; i < 30; ++i)
        EXPECT_EQ(oks.at(i).value("seq"_L1).toInteger(), i + 1);
    const QList<QJsonObject> got = msgsUntil(alice, u"general"_s, 30);
    ASSERT_EQ(got.size(), 30);
    for (int i = 0; i < 30; ++i) {
        EXPECT_EQ(got.at(i).value("text"_L1).toString(), u"m%1"_s.arg(i + 1));
        EXPECT_EQ(got.at(i).value("mid"_L1).toString(), oks.at(i).value("mid"_L1).toString());
    }
}

TEST_F(Messaging, RepeatedCidIsADuplicateWithTheOriginalSeqMidTsAndNoSecondBroadcast)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(alice && bob);
    const QString cid = newCid();
    const auto first = alice->publish(u"general"_s, u"once"_s, cid);
    ASSERT_TRUE(first && isOk(*first));
    const QJsonObject original = first->value("ok"_L1).toObject();

    const auto again = alice->publish(u"general"_s, u"once"_s, cid);
    ASSERT_TRUE(again && isOk(*again));
    const QJsonObject dup = again->value("ok"_L1).toObject();
    EXPECT_TRUE(dup.value("dup"_L1).toBool()) << dump(dup).toStdString();
    EXPECT_EQ(dup.value("seq"_L1).toInteger(), original.value("seq"_L1).toInteger());
    EXPECT_EQ(dup.value("mid"_L1).toString(), original.value("mid"_L1).toString());
    EXPECT_EQ(dup.value("ts"_L1).toInteger(), original.value("ts"_L1).toInteger());

    // After a reconnect (new connection, token sign-in) the same cid is still a duplicate.
    TestClient *reconnected = connectClient();
    ASSERT_TRUE(reconnected);
    const auto hello = reconnected->helloToken(alice->token());
    ASSERT_TRUE(hello && isOk(*hello));
    const auto third = reconnected->publish(u"general"_s, u"once"_s, cid);
    ASSERT_TRUE(third && isOk(*third)) << (third ? dump(*third).toStdString() : "");
    EXPECT_TRUE(third->value("ok"_L1).toObject().value("dup"_L1).toBool());
    EXPECT_EQ(third->value("ok"_L1).toObject().value("seq"_L1).toInteger(),
              original.value("seq"_L1).toInteger());

    // The cid is per user: bob using the same cid publishes a new message.
    const auto bobs = bob->publish(u"general"_s, u"bob's"_s, cid);
    ASSERT_TRUE(bobs && isOk(*bobs));
    EXPECT_FALSE(bobs->value("ok"_L1).toObject().value("dup"_L1).toBool());
    EXPECT_EQ(bobs->value("ok"_L1).toObject().value("seq"_L1).toInteger(), 2);

    // Everyone got seq 1 once, then seq 2: no rebroadcast of the duplicates in between.
    for (TestClient *c : {alice, bob}) {
        const QList<QJsonObject> got = msgsUntil(c, u"general"_s, 2);
        EXPECT_EQ(seqs(got), (QList<qint64>{1, 2}));
    }
}

TEST_F(Messaging, ResumeAfterAbruptDisconnectDeliversExactlyTheMissedMessages)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(alice && bob);
    publishMany(bob, u"general"_s, 3);
    const QList<QJsonObject> held = msgsUntil(alice, u"general"_s, 3);
    ASSERT_EQ(seqs(held), range(1, 3));
    const QString token = alice->token();
    alice->abort();

    publishMany(bob, u"general"_s, 5, u"missed"_s); // seq 4..8

    TestClient *back = connectClient();
    ASSERT_TRUE(back);
    const auto hello = back->helloToken(token);
    ASSERT_TRUE(hello && isOk(*hello));
    const auto joined = back->join(u"general"_s, {{"since"_L1, 3}});
    ASSERT_TRUE(joined && isOk(*joined)) << (joined ? dump(*joined).toStdString() : "");
    EXPECT_EQ(joined->value("ok"_L1).toObject().value("last_seq"_L1).toInteger(), 8);
    const auto synced = back->waitFor(u"synced"_s);
    ASSERT_TRUE(synced);
    EXPECT_EQ(synced->value("channel"_L1).toString(), u"general"_s);
    EXPECT_EQ(synced->value("first_seq"_L1).toInteger(), 4);
    EXPECT_EQ(synced->value("last_seq"_L1).toInteger(), 8);

    // Exactly 4..8 came between the join reply and synced, in order.
    QList<QJsonObject> between;
    bool inJoin = false;
    for (const QJsonObject &f : back->received()) {
        const QString t = f.value("t"_L1).toString();
        if (t == "reply"_L1 && f.value("id"_L1).toInteger() == joined->value("id"_L1).toInteger())
            inJoin = true;
        else if (t == "synced"_L1)
            break;
        else if (inJoin && t == "msg"_L1)
            between.append(f);
    }
    EXPECT_EQ(seqs(between), range(4, 8));
    for (int i = 0; i < between.size(); ++i)
        EXPECT_EQ(between.at(i).value("text"_L1).toString(), u"missed%1"_s.arg(i + 1));

    // Then live.
    ASSERT_TRUE(bob->publish(u"general"_s, u"live"_s));
    back->take(u"msg"_s, [](const QJsonObject &m) { return m.value("seq"_L1).toInteger() <= 8; });
    const auto live = back->waitFor(u"msg"_s);
    ASSERT_TRUE(live);
    EXPECT_EQ(live->value("seq"_L1).toInteger(), 9);
    EXPECT_EQ(live->value("text"_L1).toString(), u"live"_s);
}

TEST_F(Messaging, JoinWithNothingMissedStillEndsWithSynced)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(bob);
    TestClient *alice = signIn(u"alice"_s);
    ASSERT_TRUE(alice);

    // Empty channel.
    auto synced = alice->joinSynced(u"general"_s, {{"since"_L1, 0}});
    ASSERT_TRUE(synced);
    EXPECT_EQ(synced->value("first_seq"_L1).toInteger(), 1);
    EXPECT_EQ(synced->value("last_seq"_L1).toInteger(), 0);

    publishMany(bob, u"general"_s, 4);
    TestClient *again = signIn(u"alice"_s);
    ASSERT_TRUE(again);
    synced = again->joinSynced(u"general"_s, {{"since"_L1, 4}});
    ASSERT_TRUE(synced);
    EXPECT_EQ(synced->value("first_seq"_L1).toInteger(), 5);
    EXPECT_EQ(synced->value("last_seq"_L1).toInteger(), 4);
    EXPECT_TRUE(again->receivedOf(u"msg"_s).isEmpty());
}

TEST_F(Messaging, JoinWithoutSinceEndsWithASyncedConsistentWithWhatWasSent)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(bob);
    publishMany(bob, u"general"_s, 6);
    TestClient *alice = signIn(u"alice"_s);
    ASSERT_TRUE(alice);
    const auto synced = alice->joinSynced(u"general"_s);
    ASSERT_TRUE(synced);
    const qint64 first = synced->value("first_seq"_L1).toInteger();
    const qint64 last = synced->value("last_seq"_L1).toInteger();
    EXPECT_EQ(last, 6);
    EXPECT_GE(first, 1);
    EXPECT_LE(first, last + 1);
    EXPECT_EQ(seqs(alice->receivedOf(u"msg"_s)), range(first, last));
}

TEST_F(Messaging, CatchUpCapSendsTheNewestAndSyncedShowsTheGapThatHistoryFills)
{
    config.limits.catchup = 10;
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    ASSERT_TRUE(bob && alice);
    const QString token = alice->token();
    alice->abort();
    publishMany(bob, u"general"_s, 25);

    TestClient *back = connectClient();
    ASSERT_TRUE(back);
    ASSERT_TRUE(back->helloToken(token));
    const auto synced = back->joinSynced(u"general"_s, {{"since"_L1, 0}});
    ASSERT_TRUE(synced);
    EXPECT_EQ(synced->value("first_seq"_L1).toInteger(), 16);
    EXPECT_EQ(synced->value("last_seq"_L1).toInteger(), 25);
    EXPECT_EQ(seqs(back->receivedOf(u"msg"_s)), range(16, 25));

    const QJsonObject ok = expectOk(back, historyFrame(u"general"_s, "before", 16, 200));
    const QJsonArray messages = ok.value("messages"_L1).toArray();
    QList<qint64> filled;
    for (const QJsonValue &v : messages)
        filled.append(v.toObject().value("seq"_L1).toInteger());
    EXPECT_EQ(filled, range(1, 15));
    EXPECT_FALSE(ok.value("more"_L1).toBool());
    ASSERT_EQ(messages.size(), 15);
    EXPECT_EQ(messages.at(0).toObject().value("text"_L1).toString(), u"m1"_s);
    EXPECT_EQ(messages.at(0).toObject().value("from"_L1).toString(), u"bob"_s);
    EXPECT_EQ(messages.at(0).toObject().value("channel"_L1).toString(), u"general"_s);
}

TEST_F(Messaging, RewindByCountReplaysTheNewestAndIsCappedAtTheCatchUpCap)
{
    config.limits.catchup = 10;
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(bob);
    publishMany(bob, u"general"_s, 20);

    TestClient *alice = signIn(u"alice"_s);
    ASSERT_TRUE(alice);
    auto synced = alice->joinSynced(u"general"_s, {{"rewind"_L1, QJsonObject{{"count"_L1, 5}}}});
    ASSERT_TRUE(synced);
    EXPECT_EQ(synced->value("first_seq"_L1).toInteger(), 16);
    EXPECT_EQ(synced->value("last_seq"_L1).toInteger(), 20);
    EXPECT_EQ(seqs(alice->receivedOf(u"msg"_s)), range(16, 20));

    TestClient *carol = signIn(u"carol"_s);
    ASSERT_TRUE(carol);
    synced = carol->joinSynced(u"general"_s, {{"rewind"_L1, QJsonObject{{"count"_L1, 50}}}});
    ASSERT_TRUE(synced);
    EXPECT_EQ(synced->value("first_seq"_L1).toInteger(), 11);
    EXPECT_EQ(synced->value("last_seq"_L1).toInteger(), 20);
    EXPECT_EQ(seqs(carol->receivedOf(u"msg"_s)), range(11, 20));
}

TEST_F(Messaging, RewindBySecondsReplaysOnlyRecentMessages)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(bob);
    const QList<QJsonObject> old = publishMany(bob, u"general"_s, 3, u"old"_s);
    ASSERT_EQ(old.size(), 3);
    // The contract's unit is a second: let the old messages become more than one second old.
    const qint64 oldTs = old.last().value("ts"_L1).toInteger();
    ASSERT_TRUE(
        waitUntil([&] { return QDateTime::currentMSecsSinceEpoch() > oldTs + 1150; }, 1500));
    publishMany(bob, u"general"_s, 2, u"new"_s); // seq 4, 5

    TestClient *alice = signIn(u"alice"_s);
    ASSERT_TRUE(alice);
    auto synced = alice->joinSynced(u"general"_s, {{"rewind"_L1, QJsonObject{{"seconds"_L1, 1}}}});
    ASSERT_TRUE(synced);
    EXPECT_EQ(synced->value("first_seq"_L1).toInteger(), 4);
    EXPECT_EQ(synced->value("last_seq"_L1).toInteger(), 5);
    EXPECT_EQ(seqs(alice->receivedOf(u"msg"_s)), range(4, 5));

    TestClient *carol = signIn(u"carol"_s);
    ASSERT_TRUE(carol);
    synced = carol->joinSynced(u"general"_s, {{"rewind"_L1, QJsonObject{{"seconds"_L1, 3600}}}});
    ASSERT_TRUE(synced);
    EXPECT_EQ(synced->value("first_seq"_L1).toInteger(), 1);
    EXPECT_EQ(seqs(carol->receivedOf(u"msg"_s)), range(1, 5));
}

TEST_F(Messaging, SinceTogetherWithRewindIsBadRequest)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signIn(u"alice"_s);
    ASSERT_TRUE(alice);
    expectError(alice,
                QJsonObject{{"t"_L1, "join"_L1},
                            {"channel"_L1, "general"_L1},
                            {"since"_L1, 0},
                            {"rewind"_L1, QJsonObject{{"count"_L1, 5}}}},
                u"bad_request"_s);
    expectError(alice,
                QJsonObject{{"t"_L1, "join"_L1},
                            {"channel"_L1, "general"_L1},
                            {"rewind"_L1, QJsonObject{{"count"_L1, 0}}}},
                u"bad_request"_s);
    // Nothing was subscribed: the error left no synced behind.
    ASSERT_TRUE(alice->joinSynced(u"general"_s, {{"since"_L1, 0}}));
    EXPECT_EQ(alice->receivedOf(u"synced"_s).size(), 1);
}

TEST_F(Messaging, HistoryPagesBackwardAndForwardWithMore)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(bob);
    publishMany(bob, u"general"_s, 25);

    auto page = [&](const char *direction, qint64 seq, int limit) {
        const QJsonObject ok = expectOk(bob, historyFrame(u"general"_s, direction, seq, limit));
        QList<qint64> got;
        for (const QJsonValue &v : ok.value("messages"_L1).toArray())
            got.append(v.toObject().value("seq"_L1).toInteger());
        EXPECT_TRUE(ok.value("more"_L1).isBool()) << dump(ok).toStdString();
        return std::make_pair(got, ok.value("more"_L1).toBool());
    };
    EXPECT_EQ(page("before", 26, 10), std::make_pair(range(16, 25), true));
    EXPECT_EQ(page("before", 16, 10), std::make_pair(range(6, 15), true));
    EXPECT_EQ(page("before", 6, 10), std::make_pair(range(1, 5), false));
    EXPECT_EQ(page("after", 0, 10), std::make_pair(range(1, 10), true));
    EXPECT_EQ(page("after", 10, 10), std::make_pair(range(11, 20), true));
    EXPECT_EQ(page("after", 20, 10), std::make_pair(range(21, 25), false));
    EXPECT_EQ(page("after", 25, 10), std::make_pair(QList<qint64>{}, false));
}

TEST_F(Messaging, HistoryLimitDefaultsTo50AndIsBounded)
{
    config.limits.historyPage = 60;
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(bob);
    publishMany(bob, u"general"_s, 70);

    QJsonObject ok = expectOk(bob, historyFrame(u"general"_s, "after", 0));
    EXPECT_EQ(ok.value("messages"_L1).toArray().size(), 50);
    EXPECT_TRUE(ok.value("more"_L1).toBool());
    ok = expectOk(bob, historyFrame(u"general"_s, "before", 71, 60));
    EXPECT_EQ(ok.value("messages"_L1).toArray().size(), 60);
    EXPECT_TRUE(ok.value("more"_L1).toBool());

    expectError(bob, historyFrame(u"general"_s, "after", 0, 0), u"bad_request"_s);
    expectError(bob, historyFrame(u"general"_s, "after", 0, 61), u"bad_request"_s);
    expectError(bob, QJsonObject{{"t"_L1, "history"_L1}, {"channel"_L1, "general"_L1}},
                u"bad_request"_s);
    expectError(bob,
                QJsonObject{{"t"_L1, "history"_L1},
                            {"channel"_L1, "general"_L1},
                            {"before"_L1, 10},
                            {"after"_L1, 2}},
                u"bad_request"_s);
}

TEST_F(Messaging, TextIsStoredAndRelayedByteExact)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(alice && bob);
    const QList<QString> texts{
        QString(u"nul\0inside"_s),
        u"emoji 😀👩‍👩‍👧‍👦 🇩🇪"_s,
        u"RTL: שלום עולם مرحبا"_s,
        u"\uFEFFstarts with a BOM"_s,
        u"line\u2028separator\u2029paragraph"_s,
        u"  leading and trailing spaces \t\r\n"_s,
        u"\\ \" / \b \f control \u0001 \u001f \u007f"_s,
        u"combining e\u0301 and zero-width\u200Bjoiner"_s,
        QString(1, QChar(u'\0')),
    };
    ASSERT_EQ(texts.at(0).size(), 10) << "the test's NUL got lost";
    for (const QString &text : texts) {
        const auto reply = alice->publish(u"general"_s, text);
        ASSERT_TRUE(reply);
        EXPECT_TRUE(isOk(*reply)) << dump(*reply).toStdString();
    }
    const QList<QJsonObject> got = msgsUntil(bob, u"general"_s, texts.size());
    ASSERT_EQ(got.size(), texts.size());
    for (int i = 0; i < texts.size(); ++i) {
        EXPECT_EQ(got.at(i).value("text"_L1).toString().toUtf8().toHex(),
                  texts.at(i).toUtf8().toHex())
            << "msg " << i;
    }
    const QJsonObject ok = expectOk(bob, historyFrame(u"general"_s, "after", 0, 50));
    const QJsonArray stored = ok.value("messages"_L1).toArray();
    ASSERT_EQ(stored.size(), texts.size());
    for (int i = 0; i < texts.size(); ++i) {
        EXPECT_EQ(stored.at(i).toObject().value("text"_L1).toString().toUtf8().toHex(),
                  texts.at(i).toUtf8().toHex())
            << "history " << i;
    }
}

TEST_F(Messaging, TextLimitIsCountedInUtf8Bytes)
{
    config.limits.text = 100;
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    ASSERT_TRUE(alice);
    const QString emoji = u"😀"_s;                       // 4 bytes, 2 UTF-16 units
    const QString exactly = emoji.repeated(25);         // 100 bytes, 50 QChars
    const QString euros = u"€"_s.repeated(33) + u"a"_s; // 100 bytes, 34 QChars
    ASSERT_EQ(exactly.toUtf8().size(), 100);
    ASSERT_EQ(euros.toUtf8().size(), 100);

    auto reply = alice->publish(u"general"_s, exactly);
    ASSERT_TRUE(reply);
    EXPECT_TRUE(isOk(*reply)) << dump(*reply).toStdString();
    reply = alice->publish(u"general"_s, euros);
    ASSERT_TRUE(reply);
    EXPECT_TRUE(isOk(*reply)) << dump(*reply).toStdString();

    reply = alice->publish(u"general"_s, exactly + u"a"_s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(errorCode(*reply), u"too_large"_s) << dump(*reply).toStdString();
    reply = alice->publish(u"general"_s, u"€"_s.repeated(34)); // 102 bytes, 34 QChars
    ASSERT_TRUE(reply);
    EXPECT_EQ(errorCode(*reply), u"too_large"_s) << dump(*reply).toStdString();
    reply = alice->publish(u"general"_s, QString());
    ASSERT_TRUE(reply);
    EXPECT_EQ(errorCode(*reply), u"bad_request"_s) << dump(*reply).toStdString();

    // Nothing was stored by the rejected ones: the next seq is 3.
    reply = alice->publish(u"general"_s, u"next"_s);
    ASSERT_TRUE(reply && isOk(*reply));
    EXPECT_EQ(reply->value("ok"_L1).toObject().value("seq"_L1).toInteger(), 3);
    const QList<QJsonObject> got = msgsUntil(alice, u"general"_s, 3);
    EXPECT_EQ(seqs(got), range(1, 3));
    ASSERT_EQ(got.size(), 3);
    EXPECT_EQ(got.at(0).value("text"_L1).toString(), exactly);
}

TEST_F(Messaging, UnpairedSurrogateIsBadRequest)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    ASSERT_TRUE(alice);
    alice->setNextId(5);
    alice->sendText(
        uR"({"t":"publish","id":5,"channel":"general","cid":"c-1","text":"bad \ud800 here"})"_s);
    const auto reply = alice->waitForReply(5);
    ASSERT_TRUE(reply);
    EXPECT_EQ(errorCode(*reply), u"bad_request"_s) << dump(*reply).toStdString();
    alice->setNextId(6);
    const auto ok = alice->publish(u"general"_s, u"fine"_s);
    ASSERT_TRUE(ok && isOk(*ok));
    EXPECT_EQ(ok->value("ok"_L1).toObject().value("seq"_L1).toInteger(), 1);
}

TEST_F(Messaging, PublishNeedsMembershipAndAnExistingChannel)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signIn(u"alice"_s);
    TestClient *bob = signIn(u"bob"_s);
    ASSERT_TRUE(alice && bob);
    expectOk(alice, QJsonObject{{"t"_L1, "create"_L1}, {"channel"_L1, "design"_L1}});
    // The creator is a member: she may publish without joining.
    const auto ok = alice->publish(u"design"_s, u"by the creator"_s);
    ASSERT_TRUE(ok);
    EXPECT_TRUE(isOk(*ok)) << dump(*ok).toStdString();

    auto reply = bob->publish(u"design"_s, u"not a member"_s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(errorCode(*reply), u"forbidden"_s) << dump(*reply).toStdString();

    reply = bob->publish(u"no-such-channel"_s, u"hi"_s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(errorCode(*reply), u"not_found"_s) << dump(*reply).toStdString();

    ASSERT_TRUE(bob->joinSynced(u"design"_s));
    reply = bob->publish(u"design"_s, u"member now"_s);
    ASSERT_TRUE(reply);
    EXPECT_TRUE(isOk(*reply)) << dump(*reply).toStdString();
    EXPECT_EQ(reply->value("ok"_L1).toObject().value("seq"_L1).toInteger(), 2);
}

} // namespace
