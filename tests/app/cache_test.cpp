// SPDX-License-Identifier: Apache-2.0
// The local database: message cache, outbox persistence across reopen (crash survival),
// a corrupt file moved aside and rebuilt, the token file's permissions.

#include "localdatabase.h"
#include "messagecache.h"
#include "outbox.h"
#include "tokenstore.h"

#include <QDir>
#include <QFile>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::client;

namespace {

Message message(const QString &channel, qint64 seq, const QString &text = {})
{
    return Message{channel,
                   seq,
                   u"m%1"_s.arg(seq),
                   u"c%1"_s.arg(seq),
                   u"bob"_s,
                   1000 * seq,
                   text.isEmpty() ? u"text %1"_s.arg(seq) : text};
}

QList<qint64> seqs(const QList<Message> &messages)
{
    QList<qint64> result;
    for (const Message &m : messages)
        result.append(m.seq);
    return result;
}

class CacheTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(dir.isValid());
        reopen();
    }
    void reopen()
    {
        cache.reset();
        outbox.reset();
        db.reset();
        db = std::make_unique<LocalDatabase>(path());
        QString error;
        ASSERT_TRUE(db->open(&error)) << error.toStdString();
        cache = std::make_unique<MessageCache>(db->database(), 1000);
        outbox = std::make_unique<Outbox>(db->database());
    }
    QString path() const { return dir.filePath(u"client.sqlite"_s); }

    QTemporaryDir dir;
    std::unique_ptr<LocalDatabase> db;
    std::unique_ptr<MessageCache> cache;
    std::unique_ptr<Outbox> outbox;
};

} // namespace

TEST_F(CacheTest, StoresOnceAndReadsPagesInOrder)
{
    cache->addChannel(u"general"_s, u"topic"_s);
    QList<Message> batch;
    for (qint64 seq = 1; seq <= 10; ++seq)
        batch.append(message(u"general"_s, seq));
    EXPECT_EQ(cache->store(batch).size(), 10);
    EXPECT_EQ(cache->store({message(u"general"_s, 5), message(u"general"_s, 11)}).size(), 1);
    EXPECT_EQ(cache->count(u"general"_s), 11);
    EXPECT_EQ(seqs(cache->newest(u"general"_s, 3)), (QList<qint64>{9, 10, 11}));
    EXPECT_EQ(seqs(cache->before(u"general"_s, 5, 3)), (QList<qint64>{2, 3, 4}));
    EXPECT_EQ(cache->highestBelow(u"general"_s, 5), 4);
    EXPECT_FALSE(cache->highestBelow(u"general"_s, 1));
    EXPECT_EQ(cache->last(u"general"_s)->seq, 11);
    EXPECT_TRUE(cache->containsCid(u"general"_s, u"c3"_s));
}

TEST_F(CacheTest, UnreadCountsOthersAfterLastReadAndSpotsMentions)
{
    cache->addChannel(u"general"_s);
    QList<Message> batch = {message(u"general"_s, 1), message(u"general"_s, 2),
                            message(u"general"_s, 3, u"hi @Alice"_s), message(u"general"_s, 4)};
    batch[3].from = u"alice"_s;
    cache->store(batch);
    EXPECT_EQ(cache->unread(u"general"_s, 0, u"alice"_s), (std::pair<int, bool>{3, true}));
    EXPECT_EQ(cache->unread(u"general"_s, 3, u"alice"_s), (std::pair<int, bool>{0, false}));
    EXPECT_EQ(cache->unread(u"general"_s, 1, u"carol"_s), (std::pair<int, bool>{3, false}));
}

TEST_F(CacheTest, TextIsByteExact)
{
    cache->addChannel(u"general"_s);
    const QString text = u"nul\u0000 emoji 😀 rtl שלום bom \uFEFF ls \u2028 end"_s;
    cache->store({message(u"general"_s, 1, text)});
    reopen();
    EXPECT_EQ(cache->newest(u"general"_s, 1).first().text, text);
}

TEST_F(CacheTest, SyncedSeqOnlyRises)
{
    cache->addChannel(u"general"_s);
    cache->setSyncedSeq(u"general"_s, 10);
    cache->setSyncedSeq(u"general"_s, 7);
    EXPECT_EQ(cache->channel(u"general"_s)->syncedSeq, 10);
}

TEST_F(CacheTest, SizeBoundPerChannelDropsTheOldest)
{
    cache->setMaxPerChannel(50);
    cache->addChannel(u"a"_s);
    cache->addChannel(u"b"_s);
    QList<Message> batch;
    for (qint64 seq = 1; seq <= 120; ++seq)
        batch.append(message(u"a"_s, seq));
    batch.append(message(u"b"_s, 1));
    cache->store(batch);
    EXPECT_EQ(cache->count(u"a"_s), 50);
    EXPECT_EQ(cache->newest(u"a"_s, 100).first().seq, 71);
    EXPECT_EQ(cache->count(u"b"_s), 1);
}

TEST_F(CacheTest, WipeKeepsChannelsAndOutbox)
{
    cache->addChannel(u"general"_s);
    cache->store({message(u"general"_s, 1)});
    cache->setSyncedSeq(u"general"_s, 1);
    outbox->add(u"general"_s, u"queued"_s);
    cache->wipe();
    EXPECT_EQ(cache->count(u"general"_s), 0);
    EXPECT_EQ(cache->channel(u"general"_s)->syncedSeq, 0);
    EXPECT_EQ(outbox->count(), 1);
}

TEST_F(CacheTest, OutboxSurvivesReopenInOrder)
{
    QStringList cids;
    for (int i = 0; i < 5; ++i)
        cids.append(outbox->add(u"general"_s, u"m%1"_s.arg(i))->cid);
    EXPECT_EQ(QSet<QString>(cids.cbegin(), cids.cend()).size(), 5);
    outbox->markFailed(cids[1], u"too large"_s);
    // No orderly close: drop the objects and open the same file again.
    reopen();
    const QList<OutboxEntry> entries = outbox->entries();
    ASSERT_EQ(entries.size(), 5);
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(entries[i].cid, cids[i]);
        EXPECT_EQ(entries[i].text, u"m%1"_s.arg(i));
    }
    EXPECT_TRUE(entries[1].isFailed());
    EXPECT_EQ(entries[1].failedReason, u"too large"_s);
    EXPECT_TRUE(outbox->markPending(cids[1]));
    EXPECT_FALSE(outbox->find(cids[1])->isFailed());
    EXPECT_TRUE(outbox->remove(cids[0]));
    EXPECT_FALSE(outbox->remove(cids[0]));
    EXPECT_EQ(outbox->entries(u"general"_s).size(), 4);
    EXPECT_EQ(outbox->entries(u"other"_s).size(), 0);
}

TEST(LocalDatabase, GarbageFileIsMovedAsideAndRebuilt)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"client.sqlite"_s);
    {
        QFile file(path);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(8192, 'x'));
    }
    LocalDatabase db(path);
    QString error;
    ASSERT_TRUE(db.open(&error)) << error.toStdString();
    EXPECT_TRUE(db.movedAsidePath().contains(u".corrupt-"_s));
    EXPECT_TRUE(QFile::exists(db.movedAsidePath()));
    MessageCache cache(db.database());
    cache.addChannel(u"general"_s);
    EXPECT_EQ(cache.channels().size(), 1);
}

TEST(LocalDatabase, DamagedPagesAreMovedAsideAndRebuilt)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"client.sqlite"_s);
    {
        LocalDatabase db(path);
        ASSERT_TRUE(db.open());
        MessageCache cache(db.database());
        cache.addChannel(u"general"_s);
        QList<Message> batch;
        for (qint64 seq = 1; seq <= 3000; ++seq)
            batch.append(message(u"general"_s, seq, QString(100, u'x')));
        cache.store(batch);
        QSqlDatabase handle = db.database();
        QSqlQuery(handle).exec(u"PRAGMA wal_checkpoint(TRUNCATE)"_s);
    }
    {
        // Scribble over the middle of the file, keeping the header intact.
        QFile file(path);
        ASSERT_TRUE(file.open(QIODevice::ReadWrite));
        ASSERT_GT(file.size(), 100000);
        file.seek(file.size() / 2);
        file.write(QByteArray(20000, '\x5a'));
    }
    LocalDatabase db(path);
    QString error;
    ASSERT_TRUE(db.open(&error)) << error.toStdString();
    EXPECT_FALSE(db.movedAsidePath().isEmpty());
    MessageCache cache(db.database());
    EXPECT_EQ(cache.count(u"general"_s), 0);
}

TEST(LocalDatabase, HealthyFileIsKept)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"client.sqlite"_s);
    {
        LocalDatabase db(path);
        ASSERT_TRUE(db.open());
        MessageCache(db.database()).addChannel(u"general"_s);
    }
    LocalDatabase db(path);
    ASSERT_TRUE(db.open());
    EXPECT_TRUE(db.movedAsidePath().isEmpty());
    EXPECT_EQ(MessageCache(db.database()).channels().size(), 1);
}

TEST(TokenStore, FileIsOwnerOnlyAndRemovable)
{
    QTemporaryDir dir;
    TokenStore store(dir.path());
    EXPECT_FALSE(store.load());
    ASSERT_TRUE(store.save({QUrl(u"ws://127.0.0.1:1/ws"_s), u"alice"_s, u"secret-token"_s}));
    const QFileDevice::Permissions perms = QFile::permissions(store.filePath());
    EXPECT_TRUE(perms.testFlag(QFileDevice::ReadOwner));
    EXPECT_TRUE(perms.testFlag(QFileDevice::WriteOwner));
    const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                                            QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                            QFileDevice::WriteOther | QFileDevice::ExeOther |
                                            QFileDevice::ExeOwner;
    EXPECT_EQ(perms & others, QFileDevice::Permissions());
    const auto loaded = store.load();
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->token, u"secret-token"_s);
    EXPECT_EQ(loaded->user, u"alice"_s);
    EXPECT_TRUE(store.remove());
    EXPECT_FALSE(QFile::exists(store.filePath()));
}
