// SPDX-License-Identifier: Apache-2.0
// Fault: confabd started on a database it must not use (issue 15). A file of random bytes, a
// truncated Confab database, another application's SQLite file, a Confab database of a newer
// schema: confabd exits non-zero with one sentence on stderr that says what is wrong, and
// touches nothing (every file's bytes and mtime as before, no -wal, -shm or journal, no new
// file). A damaged database at run time and a data directory confabd may not write are
// tests/daemon/security_store_test.cpp's.

#include "confabprocess.h"
#include "testclient.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <map>

#include <sys/stat.h>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

/// What a data directory holds: per file its bytes' hash, size and mtime (ns), and the
/// directory's own mtime (a file made and removed again changes it).
using Snapshot = std::map<std::string, std::string>;

QString mtimeOf(const QString &path)
{
    struct stat st = {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return u"(missing)"_s;
    return u"%1.%2"_s.arg(st.st_mtim.tv_sec).arg(st.st_mtim.tv_nsec, 9, 10, QChar(u'0'));
}

Snapshot snapshot(const QString &dir)
{
    Snapshot files;
    files["."] = "mtime " + mtimeOf(dir).toStdString();
    for (const QFileInfo &info : QDir(dir).entryInfoList(QDir::AllEntries | QDir::Hidden |
                                                         QDir::System | QDir::NoDotAndDotDot)) {
        QFile file(info.filePath());
        QByteArray hash = "(unreadable)";
        if (info.isFile() && file.open(QIODevice::ReadOnly))
            hash = QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex();
        files[info.fileName().toStdString()] =
            u"%1 bytes, sha256 %2, mtime %3"_s.arg(info.size())
                .arg(QString::fromLatin1(hash), mtimeOf(info.filePath()))
                .toStdString();
    }
    return files;
}

std::string describe(const Snapshot &files)
{
    std::string text;
    for (const auto &[name, what] : files)
        text += "  " + name + ": " + what + "\n";
    return text;
}

class RefusalTest : public ::testing::Test
{
protected:
    void SetUp() override { ASSERT_TRUE(dataDir.isValid()); }

    QString db() const { return dataDir.filePath(u"confab.db"_s); }

    /// A real Confab database: an account and some messages, confabd stopped cleanly.
    void makeRealDatabase()
    {
        ASSERT_TRUE(addUser(dataDir.path(), u"alice"_s, u"password1"_s));
        ConfabdProcess daemon(dataDir.path(), {u"--limits-rate-per-s"_s, u"100000"_s,
                                               u"--limits-burst"_s, u"100000"_s});
        QString error;
        ASSERT_TRUE(daemon.start(0, &error)) << error.toStdString();
        TestClient alice;
        ASSERT_TRUE(alice.open(daemon.url()));
        const auto hello = alice.hello(u"alice"_s, u"password1"_s);
        ASSERT_TRUE(hello && isOk(*hello));
        ASSERT_TRUE(alice.joinSynced(u"general"_s));
        for (int i = 0; i < 300; ++i) {
            const auto ack = alice.publish(u"general"_s, u"message %1 "_s.arg(i).repeated(20));
            ASSERT_TRUE(ack && isOk(*ack));
        }
        daemon.terminate();
        ASSERT_FALSE(QFileInfo::exists(db() + u"-wal"_s)) << "confabd left its WAL behind";
    }

    /// The sqlite3 shell runs `script` on the database.
    void sqlite(const QString &script)
    {
        QProcess shell;
        shell.start(u"sqlite3"_s, {u"-batch"_s, db()});
        ASSERT_TRUE(shell.waitForStarted(5000)) << "sqlite3 is missing";
        shell.write(script.toUtf8());
        shell.closeWriteChannel();
        ASSERT_TRUE(shell.waitForFinished(10000));
        ASSERT_EQ(shell.exitCode(), 0) << shell.readAllStandardError().toStdString();
    }

    /// Starts confabd on the data directory, expects a refusal that names `expected` (and no
    /// other line on stderr), and the directory exactly as it was.
    void expectRefusal(const QString &expected)
    {
        const Snapshot before = snapshot(dataDir.path());
        QProcess confabd;
        confabd.setProcessEnvironment(fastKdfEnvironment());
        confabd.start(confabdPath(),
                      {u"--listen"_s, u"127.0.0.1:0"_s, u"--data"_s, dataDir.path()});
        ASSERT_TRUE(confabd.waitForStarted(5000));
        const bool ended = confabd.waitForFinished(15000);
        if (!ended) {
            confabd.kill();
            confabd.waitForFinished(5000);
        }
        const QString out = QString::fromUtf8(confabd.readAllStandardOutput());
        const QString err = QString::fromUtf8(confabd.readAllStandardError()).trimmed();
        ASSERT_TRUE(ended) << "confabd did not refuse; stdout: " << out.toStdString();
        EXPECT_EQ(confabd.exitStatus(), QProcess::NormalExit);
        EXPECT_NE(confabd.exitCode(), 0);
        EXPECT_FALSE(out.contains(u"listening on"_s));
        EXPECT_TRUE(err.contains(expected)) << "stderr: " << err.toStdString();
        EXPECT_FALSE(err.contains(u'\n')) << "more than one line: " << err.toStdString();
        EXPECT_TRUE(err.startsWith(u"confabd: "_s)) << err.toStdString();
        const Snapshot after = snapshot(dataDir.path());
        EXPECT_EQ(after, before) << "before:\n"
                                 << describe(before) << "after:\n"
                                 << describe(after);
    }

    QTemporaryDir dataDir;
};

TEST_F(RefusalTest, RandomBytesAreNotADatabase)
{
    QByteArray noise(64 * 1024, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(noise.data()),
                                          noise.size() / 4);
    QFile file(db());
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    ASSERT_EQ(file.write(noise), noise.size());
    file.close();
    expectRefusal(u"%1 is not a SQLite database"_s.arg(db()));
}

TEST_F(RefusalTest, RandomBytesBehindASqliteHeaderAreCalledCorrupt)
{
    QByteArray noise(64 * 1024, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(noise.data()),
                                          noise.size() / 4);
    noise.replace(0, 16, QByteArray("SQLite format 3\0", 16));
    QFile file(db());
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    ASSERT_EQ(file.write(noise), noise.size());
    file.close();
    expectRefusal(u"database %1 is corrupt (damaged header); restore it from a backup"_s.arg(db()));
}

TEST_F(RefusalTest, ATruncatedDatabaseIsCalledTruncated)
{
    ASSERT_NO_FATAL_FAILURE(makeRealDatabase());
    const qint64 size = QFileInfo(db()).size();
    ASSERT_GT(size, 8 * 4096);
    ASSERT_TRUE(QFile::resize(db(), size / 2));
    expectRefusal(u"database %1 is truncated"_s.arg(db()));
}

TEST_F(RefusalTest, AnotherApplicationsDatabaseIsLeftAlone)
{
    ASSERT_NO_FATAL_FAILURE(sqlite(u"CREATE TABLE photos(id INTEGER PRIMARY KEY, path TEXT);"
                                   u"INSERT INTO photos(path) VALUES ('/tmp/a.jpg');"_s));
    expectRefusal(u"%1 is a SQLite database of another application"_s.arg(db()));
}

TEST_F(RefusalTest, AnotherApplicationsWalDatabaseIsLeftAlone)
{
    ASSERT_NO_FATAL_FAILURE(sqlite(u"PRAGMA journal_mode=WAL;"
                                   u"CREATE TABLE photos(id INTEGER PRIMARY KEY, path TEXT);"
                                   u"INSERT INTO photos(path) VALUES ('/tmp/a.jpg');"_s));
    expectRefusal(u"%1 is a SQLite database of another application"_s.arg(db()));
}

TEST_F(RefusalTest, ANewerSchemaIsRefusedWithAnUpgradeHint)
{
    ASSERT_NO_FATAL_FAILURE(makeRealDatabase());
    ASSERT_NO_FATAL_FAILURE(sqlite(u"PRAGMA user_version = 999;"_s));
    ASSERT_FALSE(QFileInfo::exists(db() + u"-wal"_s));
    expectRefusal(
        u"database %1 has schema version 999, newer than this build supports"_s.arg(db()));
}

/// `chattr +i` on a directory for the life of the guard: not even root may create a file in
/// it (the read-only cases for an unprivileged user are security_store_test.cpp's).
class Immutable
{
public:
    explicit Immutable(QString dir)
        : m_dir(std::move(dir))
    {
        m_ok = chattr(u"+i"_s, &m_error);
    }
    ~Immutable()
    {
        if (m_ok)
            chattr(u"-i"_s, nullptr);
    }
    bool ok() const { return m_ok; }
    QString error() const { return m_error; }

private:
    bool chattr(const QString &flag, QString *error) const
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(u"chattr"_s, {flag, m_dir});
        const bool done = process.waitForFinished(5000) &&
                          process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
        if (!done && error)
            *error = QString::fromLocal8Bit(process.readAll()).trimmed() + process.errorString();
        return done;
    }

    QString m_dir;
    QString m_error;
    bool m_ok = false;
};

TEST_F(RefusalTest, ADataDirectoryNoOneMayWriteIsLeftAlone)
{
    ASSERT_NO_FATAL_FAILURE(makeRealDatabase());
    const Immutable guard(dataDir.path());
    if (!guard.ok())
        GTEST_SKIP() << "cannot make the directory immutable here (needs root with "
                        "CAP_LINUX_IMMUTABLE on ext4 or similar): "
                     << guard.error().toStdString();
    expectRefusal(u"data directory %1 is not writable by"_s.arg(dataDir.path()));
}

} // namespace
