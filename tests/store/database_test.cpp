// SPDX-License-Identifier: Apache-2.0
// Opening, migrating and refusing database files.

#include "channelrepository.h"
#include "messagerepository.h"
#include "storetest.h"
#include "tokenrepository.h"
#include "userrepository.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QThread>

#include <sys/stat.h>

using namespace Qt::StringLiterals;

namespace confab::store::testing {
namespace {

class DatabaseTest : public StoreTest
{};

TEST_F(DatabaseTest, MigratesANewFileToTheCurrentSchema)
{
    Database db;
    open(db);
    EXPECT_TRUE(db.isOpen());
    QSqlQuery query(db.sql());
    ASSERT_TRUE(query.exec(u"PRAGMA user_version"_s) && query.next());
    EXPECT_EQ(query.value(0).toInt(), Database::schemaVersion());
    ASSERT_TRUE(query.exec(u"PRAGMA journal_mode"_s) && query.next());
    EXPECT_EQ(query.value(0).toString(), u"wal"_s);
    ASSERT_TRUE(query.exec(u"PRAGMA foreign_keys"_s) && query.next());
    EXPECT_EQ(query.value(0).toInt(), 1);
    ASSERT_TRUE(query.exec(u"PRAGMA synchronous"_s) && query.next());
    EXPECT_EQ(query.value(0).toInt(), 2); // FULL
    ASSERT_TRUE(query.exec(u"PRAGMA busy_timeout"_s) && query.next());
    EXPECT_GE(query.value(0).toInt(), 5000);
    for (const QString &table :
         {u"users"_s, u"tokens"_s, u"channels"_s, u"members"_s, u"messages"_s}) {
        ASSERT_TRUE(query.exec(u"SELECT count(*) FROM "_s + table) && query.next())
            << table.toStdString();
    }

    const auto general = ChannelRepository(db).find(u"general"_s);
    ASSERT_TRUE(general);
    EXPECT_EQ(general->channel.topic, u"General discussion"_s);
    EXPECT_FALSE(general->channel.isPrivate);
    EXPECT_EQ(general->channel.lastSeq, 0);
    EXPECT_GT(db.sizeBytes(), 0);
}

TEST_F(DatabaseTest, MigratesAnEmptyFile)
{
    writeFile(dbPath(), {});
    Database db;
    open(db);
    EXPECT_TRUE(ChannelRepository(db).find(u"general"_s));
}

TEST_F(DatabaseTest, ReopensWithItsData)
{
    {
        Database db;
        open(db);
        QString error;
        ASSERT_TRUE(UserRepository(db).add({u"alice"_s, u"Alice"_s, Role::Admin}, u"h"_s, &error));
        db.close();
        EXPECT_FALSE(db.isOpen());
    }
    Database db;
    open(db);
    const auto alice = UserRepository(db).find(u"alice"_s);
    ASSERT_TRUE(alice);
    EXPECT_EQ(alice->info.role, Role::Admin);
    EXPECT_EQ(ChannelRepository(db).all().size(), 1); // general, not created twice
}

TEST_F(DatabaseTest, RefusesAFileThatIsNotSqliteAndLeavesItAlone)
{
    QByteArray garbage(64 * 1024, '\0');
    QRandomGenerator(42).fillRange(reinterpret_cast<quint32 *>(garbage.data()), garbage.size() / 4);
    writeFile(dbPath(), garbage);

    Database db;
    QString error;
    EXPECT_FALSE(db.open(dbPath(), &error));
    EXPECT_FALSE(db.isOpen());
    EXPECT_TRUE(error.contains(u"not a SQLite database"_s)) << error.toStdString();
    EXPECT_TRUE(error.contains(dbPath())) << error.toStdString();
    EXPECT_EQ(readFile(dbPath()), garbage);
    EXPECT_FALSE(QFileInfo::exists(dbPath() + u"-wal"_s));
}

TEST_F(DatabaseTest, RefusesACorruptDatabaseAndLeavesItAlone)
{
    {
        Database db;
        open(db);
    }
    // Keep the 100-byte file header (so it still looks like SQLite), smash the schema page.
    QByteArray bytes = readFile(dbPath());
    ASSERT_GT(bytes.size(), 4096);
    for (int i = 100; i < 4096; ++i)
        bytes[i] = char(0xA5 ^ i);
    writeFile(dbPath(), bytes);

    Database db;
    QString error;
    EXPECT_FALSE(db.open(dbPath(), &error));
    EXPECT_TRUE(error.contains(u"corrupt"_s)) << error.toStdString();
    EXPECT_EQ(readFile(dbPath()), bytes);
}

TEST_F(DatabaseTest, IntegrityCheckPassesASoundFileAndFailsASmashedOne)
{
    {
        Database db;
        open(db);
    }
    QString report;
    EXPECT_TRUE(Database::checkIntegrity(dbPath(), &report)) << report.toStdString();
    EXPECT_EQ(report, u"ok"_s);

    QByteArray bytes = readFile(dbPath());
    ASSERT_GT(bytes.size(), 3 * 4096);
    for (int i = 2 * 4096; i < 3 * 4096; ++i) // a page of the tables, not the header
        bytes[i] = char(0x5a);
    writeFile(dbPath(), bytes);
    EXPECT_FALSE(Database::checkIntegrity(dbPath(), &report));
    EXPECT_TRUE(report.contains(u"DAMAGED"_s)) << report.toStdString();
    EXPECT_EQ(readFile(dbPath()), bytes); // read-only

    EXPECT_FALSE(Database::checkIntegrity(filePath(u"none.db"_s), &report));
    EXPECT_FALSE(QFileInfo::exists(filePath(u"none.db"_s)));
}

TEST_F(DatabaseTest, CreatesAPrivateDirectoryAndFileWhateverTheUmask)
{
    const mode_t previous = ::umask(0);
    const QString dir = filePath(u"new/data"_s);
    QString error;
    const bool prepared = Database::prepareDirectory(dir, &error);
    Database db;
    const bool opened = prepared && db.open(dir + u"/confab.db"_s, &error);
    ::umask(previous);
    ASSERT_TRUE(opened) << error.toStdString();
    EXPECT_EQ(QFileInfo(dir).permissions(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                                QFile::ReadUser | QFile::WriteUser |
                                                QFile::ExeUser);
    for (const QString &name : {u"confab.db"_s, u"confab.db-wal"_s, u"confab.db-shm"_s}) {
        EXPECT_EQ(QFileInfo(dir + u'/' + name).permissions(),
                  QFile::ReadOwner | QFile::WriteOwner | QFile::ReadUser | QFile::WriteUser)
            << name.toStdString();
    }

    // An existing directory is the operator's: left as it is.
    const QString open = filePath(u"open"_s);
    ASSERT_TRUE(QDir().mkpath(open));
    ASSERT_TRUE(QFile::setPermissions(open, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                                QFile::ReadOther | QFile::ExeOther));
    const auto before = QFileInfo(open).permissions();
    EXPECT_TRUE(Database::prepareDirectory(open, &error)) << error.toStdString();
    EXPECT_EQ(QFileInfo(open).permissions(), before);
    EXPECT_FALSE(Database::prepareDirectory(dbPath() + u"-not-a-dir"_s, &error) &&
                 QFileInfo(dbPath() + u"-not-a-dir"_s).isFile());
}

TEST_F(DatabaseTest, RefusesANewerSchemaAndLeavesItAlone)
{
    {
        Database db;
        open(db);
    }
    rawSql(dbPath(), {u"PRAGMA user_version = %1"_s.arg(Database::schemaVersion() + 1)});
    const QByteArray before = readFile(dbPath());

    Database db;
    QString error;
    EXPECT_FALSE(db.open(dbPath(), &error));
    EXPECT_TRUE(error.contains(u"newer than this build"_s)) << error.toStdString();
    EXPECT_EQ(readFile(dbPath()), before);
}

TEST_F(DatabaseTest, RefusesAnotherApplicationsDatabase)
{
    rawSql(dbPath(), {u"CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)"_s});
    const QByteArray before = readFile(dbPath());

    Database db;
    QString error;
    EXPECT_FALSE(db.open(dbPath(), &error));
    EXPECT_TRUE(error.contains(u"another application"_s)) << error.toStdString();
    EXPECT_EQ(readFile(dbPath()), before);
}

TEST_F(DatabaseTest, ReportsAMissingDirectory)
{
    Database db;
    QString error;
    EXPECT_FALSE(db.open(filePath(u"missing/confab.db"_s), &error));
    EXPECT_FALSE(error.isEmpty());
    EXPECT_FALSE(QFileInfo::exists(filePath(u"missing"_s)));
}

TEST_F(DatabaseTest, SeveralConnectionsOnSeveralThreadsCoexist)
{
    Database first;
    open(first);
    Database second;
    open(second);
    QString error;
    ASSERT_TRUE(UserRepository(first).add({u"alice"_s, u"Alice"_s, Role::User}, u"h"_s, &error));
    EXPECT_TRUE(UserRepository(second).find(u"alice"_s));

    qint64 seenOnThread = -1;
    const QString path = dbPath();
    std::unique_ptr<QThread> thread(QThread::create([&] {
        Database db;
        QString why;
        if (db.open(path, &why))
            seenOnThread = UserRepository(db).count();
    }));
    thread->start();
    ASSERT_TRUE(thread->wait(10000));
    EXPECT_EQ(seenOnThread, 1);
    EXPECT_TRUE(first.isOpen());
    EXPECT_TRUE(second.isOpen());
}

TEST_F(DatabaseTest, AnotherProcessSeesUsStillOpenWhenWeHaveTwoConnections)
{
    // confabd has several connections to its database; confabctl (another process) writes
    // while it runs. Every POSIX lock of ours on the file must survive our second open, or
    // the other process, closing, believes it was the last user and deletes the WAL and its
    // index under us (it did: the header check read the file with QFile, and closing that
    // descriptor dropped the process's locks).
    Database first;
    open(first);
    Database second;
    open(second);
    auto externalWrite = [&](const QString &topic) {
        QProcess sqlite;
        sqlite.start(u"sqlite3"_s, {dbPath(), u"UPDATE channels SET topic = '%1' WHERE name = "
                                              u"'general';"_s.arg(topic)});
        ASSERT_TRUE(sqlite.waitForFinished(15000));
        ASSERT_EQ(sqlite.exitCode(), 0) << sqlite.readAllStandardError().toStdString();
    };
    auto topicSeenByFirst = [&] {
        QSqlQuery query(first.sql());
        if (!query.exec(u"SELECT topic FROM channels WHERE name = 'general'"_s) || !query.next())
            return QString();
        return query.value(0).toString();
    };
    ASSERT_NO_FATAL_FAILURE(externalWrite(u"one"_s));
    EXPECT_TRUE(QFileInfo::exists(dbPath() + u"-wal"_s)) << "the WAL was deleted under us";
    EXPECT_EQ(topicSeenByFirst(), u"one"_s);
    ASSERT_NO_FATAL_FAILURE(externalWrite(u"two"_s));
    EXPECT_EQ(topicSeenByFirst(), u"two"_s);
}

TEST_F(DatabaseTest, OpensAVersion1FixtureWithItsData)
{
    loadV1Fixture();

    Database db;
    open(db);
    UserRepository users(db);
    ASSERT_EQ(users.count(), 2);
    const auto alice = users.find(u"alice"_s);
    ASSERT_TRUE(alice);
    EXPECT_EQ(alice->info, (UserInfo{u"alice"_s, u"Alice"_s, Role::Admin}));
    EXPECT_EQ(TokenRepository(db).userFor(u"fixture-token"_s, 1800000000000), alice->id);

    ChannelRepository channels(db);
    const auto design = channels.find(u"design"_s);
    ASSERT_TRUE(design);
    EXPECT_EQ(design->channel, (Channel{u"design"_s, u"Pixels"_s, true, 1}));
    EXPECT_EQ(channels.members(design->id), (QStringList{u"alice"_s, u"bob"_s}));
    EXPECT_EQ(channels.find(u"general"_s)->channel.lastSeq, 3);

    const auto general =
        MessageRepository(db).range(1, u"general"_s, 1, 3, 10).value_or(QList<Message>());
    ASSERT_EQ(general.size(), 3);
    EXPECT_EQ(general[0],
              (Message{u"general"_s, 1, u"1"_s, u"c-1"_s, u"alice"_s, 1700000000001, u"hello"_s}));
    EXPECT_EQ(general[1].text, QString(u"\uFEFFnul\0inside"_s));
    EXPECT_EQ(general[2].text, u"\u2028"_s);
    EXPECT_EQ(MessageRepository(db).range(design->id, u"design"_s, 1, 1, 1)->value(0).text, u"😀"_s);
}

} // namespace
} // namespace confab::store::testing
