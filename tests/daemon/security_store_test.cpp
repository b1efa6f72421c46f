// SPDX-License-Identifier: Apache-2.0
// Hostile clients against the real confabd: store. A damaged database file, a data directory
// the server may not write, and the modes of the files it creates (issue 9).

#include "daemonfixture.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

constexpr qint64 filledMessages = 20000;
constexpr int damagedPages = 20;
constexpr int historyPage = 200;

struct ProcessRun
{
    int exitCode = -1;
    QString out;
    QString err;
};

/// Runs `program` to completion with `modifier` applied in the child (e.g. dropping root).
ProcessRun runToEnd(const QString &program, const QStringList &args, const QByteArray &input = {},
                    const std::function<void()> &modifier = {})
{
    QProcess process;
    process.setProcessEnvironment(fastKdfEnvironment());
    if (modifier)
        process.setChildProcessModifier(modifier);
    process.start(program, args);
    ProcessRun run;
    if (!process.waitForStarted(5000))
        return run;
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(30000)) {
        process.kill();
        process.waitForFinished(2000);
        return run;
    }
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    if (process.exitStatus() == QProcess::NormalExit)
        run.exitCode = process.exitCode();
    return run;
}

/// The sqlite3 command-line shell on `db` with `script` on stdin.
ProcessRun sqlite(const QString &db, const QString &script)
{
    return runToEnd(u"sqlite3"_s, {u"-batch"_s, db}, script.toUtf8());
}

/// Sets the process umask for the life of the guard (children inherit it).
class UmaskGuard
{
public:
    explicit UmaskGuard(mode_t mask)
        : m_previous(::umask(mask))
    {}
    ~UmaskGuard() { ::umask(m_previous); }

private:
    mode_t m_previous;
};

mode_t modeOf(const QString &path)
{
    struct stat st = {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return mode_t(-1);
    return st.st_mode & 07777;
}

QString octal(mode_t mode)
{
    return u"0"_s + QString::number(uint(mode), 8);
}

// ---- defect 7: a damaged file is an error, never a short page or a synced over a gap -------

class DamagedDatabaseTest : public DaemonTest
{
protected:
    void SetUp() override
    {
        DaemonTest::SetUp();
        if (QStandardPaths::findExecutable(u"sqlite3"_s).isEmpty())
            GTEST_SKIP() << "the sqlite3 shell is needed to fill and inspect the database";
        m_db = QDir(dataDir.path()).filePath(u"confab.db"_s);
    }

    /// Fills general with `filledMessages` messages (the schema's own rows, as the writer
    /// stores them) and checkpoints the WAL so every page is in the main file.
    void fill()
    {
        const ProcessRun run = sqlite(m_db, uR"(
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %1)
INSERT INTO messages(channel_id, seq, mid, cid, sender, ts, text)
SELECT c.id, n.i, printf('%016x', n.i), printf('fill-%d', n.i), 'alice',
       1700000000000 + n.i * 1000, CAST(printf('message %d %s', n.i, hex(randomblob(40))) AS BLOB)
FROM n, channels c WHERE c.name = 'general';
UPDATE channels SET last_seq = %1 WHERE name = 'general';
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
)"_s.arg(filledMessages));
        ASSERT_EQ(run.exitCode, 0) << run.err.toStdString();
    }

    /// Overwrites `damagedPages` leaf pages of the messages table, spread over the file (the
    /// last leaves are spared: the writer reads the newest row at start).
    void damage()
    {
        const ProcessRun size = sqlite(m_db, u"PRAGMA page_size;"_s);
        const ProcessRun pages =
            sqlite(m_db, u"SELECT pageno FROM dbstat WHERE name = 'messages' AND "
                         u"pagetype = 'leaf' ORDER BY pageno;"_s);
        ASSERT_EQ(size.exitCode, 0) << size.err.toStdString();
        ASSERT_EQ(pages.exitCode, 0) << pages.err.toStdString() << " (no dbstat?)";
        const qint64 pageSize = size.out.trimmed().toLongLong();
        const QStringList leaves = pages.out.split(u'\n', Qt::SkipEmptyParts);
        ASSERT_GT(pageSize, 0);
        ASSERT_GT(leaves.size(), 10 * damagedPages);
        QFile file(m_db);
        ASSERT_TRUE(file.open(QIODevice::ReadWrite));
        const QByteArray garbage(pageSize, '\x5a');
        const qsizetype usable = leaves.size() - 10;
        for (int i = 0; i < damagedPages; ++i) {
            const qint64 pageNo = leaves[usable * i / damagedPages + 1].toLongLong();
            ASSERT_TRUE(file.seek((pageNo - 1) * pageSize));
            ASSERT_EQ(file.write(garbage), pageSize);
        }
    }

    ProcessRun check()
    {
        return runToEnd(confabdPath(), {u"--check"_s, u"--data"_s, dataDir.path()});
    }

    QString m_db;
};

TEST_F(DamagedDatabaseTest, ReadErrorsAreInternalErrorsNeverShortPagesOrSyncedOverAGap)
{
    ASSERT_NO_FATAL_FAILURE(fill());
    const ProcessRun healthy = check();
    EXPECT_EQ(healthy.exitCode, 0) << healthy.out.toStdString() << healthy.err.toStdString();
    EXPECT_TRUE(healthy.out.contains(u"ok"_s)) << healthy.out.toStdString();
    ASSERT_NO_FATAL_FAILURE(damage());

    Daemon daemon;
    ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path(), {u"--limits-catchup"_s, u"100000"_s}));
    auto alice = signIn(daemon.url());
    ASSERT_TRUE(alice);

    // Forward: each page is either complete and gapless, or an `internal` error.
    int failedPages = 0;
    for (qint64 after = 0; after < filledMessages; after += historyPage) {
        const auto reply = alice->request(QJsonObject{{"t"_L1, "history"_L1},
                                                      {"channel"_L1, "general"_L1},
                                                      {"after"_L1, after},
                                                      {"limit"_L1, historyPage}});
        ASSERT_TRUE(reply);
        if (!isOk(*reply)) {
            ASSERT_EQ(errorCode(*reply), u"internal"_s) << dump(*reply).toStdString();
            ++failedPages;
            continue;
        }
        const QJsonObject ok = reply->value("ok"_L1).toObject();
        const QJsonArray page = ok.value("messages"_L1).toArray();
        const qint64 expected = std::min<qint64>(historyPage, filledMessages - after);
        ASSERT_EQ(page.size(), expected) << "a short ok page after " << after;
        for (qsizetype i = 0; i < page.size(); ++i)
            ASSERT_EQ(page[i].toObject().value("seq"_L1).toInteger(), after + 1 + i);
        EXPECT_EQ(ok.value("more"_L1).toBool(), after + expected < filledMessages);
    }
    EXPECT_GT(failedPages, 0) << "the damage was never noticed";

    // Backward from the end: the same.
    int failedBackward = 0;
    for (qint64 before = filledMessages + 1; before > 1; before -= historyPage) {
        const auto reply = alice->request(QJsonObject{{"t"_L1, "history"_L1},
                                                      {"channel"_L1, "general"_L1},
                                                      {"before"_L1, before},
                                                      {"limit"_L1, historyPage}});
        ASSERT_TRUE(reply);
        if (!isOk(*reply)) {
            ASSERT_EQ(errorCode(*reply), u"internal"_s) << dump(*reply).toStdString();
            ++failedBackward;
            continue;
        }
        const QJsonArray page = reply->value("ok"_L1).toObject().value("messages"_L1).toArray();
        const qint64 expected = std::min<qint64>(historyPage, before - 1);
        ASSERT_EQ(page.size(), expected) << "a short ok page before " << before;
        for (qsizetype i = 0; i < page.size(); ++i)
            ASSERT_EQ(page[i].toObject().value("seq"_L1).toInteger(), before - expected + i);
    }
    EXPECT_GT(failedBackward, 0);

    // A catch-up over the damage: an error reply to the join, no catch-up, no synced.
    const auto join = alice->join(u"general"_s, QJsonObject{{"since"_L1, 0}});
    ASSERT_TRUE(join);
    EXPECT_EQ(errorCode(*join), u"internal"_s) << dump(*join).toStdString();
    EXPECT_TRUE(dump(*join).contains(u"database is damaged"_s)) << dump(*join).toStdString();
    // A ping-like round trip, then: nothing of the failed join may have followed its reply.
    const auto channels = alice->request(QJsonObject{{"t"_L1, "channels"_L1}});
    ASSERT_TRUE(channels && isOk(*channels));
    EXPECT_TRUE(alice->receivedOf(u"synced"_s).isEmpty());
    EXPECT_TRUE(alice->receivedOf(u"msg"_s).isEmpty());

    // A catch-up of the intact tail still works, complete and gapless.
    const auto synced = alice->joinSynced(u"general"_s, QJsonObject{{"since"_L1, 19990}});
    ASSERT_TRUE(synced) << "a join over intact messages must still work";
    EXPECT_EQ(synced->value("first_seq"_L1).toInteger(), 19991);
    EXPECT_EQ(alice->receivedOf(u"msg"_s).size(), 10);

    EXPECT_EQ(daemon.errorOutput().count(u"DATABASE DAMAGED"_s), 1)
        << daemon.errorOutput().toStdString();
}

TEST_F(DamagedDatabaseTest, CheckFlagFailsOnADamagedFileAndPassesAHealthyOne)
{
    const ProcessRun fresh = check();
    EXPECT_EQ(fresh.exitCode, 0) << fresh.out.toStdString() << fresh.err.toStdString();
    ASSERT_NO_FATAL_FAILURE(fill());
    ASSERT_NO_FATAL_FAILURE(damage());
    const ProcessRun damaged = check();
    EXPECT_NE(damaged.exitCode, 0) << damaged.out.toStdString();
    EXPECT_NE(damaged.exitCode, -1) << "confabd --check did not finish";
    EXPECT_FALSE(damaged.out.contains(u"listening on"_s));
    EXPECT_FALSE(damaged.out.trimmed().isEmpty() && damaged.err.trimmed().isEmpty());

    const ProcessRun missing =
        runToEnd(confabdPath(), {u"--check"_s, u"--data"_s, dataDir.filePath(u"nowhere"_s)});
    EXPECT_NE(missing.exitCode, 0);
    EXPECT_FALSE(QFileInfo::exists(dataDir.filePath(u"nowhere"_s))) << "--check created it";
}

// ---- defect 8: a data directory confabd may not write is said to be so ---------------------

class ReadOnlyDataTest : public DaemonTest
{
protected:
    /// Runs confabd on the data directory as the unprivileged user (nobody when we are root:
    /// root ignores permission bits) and returns how it ended.
    ProcessRun startAsUser()
    {
        std::function<void()> dropRoot;
        if (::geteuid() == 0) {
            dropRoot = [] {
                if (::setgroups(0, nullptr) != 0 || ::setgid(nobody) != 0 || ::setuid(nobody) != 0)
                    ::_exit(126);
            };
        }
        return runToEnd(confabdForUser(), {u"--listen"_s, u"127.0.0.1:0"_s, u"--data"_s, data()},
                        {}, dropRoot);
    }

    /// confabd where nobody can run it: the build tree may sit below a directory only root
    /// may enter (a clone in `mktemp -d`, mode 0700), so as root run a copy in a 0755
    /// directory of our own.
    QString confabdForUser()
    {
        if (::geteuid() != 0)
            return confabdPath();
        const QString copy = binDir.filePath(u"confabd"_s);
        if (!QFileInfo::exists(copy)) {
            EXPECT_TRUE(binDir.isValid());
            EXPECT_TRUE(QFile::copy(confabdPath(), copy));
            chmodTo(binDir.path(), 0755);
            chmodTo(copy, 0755);
        }
        return copy;
    }

    QTemporaryDir binDir;

    /// The name and uid confabd runs as in startAsUser().
    static QString userText()
    {
        const uid_t uid = ::geteuid() == 0 ? nobody : ::geteuid();
        const passwd *pw = ::getpwuid(uid);
        return u"user %1 (uid %2)"_s.arg(pw ? QString::fromLocal8Bit(pw->pw_name) : QString())
            .arg(uid);
    }

    QString data() const { return dataDir.path(); }
    QString dbFile() const { return QDir(data()).filePath(u"confab.db"_s); }

    static void chownTo(const QString &path, uid_t uid)
    {
        ASSERT_EQ(::chown(QFile::encodeName(path).constData(), uid, gid_t(uid)), 0);
    }
    static void chmodTo(const QString &path, mode_t mode)
    {
        ASSERT_EQ(::chmod(QFile::encodeName(path).constData(), mode), 0);
    }

    static constexpr uid_t nobody = 65534;
};

TEST_F(ReadOnlyDataTest, AReadOnlyDirectoryIsNotCalledCorrupt)
{
    // A database confabd could write, in a directory it cannot (no room for -wal and -shm).
    if (::geteuid() == 0) {
        ASSERT_NO_FATAL_FAILURE(chownTo(dbFile(), nobody));
        ASSERT_NO_FATAL_FAILURE(chmodTo(data(), 0755)); // root's, not writable by nobody
    } else {
        ASSERT_NO_FATAL_FAILURE(chmodTo(data(), 0555));
    }
    const ProcessRun run = startAsUser();
    chmodTo(data(), 0700);
    EXPECT_NE(run.exitCode, 0);
    EXPECT_NE(run.exitCode, 126) << "could not become nobody";
    EXPECT_FALSE(run.out.contains(u"listening on"_s));
    EXPECT_FALSE(run.err.contains(u"corrupt"_s)) << run.err.toStdString();
    EXPECT_TRUE(
        run.err.contains(u"data directory %1 is not writable by %2"_s.arg(data(), userText())))
        << run.err.toStdString();
    EXPECT_TRUE(run.err.contains(u"owned by "_s)) << run.err.toStdString();
}

TEST_F(ReadOnlyDataTest, AReadOnlyDatabaseFileIsNotCalledCorrupt)
{
    if (::geteuid() == 0) {
        ASSERT_NO_FATAL_FAILURE(chownTo(data(), nobody)); // the directory is nobody's
        ASSERT_NO_FATAL_FAILURE(chmodTo(dbFile(), 0644)); // the file stays root's
    } else {
        ASSERT_NO_FATAL_FAILURE(chmodTo(dbFile(), 0444));
    }
    const ProcessRun run = startAsUser();
    EXPECT_NE(run.exitCode, 0);
    EXPECT_NE(run.exitCode, 126) << "could not become nobody";
    EXPECT_FALSE(run.out.contains(u"listening on"_s));
    EXPECT_FALSE(run.err.contains(u"corrupt"_s)) << run.err.toStdString();
    EXPECT_TRUE(run.err.contains(u"%1 is not writable by %2"_s.arg(dbFile(), userText())))
        << run.err.toStdString();
    if (::geteuid() == 0)
        EXPECT_TRUE(run.err.contains(u"owned by root"_s)) << run.err.toStdString();
}

// ---- defect 10: private files whatever the umask ---------------------------------------------

TEST_F(DaemonTest, ConfabdCreatesAPrivateDataDirectoryWhateverTheUmask)
{
    const UmaskGuard umask(022);
    const QString fresh = dataDir.filePath(u"fresh/data"_s);
    Daemon daemon;
    ASSERT_NO_FATAL_FAILURE(daemon.start(fresh)); // the database is open in WAL mode now

    EXPECT_EQ(octal(modeOf(fresh)), u"0700"_s);
    for (const QString &name : {u"confab.db"_s, u"confab.db-wal"_s, u"confab.db-shm"_s}) {
        const QString path = QDir(fresh).filePath(name);
        ASSERT_TRUE(QFileInfo::exists(path)) << name.toStdString();
        EXPECT_EQ(octal(modeOf(path)), u"0600"_s) << name.toStdString();
    }
}

TEST_F(DaemonTest, ConfabctlCreatesAPrivateDataDirectoryWhateverTheUmask)
{
    const UmaskGuard umask(022);
    const QString fresh = dataDir.filePath(u"ctl/data"_s);
    QString output;
    ASSERT_EQ(
        runConfabctl({u"--data"_s, fresh, u"user"_s, u"add"_s, u"bob"_s, u"--password-stdin"_s},
                     password.toUtf8() + "\n", &output),
        0)
        << output.toStdString();
    EXPECT_EQ(octal(modeOf(fresh)), u"0700"_s);
    EXPECT_EQ(octal(modeOf(QDir(fresh).filePath(u"confab.db"_s))), u"0600"_s);

    // And the server then finds its files as confabctl left them.
    Daemon daemon;
    ASSERT_NO_FATAL_FAILURE(daemon.start(fresh));
    auto bob = signIn(daemon.url(), u"bob"_s);
    ASSERT_TRUE(bob);
    for (const QString &name : {u"confab.db"_s, u"confab.db-wal"_s, u"confab.db-shm"_s})
        EXPECT_EQ(octal(modeOf(QDir(fresh).filePath(name))), u"0600"_s) << name.toStdString();
}

TEST_F(DaemonTest, ALooserExistingDataDirectoryIsKeptButWarnedAbout)
{
    ASSERT_EQ(::chmod(QFile::encodeName(dataDir.path()).constData(), 0755), 0);
    Daemon daemon;
    ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path()));
    EXPECT_EQ(octal(modeOf(dataDir.path())), u"0755"_s);
    EXPECT_TRUE(waitUntil([&] { return daemon.errorOutput().contains(u"0755"_s); }, 5000))
        << daemon.errorOutput().toStdString();
}

} // namespace
