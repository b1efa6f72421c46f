// SPDX-License-Identifier: Apache-2.0
// The read side of the message log, on rows written behind its back with known ts.

#include "channelrepository.h"
#include "messagerepository.h"
#include "storetest.h"

using namespace Qt::StringLiterals;

namespace confab::store::testing {
namespace {

class MessageRepositoryTest : public StoreTest
{
protected:
    void SetUp() override
    {
        open(m_db);
        QString error;
        m_general = ChannelRepository(m_db).find(u"general"_s)->id;
        m_other = ChannelRepository(m_db).create(u"other"_s, {}, false, {}, &error)->id;
        // general: seq 1..10 at ts 1000, 1100, …; other: seq 1..3 (must never leak).
        for (qint64 seq = 1; seq <= 10; ++seq)
            insert(m_general, seq, 1000 + 100 * (seq - 1));
        for (qint64 seq = 1; seq <= 3; ++seq)
            insert(m_other, seq, 1000);
    }

    void insert(qint64 channelId, qint64 seq, qint64 ts)
    {
        QSqlQuery query(m_db.sql());
        ASSERT_TRUE(query.prepare(u"INSERT INTO messages(channel_id, seq, mid, cid, sender, ts, "
                                  u"text) VALUES (?, ?, ?, ?, 'alice', ?, ?)"_s));
        const QString id = u"%1-%2"_s.arg(channelId).arg(seq);
        for (const QVariant &v :
             {QVariant(channelId), QVariant(seq), QVariant(u"m"_s + id), QVariant(u"c"_s + id),
              QVariant(ts), QVariant((u"t"_s + id).toUtf8())})
            query.addBindValue(v);
        ASSERT_TRUE(query.exec()) << query.lastError().text().toStdString();
    }

    static QList<qint64> seqs(const std::optional<QList<Message>> &messages)
    {
        QList<qint64> result;
        if (!messages) {
            ADD_FAILURE() << "the read failed";
            return result;
        }
        for (const auto &m : *messages)
            result.append(m.seq);
        return result;
    }

    void remove(qint64 channelId, qint64 seq)
    {
        QSqlQuery query(m_db.sql());
        ASSERT_TRUE(query.prepare(u"DELETE FROM messages WHERE channel_id = ? AND seq = ?"_s));
        query.addBindValue(channelId);
        query.addBindValue(seq);
        ASSERT_TRUE(query.exec()) << query.lastError().text().toStdString();
    }

    Database m_db;
    qint64 m_general = 0;
    qint64 m_other = 0;
};

TEST_F(MessageRepositoryTest, ReadsARangeOldestFirst)
{
    MessageRepository messages(m_db);
    const auto range = messages.range(m_general, u"general"_s, 3, 7, 100);
    EXPECT_EQ(seqs(range), (QList<qint64>{3, 4, 5, 6, 7}));
    ASSERT_TRUE(range && !range->isEmpty());
    const Message &first = range->first();
    EXPECT_EQ(first, (Message{u"general"_s, 3, u"m%1-3"_s.arg(m_general), u"c%1-3"_s.arg(m_general),
                              u"alice"_s, 1200, u"t%1-3"_s.arg(m_general)}));
    EXPECT_EQ(seqs(messages.range(m_general, u"general"_s, 3, 7, 2)), (QList<qint64>{3, 4}));
    EXPECT_TRUE(seqs(messages.range(m_general, u"general"_s, 8, 7, 10)).isEmpty());
    EXPECT_TRUE(seqs(messages.range(m_general, u"general"_s, 1, 10, 0)).isEmpty());
}

TEST_F(MessageRepositoryTest, ReadsTheNewestAscending)
{
    MessageRepository messages(m_db);
    EXPECT_EQ(seqs(messages.newest(m_general, u"general"_s, 10, 3)), (QList<qint64>{8, 9, 10}));
    EXPECT_EQ(seqs(messages.newest(m_general, u"general"_s, 5, 3)), (QList<qint64>{3, 4, 5}));
    EXPECT_EQ(seqs(messages.newest(m_other, u"other"_s, 3, 50)), (QList<qint64>{1, 2, 3}));
}

TEST_F(MessageRepositoryTest, PagesBackwards)
{
    MessageRepository messages(m_db);
    bool more = false;
    EXPECT_EQ(seqs(messages.before(m_general, u"general"_s, 8, 3, &more)),
              (QList<qint64>{5, 6, 7}));
    EXPECT_TRUE(more);
    EXPECT_EQ(seqs(messages.before(m_general, u"general"_s, 4, 3, &more)),
              (QList<qint64>{1, 2, 3}));
    EXPECT_FALSE(more);
    EXPECT_TRUE(seqs(messages.before(m_general, u"general"_s, 1, 3, &more)).isEmpty());
    EXPECT_FALSE(more);
}

TEST_F(MessageRepositoryTest, PagesForwardsUpToTheVisibleSeq)
{
    MessageRepository messages(m_db);
    bool more = false;
    EXPECT_EQ(seqs(messages.after(m_general, u"general"_s, 2, 10, 3, &more)),
              (QList<qint64>{3, 4, 5}));
    EXPECT_TRUE(more);
    EXPECT_EQ(seqs(messages.after(m_general, u"general"_s, 5, 8, 3, &more)),
              (QList<qint64>{6, 7, 8}));
    EXPECT_FALSE(more); // 9 and 10 exist but are past toSeq
    EXPECT_TRUE(seqs(messages.after(m_general, u"general"_s, 10, 10, 3, &more)).isEmpty());
    EXPECT_FALSE(more);
}

TEST_F(MessageRepositoryTest, FindsTheFirstSeqSinceATime)
{
    MessageRepository messages(m_db);
    EXPECT_EQ(messages.firstSeqSince(m_general, 0, 10), 1);
    EXPECT_EQ(messages.firstSeqSince(m_general, 1250, 10), 4);
    EXPECT_EQ(messages.firstSeqSince(m_general, 1300, 10), 4);
    EXPECT_EQ(messages.firstSeqSince(m_general, 5000, 10), 11);
    EXPECT_EQ(messages.firstSeqSince(m_general, 1850, 8), 9); // none visible: toSeq + 1
}

TEST_F(MessageRepositoryTest, AGapInTheGaplessSeqsIsDamageNotAShortAnswer)
{
    remove(m_general, 5); // as a damaged page would lose it
    MessageRepository messages(m_db);
    bool more = true;
    EXPECT_FALSE(messages.range(m_general, u"general"_s, 1, 10, 100));
    EXPECT_FALSE(messages.range(m_general, u"general"_s, 5, 10, 100)); // the first one missing
    EXPECT_FALSE(messages.newest(m_general, u"general"_s, 6, 3));
    EXPECT_FALSE(messages.before(m_general, u"general"_s, 8, 3, &more));
    EXPECT_FALSE(more);
    EXPECT_FALSE(messages.after(m_general, u"general"_s, 2, 10, 3, &more));
    EXPECT_FALSE(messages.after(m_general, u"general"_s, 4, 10, 3, &more));
    EXPECT_TRUE(m_db.isDamaged());
    EXPECT_TRUE(m_db.damage().contains(u"seq 5"_s)) << m_db.damage().toStdString();

    // What is intact still reads, complete.
    EXPECT_EQ(seqs(messages.after(m_general, u"general"_s, 5, 10, 3, &more)),
              (QList<qint64>{6, 7, 8}));
    EXPECT_EQ(seqs(messages.before(m_general, u"general"_s, 5, 3, &more)),
              (QList<qint64>{2, 3, 4}));
    // A bound past the last seq (10) asks for seqs that must exist: also a gap.
    EXPECT_FALSE(messages.range(m_general, u"general"_s, 8, 11, 100));
}

TEST_F(MessageRepositoryTest, AFailedReadIsAFailureNotAnEmptyAnswer)
{
    QSqlQuery query(m_db.sql());
    ASSERT_TRUE(query.exec(u"ALTER TABLE messages RENAME TO lost"_s));
    MessageRepository messages(m_db);
    bool more = true;
    EXPECT_FALSE(messages.range(m_general, u"general"_s, 1, 10, 100));
    EXPECT_FALSE(messages.after(m_general, u"general"_s, 0, 10, 3, &more));
    EXPECT_FALSE(more);
    EXPECT_FALSE(messages.firstSeqSince(m_general, 0, 10));
    EXPECT_TRUE(m_db.isDamaged());
    EXPECT_TRUE(m_db.damage().contains(u"general"_s)) << m_db.damage().toStdString();
}

} // namespace
} // namespace confab::store::testing
