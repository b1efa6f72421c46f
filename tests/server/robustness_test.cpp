// SPDX-License-Identifier: Apache-2.0
// Bad input and flow control: malformed frames get error replies and store nothing, too many
// of them close 1008; binary 1003, invalid UTF-8 1007, oversized 1009; rate limiting; the slow
// consumer (4008). After each, the server still serves other clients.

#include "serverfixture.h"

#include <QElapsedTimer>
#include <QJsonArray>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

class Robustness : public ServerFixture
{
protected:
    /// Sends `text` as is and returns the next reply frame (by arrival order).
    static std::optional<QJsonObject> rawReply(TestClient *client, const QString &text)
    {
        client->sendText(text);
        return client->waitFor(u"reply"_s);
    }

    static QJsonObject helloFrame()
    {
        return QJsonObject{
            {"t"_L1, "hello"_L1},
            {"v"_L1, 1},
            {"auth"_L1, QJsonObject{{"user"_L1, "alice"_L1}, {"password"_L1, defaultPassword}}}};
    }
};

TEST_F(Robustness, MalformedFramesGetBadRequestWithoutIdAndTheConnectionStaysOpen)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    ASSERT_TRUE(alice);
    const QStringList garbage{
        u"not json"_s,
        u"{\"t\":\"publish\",\"id\":"_s, // truncated
        u"[1,2,3]"_s,
        u"\"just a string\""_s,
        u"42"_s,
        u"null"_s,
        u"{}"_s,
        u"{\"id\":3}"_s, // no t: not readable as a request
    };
    for (const QString &text : garbage) {
        const auto reply = rawReply(alice, text);
        ASSERT_TRUE(reply) << "no reply to " << text.toStdString();
        EXPECT_EQ(errorCode(*reply), u"bad_request"_s)
            << text.toStdString() << " -> " << dump(*reply).toStdString();
        if (text != u"{\"id\":3}"_s)
            EXPECT_FALSE(reply->contains("id"_L1)) << dump(*reply).toStdString();
    }
    EXPECT_TRUE(alice->isConnected());
    alice->setNextId(100);
    const auto ok = alice->publish(u"general"_s, u"still here"_s);
    ASSERT_TRUE(ok && isOk(*ok));
    EXPECT_EQ(ok->value("ok"_L1).toObject().value("seq"_L1).toInteger(), 1);
}

TEST_F(Robustness, InvalidIdsAreBadRequestAnsweredWithoutId)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signIn(u"alice"_s);
    ASSERT_TRUE(alice);
    const QStringList ids{u"0"_s,     u"-1"_s,    u"1.5"_s,  u"9007199254740992"_s,
                          u"1e300"_s, u"\"7\""_s, u"null"_s, u"true"_s,
                          u"[]"_s,    u"{}"_s};
    for (const QString &id : ids) {
        const auto reply = rawReply(alice, u"{\"t\":\"channels\",\"id\":%1}"_s.arg(id));
        ASSERT_TRUE(reply) << "no reply for id " << id.toStdString();
        EXPECT_EQ(errorCode(*reply), u"bad_request"_s)
            << "id " << id.toStdString() << " -> " << dump(*reply).toStdString();
        EXPECT_FALSE(reply->contains("id"_L1))
            << "id " << id.toStdString() << " -> " << dump(*reply).toStdString();
    }
    // The largest valid id works and is echoed exactly.
    alice->sendText(u"{\"t\":\"channels\",\"id\":9007199254740991}"_s);
    const auto reply = alice->waitForReply(9007199254740991LL);
    ASSERT_TRUE(reply);
    EXPECT_TRUE(isOk(*reply)) << dump(*reply).toStdString();
    EXPECT_TRUE(alice->isConnected());
}

TEST_F(Robustness, UnknownTypeIsUnsupportedWithTheId)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signIn(u"alice"_s);
    ASSERT_TRUE(alice);
    const QJsonObject reply = expectError(
        alice, QJsonObject{{"t"_L1, "teleport"_L1}, {"to"_L1, "mars"_L1}}, u"unsupported"_s);
    EXPECT_TRUE(reply.contains("id"_L1));
    // Also before hello.
    TestClient *fresh = connectClient();
    ASSERT_TRUE(fresh);
    const QJsonObject early =
        expectError(fresh, QJsonObject{{"t"_L1, "teleport"_L1}}, u"unsupported"_s);
    EXPECT_EQ(early.value("id"_L1).toInteger(), 1);
}

TEST_F(Robustness, MissingOrIllTypedFieldsAreBadRequestWithTheIdAndStoreNothing)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    ASSERT_TRUE(alice);
    const QList<QJsonObject> bad{
        {{"t"_L1, "publish"_L1}, {"cid"_L1, "c1"_L1}, {"text"_L1, "x"_L1}},
        {{"t"_L1, "publish"_L1}, {"channel"_L1, "general"_L1}, {"text"_L1, "x"_L1}},
        {{"t"_L1, "publish"_L1}, {"channel"_L1, "general"_L1}, {"cid"_L1, "c2"_L1}},
        {{"t"_L1, "publish"_L1}, {"channel"_L1, 5}, {"cid"_L1, "c3"_L1}, {"text"_L1, "x"_L1}},
        {{"t"_L1, "publish"_L1}, {"channel"_L1, "general"_L1}, {"cid"_L1, 7}, {"text"_L1, "x"_L1}},
        {{"t"_L1, "publish"_L1},
         {"channel"_L1, "general"_L1},
         {"cid"_L1, "c4"_L1},
         {"text"_L1, QJsonArray{"x"_L1}}},
        {{"t"_L1, "publish"_L1},
         {"channel"_L1, "general"_L1},
         {"cid"_L1, "c"_L1.toString().repeated(65)},
         {"text"_L1, "x"_L1}},
        {{"t"_L1, "publish"_L1},
         {"channel"_L1, "general"_L1},
         {"cid"_L1, ""_L1},
         {"text"_L1, "x"_L1}},
        {{"t"_L1, "join"_L1}},
        {{"t"_L1, "join"_L1}, {"channel"_L1, "general"_L1}, {"since"_L1, "3"_L1}},
        {{"t"_L1, "history"_L1}, {"channel"_L1, "general"_L1}, {"before"_L1, "x"_L1}},
        {{"t"_L1, "create"_L1}, {"channel"_L1, "ok-name"_L1}, {"private"_L1, "yes"_L1}},
        {{"t"_L1, "presence"_L1}, {"status"_L1, 1}},
    };
    for (const QJsonObject &frame : bad) {
        const auto reply = alice->request(frame);
        ASSERT_TRUE(reply) << "no reply to " << dump(frame).toStdString();
        EXPECT_EQ(errorCode(*reply), u"bad_request"_s)
            << dump(frame).toStdString() << " -> " << dump(*reply).toStdString();
        EXPECT_EQ(reply->value("id"_L1).toInteger(-1), alice->nextId() - 1)
            << dump(*reply).toStdString();
    }
    // Unknown fields are ignored.
    const auto ok = alice->request(QJsonObject{{"t"_L1, "publish"_L1},
                                               {"channel"_L1, "general"_L1},
                                               {"cid"_L1, newCid()},
                                               {"text"_L1, "valid"_L1},
                                               {"future_field"_L1, QJsonObject{{"a"_L1, 1}}}});
    ASSERT_TRUE(ok);
    ASSERT_TRUE(isOk(*ok)) << dump(*ok).toStdString();
    EXPECT_EQ(ok->value("ok"_L1).toObject().value("seq"_L1).toInteger(), 1)
        << "a rejected frame stored something";
    const auto channels = alice->request(QJsonObject{{"t"_L1, "channels"_L1}});
    ASSERT_TRUE(channels && isOk(*channels));
    for (const QJsonValue &v : channels->value("ok"_L1).toObject().value("channels"_L1).toArray())
        EXPECT_NE(v.toObject().value("name"_L1).toString(), u"ok-name"_s);
}

TEST_F(Robustness, TwentyBadFramesAreToleratedTheTwentyFirstCloses1008)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signIn(u"alice"_s);
    ASSERT_TRUE(alice);
    for (int i = 0; i < 20; ++i)
        alice->sendText(u"nonsense"_s);
    const auto reply = alice->request(QJsonObject{{"t"_L1, "channels"_L1}});
    ASSERT_TRUE(reply) << "closed after 20 bad frames (close code " << alice->closeCode() << ")";
    EXPECT_TRUE(isOk(*reply));
    EXPECT_EQ(
        alice
            ->receivedOf(u"reply"_s,
                         [](const QJsonObject &f) { return errorCode(f) == "bad_request"_L1; })
            .size(),
        20);
    alice->sendText(u"nonsense"_s);
    ASSERT_TRUE(alice->waitForDisconnected());
    EXPECT_EQ(alice->closeCode(), 1008);
    EXPECT_TRUE(serverStillServes());
}

TEST_F(Robustness, BinaryFrameCloses1003)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signIn(u"alice"_s);
    ASSERT_TRUE(alice);
    alice->sendBinary(QByteArray(R"({"t":"channels","id":9})"));
    ASSERT_TRUE(alice->waitForDisconnected());
    EXPECT_EQ(alice->closeCode(), 1003);
    EXPECT_TRUE(serverStillServes());
}

TEST_F(Robustness, BinaryFrameBeforeHelloCloses1003)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *client = connectClient();
    ASSERT_TRUE(client);
    client->sendBinary(QByteArray("\x00\x01\x02", 3));
    ASSERT_TRUE(client->waitForDisconnected());
    EXPECT_EQ(client->closeCode(), 1003);
}

TEST_F(Robustness, InvalidUtf8Closes1007)
{
    ASSERT_NO_FATAL_FAILURE(start());
    RawWsClient *raw = connectRaw();
    ASSERT_TRUE(raw);
    const qint64 id = raw->sendRequest(helloFrame());
    const auto hello = raw->waitForReply(id);
    ASSERT_TRUE(hello && isOk(*hello));
    raw->sendFrame(RawWsClient::Text,
                   QByteArray("{\"t\":\"channels\",\"id\":2,\"x\":\"\xC3\x28\xFF\"}"));
    ASSERT_TRUE(raw->waitForClosed(5000));
    EXPECT_EQ(raw->closeCode(), 1007);
    EXPECT_TRUE(serverStillServes());
}

TEST_F(Robustness, OversizedFrameCloses1009AndAFrameAtTheLimitIsServed)
{
    config.limits.frame = 4096;
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signIn(u"alice"_s);
    ASSERT_TRUE(alice);
    EXPECT_EQ(alice->helloOk().value("limits"_L1).toObject().value("frame"_L1).toInt(), 4096);

    // Exactly 4096 bytes (padding in an ignored field) is fine.
    const QString head = u"{\"t\":\"channels\",\"id\":50,\"pad\":\""_s;
    const QString tail = u"\"}"_s;
    const QString atLimit = head + u"p"_s.repeated(4096 - head.size() - tail.size()) + tail;
    ASSERT_EQ(atLimit.toUtf8().size(), 4096);
    alice->sendText(atLimit);
    const auto reply = alice->waitForReply(50);
    ASSERT_TRUE(reply) << "a frame of exactly limits.frame bytes was not served";
    EXPECT_TRUE(isOk(*reply)) << dump(*reply).toStdString();

    alice->sendText(head + u"p"_s.repeated(5000) + tail);
    ASSERT_TRUE(alice->waitForDisconnected());
    EXPECT_EQ(alice->closeCode(), 1009);
    EXPECT_TRUE(serverStillServes());
}

TEST_F(Robustness, PublishesBeyondTheBucketAreRateLimitedWithRetryMs)
{
    config.limits.ratePerSecond = 5;
    config.limits.burst = 10;
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(alice && bob);

    QList<qint64> ids;
    for (int i = 0; i < 16; ++i)
        ids.append(alice->sendPublish(u"general"_s, u"burst %1"_s.arg(i)));
    int ok = 0;
    int limited = 0;
    qint64 retryMs = 0;
    QList<qint64> seqs;
    for (qint64 id : ids) {
        const auto reply = alice->waitForReply(id);
        ASSERT_TRUE(reply);
        if (isOk(*reply)) {
            ++ok;
            seqs.append(reply->value("ok"_L1).toObject().value("seq"_L1).toInteger());
        } else {
            EXPECT_EQ(errorCode(*reply), u"rate_limited"_s) << dump(*reply).toStdString();
            ++limited;
            retryMs = reply->value("error"_L1).toObject().value("retry_ms"_L1).toInteger(-1);
            EXPECT_GT(retryMs, 0) << dump(*reply).toStdString();
        }
    }
    // The burst, plus at most one token refilled while the frames were read.
    EXPECT_GE(ok, 10);
    EXPECT_LE(ok, 11);
    EXPECT_EQ(ok + limited, 16);
    QList<qint64> expected;
    for (int s = 1; s <= ok; ++s)
        expected.append(s);
    EXPECT_EQ(seqs, expected) << "rate-limited publishes must not take a seq";
    EXPECT_TRUE(alice->isConnected());

    // Other connections have their own bucket.
    const auto bobs = bob->publish(u"general"_s, u"bob is fine"_s);
    ASSERT_TRUE(bobs);
    EXPECT_TRUE(isOk(*bobs)) << dump(*bobs).toStdString();

    // After retry_ms, the bucket has a token again.
    ASSERT_GT(retryMs, 0);
    ASSERT_LE(retryMs, 1000);
    QElapsedTimer waited;
    waited.start();
    waitUntil([&] { return waited.elapsed() > retryMs + 20; }, int(retryMs) + 100);
    const auto again = alice->publish(u"general"_s, u"after waiting"_s);
    ASSERT_TRUE(again);
    EXPECT_TRUE(isOk(*again)) << dump(*again).toStdString();
}

TEST_F(Robustness, SlowConsumerIsClosedWith4008AndOthersAreUnaffected)
{
    config.sendBufferBytes = 256 * 1024;
    config.limits.text = 32000;
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    TestClient *root = signIn(u"root"_s);
    ASSERT_TRUE(alice && bob && root);
    alice->setRecordAll(false);
    bob->setRecordAll(false);
    expectOk(root, QJsonObject{{"t"_L1, "admin.watch"_L1}});

    RawWsClient *slow = connectRaw();
    ASSERT_TRUE(slow);
    slow->socket()->setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 16 * 1024);
    qint64 id = slow->sendRequest(QJsonObject{
        {"t"_L1, "hello"_L1},
        {"v"_L1, 1},
        {"auth"_L1, QJsonObject{{"user"_L1, "carol"_L1}, {"password"_L1, defaultPassword}}}});
    auto reply = slow->waitForReply(id);
    ASSERT_TRUE(reply && isOk(*reply));
    id = slow->sendRequest(QJsonObject{{"t"_L1, "join"_L1}, {"channel"_L1, "general"_L1}});
    reply = slow->waitForReply(id);
    ASSERT_TRUE(reply && isOk(*reply));
    slow->setReading(false);

    // Up to 25 MB: far beyond the socket buffers plus the server's 256 KiB cap. The publisher
    // stops once the server reports carol's connection gone. Few publishes are in flight at a
    // time, so the readers that keep up (on this thread, like the server) never hold more
    // than a fraction of the cap unread.
    constexpr int size = 32000;
    const QString big = u"x"_s.repeated(size);
    constexpr int count = 800;
    constexpr int window = 4;
    auto carolGone = [&] {
        return root->has(u"admin.presence"_s, [](const QJsonObject &f) {
            return f.value("event"_L1).toString() == "disconnect"_L1 &&
                   f.value("user"_L1).toString() == "carol"_L1;
        });
    };
    int sent = 0;
    int acked = 0;
    qint64 bobLastSeq = 0;
    bool bobGapless = true;
    auto drain = [&] {
        // The readers that keep up drop what they read, to keep the test's memory small.
        alice->take(u"msg"_s);
        for (const QJsonObject &m : bob->take(u"msg"_s)) {
            const qint64 seq = m.value("seq"_L1).toInteger();
            bobGapless = bobGapless && seq == bobLastSeq + 1;
            bobLastSeq = seq;
        }
    };
    QList<qint64> pending;
    while (acked < sent || (sent < count && !carolGone())) {
        while (sent < count && pending.size() < window && !carolGone()) {
            pending.append(alice->sendPublish(u"general"_s, big));
            ++sent;
        }
        const auto ack = alice->waitForReply(pending.takeFirst(), 10000);
        ASSERT_TRUE(ack) << "publisher stalled at " << acked;
        ASSERT_TRUE(isOk(*ack)) << dump(*ack).toStdString();
        ++acked;
        drain();
    }
    // Now read what the slow one was sent: it must end with the server's close frame, 4008.
    slow->setReading(true);
    ASSERT_TRUE(slow->waitForDisconnected(10000)) << "the slow consumer was never cut off";
    EXPECT_LT(slow->textBytesReceived(), qint64(sent) * size);
    EXPECT_EQ(slow->closeCode(), 4008)
        << "(-1: the connection ended without a close frame; the server dropped it). Read "
        << slow->textBytesReceived() << " bytes of messages, " << slow->pendingBytes()
        << " bytes of a partial frame, socket error: '" << slow->socketError().toStdString() << "'";

    // bob kept up and got everything (the server was not held up by the slow one).
    EXPECT_TRUE(waitUntil([&] {
        drain();
        return bobLastSeq == sent;
    })) << "a reader that keeps up got up to seq "
        << bobLastSeq << " of " << sent;
    EXPECT_TRUE(bobGapless);
    EXPECT_TRUE(bob->isConnected());
    EXPECT_TRUE(serverStillServes());
}

} // namespace
