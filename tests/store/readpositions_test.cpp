// SPDX-License-Identifier: Apache-2.0
// Read positions (protocol 1.2) in SQLite: schema version 3 added to an older file, the
// max-never-back rule, a batch that names a deleted channel, and the writer thread that
// keeps the server's event loop off the disk.

#include "channelrepository.h"
#include "readpositionwriter.h"
#include "sqlitestores.h"
#include "storetest.h"

#include <atomic>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::store;
using namespace confab::store::testing;

namespace {

class ReadPositions : public StoreTest
{};

TEST_F(ReadPositions, AVersion1FileGainsTheTableAndKeepsItsData)
{
    loadV1Fixture();
    Database db;
    ASSERT_NO_FATAL_FAILURE(open(db));
    QSqlQuery version(db.sql());
    ASSERT_TRUE(version.exec(u"PRAGMA user_version"_s) && version.next());
    EXPECT_EQ(version.value(0).toInt(), 3);
    SqliteStores stores(db);
    const auto design = ChannelRepository(db).find(u"design"_s);
    ASSERT_TRUE(design);
    EXPECT_EQ(stores.readPosition(design->id, u"alice"_s), 0);
    QString error;
    ASSERT_TRUE(stores.raiseReadPositions({{design->id, u"alice"_s, 1}}, &error))
        << error.toStdString();
    EXPECT_EQ(stores.readPosition(design->id, u"alice"_s), 1);
    EXPECT_EQ(ChannelRepository(db).members(design->id), (QStringList{u"alice"_s, u"bob"_s}));
}

TEST_F(ReadPositions, APositionOnlyRisesAndIsPerUserAndChannel)
{
    Database db;
    ASSERT_NO_FATAL_FAILURE(open(db));
    SqliteStores stores(db);
    const auto general = ChannelRepository(db).find(u"general"_s);
    ASSERT_TRUE(general);
    QString error;
    ASSERT_TRUE(stores.raiseReadPositions(
        {{general->id, u"alice"_s, 5}, {general->id, u"bob"_s, 2}}, &error));
    ASSERT_TRUE(stores.raiseReadPositions({{general->id, u"alice"_s, 3}}, &error));
    EXPECT_EQ(stores.readPosition(general->id, u"alice"_s), 5);
    EXPECT_EQ(stores.readPosition(general->id, u"bob"_s), 2);
    EXPECT_EQ(stores.readPosition(general->id, u"carol"_s), 0);
    // A channel that does not exist (deleted meanwhile) is skipped, not the whole batch.
    ASSERT_TRUE(stores.raiseReadPositions(
        {{general->id + 1000, u"alice"_s, 9}, {general->id, u"alice"_s, 7}}, &error))
        << error.toStdString();
    EXPECT_EQ(stores.readPosition(general->id, u"alice"_s), 7);
    EXPECT_EQ(stores.readPosition(general->id + 1000, u"alice"_s), 0);
}

TEST_F(ReadPositions, TheWriterKeepsEverythingSubmittedBeforeStop)
{
    {
        Database db; // makes the file
        ASSERT_NO_FATAL_FAILURE(open(db));
    }
    ReadPositionWriter writer([path = dbPath()](QString *error) {
        return std::unique_ptr<ReadPositionStore>(SqliteStores::open(path, error));
    });
    QString error;
    ASSERT_TRUE(writer.start(&error)) << error.toStdString();
    Database db;
    ASSERT_NO_FATAL_FAILURE(open(db));
    const qint64 general = ChannelRepository(db).find(u"general"_s)->id;
    writer.submit({general, u"alice"_s, 4});
    ASSERT_TRUE(QTest::qWaitFor([&] { return writer.batchesWritten() >= 1; }));
    EXPECT_EQ(SqliteStores(db).readPosition(general, u"alice"_s), 4);
    for (qint64 seq : {9, 6, 8})
        writer.submit({general, u"alice"_s, seq});
    writer.submit({general, u"bob"_s, 1});
    writer.stop();
    EXPECT_EQ(SqliteStores(db).readPosition(general, u"alice"_s), 9);
    EXPECT_EQ(SqliteStores(db).readPosition(general, u"bob"_s), 1);
    writer.submit({general, u"bob"_s, 3}); // after stop: dropped, no crash
    EXPECT_EQ(SqliteStores(db).readPosition(general, u"bob"_s), 1);
}

/// A store that refuses every write while `full` is set (a full disk), else passes on.
class FullDiskStore : public ReadPositionStore
{
public:
    FullDiskStore(std::unique_ptr<ReadPositionStore> real, std::atomic<bool> *full)
        : m_real(std::move(real))
        , m_full(full)
    {}
    std::optional<qint64> readPosition(qint64 channelId, const QString &user) override
    {
        return m_real->readPosition(channelId, user);
    }
    bool raiseReadPositions(const QList<ReadPosition> &positions, QString *error) override
    {
        if (m_full->load()) {
            *error = u"database or disk is full"_s;
            return false;
        }
        return m_real->raiseReadPositions(positions, error);
    }

private:
    std::unique_ptr<ReadPositionStore> m_real;
    std::atomic<bool> *m_full;
};

TEST_F(ReadPositions, TheWriterKeepsWhatAFullDiskRefusedAndWritesItOnceThereIsSpace)
{
    {
        Database db; // makes the file
        ASSERT_NO_FATAL_FAILURE(open(db));
    }
    std::atomic<bool> full{true};
    ReadPositionWriter writer([path = dbPath(), &full](QString *error) {
        std::unique_ptr<ReadPositionStore> real(SqliteStores::open(path, error));
        return real ? std::make_unique<FullDiskStore>(std::move(real), &full) : nullptr;
    });
    QString error;
    ASSERT_TRUE(writer.start(&error)) << error.toStdString();
    Database db;
    ASSERT_NO_FATAL_FAILURE(open(db));
    const qint64 general = ChannelRepository(db).find(u"general"_s)->id;
    writer.submit({general, u"alice"_s, 4});
    ASSERT_TRUE(QTest::qWaitFor([&] { return writer.batchesWritten() >= 1; }));
    EXPECT_EQ(SqliteStores(db).readPosition(general, u"alice"_s), 0); // refused
    writer.submit({general, u"alice"_s, 2}); // lower: the refused 4 must still win
    full = false;                            // space again: the retry writes it
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return SqliteStores(db).readPosition(general, u"alice"_s) == 4; }, 5000))
        << "the refused position was dropped";
    writer.stop();
    EXPECT_EQ(SqliteStores(db).readPosition(general, u"alice"_s), 4);
}

TEST_F(ReadPositions, AWriterWhoseStoreCannotOpenSaysWhy)
{
    ReadPositionWriter writer([](QString *error) -> std::unique_ptr<ReadPositionStore> {
        *error = u"no disk"_s;
        return nullptr;
    });
    QString error;
    EXPECT_FALSE(writer.start(&error));
    EXPECT_EQ(error, u"no disk"_s);
}

} // namespace
