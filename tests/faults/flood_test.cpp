// SPDX-License-Identifier: Apache-2.0
// Half-open flood against the real confabd (issue 15): thousands of TCP connections that
// never finish the WebSocket handshake, and a thousand that finish it but never send
// `hello`. The server must close each on time, keep serving signed-in users meanwhile,
// and give back its descriptors and memory afterwards.

#include "bulkaccounts.h"
#include "confabprocess.h"
#include "socketswarm.h"
#include "testclient.h"

#include <QElapsedTimer>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace confab::test {
namespace {

constexpr int handshakeFlood = 5000; // TCP only, no upgrade
constexpr int helloFlood = 1000;     // upgraded, no hello
constexpr int batch = 250;           // connects started at once (the listen backlog is small)
constexpr int handshakeTimeoutMs = 3000;
constexpr int helloTimeoutMs = 3000;
// The server checks its deadlines every timeout/4; on two shared cores and with thousands
// of sockets to close at once, two seconds more are allowed before "late" is a failure
// (closing them once took seconds of a stalled event loop: up to 6 s late).
constexpr int closeSlackMs = 2000;
const QString password = u"password1"_s;

struct Stats
{
    qint64 median = 0;
    qint64 p95 = 0;
    qint64 max = 0;
};

Stats statsOf(std::vector<qint64> values)
{
    if (values.empty())
        return {};
    std::sort(values.begin(), values.end());
    return {values[values.size() / 2],
            values[std::min(values.size() - 1, values.size() * 95 / 100)], values.back()};
}

class Flood : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_GE(raiseDescriptorLimit(), handshakeFlood + helloFlood + 500)
            << "this test needs about 6,500 descriptors";
        ASSERT_TRUE(dataDir.isValid());
        QString error;
        ASSERT_TRUE(makeBulkAccounts(dataDir.path(), 2, password, &error)) << error.toStdString();
        // Everything comes from 127.0.0.1: the per-address cap (which counts upgraded
        // connections) is lifted, and the handshaking cap (which closes the excess at once)
        // is raised above the flood, so what is tested is each connection's own deadline.
        daemon.setDataDir(dataDir.path());
        daemon.setExtraArgs(
            {u"--limits-handshaking"_s, u"10000"_s, u"--limits-connections-per-address"_s, u"0"_s,
             u"--timing-handshake-timeout-ms"_s, QString::number(handshakeTimeoutMs),
             u"--timing-hello-timeout-ms"_s, QString::number(helloTimeoutMs),
             u"--timing-group-commit-ms"_s, u"0"_s, u"--limits-rate-per-s"_s, u"100000"_s,
             u"--limits-burst"_s, u"100000"_s});
        ASSERT_TRUE(daemon.start(0, &error)) << error.toStdString();
        pid = daemon.process().processId();
        for (TestClient *client : {&alice, &bob}) {
            client->setRecordAll(false);
            ASSERT_TRUE(client->open(daemon.url()));
            const QString user = bulkUserName(client == &alice ? 0 : 1);
            const auto reply = client->hello(user, password);
            ASSERT_TRUE(reply && isOk(*reply));
            ASSERT_TRUE(client->joinSynced(u"general"_s));
        }
    }

    /// Alice publishes, Bob gets the `msg`: the time between, in ms (-1: never came).
    qint64 latencySample()
    {
        const QString cid = newCid();
        QElapsedTimer timer;
        timer.start();
        const qint64 id = alice.sendPublish(u"general"_s, u"ping"_s, cid);
        const auto msg = bob.waitFor(
            u"msg"_s, [&](const QJsonObject &m) { return m["cid"_L1].toString() == cid; }, 15000);
        const qint64 elapsed = timer.elapsed();
        const auto reply = alice.waitForReply(id, 1000);
        EXPECT_TRUE(reply && isOk(*reply))
            << "publish: " << (reply ? dump(*reply).toStdString() : "no reply");
        alice.take(u"msg"_s);
        return msg ? elapsed : -1;
    }

    /// One flood: opens both kinds in batches (a latency sample between batches), then
    /// samples latency until the server has closed them all. Checks each close's timing.
    void floodRound(const char *name, std::vector<qint64> *latencies)
    {
        SocketSwarm swarm(quint16(daemon.port()));
        const qint64 cpuBefore = processCpuMs(pid);
        QElapsedTimer wall;
        wall.start();
        auto openBatches = [&](int total, bool upgrade) {
            for (int opened = 0; opened < total; opened += batch) {
                const int first = swarm.open(std::min(batch, total - opened), upgrade);
                const auto waiting =
                    upgrade ? SocketSwarm::State::Upgrading : SocketSwarm::State::Connecting;
                ASSERT_TRUE(waitUntil(
                    [&] {
                        for (int i = first; i < swarm.size(); ++i) {
                            if (swarm.at(i).state == SocketSwarm::State::Connecting ||
                                swarm.at(i).state == waiting)
                                return false;
                        }
                        return true;
                    },
                    15000))
                    << name << ": a batch did not connect";
                latencies->push_back(latencySample());
            }
        };
        ASSERT_NO_FATAL_FAILURE(openBatches(handshakeFlood, false));
        ASSERT_NO_FATAL_FAILURE(openBatches(helloFlood, true));
        const qint64 openedMs = wall.elapsed();
        const int peak = openDescriptors(pid);
        while (swarm.count(SocketSwarm::State::Closed) < swarm.size() &&
               wall.elapsed() < openedMs + handshakeTimeoutMs + closeSlackMs + 5000)
            latencies->push_back(latencySample());
        ASSERT_TRUE(waitUntil(
            [&] { return swarm.count(SocketSwarm::State::Closed) == swarm.size(); }, 1000))
            << name << ": " << swarm.size() - swarm.count(SocketSwarm::State::Closed)
            << " connections still open long after their deadline";

        std::vector<qint64> handshakeLife, helloLife;
        int early = 0, late = 0, wrongEnd = 0;
        for (int i = 0; i < swarm.size(); ++i) {
            const auto &s = swarm.at(i);
            const bool upgraded = i >= handshakeFlood;
            const int deadline = upgraded ? helloTimeoutMs : handshakeTimeoutMs;
            // Never earlier than the deadline after our connect(); at most the slack after
            // the moment the server can have started counting (accept, or the upgrade).
            const qint64 life = s.closedMs - (upgraded ? s.upgradedMs : s.connectedMs);
            (upgraded ? helloLife : handshakeLife).push_back(life);
            early += s.closedMs - s.startedMs < deadline - 20 ? 1 : 0;
            late += life > deadline + closeSlackMs ? 1 : 0;
            // Not upgraded: the server just closes; upgraded: close frame 4001 first.
            wrongEnd += !s.closedByPeer || (upgraded ? s.closeCode != 4001 : s.closeCode != -1);
        }
        const Stats hs = statsOf(handshakeLife), he = statsOf(helloLife);
        const qint64 cpuMs = processCpuMs(pid) - cpuBefore;
        std::printf(
            "[ figures ] %s: daemon CPU %lld ms; opened %d + %d in %lld ms, daemon fds at peak %d; "
            "handshake closes after median %lld / max %lld ms, hello closes after "
            "median %lld / max %lld ms\n",
            name, cpuMs, handshakeFlood, helloFlood, qint64(openedMs), peak, hs.median, hs.max,
            he.median, he.max);
        EXPECT_EQ(early, 0) << name << ": closed before their deadline";
        EXPECT_EQ(late, 0) << name << ": closed more than " << closeSlackMs
                           << " ms after their deadline";
        EXPECT_EQ(wrongEnd, 0) << name
                               << ": not closed by the server the expected way (close frame "
                                  "4001 after an upgrade, a plain close before it)";
    }

    QTemporaryDir dataDir;
    ConfabdProcess daemon;
    qint64 pid = 0;
    TestClient alice;
    TestClient bob;
};

TEST_F(Flood, HalfOpenConnectionsAreClosedOnTimeWhileChatGoesOnAndResourcesComeBack)
{
    // Warm-up: a first flood of the same size, so that the baseline includes what the
    // server's allocator keeps once it has held 6,000 connections.
    const int startFds = openDescriptors(pid);
    std::vector<qint64> warmUp;
    ASSERT_NO_FATAL_FAILURE(floodRound("warm-up flood", &warmUp));
    ASSERT_TRUE(waitUntil([&] { return openDescriptors(pid) <= startFds; }, 10000))
        << "descriptors: " << openDescriptors(pid) << " after the warm-up, " << startFds
        << " before";

    std::vector<qint64> quiet;
    for (int i = 0; i < 40; ++i)
        quiet.push_back(latencySample());
    ASSERT_EQ(std::count(quiet.begin(), quiet.end(), -1), 0);
    const int baseFds = openDescriptors(pid);
    const qint64 baseRss = residentKiB(pid);

    std::vector<qint64> during;
    ASSERT_NO_FATAL_FAILURE(floodRound("flood", &during));
    EXPECT_EQ(std::count(during.begin(), during.end(), -1), 0)
        << "a message published during the flood never arrived";
    EXPECT_TRUE(alice.isConnected() && bob.isConnected())
        << "a signed-in user was cut off by the flood";
    // Everything the flood took is given back.
    EXPECT_TRUE(waitUntil([&] { return openDescriptors(pid) <= baseFds; }, 10000))
        << "descriptors: " << openDescriptors(pid) << " after, " << baseFds << " before";
    const int afterFds = openDescriptors(pid);
    const qint64 afterRss = residentKiB(pid);

    // Once more: what a flood leaves in memory must not add up flood after flood.
    std::vector<qint64> again;
    ASSERT_NO_FATAL_FAILURE(floodRound("third flood", &again));
    EXPECT_TRUE(waitUntil([&] { return openDescriptors(pid) <= baseFds; }, 10000));
    const qint64 againRss = residentKiB(pid);

    const Stats q = statsOf(quiet), d = statsOf(during);
    std::printf("[ figures ] publish->delivery latency: quiet median %lld / p95 %lld / max %lld "
                "ms (%zu samples); during the flood median %lld / p95 %lld / max %lld ms (%zu "
                "samples)\n",
                q.median, q.p95, q.max, quiet.size(), d.median, d.p95, d.max, during.size());
    std::printf("[ figures ] daemon fds: baseline %d, after the flood %d; VmRSS: baseline %lld "
                "KiB, after the flood %lld KiB (%+.1f %%), after a third %lld KiB (%+.1f %%)\n",
                baseFds, afterFds, baseRss, afterRss,
                100.0 * double(afterRss - baseRss) / double(baseRss), againRss,
                100.0 * double(againRss - afterRss) / double(afterRss));
    // Generous (two shared cores, other builds running), yet far below the seconds-long
    // stalls that closing thousands of handshakes once caused: chat stays interactive.
    EXPECT_LE(d.median, std::max<qint64>(10 * q.median, 250));
    EXPECT_LE(d.max, 1500) << "a message took seconds during the flood";
    // glibc keeps freed heap in the process (a malloc_trim(0) from a debugger brought the
    // daemon from 57 to 27 MB after a flood), and it creeps by a few per cent a flood as
    // the heap fragments: the bounds allow that, not a leak of what a connection holds
    // (a few KiB each: 6,000 connections would add 10 % and more every time).
    EXPECT_LE(afterRss, baseRss + baseRss / 4) << "memory not given back after the flood";
    EXPECT_LE(againRss, afterRss + afterRss / 10) << "memory grows flood after flood";
}

} // namespace
} // namespace confab::test
