// SPDX-License-Identifier: Apache-2.0
// The app's admin view: AdminPresenceModel on the shared PresenceBoard (order, row moves
// instead of resets, filters, idle times counting on, highlights, figures) under
// QAbstractItemModelTester, and the engine's admin requests against the fake server
// (admin.watch with its filter, again after a reconnect; events and figures reaching the
// model; admin.kick and its answer).

#include "fakeserver.h"
#include "waituntil.h"

#include "adminpresencemodel.h"
#include "adminstats.h"
#include "chatclient.h"
#include "codec.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <array>
#include <iostream>
#include <memory>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::client;
using namespace confab::client::test;

namespace {

constexpr qint64 t0 = 1'800'000'000'000;

/// A wall clock the test moves by hand.
struct WallClock
{
    std::shared_ptr<qint64> now = std::make_shared<qint64>(t0);
    ClockFn fn() const
    {
        return [now = now] { return *now; };
    }
    void advance(qint64 ms) { *now += ms; }
};

ConnectionInfo connection(const QString &session, qint64 idleMs = 0, qint64 unsent = 0)
{
    return {session,
            u"confab-desktop/0.3"_s,
            u"192.0.2.7:5000"_s,
            t0 - 3'600'000,
            idleMs,
            {u"general"_s},
            true,
            unsent};
}

UserActivity user(const QString &name, PresenceStatus status,
                  QList<ConnectionInfo> connections = {})
{
    return {{name, status, {}, t0 - 7'200'000, t0 - 60'000}, connections};
}

ServerStatistics figures()
{
    return {4, 2, 1, 1, 1, 2.5, 1.0, 3, 3'600'000, 1 << 20, u"0.3.0"_s};
}

AdminWatchOk snapshot()
{
    return {{user(u"zoe"_s, PresenceStatus::Offline),
             user(u"dan"_s, PresenceStatus::Dnd, {connection(u"s1-d"_s)}),
             user(u"amy"_s, PresenceStatus::Away, {connection(u"s2-a"_s, 90'000)}),
             user(u"bob"_s, PresenceStatus::Online,
                  {connection(u"s3-b"_s), connection(u"s4-b"_s, 5'000)}),
             user(u"cat"_s, PresenceStatus::Online, {connection(u"s5-c"_s)})},
            figures()};
}

AdminPresenceEvent statusEvent(const QString &name, PresenceStatus status, const QString &text = {})
{
    return {AdminPresenceKind::Status, {name, status, text, t0, t0}, std::nullopt, std::nullopt};
}

QStringList rows(const AdminPresenceModel &model)
{
    QStringList names;
    for (int row = 0; row < model.rowCount(); ++row)
        names.append(model.index(row).data(AdminPresenceModel::UserRole).toString());
    return names;
}

/// Counts every kind of change a model reports.
struct ChangeSpy
{
    explicit ChangeSpy(QAbstractItemModel *model)
        : reset(model, &QAbstractItemModel::modelReset)
        , layout(model, &QAbstractItemModel::layoutChanged)
        , inserted(model, &QAbstractItemModel::rowsInserted)
        , removed(model, &QAbstractItemModel::rowsRemoved)
        , moved(model, &QAbstractItemModel::rowsMoved)
        , changed(model, &QAbstractItemModel::dataChanged)
    {}
    void clear()
    {
        for (QSignalSpy *spy : {&reset, &layout, &inserted, &removed, &moved, &changed})
            spy->clear();
    }
    QSignalSpy reset, layout, inserted, removed, moved, changed;
};

/// The rows of the one-row dataChanged signals, in order.
QList<int> changedRows(const QSignalSpy &changed)
{
    QList<int> out;
    for (const auto &args : changed)
        out.append(args.at(0).toModelIndex().row());
    return out;
}

class AdminModelTest : public ::testing::Test
{
protected:
    WallClock clock;
    AdminPresenceModel model{clock.fn(), nullptr};
    QAbstractItemModelTester tester{&model, QAbstractItemModelTester::FailureReportingMode::Fatal};
};

} // namespace

// ---- the model ------------------------------------------------------------------------------

TEST_F(AdminModelTest, RowsComeInTheBoardsOrderWithEveryRole)
{
    EXPECT_FALSE(model.isReady());
    model.setSnapshot(snapshot());
    EXPECT_TRUE(model.isReady());
    EXPECT_EQ(rows(model), (QStringList{u"bob"_s, u"cat"_s, u"amy"_s, u"dan"_s, u"zoe"_s}));
    EXPECT_EQ(model.watchedCount(), 5);

    const QModelIndex bob = model.index(0);
    EXPECT_EQ(bob.data(AdminPresenceModel::StatusRole).toString(), u"online"_s);
    EXPECT_EQ(bob.data(AdminPresenceModel::SinceRole).toDateTime().toMSecsSinceEpoch(),
              t0 - 7'200'000);
    EXPECT_EQ(bob.data(AdminPresenceModel::LastSeenRole).toDateTime().toMSecsSinceEpoch(),
              t0 - 60'000);
    EXPECT_EQ(bob.data(AdminPresenceModel::ConnectionCountRole).toInt(), 2);
    EXPECT_FALSE(bob.data(AdminPresenceModel::ChangedRecentlyRole).toBool());
    const QVariantList connections = bob.data(AdminPresenceModel::ConnectionsRole).toList();
    ASSERT_EQ(connections.size(), 2);
    const QVariantMap second = connections[1].toMap();
    EXPECT_EQ(second[u"session"_s].toString(), u"s4-b"_s);
    EXPECT_EQ(second[u"client"_s].toString(), u"confab-desktop/0.3"_s);
    EXPECT_EQ(second[u"address"_s].toString(), u"192.0.2.7:5000"_s);
    EXPECT_TRUE(second[u"encrypted"_s].toBool());
    EXPECT_EQ(second[u"connectedSince"_s].toDateTime().toMSecsSinceEpoch(), t0 - 3'600'000);
    EXPECT_EQ(second[u"idleMs"_s].toLongLong(), 5'000);
    EXPECT_EQ(second[u"lastActiveMs"_s].toLongLong(), t0 - 5'000);
    EXPECT_EQ(second[u"channels"_s].toStringList(), QStringList{u"general"_s});
    EXPECT_EQ(second[u"unsentBytes"_s].toLongLong(), 0);
    EXPECT_EQ(model.roleNames().value(AdminPresenceModel::ChangedRecentlyRole),
              QByteArray("changedRecently"));
}

TEST_F(AdminModelTest, EventsMoveInsertAndChangeSingleRows)
{
    model.setSnapshot(snapshot());
    ChangeSpy spy(&model);

    // bob goes away: one move (online → away, before amy by name), no reset.
    model.apply(statusEvent(u"bob"_s, PresenceStatus::Away, u"lunch"_s));
    EXPECT_EQ(rows(model).first(), u"bob"_s) << "coalesced: nothing moves before the pass";
    model.flush();
    EXPECT_EQ(rows(model), (QStringList{u"cat"_s, u"amy"_s, u"bob"_s, u"dan"_s, u"zoe"_s}));
    EXPECT_EQ(spy.moved.size(), 1);
    EXPECT_EQ(changedRows(spy.changed), QList<int>{2});
    EXPECT_EQ(model.index(2).data(AdminPresenceModel::StatusTextRole).toString(), u"lunch"_s);
    EXPECT_TRUE(model.index(2).data(AdminPresenceModel::ChangedRecentlyRole).toBool());

    // A new user connects: inserted where the order wants them.
    spy.clear();
    model.apply({AdminPresenceKind::Connect,
                 {u"ann"_s, PresenceStatus::Online, {}, t0, t0},
                 connection(u"s9-n"_s),
                 std::nullopt});
    model.flush();
    EXPECT_EQ(rows(model),
              (QStringList{u"ann"_s, u"cat"_s, u"amy"_s, u"bob"_s, u"dan"_s, u"zoe"_s}));
    ASSERT_EQ(spy.inserted.size(), 1);
    EXPECT_EQ(spy.inserted[0].at(1).toInt(), 0);
    EXPECT_EQ(spy.moved.size(), 0);

    // cat's last connection closes (kicked): cat goes offline, to the end (by name: zoe after).
    spy.clear();
    model.apply({AdminPresenceKind::Disconnect,
                 {u"cat"_s, PresenceStatus::Offline, {}, t0, t0},
                 connection(u"s5-c"_s),
                 4002});
    model.flush();
    EXPECT_EQ(rows(model),
              (QStringList{u"ann"_s, u"amy"_s, u"bob"_s, u"dan"_s, u"cat"_s, u"zoe"_s}));
    EXPECT_EQ(spy.moved.size(), 1);
    EXPECT_EQ(model.index(4).data(AdminPresenceModel::ConnectionCountRole).toInt(), 0);
    EXPECT_TRUE(model.events().last().endsWith(u"cat disconnected: s5-c (kicked)"_s))
        << model.events().last().toStdString();

    // A connect that changes no status: the row changes in place.
    spy.clear();
    model.apply({AdminPresenceKind::Connect,
                 {u"dan"_s, PresenceStatus::Dnd, {}, t0 - 7'200'000, t0},
                 connection(u"s10-d"_s),
                 std::nullopt});
    model.flush();
    EXPECT_EQ(spy.moved.size() + spy.inserted.size() + spy.removed.size(), 0);
    EXPECT_EQ(changedRows(spy.changed), QList<int>{3});
    EXPECT_EQ(model.index(3).data(AdminPresenceModel::ConnectionCountRole).toInt(), 2);
    EXPECT_EQ(spy.reset.size() + spy.layout.size(), 0);
}

TEST_F(AdminModelTest, BurstsOfEventsAreCoalescedIntoOnePass)
{
    model.setSnapshot(snapshot());
    ChangeSpy spy(&model);
    for (int i = 0; i < 100; ++i)
        model.apply(statusEvent(u"amy"_s, i % 2 ? PresenceStatus::Away : PresenceStatus::Dnd));
    EXPECT_EQ(spy.changed.size(), 0);
    ASSERT_TRUE(waitUntil([&] { return spy.changed.size() > 0; }, 2000)) << "the timer's pass";
    EXPECT_EQ(spy.changed.size(), 1);
    EXPECT_EQ(spy.moved.size(), 0) << "amy ended where she was";
    EXPECT_EQ(model.coalesceMs(), 50);
}

TEST_F(AdminModelTest, RandomEventsAndFiltersKeepTheBoardsOrder)
{
    const std::array statuses{PresenceStatus::Online, PresenceStatus::Away, PresenceStatus::Dnd,
                              PresenceStatus::Offline};
    AdminWatchOk start;
    for (int i = 0; i < 60; ++i)
        start.users.append(user(u"u%1"_s.arg(i), statuses[std::size_t(i % 4)]));
    model.setSnapshot(start);
    ChangeSpy spy(&model);
    quint32 seed = 12345; // a fixed sequence: the same run every time
    const auto next = [&seed](quint32 below) {
        seed = seed * 1664525u + 1013904223u;
        return (seed >> 8) % below;
    };
    for (int round = 0; round < 300; ++round) {
        const quint32 events = 1 + next(8);
        for (quint32 e = 0; e < events; ++e) {
            const QString name = u"u%1"_s.arg(next(80)); // some new users too
            model.apply(statusEvent(name, statuses[next(4)]));
        }
        if (round % 50 == 10)
            model.setNameFilter(round % 100 == 10 ? u"1"_s : QString());
        model.flush();
        QStringList expected;
        for (const BoardUser *u :
             model.board().rows(PresenceBoard::Sort::Status, model.nameFilter()))
            expected.append(u->presence.user);
        ASSERT_EQ(rows(model), expected) << "round " << round;
    }
    EXPECT_EQ(spy.reset.size() + spy.layout.size(), 0);
    EXPECT_GT(spy.moved.size(), 0);
}

TEST(AdminPresenceModelCost, AThousandEventsASecondStayCheap)
{
    // No model tester here: it checks every signal and would be what is measured.
    WallClock clock;
    AdminPresenceModel model(clock.fn(), nullptr);
    AdminWatchOk big;
    const std::array statuses{PresenceStatus::Online, PresenceStatus::Away, PresenceStatus::Dnd,
                              PresenceStatus::Offline};
    for (int i = 0; i < 1000; ++i) {
        const auto status = statuses[std::size_t(i % 4)];
        big.users.append(user(u"user%1"_s.arg(i, 4, 10, QChar(u'0')), status,
                              status == PresenceStatus::Offline
                                  ? QList<ConnectionInfo>{}
                                  : QList<ConnectionInfo>{connection(u"s%1-x"_s.arg(i))}));
    }
    model.setSnapshot(big);
    ChangeSpy spy(&model);
    QElapsedTimer timer;
    timer.start();
    // 10,000 status changes, a pass every 50 events (1,000 a second at 20 passes a second).
    for (int i = 0; i < 10'000; ++i) {
        const int who = (i * 7919) % 1000;
        model.apply(
            statusEvent(u"user%1"_s.arg(who, 4, 10, QChar(u'0')), statuses[std::size_t(i % 4)]));
        if (i % 50 == 49)
            model.flush();
    }
    const qint64 elapsed = timer.elapsed();
    EXPECT_EQ(spy.reset.size(), 0);
    EXPECT_EQ(spy.layout.size(), 0);
    EXPECT_EQ(spy.inserted.size() + spy.removed.size(), 0);
    EXPECT_LE(spy.moved.size(), 10'000);
    // The rows are exactly the board's order.
    QStringList expected;
    for (const BoardUser *u : model.board().rows(PresenceBoard::Sort::Status))
        expected.append(u->presence.user);
    EXPECT_EQ(rows(model), expected);
    // Generous (about 250 ms here, a pass of 1,000 rows taking about 1 ms): the point is
    // that no event rebuilds the table.
    EXPECT_LT(elapsed, 3'000) << elapsed << " ms";
    std::cout << "10,000 events on 1,000 users: " << elapsed << " ms, " << spy.moved.size()
              << " moves\n";
}

TEST_F(AdminModelTest, NameFilterHidesRowsWithoutAReset)
{
    model.setSnapshot(snapshot());
    ChangeSpy spy(&model);
    model.setNameFilter(u" A "_s);
    EXPECT_EQ(rows(model), (QStringList{u"cat"_s, u"amy"_s, u"dan"_s}));
    EXPECT_EQ(model.nameFilter(), u"A"_s);
    model.apply({AdminPresenceKind::Connect,
                 {u"alan"_s, PresenceStatus::Online, {}, t0, t0},
                 connection(u"s11-a"_s),
                 std::nullopt});
    model.apply(statusEvent(u"bob"_s, PresenceStatus::Dnd)); // hidden: stays hidden
    model.flush();
    EXPECT_EQ(rows(model), (QStringList{u"alan"_s, u"cat"_s, u"amy"_s, u"dan"_s}));
    model.setNameFilter({});
    EXPECT_EQ(rows(model),
              (QStringList{u"alan"_s, u"cat"_s, u"amy"_s, u"bob"_s, u"dan"_s, u"zoe"_s}));
    EXPECT_EQ(model.watchedCount(), 6);
    EXPECT_EQ(spy.reset.size() + spy.layout.size(), 0);
}

TEST_F(AdminModelTest, WatchedStatusesHideTheUsersThatLeaveThem)
{
    AdminWatchFilter filter;
    filter.statuses = {PresenceStatus::Online, PresenceStatus::Away};
    model.setWatchFilter(filter);
    EXPECT_EQ(model.statusFilter(), (QStringList{u"online"_s, u"away"_s}));
    model.setSnapshot(snapshot()); // a server that sent more than asked: still only those
    EXPECT_EQ(rows(model), (QStringList{u"bob"_s, u"cat"_s, u"amy"_s}));
    ChangeSpy spy(&model);
    // The server tells the watcher that bob left the watched statuses: his row goes.
    model.apply(statusEvent(u"bob"_s, PresenceStatus::Dnd));
    model.flush();
    EXPECT_EQ(rows(model), (QStringList{u"cat"_s, u"amy"_s}));
    EXPECT_EQ(spy.removed.size(), 1);
    // ... and comes back when he returns.
    model.apply(statusEvent(u"bob"_s, PresenceStatus::Online));
    model.flush();
    EXPECT_EQ(rows(model), (QStringList{u"bob"_s, u"cat"_s, u"amy"_s}));
    model.setWatchFilter({});
    EXPECT_EQ(rows(model).size(), 5);
    EXPECT_EQ(spy.reset.size(), 0);
}

TEST_F(AdminModelTest, IdleTimesCountOnAndTheHighlightEnds)
{
    model.setSnapshot(snapshot());
    QSignalSpy now(&model, &AdminPresenceModel::nowChanged);
    clock.advance(5'000);
    model.tick();
    EXPECT_EQ(now.size(), 1);
    EXPECT_EQ(model.now(), t0 + 5'000);
    const QVariantMap amy =
        model.index(2).data(AdminPresenceModel::ConnectionsRole).toList()[0].toMap();
    EXPECT_EQ(amy[u"idleMs"_s].toLongLong(), 95'000);
    EXPECT_EQ(amy[u"lastActiveMs"_s].toLongLong(), t0 - 90'000) << "a moment, not a duration";

    model.apply(statusEvent(u"dan"_s, PresenceStatus::Online));
    model.flush();
    const int dan = model.rowOf(u"dan"_s);
    EXPECT_TRUE(model.index(dan).data(AdminPresenceModel::ChangedRecentlyRole).toBool());
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    clock.advance(1'000);
    model.tick();
    EXPECT_EQ(changed.size(), 0) << "still recent";
    clock.advance(2'500);
    model.tick();
    ASSERT_EQ(changed.size(), 1);
    EXPECT_EQ(changed[0].at(0).toModelIndex().row(), dan);
    EXPECT_EQ(changed[0].at(2).value<QList<int>>(),
              QList<int>{AdminPresenceModel::ChangedRecentlyRole});
    EXPECT_FALSE(model.index(dan).data(AdminPresenceModel::ChangedRecentlyRole).toBool());
    model.tick();
    EXPECT_EQ(changed.size(), 1) << "once";
}

TEST_F(AdminModelTest, FiguresFromTheSnapshotAndEachStatsEvent)
{
    AdminStats *stats = model.stats();
    EXPECT_FALSE(stats->isReady());
    model.setSnapshot(snapshot());
    EXPECT_TRUE(stats->isReady());
    EXPECT_TRUE(stats->isFromServer());
    EXPECT_EQ(stats->usersOnline(), 2);
    EXPECT_EQ(stats->connections(), 4);
    EXPECT_DOUBLE_EQ(stats->messagesPerSecond(), 2.5);
    EXPECT_EQ(stats->version(), u"0.3.0"_s);
    EXPECT_EQ(stats->uptimeMs(), 3'600'000);
    clock.advance(2'000);
    EXPECT_EQ(stats->uptimeMs(), 3'602'000) << "the uptime counts on";

    ChangeSpy spy(&model);
    QSignalSpy statsChanged(stats, &AdminStats::changed);
    ServerStatistics next = figures();
    next.messagesPerSecond = 40;
    next.usersOnline = 3;
    next.uptimeMs = 3'610'000;
    model.apply(AdminStatsEvent{next, {{u"s4-b"_s, 70'000}}});
    EXPECT_EQ(statsChanged.size(), 1);
    EXPECT_DOUBLE_EQ(stats->messagesPerSecond(), 40);
    EXPECT_EQ(stats->usersOnline(), 3);
    EXPECT_EQ(stats->uptimeMs(), 3'610'000);
    model.flush();
    EXPECT_EQ(changedRows(spy.changed), QList<int>{0}) << "only bob's backlog moved";
    EXPECT_EQ(model.index(0)
                  .data(AdminPresenceModel::ConnectionsRole)
                  .toList()[1]
                  .toMap()[u"unsentBytes"_s]
                  .toLongLong(),
              70'000);
    // The same figures again: nothing to report.
    model.apply(AdminStatsEvent{next, {{u"s4-b"_s, 70'000}}});
    model.flush();
    EXPECT_EQ(statsChanged.size(), 1);
    EXPECT_EQ(spy.changed.size(), 1);
}

TEST_F(AdminModelTest, WithoutServerFiguresTheWatchedUsersAreCounted)
{
    model.setServerName(u"confabd/0.3"_s);
    AdminWatchOk old = snapshot();
    old.stats.reset(); // a server from before admin.stats
    model.setSnapshot(old);
    AdminStats *stats = model.stats();
    EXPECT_TRUE(stats->isReady());
    EXPECT_FALSE(stats->isFromServer());
    EXPECT_EQ(stats->usersOnline(), 2);
    EXPECT_EQ(stats->usersAway(), 1);
    EXPECT_EQ(stats->usersDnd(), 1);
    EXPECT_EQ(stats->usersOffline(), 1);
    EXPECT_EQ(stats->connections(), 5);
    EXPECT_EQ(stats->uptimeMs(), 0);
    EXPECT_EQ(stats->version(), u"0.3"_s);
    model.apply(statusEvent(u"zoe"_s, PresenceStatus::Online));
    model.flush();
    EXPECT_EQ(stats->usersOnline(), 3);
    EXPECT_EQ(stats->usersOffline(), 0);
    model.clear();
    EXPECT_FALSE(stats->isReady());
    EXPECT_EQ(model.rowCount(), 0);
}

TEST_F(AdminModelTest, DisabledAccountsAndUsersInTheirGracePeriodAreMarked)
{
    AdminWatchOk snap = snapshot();
    snap.users[0].disabled = true;
    snap.users.append(user(u"gus"_s, PresenceStatus::Online, {})); // online, no connection
    model.setSnapshot(snap);
    for (int row = 0; row < model.rowCount(); ++row) {
        const QModelIndex index = model.index(row);
        const QString name = index.data(AdminPresenceModel::UserRole).toString();
        EXPECT_EQ(index.data(AdminPresenceModel::DisabledRole).toBool(),
                  name == snap.users[0].presence.user)
            << name.toStdString();
        const bool connected = index.data(AdminPresenceModel::ConnectionCountRole).toInt() > 0;
        const bool offline = index.data(AdminPresenceModel::StatusRole).toString() == u"offline"_s;
        EXPECT_EQ(index.data(AdminPresenceModel::ReconnectingRole).toBool(), !connected && !offline)
            << name.toStdString();
    }
    EXPECT_TRUE(
        model.index(model.rowOf(u"gus"_s)).data(AdminPresenceModel::ReconnectingRole).toBool());
}

TEST_F(AdminModelTest, ANewSnapshotChangesTheRowsInPlace)
{
    model.setSnapshot(snapshot());
    ChangeSpy spy(&model);
    AdminWatchOk next = snapshot();
    next.users.removeAt(1);                                     // dan gone
    next.users[0].presence.status = PresenceStatus::Online;     // zoe back
    next.users.append(user(u"eve"_s, PresenceStatus::Dnd, {})); // eve new
    model.setSnapshot(next);
    EXPECT_EQ(rows(model), (QStringList{u"bob"_s, u"cat"_s, u"zoe"_s, u"amy"_s, u"eve"_s}));
    EXPECT_EQ(spy.reset.size() + spy.layout.size(), 0);
    EXPECT_EQ(spy.removed.size(), 1);
    EXPECT_EQ(spy.inserted.size(), 1);
    EXPECT_EQ(spy.moved.size(), 1);
    EXPECT_TRUE(model.index(2).data(AdminPresenceModel::ChangedRecentlyRole).toBool())
        << "zoe's status changed while the view was away";
}

// ---- the engine -----------------------------------------------------------------------------

namespace {

class AdminEngineTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(dir.isValid());
        ChatClientOptions options;
        options.connection.watchReachability = false;
        options.connection.backoff = {100, 800, 60000};
        options.wallClock = clock.fn();
        client = std::make_unique<ChatClient>(dir.path(), options);
        ASSERT_TRUE(client->start());
        server.onFrame = [this](const QJsonObject &frame) {
            const QString type = frame.value("t"_L1).toString();
            if (type == "admin.watch"_L1 && answerWatch)
                server.reply(frame, snapshot().toJson());
            else if (type == "admin.unwatch"_L1 || type == "logout"_L1)
                server.reply(frame, {});
            else if (type == "admin.kick"_L1)
                kicks.append(frame);
            else
                server.answerDefault(frame);
        };
    }
    void signIn()
    {
        client->signIn(server.url(), u"root"_s, u"password1"_s);
        ASSERT_TRUE(waitUntil([&] { return online(); }, 5000));
    }
    bool online() const { return client->connection()->state() == Connection::State::Online; }
    void sendEvent(const ServerFrame &frame)
    {
        server.send(QJsonDocument::fromJson(encodeServerFrame(frame)).object());
    }
    AdminPresenceModel *model() const { return client->adminPresenceModel(); }

    QTemporaryDir dir;
    WallClock clock;
    FakeServer server;
    std::unique_ptr<ChatClient> client;
    bool answerWatch = true;
    QList<QJsonObject> kicks;
};

} // namespace

TEST_F(AdminEngineTest, FiltersSendAdminWatchAgainAndSoDoesAReconnect)
{
    QAbstractItemModelTester tester(model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    signIn();
    QSignalSpy started(client.get(), &ChatClient::adminWatchStarted);
    client->watchAdmin();
    ASSERT_TRUE(started.wait(5000));
    auto watches = server.receivedOfType(u"admin.watch"_s);
    ASSERT_EQ(watches.size(), 1);
    EXPECT_EQ(watches[0].keys(), (QStringList{u"id"_s, u"t"_s})) << "no filter: no fields";
    EXPECT_EQ(model()->rowCount(), 5);
    EXPECT_TRUE(model()->stats()->isFromServer());

    AdminWatchFilter filter;
    filter.statuses = {PresenceStatus::Online, PresenceStatus::Away};
    filter.userGlob = u"b*"_s;
    filter.channel = u"ops"_s;
    filter.idleOverMs = 600'000;
    client->setAdminWatchFilter(filter);
    EXPECT_EQ(model()->rowCount(), 3) << "the statuses left out go at once";
    ASSERT_TRUE(started.wait(5000));
    watches = server.receivedOfType(u"admin.watch"_s);
    ASSERT_EQ(watches.size(), 2);
    EXPECT_EQ(watches[1].value("status"_L1).toArray(), (QJsonArray{u"online"_s, u"away"_s}));
    EXPECT_EQ(watches[1].value("user"_L1).toString(), u"b*"_s);
    EXPECT_EQ(watches[1].value("channel"_L1).toString(), u"ops"_s);
    EXPECT_EQ(watches[1].value("idle_over_ms"_L1).toInteger(), 600'000);
    EXPECT_EQ(model()->userGlob(), u"b*"_s);
    EXPECT_EQ(model()->idleOverMs(), 600'000);

    client->setAdminWatchFilter(filter); // the same: nothing sent
    // The connection drops: after the new sign-in, the same watch again.
    server.close(1011);
    ASSERT_TRUE(waitUntil([&] { return server.connectionCount() == 2 && online(); }, 5000));
    ASSERT_TRUE(waitUntil([&] { return server.receivedOfType(u"admin.watch"_s).size() == 3; }));
    EXPECT_EQ(server.receivedOfType(u"admin.watch"_s)[2].value("user"_L1).toString(), u"b*"_s);

    client->stopAdminWatch();
    ASSERT_TRUE(waitUntil([&] { return server.receivedOfType(u"admin.unwatch"_s).size() == 1; }));
    EXPECT_FALSE(client->isWatchingAdmin());
    client->setAdminWatchFilter({});
    QTest::qWait(100);
    EXPECT_EQ(server.receivedOfType(u"admin.watch"_s).size(), 3) << "not watching: not sent";
}

TEST_F(AdminEngineTest, AnOlderWatchsSnapshotIsNotShown)
{
    signIn();
    answerWatch = false;
    client->watchAdmin();
    AdminWatchFilter filter;
    filter.userGlob = u"z*"_s;
    client->setAdminWatchFilter(filter);
    ASSERT_TRUE(waitUntil([&] { return server.receivedOfType(u"admin.watch"_s).size() == 2; }));
    const auto watches = server.receivedOfType(u"admin.watch"_s);
    // The newer one is answered first, then the older one (with everybody).
    server.reply(watches[1], AdminWatchOk{{user(u"zoe"_s, PresenceStatus::Offline)}, {}}.toJson());
    server.reply(watches[0], snapshot().toJson());
    ASSERT_TRUE(waitUntil([&] { return model()->isReady(); }));
    QTest::qWait(100);
    EXPECT_EQ(rows(*model()), QStringList{u"zoe"_s});
}

TEST_F(AdminEngineTest, EventsAndFiguresReachTheModel)
{
    signIn();
    client->watchAdmin();
    ASSERT_TRUE(waitUntil([&] { return model()->isReady(); }));
    EXPECT_EQ(model()->stats()->version(), u"0.3.0"_s);

    sendEvent(AdminPresenceEvent{AdminPresenceKind::Status,
                                 {u"amy"_s, PresenceStatus::Online, {}, t0, t0},
                                 std::nullopt,
                                 std::nullopt});
    ServerStatistics next = figures();
    next.messagesPerSecond = 12.5;
    sendEvent(AdminStatsEvent{next, {{u"s3-b"_s, 4096}}});
    ASSERT_TRUE(waitUntil([&] { return rows(*model()).indexOf(u"amy"_s) == 0; }, 2000));
    ASSERT_TRUE(waitUntil([&] { return model()->stats()->messagesPerSecond() == 12.5; }));
    const QVariantMap bobFirst = model()
                                     ->index(model()->rowOf(u"bob"_s))
                                     .data(AdminPresenceModel::ConnectionsRole)
                                     .toList()[0]
                                     .toMap();
    EXPECT_EQ(bobFirst[u"unsentBytes"_s].toLongLong(), 4096);
    EXPECT_TRUE(model()->events().last().endsWith(u"amy is online"_s));
}

TEST_F(AdminEngineTest, AWatchTheServerRefusesIsASentence)
{
    server.onFrame = [this](const QJsonObject &frame) {
        if (frame.value("t"_L1).toString() == "admin.watch"_L1)
            server.replyError(frame,
                              frame.contains("channel"_L1) ? u"not_found"_s : u"forbidden"_s);
        else
            server.answerDefault(frame);
    };
    signIn();
    QSignalSpy failed(client.get(), &ChatClient::adminWatchFailed);
    client->watchAdmin();
    ASSERT_TRUE(failed.wait(5000));
    EXPECT_EQ(failed[0].at(0).toString(), u"Only admins can watch the server's users."_s);
    EXPECT_FALSE(client->isWatchingAdmin());

    AdminWatchFilter filter;
    filter.channel = u"nowhere"_s;
    client->setAdminWatchFilter(filter); // not watching: kept for the next watch
    EXPECT_EQ(server.receivedOfType(u"admin.watch"_s).size(), 1);
    client->watchAdmin();
    ASSERT_TRUE(failed.wait(5000));
    EXPECT_EQ(failed[1].at(0).toString(), u"There is no channel named “nowhere”."_s);
}

TEST_F(AdminEngineTest, KickSendsTheFrameAndReportsTheAnswer)
{
    QSignalSpy kicked(client.get(), &ChatClient::kicked);
    QSignalSpy failed(client.get(), &ChatClient::kickFailed);
    client->kick(ChatClient::KickTarget::User, u"bob"_s);
    ASSERT_EQ(failed.size(), 1) << "offline: refused at once";
    EXPECT_EQ(failed[0].at(0).toString(), u"bob"_s);

    signIn();
    client->kick(ChatClient::KickTarget::User, u"bob"_s, u"  spam  "_s);
    ASSERT_TRUE(waitUntil([&] { return kicks.size() == 1; }));
    EXPECT_EQ(kicks[0].value("user"_L1).toString(), u"bob"_s);
    EXPECT_FALSE(kicks[0].contains("session"_L1));
    EXPECT_EQ(kicks[0].value("reason"_L1).toString(), u"spam"_s);
    server.reply(kicks[0], {{"closed"_L1, 2}});
    ASSERT_TRUE(kicked.wait(5000));
    EXPECT_EQ(kicked[0].at(0).toString(), u"bob"_s);
    EXPECT_EQ(kicked[0].at(1).toLongLong(), 2);

    client->kick(ChatClient::KickTarget::Session, u"s3-k2x9a"_s);
    ASSERT_TRUE(waitUntil([&] { return kicks.size() == 2; }));
    EXPECT_EQ(kicks[1].value("session"_L1).toString(), u"s3-k2x9a"_s);
    EXPECT_FALSE(kicks[1].contains("user"_L1));
    EXPECT_FALSE(kicks[1].contains("reason"_L1)) << "no reason: no field";
    server.replyError(kicks[1], u"not_found"_s);
    ASSERT_TRUE(waitUntil([&] { return failed.size() == 2; }));
    EXPECT_EQ(failed[1].at(0).toString(), u"s3-k2x9a"_s);
    EXPECT_EQ(failed[1].at(1).toString(), u"Session s3-k2x9a has ended already."_s);

    client->kick(ChatClient::KickTarget::User, u"carol"_s);
    ASSERT_TRUE(waitUntil([&] { return kicks.size() == 3; }));
    server.replyError(kicks[2], u"forbidden"_s);
    ASSERT_TRUE(waitUntil([&] { return failed.size() == 3; }));
    EXPECT_EQ(failed[2].at(1).toString(), u"Only admins can kick."_s);
    EXPECT_EQ(kicked.size(), 1);
}

TEST_F(AdminEngineTest, SigningOutForgetsTheAdminView)
{
    signIn();
    client->watchAdmin();
    ASSERT_TRUE(waitUntil([&] { return model()->isReady(); }));
    client->logout();
    ASSERT_TRUE(waitUntil([&] { return model()->rowCount() == 0; }));
    EXPECT_FALSE(model()->isReady());
    EXPECT_FALSE(client->isWatchingAdmin());
}
