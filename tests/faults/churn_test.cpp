// SPDX-License-Identifier: Apache-2.0
// Connection churn against the real confabd (issue 15): 10,000 connections per round that
// upgrade, sign in, join a channel and are dropped abruptly (TCP RST), three rounds. The
// server must keep no descriptor and no memory of them, and presence must come out right:
// everyone offline again after the grace period, for a watching user and for the admin view.

#include "bulkaccounts.h"
#include "confabprocess.h"
#include "socketswarm.h"
#include "testclient.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace confab::test {
namespace {

constexpr int perRound = 10000;
constexpr int rounds = 3;
constexpr int window = 300;     // connections in flight at once (pipelined churn)
constexpr int churnUsers = 100; // u00000…u00099 churn; u00100 watches; root is the admin
constexpr int graceMs = 1000;
const QString password = u"password1"_s;
const QString watcherName = bulkUserName(churnUsers);

class Churn : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_GE(raiseDescriptorLimit(), window + 200);
        ASSERT_TRUE(dataDir.isValid());
        QString error;
        ASSERT_TRUE(makeBulkAccounts(dataDir.path(), churnUsers + 1, password, &error))
            << error.toStdString();
        // A hundred accounts with a hundred connections each, all from 127.0.0.1: the
        // per-user and per-address caps are lifted (and the handshaking cap is above the
        // window) so that what is tested is churn, not limits.
        daemon.setDataDir(dataDir.path());
        daemon.setExtraArgs({u"--limits-connections-per-user"_s, u"0"_s,
                             u"--limits-connections-per-address"_s, u"0"_s,
                             u"--limits-handshaking"_s, u"10000"_s, u"--timing-presence-grace-ms"_s,
                             QString::number(graceMs)});
        ASSERT_TRUE(daemon.start(0, &error)) << error.toStdString();
        pid = daemon.process().processId();
        watcher.setRecordAll(false);
        ASSERT_TRUE(watcher.open(daemon.url()));
        const auto hello = watcher.hello(watcherName, password);
        ASSERT_TRUE(hello && isOk(*hello));
        ASSERT_TRUE(watcher.joinSynced(u"general"_s));
        // Each churning user signs in once with the password; the churn then uses the
        // token, as a reconnecting client does (password sign-ins are throttled per user,
        // and each costs a hash).
        for (int u = 0; u < churnUsers; ++u) {
            TestClient client;
            ASSERT_TRUE(client.open(daemon.url()));
            const auto reply = client.hello(bulkUserName(u), password);
            ASSERT_TRUE(reply && isOk(*reply));
            tokens.append(client.token());
        }
    }

    /// One round: `perRound` connections, at most `window` at once, each dropped with a RST
    /// as soon as its join is `synced`. Fails the test on any refusal. Its wall time in ms.
    qint64 churnRound(int round)
    {
        SocketSwarm swarm(quint16(daemon.port()));
        int started = 0, synced = 0, failed = 0;
        QString firstFailure;
        std::function<void()> startMore = [&] {
            while (started < perRound && started - synced - failed < window) {
                ++started;
                swarm.open(1, true);
            }
        };
        auto fail = [&](int index, const QString &why) {
            ++failed;
            if (firstFailure.isEmpty())
                firstFailure = why;
            swarm.reset(index);
            startMore();
        };
        swarm.onOpen = [&](int index) {
            const QString &token = tokens[(round * perRound + index) % churnUsers];
            const QJsonObject hello{{"t"_L1, "hello"_L1},
                                    {"id"_L1, 1},
                                    {"v"_L1, 1},
                                    {"client"_L1, "confab-churn/1"_L1},
                                    {"auth"_L1, QJsonObject{{"token"_L1, token}}}};
            const QJsonObject join{{"t"_L1, "join"_L1}, {"id"_L1, 2}, {"channel"_L1, "general"_L1}};
            // The server holds frames after a pending hello until it is answered.
            swarm.sendText(index, QJsonDocument(hello).toJson(QJsonDocument::Compact));
            swarm.sendText(index, QJsonDocument(join).toJson(QJsonDocument::Compact));
        };
        swarm.onText = [&](int index, const QByteArray &payload) {
            // Most frames (replies, presence and member events) need no parsing here.
            if (!payload.contains("\"synced\"") && !payload.contains("\"error\""))
                return;
            const QJsonObject frame = QJsonDocument::fromJson(payload).object();
            if (frame["t"_L1].toString() == u"synced"_s) {
                ++synced;
                swarm.reset(index); // the abrupt end: RST, no close frame
                startMore();
            } else if (frame.contains("error"_L1)) {
                fail(index, QString::fromUtf8(payload));
            }
        };
        swarm.onClosed = [&](int index) {
            fail(index,
                 u"closed by the server (close code %1, errno %2)"_s.arg(swarm.at(index).closeCode)
                     .arg(swarm.at(index).error));
        };
        QElapsedTimer timer;
        timer.start();
        const qint64 cpuBefore = processCpuMs(pid);
        startMore();
        EXPECT_TRUE(waitUntil([&] { return synced + failed == perRound; }, 120000))
            << "round " << round << ": " << synced << " synced, " << failed << " failed of "
            << perRound;
        EXPECT_EQ(failed, 0) << "round " << round
                             << ": first failure: " << firstFailure.toStdString();
        std::printf("[ figures ] round %d: daemon CPU %lld ms\n", round + 1,
                    processCpuMs(pid) - cpuBefore);
        return timer.elapsed();
    }

    /// The newest presence status the watcher was told for each user.
    void takePresence()
    {
        for (const QJsonObject &event : watcher.take(u"presence"_s))
            lastStatus.insert(event["user"_L1].toString(), event["status"_L1].toString());
        watcher.take(u"member"_s);
    }

    int churnersShownOffline()
    {
        takePresence();
        int offline = 0;
        for (int u = 0; u < churnUsers; ++u)
            offline += lastStatus.value(bulkUserName(u)) == u"offline"_s ? 1 : 0;
        return offline;
    }

    /// Waits until the watcher sees every churning user offline, and the server's
    /// descriptors settle at no more than `fds`.
    void expectSettled(const char *when, int fds)
    {
        EXPECT_TRUE(
            waitUntil([&] { return churnersShownOffline() == churnUsers; }, graceMs + 10000))
            << when << ": the watcher sees " << churnersShownOffline() << " of " << churnUsers
            << " churning users offline";
        EXPECT_TRUE(waitUntil([&] { return openDescriptors(pid) <= fds; }, 10000))
            << when << ": " << openDescriptors(pid) << " descriptors open, " << fds << " expected";
    }

    QTemporaryDir dataDir;
    ConfabdProcess daemon;
    qint64 pid = 0;
    TestClient watcher;
    QHash<QString, QString> lastStatus;
    QStringList tokens; // of each churning user
};

TEST_F(Churn, TenThousandAbruptDisconnectsThreeTimesLeakNothingAndPresenceSettles)
{
    const int startFds = openDescriptors(pid);
    const qint64 startRss = residentKiB(pid);
    // Round 1 warms up: the baseline is taken after it, once the server has held and
    // dropped 10,000 sessions (its allocator keeps some of what it grew to).
    const qint64 warmMs = churnRound(0);
    ASSERT_FALSE(HasFailure());
    expectSettled("after the warm-up round", startFds);
    const int baseFds = openDescriptors(pid);
    const qint64 baseRss = residentKiB(pid);
    std::printf("[ figures ] round 1 (warm-up): %d connections in %lld ms (%.0f/s); daemon fds "
                "%d before, %d after; VmRSS %lld KiB before, %lld KiB after (the baseline)\n",
                perRound, warmMs, perRound * 1000.0 / double(warmMs), startFds, baseFds, startRss,
                baseRss);

    for (int round = 1; round < rounds; ++round) {
        const qint64 ms = churnRound(round);
        expectSettled("after a round", baseFds);
        const qint64 rss = residentKiB(pid);
        std::printf("[ figures ] round %d: %d connections in %lld ms (%.0f/s); daemon fds %d; "
                    "VmRSS %lld KiB (%+.1f %% of the baseline)\n",
                    round + 1, perRound, ms, perRound * 1000.0 / double(ms), openDescriptors(pid),
                    rss, 100.0 * double(rss - baseRss) / double(baseRss));
        EXPECT_LE(rss, baseRss + baseRss / 20)
            << "round " << round + 1 << ": memory not back within 5 % of the baseline";
    }
    ASSERT_TRUE(daemon.isRunning());

    // The admin view agrees: no churning user online, none with a connection left; only
    // the watcher and the admin itself are connected.
    TestClient root;
    ASSERT_TRUE(root.open(daemon.url()));
    const auto rootHello = root.hello(u"root"_s, password);
    ASSERT_TRUE(rootHello && isOk(*rootHello));
    const auto snapshot = root.request(QJsonObject{{"t"_L1, "admin.watch"_L1}});
    ASSERT_TRUE(snapshot && isOk(*snapshot));
    int connections = 0, churnersSeen = 0;
    for (const QJsonValue &value : snapshot->value("ok"_L1)["users"_L1].toArray()) {
        const QJsonObject user = value.toObject();
        const QString name = user["user"_L1].toString();
        connections += int(user["connections"_L1].toArray().size());
        if (name == watcherName || name == u"root"_s)
            continue;
        ++churnersSeen;
        EXPECT_EQ(user["status"_L1].toString(), u"offline"_s) << dump(user).toStdString();
        EXPECT_TRUE(user["connections"_L1].toArray().isEmpty()) << dump(user).toStdString();
    }
    EXPECT_EQ(churnersSeen, churnUsers);
    EXPECT_EQ(connections, 2) << "connections left besides the watcher's and the admin's";
    // And the server still serves: a fresh sign-in and join.
    TestClient late;
    ASSERT_TRUE(late.open(daemon.url()));
    const auto lateHello = late.hello(bulkUserName(0), password);
    ASSERT_TRUE(lateHello && isOk(*lateHello));
    EXPECT_TRUE(late.joinSynced(u"general"_s));
}

} // namespace
} // namespace confab::test
