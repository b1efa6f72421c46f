// SPDX-License-Identifier: Apache-2.0
// Hostile clients against the real confabd: transport. Connections that never finish the
// WebSocket handshake, the descriptor limit, slow consumers and the server's memory,
// connections per address and per user, X-Forwarded-For, clients vanishing mid-write.

#include "daemonfixture.h"
#include "rawwsclient.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkRequest>
#include <QTcpSocket>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

/// Resident memory of the process in KiB.
qint64 rssKiB(qint64 pid)
{
    QFile status(u"/proc/%1/status"_s.arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

int openDescriptors(qint64 pid)
{
    return int(QDir(u"/proc/%1/fd"_s.arg(pid))
                   .entryList(QDir::NoDotAndDotDot | QDir::System | QDir::AllEntries)
                   .size());
}

/// Lets a measurement window pass (not a synchronisation: nothing is waited for).
void measureFor(int ms)
{
    QElapsedTimer timer;
    timer.start();
    waitUntil([&] { return timer.elapsed() >= ms; }, ms + 1000);
}

int countLines(const QString &text, const QString &needle)
{
    return int(text.count(needle));
}

class SecurityTransport : public DaemonTest
{
protected:
    /// Opens `count` TCP connections that never send a byte.
    static std::vector<std::unique_ptr<QTcpSocket>> silentConnections(const QUrl &url, int count)
    {
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        for (int i = 0; i < count; ++i) {
            auto socket = std::make_unique<QTcpSocket>();
            socket->connectToHost(url.host(), quint16(url.port()));
            sockets.push_back(std::move(socket));
        }
        return sockets;
    }

    static int countInState(const std::vector<std::unique_ptr<QTcpSocket>> &sockets,
                            QAbstractSocket::SocketState state)
    {
        return int(std::count_if(sockets.begin(), sockets.end(),
                                 [state](const auto &s) { return s->state() == state; }));
    }

    /// A raw client signed in as `user` and joined to general, with a small receive window.
    std::unique_ptr<RawWsClient> rawSubscriber(const QUrl &url, const QString &user)
    {
        auto client = std::make_unique<RawWsClient>();
        if (!client->open(url)) {
            ADD_FAILURE() << "raw client cannot connect";
            return nullptr;
        }
        client->socket()->setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption,
                                          16 * 1024);
        qint64 id = client->sendRequest(
            QJsonObject{{"t"_L1, "hello"_L1},
                        {"v"_L1, 1},
                        {"auth"_L1, QJsonObject{{"user"_L1, user}, {"password"_L1, password}}}});
        auto reply = client->waitForReply(id);
        if (!reply || !isOk(*reply)) {
            ADD_FAILURE() << "raw hello failed";
            return nullptr;
        }
        id = client->sendRequest(QJsonObject{{"t"_L1, "join"_L1}, {"channel"_L1, "general"_L1}});
        reply = client->waitForReply(id);
        if (!reply || !isOk(*reply)) {
            ADD_FAILURE() << "raw join failed";
            return nullptr;
        }
        return client;
    }

    /// The `address` of every connection in an admin.watch snapshot.
    static QStringList watchedAddresses(TestClient *admin)
    {
        QStringList addresses;
        const auto reply = admin->request(QJsonObject{{"t"_L1, "admin.watch"_L1}});
        if (!reply || !isOk(*reply)) {
            ADD_FAILURE() << "admin.watch failed";
            return addresses;
        }
        for (const QJsonValue &user : reply->value("ok"_L1)["users"_L1].toArray()) {
            for (const QJsonValue &c : user["connections"_L1].toArray())
                addresses.append(c["address"_L1].toString());
        }
        admin->request(QJsonObject{{"t"_L1, "admin.unwatch"_L1}});
        return addresses;
    }
};

// ---- defect 1: handshakes that never finish, and the descriptor limit ---------------------

TEST_F(SecurityTransport, SilentConnectionsAtTheDescriptorLimitNeitherSpinNorLockOut)
{
    constexpr int descriptors = 64;
    Daemon daemon;
    // Lowered soft and hard: confabd cannot raise it past the hard limit.
    daemon.process().setChildProcessModifier([] {
        const rlimit limit{descriptors, descriptors};
        ::setrlimit(RLIMIT_NOFILE, &limit);
    });
    ASSERT_NO_FATAL_FAILURE(
        daemon.start(dataDir.path(), {u"--timing-handshake-timeout-ms"_s, u"1000"_s}));
    const qint64 pid = daemon.process().processId();

    // About twice as many silent connections as the daemon has descriptors.
    auto silent = silentConnections(daemon.url(), 2 * descriptors);
    ASSERT_TRUE(waitUntil([&] { return openDescriptors(pid) >= descriptors - 2; }, 10000))
        << "the daemon never ran out of descriptors: " << openDescriptors(pid);

    // Out of descriptors, with connections waiting in the backlog: the accept loop must not
    // spin.
    const qint64 cpuBefore = processCpuMs(pid);
    QElapsedTimer wall;
    wall.start();
    measureFor(1500);
    const double cpuPercent =
        100.0 * double(processCpuMs(pid) - cpuBefore) / double(wall.elapsed());
    std::printf("[ figures ] daemon CPU at the descriptor limit: %.1f %% of a core\n", cpuPercent);
    EXPECT_LT(cpuPercent, 50.0);

    // Every silent connection is closed by the server after the deadline (in waves, as
    // descriptors free up).
    EXPECT_TRUE(waitUntil(
        [&] {
            return countInState(silent, QAbstractSocket::UnconnectedState) == int(silent.size());
        },
        30000))
        << countInState(silent, QAbstractSocket::UnconnectedState) << " of " << silent.size()
        << " silent connections closed";

    // And a real client gets in.
    auto alice = signIn(daemon.url());
    EXPECT_TRUE(alice);
    const QString log = daemon.errorOutput();
    EXPECT_LE(countLines(log, u"out of descriptors"_s), 5) << log.right(2000).toStdString();
}

TEST_F(SecurityTransport, HandshakingCapClosesTheExcessAtOnce)
{
    Daemon daemon;
    ASSERT_NO_FATAL_FAILURE(
        daemon.start(dataDir.path(), {u"--limits-handshaking"_s, u"3"_s,
                                      u"--timing-handshake-timeout-ms"_s, u"60000"_s}));

    auto silent = silentConnections(daemon.url(), 10);
    // Seven are closed at once; three wait for their (long) deadline.
    ASSERT_TRUE(waitUntil(
        [&] { return countInState(silent, QAbstractSocket::UnconnectedState) == 7; }, 5000))
        << countInState(silent, QAbstractSocket::UnconnectedState) << " closed";
    EXPECT_EQ(countInState(silent, QAbstractSocket::ConnectedState), 3);

    // Once those go away, real clients are served again.
    for (auto &socket : silent)
        socket->abort();
    TestClient client;
    EXPECT_TRUE(waitUntil([&] { return client.open(daemon.url(), 1000); }, 10000));
}

// ---- defect 6: slow consumers, memory, connections per address and per user --------------

TEST_F(SecurityTransport, SlowConsumersAreCutOffAndTheirMemoryFreed)
{
    constexpr int slowCount = 40;
    constexpr int perUser = 10;
    for (int u = 0; u < slowCount / perUser; ++u)
        addUser(u"slow%1"_s.arg(u));
    addUser(u"bob"_s);
    Daemon daemon;
    ASSERT_NO_FATAL_FAILURE(daemon.start(
        dataDir.path(), noRateLimit() << u"--limits-text"_s << u"32768"_s
                                      << u"--limits-connections-per-user"_s << u"0"_s));
    const qint64 pid = daemon.process().processId();

    auto alice = signIn(daemon.url());
    auto bob = signIn(daemon.url(), u"bob"_s);
    ASSERT_TRUE(alice && bob);
    alice->setRecordAll(false);
    bob->setRecordAll(false);
    ASSERT_TRUE(alice->joinSynced(u"general"_s));
    ASSERT_TRUE(bob->joinSynced(u"general"_s));
    std::vector<std::unique_ptr<RawWsClient>> slow;
    for (int i = 0; i < slowCount; ++i) {
        slow.push_back(rawSubscriber(daemon.url(), u"slow%1"_s.arg(i / perUser)));
        ASSERT_TRUE(slow.back());
        slow.back()->setReading(false);
    }
    const qint64 rssBefore = rssKiB(pid);

    // Flood: 32 KB messages, a few in flight, until every slow one is cut off (or 40 MB).
    const QString big = u"x"_s.repeated(32000);
    constexpr int count = 1250;
    constexpr int window = 4;
    // A client that does not read does not notice its connection ending either: the
    // daemon's log tells when each was cut off.
    auto cutOff = [&] { return countLines(daemon.errorOutput(), u"closing 4008"_s); };
    auto slowOpen = [&] {
        return int(std::count_if(slow.begin(), slow.end(),
                                 [](const auto &c) { return !c->isDisconnected(); }));
    };
    qint64 rssPeak = rssBefore;
    qint64 worstProbeMs = 0;
    int sent = 0;
    QList<qint64> pending;
    while (sent < count && cutOff() < slowCount) {
        while (pending.size() < window) {
            pending.append(alice->sendPublish(u"general"_s, big));
            ++sent;
        }
        const auto ack = alice->waitForReply(pending.takeFirst(), 10000);
        ASSERT_TRUE(ack) << "publisher stalled at " << sent;
        ASSERT_TRUE(isOk(*ack)) << dump(*ack).toStdString();
        alice->take(u"msg"_s);
        bob->take(u"msg"_s);
        rssPeak = std::max(rssPeak, rssKiB(pid));
        if (sent % 25 == 0) {
            // A healthy client's publish-to-delivery latency while the flood goes on.
            QElapsedTimer probe;
            probe.start();
            const QString cid = newCid();
            bob->sendPublish(u"general"_s, u"probe"_s, cid);
            const auto echo = bob->waitFor(
                u"msg"_s, [&](const QJsonObject &m) { return m["cid"_L1].toString() == cid; },
                10000);
            ASSERT_TRUE(echo) << "the healthy client got no delivery";
            worstProbeMs = std::max(worstProbeMs, probe.elapsed());
        }
    }
    for (qint64 id : std::as_const(pending))
        alice->waitForReply(id, 10000);
    EXPECT_GE(cutOff(), slowCount);
    // Their buffers are freed soon after: RSS falls back close to where it was before.
    QElapsedTimer afterCutOff;
    afterCutOff.start();
    const qint64 slack = 24 * 1024;
    EXPECT_TRUE(waitUntil([&] { return rssKiB(pid) < rssBefore + slack; }, 10000))
        << "RSS " << rssKiB(pid) << " KiB, before the flood " << rssBefore << " KiB";
    const qint64 fallMs = afterCutOff.elapsed();
    const qint64 rssAfter = rssKiB(pid);
    std::printf("[ figures ] %d slow consumers, %d messages of 32 KB: RSS %lld KiB before, "
                "peak %lld KiB, %lld KiB %lld ms after the last 4008; healthy client's worst "
                "publish-to-delivery %lld ms\n",
                slowCount, sent, rssBefore, rssPeak, rssAfter, fallMs, worstProbeMs);
    EXPECT_LT(worstProbeMs, 2000);
    // Reading again, each finds whole frames and then the close frame, 4008.
    for (auto &client : slow)
        client->setReading(true);
    EXPECT_TRUE(waitUntil([&] { return slowOpen() == 0; }, 10000))
        << slowOpen() << " slow consumers still connected";
    for (const auto &client : slow)
        EXPECT_EQ(client->closeCode(), 4008) << client->socketError().toStdString();
    EXPECT_TRUE(bob->isConnected());
    EXPECT_TRUE(alice->publish(u"general"_s, u"still here"_s));
}

TEST_F(SecurityTransport, SendBudgetClosesTheLargestBacklogsFirst)
{
    constexpr int slowCount = 6;
    addUser(u"bob"_s);
    Daemon daemon;
    // 2 MiB for everyone's unsent bytes, far below one connection's 8 MiB cap.
    ASSERT_NO_FATAL_FAILURE(
        daemon.start(dataDir.path(), noRateLimit() << u"--limits-text"_s << u"32768"_s
                                                   << u"--limits-send-budget"_s << u"2097152"_s));
    auto alice = signIn(daemon.url());
    auto bob = signIn(daemon.url(), u"bob"_s);
    ASSERT_TRUE(alice && bob);
    alice->setRecordAll(false);
    bob->setRecordAll(false);
    ASSERT_TRUE(alice->joinSynced(u"general"_s));
    ASSERT_TRUE(bob->joinSynced(u"general"_s));
    std::vector<std::unique_ptr<RawWsClient>> slow;
    for (int i = 0; i < slowCount; ++i) {
        slow.push_back(rawSubscriber(daemon.url(), u"bob"_s));
        ASSERT_TRUE(slow.back());
        slow.back()->setReading(false);
    }
    // 6 MB to each: the kernel's buffers plus less than the cap.
    const QString big = u"y"_s.repeated(32000);
    auto cutOff = [&] { return countLines(daemon.errorOutput(), u"closing 4008"_s); };
    for (int i = 0; i < 190 && cutOff() < slowCount; ++i) {
        const auto ack = alice->publish(u"general"_s, big);
        ASSERT_TRUE(ack && isOk(*ack));
        alice->take(u"msg"_s);
        bob->take(u"msg"_s);
    }
    EXPECT_TRUE(waitUntil([&] { return cutOff() > 0; }, 5000))
        << "no slow consumer was cut off for the budget";
    for (auto &client : slow)
        client->setReading(true);
    EXPECT_TRUE(waitUntil(
        [&] {
            return std::any_of(slow.begin(), slow.end(),
                               [](const auto &c) { return c->isDisconnected(); });
        },
        10000));
    const QString log = daemon.errorOutput();
    EXPECT_GE(countLines(log, u"send budget"_s), 1) << log.right(3000).toStdString();
    EXPECT_EQ(countLines(log, u"unsent bytes - closing 4008"_s), 0)
        << "the per-connection cap, not the budget, closed them";
    EXPECT_TRUE(bob->isConnected());
    EXPECT_TRUE(alice->publish(u"general"_s, u"still here"_s));
}

TEST_F(SecurityTransport, ConnectionsPerAddressAreLimited)
{
    Daemon daemon;
    ASSERT_NO_FATAL_FAILURE(
        daemon.start(dataDir.path(), {u"--limits-connections-per-address"_s, u"3"_s}));
    std::vector<std::unique_ptr<TestClient>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<TestClient>());
        ASSERT_TRUE(clients.back()->open(daemon.url()));
    }
    TestClient fourth;
    fourth.open(daemon.url()); // may already see the close when it returns
    ASSERT_TRUE(fourth.waitForDisconnected(5000))
        << "a 4th connection from one address stayed: " << daemon.errorOutput().toStdString();
    EXPECT_EQ(fourth.closeCode(), 4009);
    for (auto &client : clients)
        EXPECT_TRUE(client->isConnected());

    // One leaves: another may come.
    clients.front()->close();
    ASSERT_TRUE(clients.front()->waitForDisconnected());
    TestClient again;
    ASSERT_TRUE(waitUntil([&] { return again.open(daemon.url(), 1000); }, 5000));
    const auto reply = again.hello(u"alice"_s, password);
    ASSERT_TRUE(reply);
    EXPECT_TRUE(isOk(*reply)) << dump(*reply).toStdString();
}

TEST_F(SecurityTransport, ConnectionsPerUserAreLimited)
{
    addUser(u"bob"_s);
    Daemon daemon;
    ASSERT_NO_FATAL_FAILURE(
        daemon.start(dataDir.path(), {u"--limits-connections-per-user"_s, u"3"_s}));
    std::vector<std::unique_ptr<TestClient>> alices;
    for (int i = 0; i < 3; ++i) {
        alices.push_back(signIn(daemon.url()));
        ASSERT_TRUE(alices.back());
    }
    TestClient fourth;
    ASSERT_TRUE(fourth.open(daemon.url()));
    const auto reply = fourth.hello(u"alice"_s, password);
    ASSERT_TRUE(reply);
    EXPECT_FALSE(isOk(*reply)) << dump(*reply).toStdString();
    ASSERT_TRUE(fourth.waitForDisconnected(5000));
    EXPECT_EQ(fourth.closeCode(), 4009);
    for (auto &client : alices)
        EXPECT_TRUE(client->isConnected());
    // Someone else is not affected.
    EXPECT_TRUE(signIn(daemon.url(), u"bob"_s));
}

// ---- defect 9: X-Forwarded-For from trusted proxies only ----------------------------------

TEST_F(SecurityTransport, ForwardedForIsBelievedFromTrustedProxiesOnly)
{
    addUser(u"root"_s, true);
    auto behindProxy = [](const QUrl &url, const QByteArray &forwardedFor) {
        QNetworkRequest request(url);
        request.setRawHeader("X-Forwarded-For", forwardedFor);
        return request;
    };

    {
        Daemon daemon;
        ASSERT_NO_FATAL_FAILURE(
            daemon.start(dataDir.path(), {u"--trusted-proxy"_s, u"127.0.0.1,10.0.0.9"_s,
                                          u"--limits-connections-per-address"_s, u"2"_s}));
        auto root = signIn(daemon.url(), u"root"_s);
        ASSERT_TRUE(root);
        // Two clients behind the proxy at one address, a third at another: all get in
        // although every connection comes from 127.0.0.1 (root is the third from there).
        TestClient first;
        TestClient second;
        TestClient other;
        ASSERT_TRUE(first.open(behindProxy(daemon.url(), "203.0.113.7")));
        // The right-most address that is not a trusted proxy counts.
        ASSERT_TRUE(second.open(behindProxy(daemon.url(), "198.51.100.1, 203.0.113.7, 10.0.0.9")));
        ASSERT_TRUE(other.open(behindProxy(daemon.url(), "203.0.113.8")));
        ASSERT_TRUE(first.hello(u"alice"_s, password));
        ASSERT_TRUE(second.hello(u"alice"_s, password));
        ASSERT_TRUE(other.hello(u"alice"_s, password));
        EXPECT_TRUE(first.isConnected() && second.isConnected() && other.isConnected());
        // A third at 203.0.113.7 is one too many.
        TestClient third;
        third.open(behindProxy(daemon.url(), "203.0.113.7")); // may see the close already
        ASSERT_TRUE(third.waitForDisconnected(5000));
        EXPECT_EQ(third.closeCode(), 4009);

        const QStringList addresses = watchedAddresses(root.get());
        EXPECT_EQ(addresses.count(u"203.0.113.7"_s), 2) << addresses.join(u' ').toStdString();
        EXPECT_EQ(addresses.count(u"203.0.113.8"_s), 1) << addresses.join(u' ').toStdString();
    }
    {
        // Without --trusted-proxy the header is ignored: the peer's address counts.
        Daemon daemon;
        ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path()));
        auto root = signIn(daemon.url(), u"root"_s);
        ASSERT_TRUE(root);
        TestClient spoofed;
        ASSERT_TRUE(spoofed.open(behindProxy(daemon.url(), "203.0.113.7")));
        ASSERT_TRUE(spoofed.hello(u"alice"_s, password));
        const QStringList addresses = watchedAddresses(root.get());
        EXPECT_FALSE(addresses.join(u' ').contains(u"203.0.113"_s))
            << addresses.join(u' ').toStdString();
    }
}

// ---- defect 10: clients vanishing mid-write ------------------------------------------------

TEST_F(SecurityTransport, ClientsVanishingMidFloodCauseNoWritesToClosedSockets)
{
    addUser(u"bob"_s);
    Daemon daemon;
    ASSERT_NO_FATAL_FAILURE(daemon.start(
        dataDir.path(), noRateLimit() << u"--limits-text"_s << u"32768"_s
                                      << u"--limits-connections-per-user"_s << u"0"_s));
    auto alice = signIn(daemon.url());
    ASSERT_TRUE(alice);
    alice->setRecordAll(false);
    ASSERT_TRUE(alice->joinSynced(u"general"_s));
    // Subscribers that stop reading and then go: half of them say goodbye first (a close
    // frame; the server's answer waits behind what they have not read), half just vanish.
    constexpr int clients = 40;
    std::vector<std::unique_ptr<RawWsClient>> subscribers;
    for (int i = 0; i < clients; ++i) {
        subscribers.push_back(rawSubscriber(daemon.url(), u"bob"_s));
        ASSERT_TRUE(subscribers.back());
        subscribers.back()->setReading(false);
    }
    const QString big = u"z"_s.repeated(32000);
    QList<qint64> pending;
    int gone = 0;
    for (int i = 0; i < 300; ++i) {
        pending.append(alice->sendPublish(u"general"_s, big));
        if (i % 6 == 5 && gone < clients) {
            RawWsClient *client = subscribers[size_t(gone)].get();
            if (gone % 2 == 0)
                client->sendFrame(RawWsClient::Close, QByteArray("\x03\xe8", 2));
            else
                client->socket()->abort();
            ++gone;
        }
        if (pending.size() >= 8) {
            const auto ack = alice->waitForReply(pending.takeFirst(), 10000);
            ASSERT_TRUE(ack && isOk(*ack));
            alice->take(u"msg"_s);
        }
    }
    for (qint64 id : std::as_const(pending))
        ASSERT_TRUE(alice->waitForReply(id, 10000));
    EXPECT_TRUE(alice->publish(u"general"_s, u"after"_s));
    for (auto &client : subscribers)
        client->socket()->abort();
    EXPECT_TRUE(alice->publish(u"general"_s, u"after they all left"_s));
    const QString log = daemon.errorOutput();
    std::printf("[ figures ] 'device not open' logged %d times\n",
                countLines(log, u"device not open"_s));
    EXPECT_EQ(countLines(log, u"device not open"_s), 0) << log.right(2000).toStdString();
}

} // namespace
