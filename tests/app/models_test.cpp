// SPDX-License-Identifier: Apache-2.0
// The list models, each under QAbstractItemModelTester: windowed messages over the cache
// (pending -> sent, gaps, fetchMore from the cache and from the server), channels, members.
// The admin presence model has its own file (admin_test.cpp).

#include "channellistmodel.h"
#include "localdatabase.h"
#include "membermodel.h"
#include "messagecache.h"
#include "messagemodel.h"
#include "outbox.h"
#include "testclock.h"
#include "typingboard.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::client;

namespace {

Message message(qint64 seq, const QString &from = u"bob"_s, const QString &cid = {})
{
    return Message{u"general"_s,
                   seq,
                   u"m%1"_s.arg(seq),
                   cid.isEmpty() ? u"c%1"_s.arg(seq) : cid,
                   from,
                   1'700'000'000'000 + seq * 1000,
                   u"text %1"_s.arg(seq)};
}

QList<Message> range(qint64 from, qint64 to)
{
    QList<Message> result;
    for (qint64 seq = from; seq <= to; ++seq)
        result.append(message(seq));
    return result;
}

class MessageModelTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(dir.isValid());
        db = std::make_unique<LocalDatabase>(dir.filePath(u"client.sqlite"_s));
        ASSERT_TRUE(db->open());
        cache = std::make_unique<MessageCache>(db->database());
        outbox = std::make_unique<Outbox>(db->database());
        cache->addChannel(u"general"_s);
    }
    std::unique_ptr<MessageModel> open(bool withTester = true)
    {
        auto model = std::make_unique<MessageModel>(cache.get(), outbox.get(), u"general"_s);
        model->setOwnUser(u"alice"_s);
        if (withTester)
            attachTester(model.get());
        return model;
    }
    void attachTester(MessageModel *model)
    {
        // Note: the tester itself calls fetchMore() once.
        tester = std::make_unique<QAbstractItemModelTester>(
            model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    }
    static QList<qint64> seqsOf(const MessageModel &model)
    {
        QList<qint64> result;
        for (int row = 0; row < model.rowCount(); ++row)
            result.append(model.index(row).data(MessageModel::SeqRole).toLongLong());
        return result;
    }
    static MessageModel::DeliveryState stateOf(const MessageModel &model, int row)
    {
        return model.index(row).data(MessageModel::StateRole).value<MessageModel::DeliveryState>();
    }

    QTemporaryDir dir;
    std::unique_ptr<LocalDatabase> db;
    std::unique_ptr<MessageCache> cache;
    std::unique_ptr<Outbox> outbox;
    std::unique_ptr<QAbstractItemModelTester> tester;
};

} // namespace

TEST_F(MessageModelTest, OpensWithTheNewestPageAndFetchesOlderFromTheCache)
{
    cache->store(range(1, 250));
    auto model = open(false);
    EXPECT_EQ(model->rowCount(), MessageModel::pageSize);
    EXPECT_EQ(seqsOf(*model).first(), 151);
    EXPECT_EQ(seqsOf(*model).last(), 250);
    ASSERT_TRUE(model->canFetchMore({}));
    QSignalSpy inserted(model.get(), &QAbstractItemModel::rowsInserted);
    model->fetchMore({});
    EXPECT_EQ(model->rowCount(), 200);
    EXPECT_EQ(inserted.size(), 1);
    attachTester(model.get());
    model->fetchMore({});
    EXPECT_EQ(model->rowCount(), 250);
    EXPECT_FALSE(model->canFetchMore({})); // seq 1 reached, no server needed
    EXPECT_EQ(seqsOf(*model).first(), 1);
}

TEST_F(MessageModelTest, RolesAndGroupingFlags)
{
    QList<Message> batch = range(1, 3);
    batch[2].from = u"alice"_s;
    batch[2].ts = batch[1].ts + 10 * 60 * 1000;
    cache->store(batch);
    auto model = open();
    ASSERT_EQ(model->rowCount(), 3);
    const QHash<int, QByteArray> names = model->roleNames();
    EXPECT_EQ(names.value(MessageModel::TextRole), "text");
    EXPECT_EQ(names.value(MessageModel::FirstOfGroupRole), "firstOfGroup");
    EXPECT_TRUE(model->index(0).data(MessageModel::FirstOfGroupRole).toBool());
    EXPECT_TRUE(model->index(0).data(MessageModel::DayBreakRole).toBool());
    EXPECT_FALSE(model->index(1).data(MessageModel::FirstOfGroupRole).toBool());
    EXPECT_TRUE(model->index(2).data(MessageModel::FirstOfGroupRole).toBool());
    EXPECT_TRUE(model->index(2).data(MessageModel::OwnRole).toBool());
    EXPECT_EQ(model->index(1).data(MessageModel::AuthorRole).toString(), u"bob"_s);
    EXPECT_EQ(model->index(1).data(MessageModel::TextRole).toString(), u"text 2"_s);
}

TEST_F(MessageModelTest, PendingBecomesSentInPlaceWithoutReset)
{
    cache->store(range(1, 5));
    auto model = open();
    QSignalSpy reset(model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy inserted(model.get(), &QAbstractItemModel::rowsInserted);
    const auto a = outbox->add(u"general"_s, u"first"_s);
    const auto b = outbox->add(u"general"_s, u"second"_s);
    model->pendingAdded(*a);
    model->pendingAdded(*b);
    ASSERT_EQ(model->rowCount(), 7);
    EXPECT_EQ(stateOf(*model, 5), MessageModel::DeliveryState::Pending);
    EXPECT_EQ(inserted.size(), 2);

    // Someone else's message arrives: it goes above the pending ones.
    model->messagesStored({message(6)});
    EXPECT_EQ(model->rowOfSeq(6), 5);
    EXPECT_EQ(model->rowOfCid(a->cid), 6);

    // Our first message is acknowledged: the same row turns Sent.
    Message mine = message(7, u"alice"_s, a->cid);
    model->messagesStored({mine});
    EXPECT_EQ(model->rowCount(), 8);
    EXPECT_EQ(model->rowOfSeq(7), 6);
    EXPECT_EQ(stateOf(*model, 6), MessageModel::DeliveryState::Sent);
    // Again (msg event after the reply): still once.
    model->messagesStored({mine});
    model->pendingRemoved(a->cid);
    EXPECT_EQ(model->rowCount(), 8);

    // Failure and discard of the second.
    OutboxEntry failed = *b;
    failed.failedReason = u"The message is too long."_s;
    model->pendingChanged(failed);
    EXPECT_EQ(stateOf(*model, 7), MessageModel::DeliveryState::Failed);
    EXPECT_EQ(model->index(7).data(MessageModel::FailReasonRole).toString(), failed.failedReason);
    model->pendingRemoved(b->cid);
    EXPECT_EQ(model->rowCount(), 7);
    EXPECT_EQ(reset.size(), 0);
}

TEST_F(MessageModelTest, AcknowledgedOutOfOrderMovesUp)
{
    auto model = open();
    const auto a = outbox->add(u"general"_s, u"a"_s);
    const auto b = outbox->add(u"general"_s, u"b"_s);
    model->pendingAdded(*a);
    model->pendingAdded(*b);
    model->messagesStored({message(1, u"alice"_s, b->cid)});
    EXPECT_EQ(model->rowOfSeq(1), 0);
    EXPECT_EQ(model->rowOfCid(a->cid), 1);
    EXPECT_EQ(stateOf(*model, 1), MessageModel::DeliveryState::Pending);
}

TEST_F(MessageModelTest, GapIsFetchedFromTheServerWhenScrolledTo)
{
    cache->store(range(1, 10));
    auto model = open();
    // Reconnect: catch-up sends 500..520 only; 11..499 is a gap.
    const QList<Message> catchup = range(500, 520);
    cache->store(catchup);
    model->messagesStored(catchup);
    model->gapBefore(500);
    EXPECT_EQ(seqsOf(*model).first(), 500);
    EXPECT_EQ(model->rowCount(), 21);

    QList<std::pair<qint64, int>> asked;
    std::function<void(std::optional<QList<Message>>)> pending;
    model->setHistoryPage(200);
    model->setHistoryFetcher([&](const QString &channel, qint64 before, int limit, auto done) {
        EXPECT_EQ(channel, u"general"_s);
        asked.append({before, limit});
        pending = std::move(done);
        return true;
    });
    ASSERT_TRUE(model->canFetchMore({}));
    model->fetchMore({});
    EXPECT_TRUE(model->isFetching());
    EXPECT_FALSE(model->canFetchMore({}));
    ASSERT_EQ(asked.size(), 1);
    EXPECT_EQ(asked[0], (std::pair<qint64, int>{500, 200}));
    pending(range(300, 499));
    EXPECT_EQ(seqsOf(*model).first(), 300);
    EXPECT_EQ(cache->count(u"general"_s), 10 + 21 + 200);

    model->fetchMore({});
    ASSERT_EQ(asked.size(), 2);
    EXPECT_EQ(asked[1], (std::pair<qint64, int>{300, 200}));
    pending(range(100, 299));
    model->fetchMore({});
    ASSERT_EQ(asked.size(), 3);
    EXPECT_EQ(asked[2], (std::pair<qint64, int>{100, 89})); // only the hole: 11..99
    pending(range(11, 99));
    // Now the cache joins up: the rest comes from it without asking the server.
    model->fetchMore({});
    EXPECT_EQ(asked.size(), 3);
    EXPECT_EQ(seqsOf(*model).first(), 1);
    EXPECT_FALSE(model->canFetchMore({}));
    const QList<qint64> all = seqsOf(*model);
    for (int i = 1; i < all.size(); ++i)
        ASSERT_EQ(all[i], all[i - 1] + 1);
}

TEST_F(MessageModelTest, FailedFetchCanBeRetried)
{
    cache->store(range(50, 60));
    auto model = open();
    int calls = 0;
    model->setHistoryFetcher([&](const QString &, qint64, int, auto done) {
        ++calls;
        done(std::nullopt);
        return true;
    });
    ASSERT_TRUE(model->canFetchMore({}));
    model->fetchMore({});
    EXPECT_FALSE(model->isFetching());
    EXPECT_TRUE(model->canFetchMore({}));
    EXPECT_EQ(model->rowCount(), 11);
    EXPECT_EQ(calls, 1);
}

TEST_F(MessageModelTest, FollowsTheOutboxAndTheCacheAlone)
{
    cache->store(range(1, 3));
    auto model = open();
    QSignalSpy reset(model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy inserted(model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(model.get(), &QAbstractItemModel::rowsRemoved);

    // Written: a pending row at once.
    const auto a = outbox->add(u"general"_s, u"mine"_s);
    const auto other = outbox->add(u"random"_s, u"elsewhere"_s);
    ASSERT_EQ(model->rowCount(), 4);
    EXPECT_EQ(stateOf(*model, 3), MessageModel::DeliveryState::Pending);
    EXPECT_EQ(inserted.size(), 1);

    // Refused, then pending again.
    outbox->markFailed(a->cid, u"The message is too long."_s);
    EXPECT_EQ(stateOf(*model, 3), MessageModel::DeliveryState::Failed);
    outbox->markPending(a->cid);
    EXPECT_EQ(stateOf(*model, 3), MessageModel::DeliveryState::Pending);

    // Accepted: cached first (the row turns sent in place), then it leaves the outbox.
    cache->store({message(4, u"alice"_s, a->cid)});
    outbox->remove(a->cid);
    ASSERT_EQ(model->rowCount(), 4);
    EXPECT_EQ(model->rowOfSeq(4), 3);
    EXPECT_EQ(stateOf(*model, 3), MessageModel::DeliveryState::Sent);
    EXPECT_EQ(inserted.size(), 1);
    EXPECT_EQ(removed.size(), 0);

    // Someone else, live; and history fetched for a hole announces nothing.
    cache->store({message(5)});
    EXPECT_EQ(model->rowOfSeq(5), 4);
    cache->backfill({message(100)});
    EXPECT_EQ(model->rowOfSeq(100), -1);

    // Discarded elsewhere: not ours. Ours: removed.
    outbox->remove(other->cid);
    EXPECT_EQ(model->rowCount(), 5);
    const auto b = outbox->add(u"general"_s, u"again"_s);
    EXPECT_EQ(model->rowCount(), 6);
    outbox->remove(b->cid);
    EXPECT_EQ(model->rowCount(), 5);
    EXPECT_EQ(reset.size(), 0);

    // Wiped: only what is pending stays.
    outbox->add(u"general"_s, u"still queued"_s);
    cache->wipe();
    EXPECT_EQ(reset.size(), 1);
    ASSERT_EQ(model->rowCount(), 1);
    EXPECT_EQ(stateOf(*model, 0), MessageModel::DeliveryState::Pending);
}

TEST_F(MessageModelTest, OutboxAnnouncesEveryChange)
{
    QSignalSpy added(outbox.get(), &Outbox::added);
    QSignalSpy changed(outbox.get(), &Outbox::changed);
    QSignalSpy removed(outbox.get(), &Outbox::removed);
    QSignalSpy count(outbox.get(), &Outbox::countChanged);
    const auto a = outbox->add(u"general"_s, u"one"_s);
    outbox->add(u"general"_s, u"two"_s);
    EXPECT_EQ(added.size(), 2);
    EXPECT_TRUE(outbox->markFailed(a->cid, u"no"_s));
    ASSERT_EQ(changed.size(), 1);
    EXPECT_TRUE(changed[0].at(0).value<OutboxEntry>().isFailed());
    EXPECT_TRUE(outbox->remove(a->cid));
    EXPECT_FALSE(outbox->remove(a->cid)); // gone: no second signal
    ASSERT_EQ(removed.size(), 1);
    EXPECT_EQ(removed[0].at(0).toString(), a->cid);
    EXPECT_EQ(removed[0].at(1).toString(), u"general"_s);
    QList<int> counts;
    for (const auto &args : count)
        counts.append(args.at(0).toInt());
    EXPECT_EQ(counts, (QList<int>{1, 2, 1}));
}

TEST_F(MessageModelTest, ChannelListFollowsTheCacheAndTheTypingBoard)
{
    cache->store(range(1, 3));
    cache->setLastReadSeq(u"general"_s, 1);
    ChannelListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setOwnUser(u"alice"_s);
    model.follow(cache.get());
    test::ManualClock clock;
    TypingBoard typing(clock.fn());
    model.follow(&typing);
    ASSERT_EQ(model.names(), QStringList{u"general"_s});
    auto general = [&] { return model.index(model.rowOf(u"general"_s)); };
    EXPECT_EQ(general().data(ChannelListModel::UnreadCountRole).toInt(), 2);
    EXPECT_EQ(general().data(ChannelListModel::LastMessageTextRole).toString(), u"text 3"_s);

    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    cache->addChannel(u"random"_s, u"anything"_s);
    EXPECT_EQ(model.names(), (QStringList{u"general"_s, u"random"_s}));
    Message mention = message(4);
    mention.text = u"hi @Alice"_s;
    cache->store({mention, message(5, u"alice"_s)}); // the second is ours: not unread
    EXPECT_EQ(general().data(ChannelListModel::UnreadCountRole).toInt(), 3);
    EXPECT_TRUE(general().data(ChannelListModel::MentionedRole).toBool());
    EXPECT_EQ(general().data(ChannelListModel::LastMessageAuthorRole).toString(), u"alice"_s);
    cache->backfill({message(0)}); // history for a hole is not news
    EXPECT_EQ(general().data(ChannelListModel::UnreadCountRole).toInt(), 3);

    typing.apply(u"general"_s, u"bob"_s, true);
    EXPECT_EQ(general().data(ChannelListModel::TypingUsersRole).toStringList(),
              QStringList{u"bob"_s});
    cache->removeChannel(u"random"_s);
    EXPECT_EQ(model.names(), QStringList{u"general"_s});
    EXPECT_EQ(reset.size(), 0);
}

TEST(ChannelListModel, IncrementalChanges)
{
    ChannelListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.upsert(u"random"_s, u"r"_s);
    model.upsert(u"general"_s, u"g"_s);
    model.upsert(u"dm:alice:bob"_s, QString());
    EXPECT_EQ(model.names(), (QStringList{u"dm:alice:bob"_s, u"general"_s, u"random"_s}));
    EXPECT_TRUE(model.index(0).data(ChannelListModel::IsDirectRole).toBool());

    Message m = message(1);
    model.messageArrived(m, true, false);
    m.seq = 2;
    m.text = u"hey @alice"_s;
    model.messageArrived(m, true, true);
    const QModelIndex general = model.index(model.rowOf(u"general"_s));
    EXPECT_EQ(general.data(ChannelListModel::UnreadCountRole).toInt(), 2);
    EXPECT_TRUE(general.data(ChannelListModel::MentionedRole).toBool());
    EXPECT_EQ(general.data(ChannelListModel::LastMessageTextRole).toString(), u"hey @alice"_s);
    model.setTyping(u"general"_s, {u"bob"_s});
    EXPECT_EQ(general.data(ChannelListModel::TypingUsersRole).toStringList(),
              QStringList{u"bob"_s});
    model.markRead(u"general"_s);
    EXPECT_EQ(general.data(ChannelListModel::UnreadCountRole).toInt(), 0);
    model.remove(u"random"_s);
    EXPECT_EQ(model.rowCount(), 2);
    EXPECT_EQ(reset.size(), 0);
}

TEST(MemberModel, PresenceAndTyping)
{
    MemberModel model(u"general"_s);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setMembers({{u"carol"_s, PresenceStatus::Away}, {u"bob"_s, PresenceStatus::Online}});
    ASSERT_EQ(model.rowCount(), 2);
    EXPECT_EQ(model.index(0).data(MemberModel::UserRole).toString(), u"bob"_s);
    EXPECT_EQ(model.index(1).data(MemberModel::StatusRole).toString(), u"away"_s);
    model.applyPresence({u"bob"_s, PresenceStatus::Dnd, u"focus"_s, 1, 1'700'000'000'000});
    EXPECT_EQ(model.index(0).data(MemberModel::StatusRole).toString(), u"dnd"_s);
    EXPECT_EQ(model.index(0).data(MemberModel::StatusTextRole).toString(), u"focus"_s);
    EXPECT_TRUE(model.index(0).data(MemberModel::LastSeenRole).toDateTime().isValid());
    model.applyPresence({u"stranger"_s, PresenceStatus::Online, {}, 0, 0});
    EXPECT_EQ(model.rowCount(), 2);
    model.setTyping(u"carol"_s, true);
    EXPECT_TRUE(model.index(1).data(MemberModel::TypingRole).toBool());
    model.setMembers({{u"carol"_s, PresenceStatus::Away}, {u"dave"_s, PresenceStatus::Offline}});
    EXPECT_EQ(model.rowCount(), 2);
    EXPECT_EQ(model.index(1).data(MemberModel::UserRole).toString(), u"dave"_s);
}
