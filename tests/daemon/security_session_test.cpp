// SPDX-License-Identifier: Apache-2.0
// Hostile clients against the real confabd: sign-in throttles, private data on a user's
// other connections, the admin stream after a demotion, and floods of cheap requests.

#include "daemonfixture.h"

#include <QElapsedTimer>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

QJsonObject frame(const char *type, const QJsonObject &fields = {})
{
    QJsonObject f = fields;
    f.insert("t"_L1, QLatin1StringView(type));
    return f;
}

class SecuritySession : public DaemonTest
{
protected:
    /// A connected client that has not signed in.
    std::unique_ptr<TestClient> connect(const QUrl &url)
    {
        auto client = std::make_unique<TestClient>();
        if (!client->open(url)) {
            ADD_FAILURE() << "cannot connect to " << url.toString().toStdString();
            return nullptr;
        }
        return client;
    }

    /// Sends `request` on each client at once, then collects every reply's error code
    /// ("" for ok); a missing reply counts as "none".
    static QStringList concurrently(const std::vector<std::unique_ptr<TestClient>> &clients,
                                    const std::function<QJsonObject(int)> &request)
    {
        std::vector<qint64> ids;
        for (int i = 0; i < int(clients.size()); ++i)
            ids.push_back(clients[size_t(i)]->sendRequest(request(i)));
        QStringList codes;
        for (int i = 0; i < int(clients.size()); ++i) {
            const auto reply = clients[size_t(i)]->waitForReply(ids[size_t(i)], 20000);
            codes.append(reply ? errorCode(*reply) : u"none"_s);
        }
        return codes;
    }

    static QJsonObject hello(const QString &user, const QString &secret)
    {
        return frame(
            "hello",
            {{"v"_L1, 1}, {"auth"_L1, QJsonObject{{"user"_L1, user}, {"password"_L1, secret}}}});
    }

    Daemon daemon;
};

TEST_F(SecuritySession, ConcurrentSignInsForOneUserCheckAtMostTheLimit)
{
    // 100 hellos for alice at once, one of them with the right password: before, 91 were
    // checked (and failed) in 1.5 s although the limit is 5 failures per minute.
    ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path(), {u"--auth-max-failures"_s, u"5"_s}));
    std::vector<std::unique_ptr<TestClient>> clients;
    for (int i = 0; i < 100; ++i) {
        clients.push_back(connect(daemon.url()));
        ASSERT_TRUE(clients.back());
    }
    const QStringList codes = concurrently(clients, [](int i) {
        return hello(u"alice"_s, i == 50 ? password : u"wrong password %1"_s.arg(i));
    });
    const auto unauthorized = codes.count(u"unauthorized"_s);
    const auto accepted = codes.count(QString());
    const auto throttled = codes.count(u"rate_limited"_s);
    EXPECT_LE(unauthorized + accepted, 5) << codes.join(u' ').toStdString();
    EXPECT_LE(accepted, 1);
    EXPECT_EQ(unauthorized + accepted + throttled, 100) << codes.join(u' ').toStdString();
}

TEST_F(SecuritySession, ConcurrentRegistrationsFromOneAddressAreCapped)
{
    ASSERT_NO_FATAL_FAILURE(
        daemon.start(dataDir.path(), {u"--open-registration"_s, u"--auth-max-failures"_s, u"5"_s}));
    std::vector<std::unique_ptr<TestClient>> clients;
    for (int i = 0; i < 60; ++i) {
        clients.push_back(connect(daemon.url()));
        ASSERT_TRUE(clients.back());
    }
    const QStringList codes = concurrently(clients, [](int i) {
        return frame("register",
                     {{"user"_L1, u"newcomer%1"_s.arg(i)}, {"password"_L1, u"a password"_s}});
    });
    // 4x auth.max_failures registrations per address and window.
    EXPECT_EQ(codes.count(QString()), 20) << codes.join(u' ').toStdString();
    EXPECT_EQ(codes.count(u"rate_limited"_s), 40) << codes.join(u' ').toStdString();
}

TEST_F(SecuritySession, FailuresOfOthersBehindOneAddressDoNotLockOutAUserWhoHasNotFailed)
{
    ASSERT_NO_FATAL_FAILURE(addUser(u"bob"_s));
    ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path(), {u"--auth-max-failures"_s, u"5"_s}));
    // 20 failures from this address (4x the per-user limit), each for another name.
    std::vector<std::unique_ptr<TestClient>> clients;
    for (int i = 0; i < 20; ++i) {
        clients.push_back(connect(daemon.url()));
        ASSERT_TRUE(clients.back());
    }
    const QStringList codes =
        concurrently(clients, [](int i) { return hello(u"ghost%1"_s.arg(i), u"guess"_s); });
    ASSERT_EQ(codes.count(u"unauthorized"_s), 20) << codes.join(u' ').toStdString();

    // A user who has failed is held off by the address's count...
    auto ghost = connect(daemon.url());
    ASSERT_TRUE(ghost);
    const auto again = ghost->hello(u"ghost1"_s, u"guess again"_s);
    ASSERT_TRUE(again);
    EXPECT_EQ(errorCode(*again), u"rate_limited"_s) << dump(*again).toStdString();
    // ...but bob, who has not failed, signs in from the same address.
    auto bob = connect(daemon.url());
    ASSERT_TRUE(bob);
    const auto reply = bob->hello(u"bob"_s, password);
    ASSERT_TRUE(reply);
    EXPECT_TRUE(isOk(*reply)) << dump(*reply).toStdString();
}

TEST_F(SecuritySession, LeavingAPrivateChannelEndsItOnEveryConnectionOfTheUser)
{
    ASSERT_NO_FATAL_FAILURE(addUser(u"bob"_s));
    ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path()));
    auto alice = signIn(daemon.url());
    auto bobA = signIn(daemon.url(), u"bob"_s);
    auto bobB = signIn(daemon.url(), u"bob"_s);
    ASSERT_TRUE(alice && bobA && bobB);
    auto ok = [](TestClient *client, const QJsonObject &request) {
        const auto reply = client->request(request);
        return reply && isOk(*reply);
    };
    ASSERT_TRUE(
        ok(alice.get(), frame("create", {{"channel"_L1, "secret"_L1}, {"private"_L1, true}})));
    ASSERT_TRUE(
        ok(alice.get(), frame("invite", {{"channel"_L1, "secret"_L1}, {"user"_L1, "bob"_L1}})));
    ASSERT_TRUE(alice->joinSynced(u"secret"_s));
    ASSERT_TRUE(bobA->joinSynced(u"secret"_s));
    ASSERT_TRUE(bobB->joinSynced(u"secret"_s));
    const auto before = alice->publish(u"secret"_s, u"before the leave"_s);
    ASSERT_TRUE(before && isOk(*before));
    ASSERT_TRUE(bobB->waitFor(u"msg"_s));

    ASSERT_TRUE(ok(bobA.get(), frame("leave", {{"channel"_L1, "secret"_L1}})));
    // B learns that the channel is gone for it (after the 1.1 `added` of the invite)...
    const auto isRemoved = [](const QJsonObject &f) {
        return f.value("event"_L1).toString() == "removed"_L1;
    };
    const auto removed = bobB->waitFor(u"channel"_s, isRemoved);
    ASSERT_TRUE(removed);
    EXPECT_EQ(removed->value("channel"_L1).toObject().value("name"_L1).toString(), u"secret"_s);
    EXPECT_FALSE(bobA->has(u"channel"_s, isRemoved)); // the connection that asked has its reply

    // ...and receives nothing more from it.
    const auto after = alice->publish(u"secret"_s, u"after the leave"_s);
    ASSERT_TRUE(after && isOk(*after));
    ASSERT_TRUE(alice->waitFor(u"msg"_s, [](const QJsonObject &m) {
        return m.value("text"_L1).toString() == u"after the leave"_s;
    }));
    // A reply on B after alice's message was broadcast: any msg for B came before it.
    const auto history = bobB->request(
        frame("history", {{"channel"_L1, "secret"_L1}, {"after"_L1, 0}, {"limit"_L1, 10}}));
    ASSERT_TRUE(history);
    EXPECT_EQ(errorCode(*history), u"forbidden"_s);
    for (TestClient *bob : {bobA.get(), bobB.get()}) {
        EXPECT_TRUE(bob->receivedOf(u"msg"_s,
                                    [](const QJsonObject &m) {
                                        return m.value("text"_L1).toString() ==
                                               u"after the leave"_s;
                                    })
                        .isEmpty());
    }
}

TEST_F(SecuritySession, ADemotedAdminLosesThePresenceStreamOnEveryConnection)
{
    ASSERT_NO_FATAL_FAILURE(addUser(u"carol"_s, true));
    ASSERT_NO_FATAL_FAILURE(addUser(u"dave"_s, true));
    ASSERT_NO_FATAL_FAILURE(addUser(u"bob"_s));
    ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path()));
    auto carolA = signIn(daemon.url(), u"carol"_s);
    auto carolB = signIn(daemon.url(), u"carol"_s);
    auto dave = signIn(daemon.url(), u"dave"_s);
    ASSERT_TRUE(carolA && carolB && dave);
    for (TestClient *carol : {carolA.get(), carolB.get()}) {
        const auto watch = carol->request(frame("admin.watch"));
        ASSERT_TRUE(watch && isOk(*watch));
    }
    auto alice = signIn(daemon.url());
    ASSERT_TRUE(alice);
    for (TestClient *carol : {carolA.get(), carolB.get()})
        ASSERT_TRUE(carol->waitFor(u"admin.presence"_s));

    const auto demote = dave->request(frame(
        "admin.user", {{"action"_L1, "role"_L1}, {"user"_L1, "carol"_L1}, {"role"_L1, "user"_L1}}));
    ASSERT_TRUE(demote && isOk(*demote)) << (demote ? dump(*demote).toStdString() : "");
    // Dave still watches: when he sees bob connect, the event has been sent to every watcher.
    const auto daveWatch = dave->request(frame("admin.watch"));
    ASSERT_TRUE(daveWatch && isOk(*daveWatch));
    auto bob = signIn(daemon.url(), u"bob"_s);
    ASSERT_TRUE(bob);
    ASSERT_TRUE(dave->waitFor(u"admin.presence"_s, [](const QJsonObject &e) {
        return e.value("user"_L1).toString() == u"bob"_s;
    }));
    for (TestClient *carol : {carolA.get(), carolB.get()}) {
        const auto stats = carol->request(frame("admin.stats")); // a reply after that event
        ASSERT_TRUE(stats);
        EXPECT_EQ(errorCode(*stats), u"forbidden"_s);
        EXPECT_TRUE(carol
                        ->receivedOf(u"admin.presence"_s,
                                     [](const QJsonObject &e) {
                                         return e.value("user"_L1).toString() == u"bob"_s;
                                     })
                        .isEmpty());
    }
}

TEST_F(SecuritySession, EveryRequestTypeIsRateLimited)
{
    ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path(), {u"--limits-request-rate-per-s"_s, u"10"_s,
                                                          u"--limits-request-burst"_s, u"20"_s}));
    auto alice = signIn(daemon.url());
    ASSERT_TRUE(alice);
    for (const char *type : {"channels", "history", "join", "presence"}) {
        QJsonObject request = frame(type);
        if (QByteArrayView(type) == "history")
            request = frame(type, {{"channel"_L1, "general"_L1}, {"after"_L1, 0}});
        else if (QByteArrayView(type) == "join")
            request = frame(type, {{"channel"_L1, "general"_L1}});
        else if (QByteArrayView(type) == "presence")
            request = frame(type, {{"status"_L1, "online"_L1}});
        std::vector<qint64> ids;
        for (int i = 0; i < 40; ++i)
            ids.push_back(alice->sendRequest(request));
        int limited = 0;
        for (qint64 id : ids) {
            const auto reply = alice->waitForReply(id);
            ASSERT_TRUE(reply) << type;
            if (errorCode(*reply) == u"rate_limited"_s) {
                ++limited;
                EXPECT_GT(reply->value("error"_L1).toObject().value("retry_ms"_L1).toInteger(), 0);
            }
        }
        EXPECT_GT(limited, 0) << type;
        // Wait out the bucket before the next type.
        QElapsedTimer refill;
        refill.start();
        ASSERT_TRUE(waitUntil([&] { return refill.elapsed() > 2100; }, 5000));
    }
}

TEST_F(SecuritySession, PipelinedCreatesDoNotStallOtherUsers)
{
    ASSERT_NO_FATAL_FAILURE(addUser(u"mallory"_s));
    ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path()));
    auto alice = signIn(daemon.url());
    auto mallory = signIn(daemon.url(), u"mallory"_s);
    ASSERT_TRUE(alice && mallory);
    ASSERT_TRUE(alice->joinSynced(u"general"_s));
    alice->setRecordAll(false);

    // Mallory pipelines 3,000 creates; meanwhile alice measures publish-to-delivery.
    for (int i = 0; i < 3000; ++i) {
        mallory->sendRequest(
            frame("create", {{"channel"_L1, u"spam-%1"_s.arg(i)}, {"topic"_L1, "x"_L1}}));
    }
    QList<qint64> latencies;
    for (int i = 0; i < 30; ++i) {
        QElapsedTimer timer;
        timer.start();
        const QString text = u"ping %1"_s.arg(i);
        alice->sendPublish(u"general"_s, text);
        ASSERT_TRUE(alice->waitFor(
            u"msg"_s, [&](const QJsonObject &m) { return m.value("text"_L1).toString() == text; },
            20000));
        latencies.append(timer.elapsed());
    }
    std::sort(latencies.begin(), latencies.end());
    const qint64 p50 = latencies[latencies.size() / 2];
    const qint64 worst = latencies.last();
    std::printf("publish-to-delivery under 3,000 pipelined creates: p50 %lld ms, max %lld ms\n",
                static_cast<long long>(p50), static_cast<long long>(worst));
    EXPECT_LT(p50, 300); // before: 2.2 s
    EXPECT_LT(worst, 2000);

    // Mallory made at most her quota of channels.
    auto probe = signIn(daemon.url(), u"mallory"_s);
    ASSERT_TRUE(probe);
    int created = 0;
    QString after;
    for (int page = 0; page < 100; ++page) {
        const auto reply = probe->request(frame("channels", {{"after"_L1, after}}));
        ASSERT_TRUE(reply && isOk(*reply));
        const QJsonObject ok = reply->value("ok"_L1).toObject();
        for (const QJsonValue &v : ok.value("channels"_L1).toArray()) {
            after = v.toObject().value("name"_L1).toString();
            created += after.startsWith(u"spam-"_s);
        }
        if (!ok.value("more"_L1).toBool())
            break;
    }
    EXPECT_LE(created, 100);
    EXPECT_GT(created, 0);
}

TEST_F(SecuritySession, ChannelCreationQuotaHoldsForUsersNotAdmins)
{
    ASSERT_NO_FATAL_FAILURE(addUser(u"root"_s, true));
    ASSERT_NO_FATAL_FAILURE(
        daemon.start(dataDir.path(), {u"--limits-channels-per-user"_s, u"3"_s}));
    auto alice = signIn(daemon.url());
    auto root = signIn(daemon.url(), u"root"_s);
    ASSERT_TRUE(alice && root);
    for (int i = 0; i < 3; ++i) {
        const auto reply = alice->request(frame("create", {{"channel"_L1, u"mine-%1"_s.arg(i)}}));
        ASSERT_TRUE(reply && isOk(*reply)) << (reply ? dump(*reply).toStdString() : "");
    }
    const auto over = alice->request(frame("create", {{"channel"_L1, "mine-3"_L1}}));
    ASSERT_TRUE(over);
    EXPECT_EQ(errorCode(*over), u"forbidden"_s);
    for (int i = 0; i < 5; ++i) {
        const auto reply = root->request(frame("create", {{"channel"_L1, u"ops-%1"_s.arg(i)}}));
        ASSERT_TRUE(reply && isOk(*reply)) << (reply ? dump(*reply).toStdString() : "");
    }
}

TEST_F(SecuritySession, HelloReplyDoesNotGrowWithPublicChannelsAndChannelsIsPaged)
{
    ASSERT_NO_FATAL_FAILURE(addUser(u"root"_s, true));
    ASSERT_NO_FATAL_FAILURE(addUser(u"bob"_s));
    ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path(), {u"--limits-request-burst"_s, u"1000"_s}));
    auto root = signIn(daemon.url(), u"root"_s);
    ASSERT_TRUE(root);
    std::vector<qint64> ids;
    for (int i = 0; i < 450; ++i)
        ids.push_back(root->sendRequest(
            frame("create", {{"channel"_L1, u"c%1"_s.arg(i, 3, 10, QChar(u'0'))}})));
    for (qint64 id : ids) {
        const auto reply = root->waitForReply(id, 20000);
        ASSERT_TRUE(reply && isOk(*reply)) << (reply ? dump(*reply).toStdString() : "");
    }
    auto bob = signIn(daemon.url(), u"bob"_s);
    ASSERT_TRUE(bob);
    const QJsonArray listed = bob->helloOk().value("channels"_L1).toArray();
    ASSERT_EQ(listed.size(), 1) << dump(bob->helloOk()).toStdString(); // general, bob's own
    EXPECT_EQ(listed.first().toObject().value("name"_L1).toString(), u"general"_s);

    QStringList names;
    QString after;
    int pages = 0;
    for (; pages < 10; ++pages) {
        const auto reply = bob->request(frame("channels", {{"after"_L1, after}}));
        ASSERT_TRUE(reply && isOk(*reply));
        const QJsonObject ok = reply->value("ok"_L1).toObject();
        const QJsonArray page = ok.value("channels"_L1).toArray();
        EXPECT_LE(page.size(), 200);
        for (const QJsonValue &v : page)
            names.append(v.toObject().value("name"_L1).toString());
        if (!ok.value("more"_L1).toBool())
            break;
        after = names.last();
    }
    EXPECT_EQ(pages, 2); // 451 channels: 200 + 200 + 51
    EXPECT_EQ(names.size(), 451);
    EXPECT_EQ(names.removeDuplicates(), 0);
}

} // namespace
