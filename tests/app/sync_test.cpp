// SPDX-License-Identifier: Apache-2.0
// ChannelSync against the scripted fake server: join with `since` = the synced seq, live
// messages raise it, `synced.first_seq` past since + 1 is a gap, Online once every join
// ended (errors included), `history` for the gap. PresenceRoster and the MemberModel that
// follows it (and the TypingBoard), under QAbstractItemModelTester.

#include "fakeserver.h"
#include "testclock.h"
#include "waituntil.h"

#include "channelsync.h"
#include "connection.h"
#include "localdatabase.h"
#include "membermodel.h"
#include "messagecache.h"
#include "presenceroster.h"
#include "typingboard.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::client;
using namespace confab::client::test;
using State = Connection::State;

namespace {

QJsonObject messageJson(const QString &channel, qint64 seq)
{
    return {{"channel"_L1, channel},         {"seq"_L1, seq},
            {"mid"_L1, u"m%1"_s.arg(seq)},   {"cid"_L1, u"c%1"_s.arg(seq)},
            {"from"_L1, u"bob"_s},           {"ts"_L1, qint64(1'700'000'000'000) + seq},
            {"text"_L1, u"hi %1"_s.arg(seq)}};
}

QJsonObject msgEvent(const QString &channel, qint64 seq)
{
    QJsonObject frame = messageJson(channel, seq);
    frame.insert("t"_L1, u"msg"_s);
    return frame;
}

class ChannelSyncTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(dir.isValid());
        db = std::make_unique<LocalDatabase>(dir.filePath(u"client.sqlite"_s));
        ASSERT_TRUE(db->open());
        cache = std::make_unique<MessageCache>(db->database());
        ConnectionOptions options;
        options.watchReachability = false;
        connection = std::make_unique<Connection>(options);
        sync = std::make_unique<ChannelSync>(connection.get(), cache.get());
        QObject::connect(connection.get(), &Connection::signedIn, sync.get(),
                         &ChannelSync::joinAll);
    }
    /// Answers `join` of `channel` with a catch-up of seqs [from, to] then `synced`.
    void catchUp(qint64 from, qint64 to)
    {
        server.onFrame = [this, from, to](const QJsonObject &frame) {
            if (frame.value("t"_L1).toString() != "join"_L1) {
                server.answerDefault(frame);
                return;
            }
            const QString channel = frame.value("channel"_L1).toString();
            server.reply(frame, {{"channel"_L1, QJsonObject{{"name"_L1, channel},
                                                            {"topic"_L1, u"talk"_s},
                                                            {"last_seq"_L1, to}}},
                                 {"last_seq"_L1, to},
                                 {"members"_L1, QJsonArray{}},
                                 {"typing"_L1, QJsonArray{}}});
            for (qint64 seq = from; seq <= to; ++seq)
                server.send(msgEvent(channel, seq));
            server.send({{"t"_L1, u"synced"_s},
                         {"channel"_L1, channel},
                         {"first_seq"_L1, from},
                         {"last_seq"_L1, to}});
        };
    }
    void open() { connection->open(server.url(), {QString(), u"alice"_s, u"password1"_s}); }
    qint64 syncedSeq() const { return cache->channel(u"general"_s)->syncedSeq; }

    QTemporaryDir dir;
    FakeServer server;
    std::unique_ptr<LocalDatabase> db;
    std::unique_ptr<MessageCache> cache;
    std::unique_ptr<Connection> connection;
    std::unique_ptr<ChannelSync> sync;
};

} // namespace

TEST_F(ChannelSyncTest, JoinsWithSinceStoresTheCatchUpAndGoesOnlineAfterSynced)
{
    cache->addChannel(u"general"_s);
    cache->setSyncedSeq(u"general"_s, 5);
    catchUp(6, 8);
    QSignalSpy synced(sync.get(), &ChannelSync::synced);
    QSignalSpy gaps(sync.get(), &ChannelSync::gapFound);
    QSignalSpy joined(sync.get(), &ChannelSync::joined);
    QList<State> states;
    QObject::connect(connection.get(), &Connection::stateChanged,
                     [&](State state) { states.append(state); });
    open();
    ASSERT_TRUE(waitUntil([&] { return connection->state() == State::Online; }, 5000));
    const auto joins = server.receivedOfType(u"join"_s);
    ASSERT_EQ(joins.size(), 1);
    EXPECT_EQ(joins[0].value("since"_L1).toInteger(), 5);
    EXPECT_EQ(cache->count(u"general"_s), 3);
    EXPECT_EQ(syncedSeq(), 8);
    EXPECT_EQ(synced.size(), 1);
    EXPECT_EQ(joined.size(), 1);
    EXPECT_EQ(gaps.size(), 0);
    EXPECT_EQ(cache->channel(u"general"_s)->topic, u"talk"_s);
    // Online came only after the catch-up ended.
    EXPECT_EQ(states.mid(states.indexOf(State::Syncing)),
              (QList<State>{State::Syncing, State::Online}));
    EXPECT_FALSE(sync->isSyncing());

    // A live message raises the synced seq: the next join asks from there.
    server.send(msgEvent(u"general"_s, 9));
    ASSERT_TRUE(waitUntil([&] { return syncedSeq() == 9; }));
    catchUp(10, 9); // nothing missed
    server.close(1011);
    ASSERT_TRUE(waitUntil([&] { return server.receivedOfType(u"join"_s).size() == 2; }, 5000));
    EXPECT_EQ(server.receivedOfType(u"join"_s)[1].value("since"_L1).toInteger(), 9);
    ASSERT_TRUE(waitUntil([&] { return connection->state() == State::Online; }, 5000));
    EXPECT_EQ(gaps.size(), 0);
}

TEST_F(ChannelSyncTest, CatchUpPastTheCapIsAGap)
{
    cache->addChannel(u"general"_s);
    cache->setSyncedSeq(u"general"_s, 10);
    catchUp(500, 520); // the server sent only the newest: 11..499 is a hole
    QSignalSpy gaps(sync.get(), &ChannelSync::gapFound);
    open();
    ASSERT_TRUE(waitUntil([&] { return connection->state() == State::Online; }, 5000));
    ASSERT_EQ(gaps.size(), 1);
    EXPECT_EQ(gaps[0].at(0).toString(), u"general"_s);
    EXPECT_EQ(gaps[0].at(1).toLongLong(), 500);
    EXPECT_EQ(syncedSeq(), 520);
}

TEST_F(ChannelSyncTest, ARefusedJoinDoesNotHoldOnlineBack)
{
    cache->addChannel(u"general"_s);
    cache->addChannel(u"secret"_s);
    server.onFrame = [this](const QJsonObject &frame) {
        if (frame.value("t"_L1).toString() == "join"_L1 &&
            frame.value("channel"_L1).toString() == "secret"_L1) {
            server.replyError(frame, u"forbidden"_s);
            return;
        }
        server.answerDefault(frame);
    };
    open();
    ASSERT_TRUE(waitUntil([&] { return connection->state() == State::Online; }, 5000));
    EXPECT_EQ(server.receivedOfType(u"join"_s).size(), 2);
}

TEST_F(ChannelSyncTest, NoChannelsIsOnlineAtOnce)
{
    open();
    ASSERT_TRUE(waitUntil([&] { return connection->state() == State::Online; }, 5000));
    EXPECT_TRUE(server.receivedOfType(u"join"_s).isEmpty());
}

TEST_F(ChannelSyncTest, HistoryFillsAGap)
{
    std::optional<QList<Message>> fetched;
    bool called = false;
    auto done = [&](std::optional<QList<Message>> messages) {
        called = true;
        fetched = std::move(messages);
    };
    EXPECT_FALSE(sync->fetchHistory(u"general"_s, 500, 200, done)); // offline
    EXPECT_FALSE(called);

    server.onFrame = [this](const QJsonObject &frame) {
        if (frame.value("t"_L1).toString() != "history"_L1) {
            server.answerDefault(frame);
            return;
        }
        server.reply(frame, {{"messages"_L1, QJsonArray{messageJson(u"general"_s, 498),
                                                        messageJson(u"general"_s, 499)}},
                             {"more"_L1, true}});
    };
    open();
    ASSERT_TRUE(waitUntil([&] { return connection->state() == State::Online; }, 5000));
    ASSERT_TRUE(sync->fetchHistory(u"general"_s, 500, 2, done));
    ASSERT_TRUE(waitUntil([&] { return called; }));
    const auto history = server.receivedOfType(u"history"_s);
    ASSERT_EQ(history.size(), 1);
    EXPECT_EQ(history[0].value("before"_L1).toInteger(), 500);
    EXPECT_EQ(history[0].value("limit"_L1).toInt(), 2);
    ASSERT_TRUE(fetched.has_value());
    ASSERT_EQ(fetched->size(), 2);
    EXPECT_EQ(fetched->at(0).seq, 498);
}

TEST(PresenceRoster, MembersPresenceAndSelfOffline)
{
    PresenceRoster roster;
    QSignalSpy members(&roster, &PresenceRoster::membersChanged);
    QSignalSpy presence(&roster, &PresenceRoster::presenceChanged);
    roster.setMembers(u"general"_s,
                      {{u"alice"_s, PresenceStatus::Online}, {u"bob"_s, PresenceStatus::Away}});
    EXPECT_EQ(members.size(), 1);
    EXPECT_EQ(roster.members(u"general"_s).size(), 2);
    EXPECT_TRUE(roster.members(u"random"_s).isEmpty());
    EXPECT_EQ(roster.presence(u"bob"_s).status, PresenceStatus::Away);
    EXPECT_EQ(roster.presence(u"carol"_s).user, u"carol"_s);
    EXPECT_EQ(roster.presence(u"carol"_s).status, PresenceStatus::Offline);

    roster.applyPresence({u"bob"_s, PresenceStatus::Dnd, u"in a meeting"_s, 1, 2});
    ASSERT_EQ(presence.size(), 1);
    EXPECT_EQ(roster.presence(u"bob"_s).text, u"in a meeting"_s);

    roster.applyPresence({u"alice"_s, PresenceStatus::Online, u"hi"_s, 1, 2});
    roster.showSelfOffline(u"alice"_s);
    EXPECT_EQ(roster.presence(u"alice"_s).status, PresenceStatus::Offline);
    EXPECT_TRUE(roster.presence(u"alice"_s).text.isEmpty());
    EXPECT_EQ(presence.size(), 3);
    roster.showSelfOffline(QString()); // not signed in yet: nothing
    EXPECT_EQ(presence.size(), 3);
}

TEST(PresenceRoster, JoinReplyTextsCountOnlyWhenTheServerSendsThem)
{
    PresenceRoster roster;
    MemberModel model(u"general"_s);
    ManualClock clock;
    TypingBoard typing(clock.fn());
    model.follow(&roster, &typing);
    const auto shownText = [&model](const QString &user) {
        return model.index(model.rowOf(user)).data(MemberModel::StatusTextRole).toString();
    };

    // 1.2: the reply's text is bob's text, and a member without one has none.
    roster.setMembers(u"general"_s, {{u"bob"_s, PresenceStatus::Away, {}, u"lunch"_s},
                                     {u"carol"_s, PresenceStatus::Online}});
    EXPECT_EQ(roster.presence(u"bob"_s).text, u"lunch"_s);
    EXPECT_EQ(shownText(u"bob"_s), u"lunch"_s);
    roster.applyPresence({u"carol"_s, PresenceStatus::Dnd, u"focus"_s, 1, 2});
    roster.setMembers(u"general"_s,
                      {{u"bob"_s, PresenceStatus::Away}, {u"carol"_s, PresenceStatus::Dnd}});
    EXPECT_TRUE(roster.presence(u"bob"_s).text.isEmpty());
    EXPECT_TRUE(shownText(u"carol"_s).isEmpty());

    // An older server's reply never carries a text: it keeps what presence events said.
    roster.applyPresence({u"carol"_s, PresenceStatus::Dnd, u"focus"_s, 1, 2});
    roster.setMembers(u"general"_s,
                      {{u"bob"_s, PresenceStatus::Away}, {u"carol"_s, PresenceStatus::Dnd}}, false);
    EXPECT_EQ(roster.presence(u"carol"_s).text, u"focus"_s);
    EXPECT_EQ(shownText(u"carol"_s), u"focus"_s);
}

TEST(PresenceRoster, MemberModelFollowsTheRosterAndTheTypingBoard)
{
    PresenceRoster roster;
    ManualClock clock;
    TypingBoard typing(clock.fn());
    roster.setMembers(u"general"_s, {{u"bob"_s, PresenceStatus::Online}});
    typing.apply(u"general"_s, u"bob"_s, true);

    MemberModel model(u"general"_s);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.follow(&roster, &typing);
    ASSERT_EQ(model.rowCount(), 1);
    EXPECT_TRUE(model.index(0).data(MemberModel::TypingRole).toBool());

    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    roster.setMembers(u"general"_s,
                      {{u"bob"_s, PresenceStatus::Online}, {u"carol"_s, PresenceStatus::Away}});
    roster.setMembers(u"random"_s, {{u"dave"_s, PresenceStatus::Online}}); // not ours
    ASSERT_EQ(model.rowCount(), 2);
    EXPECT_EQ(model.index(model.rowOf(u"carol"_s)).data(MemberModel::StatusRole).toString(),
              u"away"_s);
    roster.applyPresence({u"bob"_s, PresenceStatus::Away, u"lunch"_s, 1, 2});
    EXPECT_EQ(model.index(model.rowOf(u"bob"_s)).data(MemberModel::StatusTextRole).toString(),
              u"lunch"_s);
    typing.apply(u"general"_s, u"bob"_s, false);
    EXPECT_FALSE(model.index(model.rowOf(u"bob"_s)).data(MemberModel::TypingRole).toBool());
    typing.apply(u"random"_s, u"carol"_s, true); // another channel
    EXPECT_FALSE(model.index(model.rowOf(u"carol"_s)).data(MemberModel::TypingRole).toBool());
    // A join reply names a new member who is already typing (the board heard first).
    typing.apply(u"general"_s, u"erin"_s, true);
    roster.setMembers(u"general"_s, {{u"bob"_s, PresenceStatus::Away},
                                     {u"carol"_s, PresenceStatus::Away},
                                     {u"erin"_s, PresenceStatus::Online}});
    EXPECT_TRUE(model.index(model.rowOf(u"erin"_s)).data(MemberModel::TypingRole).toBool());
    EXPECT_EQ(reset.size(), 0);
}
