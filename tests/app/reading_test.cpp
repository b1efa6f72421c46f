// SPDX-License-Identifier: Apache-2.0
// MessageModel's reading aids over a real SQLite cache, under QAbstractItemModelTester:
// the safe Markdown role, mentions of the signed-in user, and the "New messages" line
// (placed once at the first unread message by someone else, older pages loaded to reach it,
// then fixed while the channel is on screen).

#include "localdatabase.h"
#include "messagecache.h"
#include "messagemodel.h"
#include "outbox.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::client;

namespace {

Message message(qint64 seq, const QString &from, const QString &text = {})
{
    return Message{u"general"_s,
                   seq,
                   u"m%1"_s.arg(seq),
                   u"c%1"_s.arg(seq),
                   from,
                   1'700'000'000'000 + seq * 1000,
                   text.isEmpty() ? u"text %1"_s.arg(seq) : text};
}

class ReadingTest : public ::testing::Test
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
        if (withTester) // it fetches more of itself: not where loading is counted
            tester = std::make_unique<QAbstractItemModelTester>(
                model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        return model;
    }
    void store(qint64 from, qint64 to, const QString &author = u"bob"_s)
    {
        QList<Message> messages;
        for (qint64 seq = from; seq <= to; ++seq)
            messages.append(message(seq, author));
        cache->store(messages);
    }
    static QList<int> firstUnreadRows(const MessageModel &model)
    {
        QList<int> rows;
        for (int row = 0; row < model.rowCount(); ++row) {
            if (model.index(row).data(MessageModel::FirstUnreadRole).toBool())
                rows.append(row);
        }
        return rows;
    }
    static qint64 seqAt(const MessageModel &model, int row)
    {
        return model.index(row).data(MessageModel::SeqRole).toLongLong();
    }

    QTemporaryDir dir;
    std::unique_ptr<LocalDatabase> db;
    std::unique_ptr<MessageCache> cache;
    std::unique_ptr<Outbox> outbox;
    std::unique_ptr<QAbstractItemModelTester> tester;
};

TEST_F(ReadingTest, MarkdownRoleIsSafeMarkdown)
{
    cache->store({message(1, u"bob"_s, u"**hi** <b>x</b> ![](http://example.com/a.png)"_s)});
    auto model = open();
    const QHash<int, QByteArray> names = model->roleNames();
    EXPECT_EQ(names.value(MessageModel::MarkdownRole), "markdown");
    EXPECT_EQ(names.value(MessageModel::MentionsMeRole), "mentionsMe");
    EXPECT_EQ(names.value(MessageModel::FirstUnreadRole), "firstUnread");
    const QString markdown = model->index(0).data(MessageModel::MarkdownRole).toString();
    EXPECT_EQ(markdown, u"**hi** \\<b>x\\</b> \\![image](http://example.com/a.png)"_s);
    // The raw text stays byte-exact for copying and editing.
    EXPECT_EQ(model->index(0).data(MessageModel::TextRole).toString(),
              u"**hi** <b>x</b> ![](http://example.com/a.png)"_s);
    EXPECT_EQ(model->index(0).data(MessageModel::MarkdownRole).toString(), markdown);
}

TEST_F(ReadingTest, MentionsMeUsesTheSidebarRule)
{
    cache->store({message(1, u"bob"_s, u"hey @alice look"_s), message(2, u"bob"_s, u"@ALICE!"_s),
                  message(3, u"bob"_s, u"alice without at"_s),
                  message(4, u"alice"_s, u"I am @alice"_s), message(5, u"bob"_s, u"@bob"_s)});
    auto model = open();
    QList<bool> mentions;
    for (int row = 0; row < model->rowCount(); ++row)
        mentions.append(model->index(row).data(MessageModel::MentionsMeRole).toBool());
    EXPECT_EQ(mentions, (QList<bool>{true, true, false, false, false}));
}

TEST_F(ReadingTest, MarkerStartsAtTheCachedReadPosition)
{
    store(1, 10);
    cache->setLastReadSeq(u"general"_s, 7);
    auto model = open();
    EXPECT_EQ(model->readMarker(), 7);
    EXPECT_EQ(model->firstUnreadSeq(), 0); // no line until it is placed
    EXPECT_EQ(model->firstUnreadRow(), -1);
}

TEST_F(ReadingTest, LineGoesAboveTheFirstUnreadBySomeoneElse)
{
    store(1, 5);
    cache->store({message(6, u"alice"_s), message(7, u"alice"_s)}); // mine: not unread
    store(8, 12);
    auto model = open();
    QSignalSpy changed(model.get(), &MessageModel::readMarkerChanged);
    model->setReadMarker(5);
    EXPECT_EQ(changed.count(), 1);
    EXPECT_EQ(model->firstUnreadSeq(), 8);
    EXPECT_EQ(model->firstUnreadRow(), 7);
    EXPECT_EQ(firstUnreadRows(*model), QList<int>{7});

    model->setReadMarker(2);
    EXPECT_EQ(firstUnreadRows(*model), QList<int>{2});
    EXPECT_EQ(seqAt(*model, model->firstUnreadRow()), 3);

    model->setReadMarker(12); // all read
    EXPECT_TRUE(firstUnreadRows(*model).isEmpty());
    EXPECT_EQ(model->firstUnreadRow(), -1);
}

TEST_F(ReadingTest, LineStaysPutWhileMessagesArrive)
{
    store(1, 10);
    auto model = open();
    model->setReadMarker(8);
    ASSERT_EQ(model->firstUnreadSeq(), 9);
    store(11, 13);
    EXPECT_EQ(model->firstUnreadSeq(), 9);
    EXPECT_EQ(firstUnreadRows(*model), QList<int>{8});

    // Nothing unread when placed: arrivals while reading add no line.
    model->moveReadMarkerToEnd();
    EXPECT_EQ(model->readMarker(), 13);
    EXPECT_TRUE(firstUnreadRows(*model).isEmpty());
    store(14, 15);
    EXPECT_TRUE(firstUnreadRows(*model).isEmpty());
    // Placed again (the channel opened again): the line is above what came meanwhile.
    model->setReadMarker(model->readMarker());
    EXPECT_EQ(model->firstUnreadSeq(), 14);
    EXPECT_EQ(seqAt(*model, model->firstUnreadRow()), 14);
}

TEST_F(ReadingTest, OlderCachedPagesAreLoadedToReachTheFirstUnread)
{
    store(1, 450);
    auto model = open(false);            // the tester would load pages itself
    ASSERT_EQ(model->rowOfSeq(121), -1); // not in the window yet
    model->setReadMarker(120);
    EXPECT_EQ(model->firstUnreadSeq(), 121);
    ASSERT_GE(model->firstUnreadRow(), 0);
    EXPECT_EQ(seqAt(*model, model->firstUnreadRow()), 121);
    EXPECT_EQ(firstUnreadRows(*model), QList<int>{model->firstUnreadRow()});
}

TEST_F(ReadingTest, LoadingStopsAtTheLimit)
{
    store(1, MessageModel::maxUnreadLoad + 6 * MessageModel::pageSize);
    auto model = open(false);
    const int before = model->rowCount();
    model->setReadMarker(0);
    EXPECT_EQ(model->rowCount() - before, MessageModel::maxUnreadLoad);
    EXPECT_GT(seqAt(*model, 0), 1); // the oldest are not all loaded
    // The line sits at the oldest unread message loaded, and moves up with older pages.
    EXPECT_EQ(model->firstUnreadRow(), 0);
    ASSERT_TRUE(model->canFetchMore({}));
    model->fetchMore({});
    EXPECT_EQ(model->firstUnreadRow(), 0);
    EXPECT_EQ(firstUnreadRows(*model), QList<int>{0});
}

TEST_F(ReadingTest, PendingMessagesAreNeverFirstUnread)
{
    store(1, 3);
    auto model = open();
    OutboxEntry entry;
    entry.channel = u"general"_s;
    entry.cid = u"p1"_s;
    entry.text = u"pending"_s;
    model->pendingAdded(entry);
    model->setReadMarker(3);
    EXPECT_TRUE(firstUnreadRows(*model).isEmpty());
}

TEST_F(ReadingTest, ADisplayNameLearnedLaterRetitlesThatAuthorsRows)
{
    store(1, 2, u"bob"_s);
    store(3, 3, u"carol"_s);
    auto model = open();
    QHash<QString, QString> names;
    model->setDisplayNames([&](const QString &user) { return names.value(user, user); });
    ASSERT_EQ(model->index(0).data(MessageModel::AuthorDisplayRole).toString(), u"bob"_s);
    QSignalSpy changed(model.get(), &QAbstractItemModel::dataChanged);

    names.insert(u"bob"_s, u"Bob Nakamura"_s);
    model->displayNameChanged(u"bob"_s);

    ASSERT_EQ(changed.size(), 1); // the rows on screen ask again
    const auto first = changed.first().at(0).value<QModelIndex>();
    const auto last = changed.first().at(1).value<QModelIndex>();
    EXPECT_EQ(first.row(), 0);
    EXPECT_EQ(last.row(), 1); // bob's rows only
    EXPECT_TRUE(
        changed.first().at(2).value<QList<int>>().contains(MessageModel::AuthorDisplayRole));
    EXPECT_EQ(model->index(1).data(MessageModel::AuthorDisplayRole).toString(), u"Bob Nakamura"_s);
}

} // namespace
