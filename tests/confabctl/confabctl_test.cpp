// SPDX-License-Identifier: Apache-2.0
// confabctl end to end: the real binary (CONFABCTL_PATH) on a temporary data directory,
// checked through its output, its exit code, and the database it leaves behind.

#include "channelrepository.h"
#include "database.h"
#include "passwordhasher.h"
#include "tokenrepository.h"
#include "userrepository.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

using namespace Qt::StringLiterals;

namespace confab {
namespace {

struct CtlResult
{
    int exitCode = -1;
    QString out;
    QString err;
};

class ConfabctlTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_home.isValid());
        m_data = m_home.filePath(u"data"_s);
        ASSERT_TRUE(QDir().mkpath(m_data));
    }

    /// Runs confabctl with `args` (after `--data DIR` unless `withData` is false), feeding
    /// `input` on stdin (a pipe, so never a terminal).
    CtlResult ctl(const QStringList &args, const QByteArray &input = {}, bool withData = true,
                  const QProcessEnvironment &extraEnv = {})
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"CONFAB_KDF_MEMORY_KIB"_s, u"64"_s); // cheap hashes for tests
        env.insert(u"CONFAB_KDF_ITERATIONS"_s, u"1"_s);
        env.insert(u"HOME"_s, m_home.path());
        env.remove(u"XDG_DATA_HOME"_s);
        env.remove(u"QT_LOGGING_RULES"_s);
        for (const QString &key : extraEnv.keys())
            env.insert(key, extraEnv.value(key));
        process.setProcessEnvironment(env);
        QStringList fullArgs = withData ? QStringList{u"--data"_s, m_data} : QStringList{};
        fullArgs += args;
        process.start(QStringLiteral(CONFABCTL_PATH), fullArgs);
        EXPECT_TRUE(process.waitForStarted(10000));
        process.write(input);
        process.closeWriteChannel();
        EXPECT_TRUE(process.waitForFinished(30000));
        CtlResult run;
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        run.out = QString::fromUtf8(process.readAllStandardOutput());
        run.err = QString::fromUtf8(process.readAllStandardError());
        return run;
    }

    /// `user add` with a password on stdin; asserts success.
    void addUser(const QString &name, const QStringList &extra = {},
                 const QByteArray &password = "password1")
    {
        const CtlResult run =
            ctl(QStringList{u"user"_s, u"add"_s, name} + extra + QStringList{u"--password-stdin"_s},
                password + '\n');
        ASSERT_EQ(run.exitCode, 0) << run.err.toStdString();
    }

    /// Opens the data directory's database in the test process, as the server would.
    void openDb(store::Database &db)
    {
        QString error;
        ASSERT_TRUE(db.open(m_data + u"/confab.db"_s, &error)) << error.toStdString();
    }

    static void expectOneLineError(const CtlResult &run, int code, const QString &contains)
    {
        EXPECT_EQ(run.exitCode, code) << run.err.toStdString();
        EXPECT_TRUE(run.err.startsWith(u"confabctl: "_s)) << run.err.toStdString();
        EXPECT_TRUE(run.err.contains(contains)) << run.err.toStdString();
        EXPECT_EQ(run.err.count(u'\n'), 1) << run.err.toStdString();
        EXPECT_TRUE(run.out.isEmpty()) << run.out.toStdString();
    }

    QTemporaryDir m_home;
    QString m_data;
};

TEST_F(ConfabctlTest, PrintsVersionAndHelp)
{
    const CtlResult version = ctl({u"--version"_s}, {}, false);
    EXPECT_EQ(version.exitCode, 0);
    EXPECT_TRUE(version.out.startsWith(u"confabctl "_s)) << version.out.toStdString();

    const CtlResult help = ctl({u"--help"_s}, {}, false);
    EXPECT_EQ(help.exitCode, 0);
    for (const QString &command :
         {u"user add"_s, u"user list"_s, u"user disable"_s, u"user enable"_s, u"user passwd"_s,
          u"user role"_s, u"channel create"_s, u"channel list"_s, u"--password-stdin"_s,
          u"--data"_s}) {
        EXPECT_TRUE(help.out.contains(command)) << command.toStdString();
    }
}

TEST_F(ConfabctlTest, RefusesAMissingDataDirectoryWithoutCreatingIt)
{
    const QString missing = m_home.filePath(u"nowhere"_s);
    const CtlResult run = ctl({u"--data"_s, missing, u"user"_s, u"list"_s}, {}, false);
    expectOneLineError(run, 1, u"data directory %1 does not exist"_s.arg(missing));
    EXPECT_FALSE(QFileInfo::exists(missing));
}

TEST_F(ConfabctlTest, DefaultsToTheXdgDataDirectory)
{
    // Without XDG_DATA_HOME: ~/.local/share/confab, and it is not created for us.
    CtlResult run = ctl({u"user"_s, u"list"_s}, {}, false);
    expectOneLineError(run, 1, m_home.filePath(u".local/share/confab"_s));

    ASSERT_TRUE(QDir().mkpath(m_home.filePath(u".local/share/confab"_s)));
    run = ctl({u"channel"_s, u"list"_s}, {}, false);
    EXPECT_EQ(run.exitCode, 0) << run.err.toStdString();
    EXPECT_TRUE(QFileInfo::exists(m_home.filePath(u".local/share/confab/confab.db"_s)));

    QProcessEnvironment xdg;
    xdg.insert(u"XDG_DATA_HOME"_s, m_home.filePath(u"xdg"_s));
    ASSERT_TRUE(QDir().mkpath(m_home.filePath(u"xdg/confab"_s)));
    run = ctl({u"user"_s, u"list"_s}, {}, false, xdg);
    EXPECT_EQ(run.exitCode, 0) << run.err.toStdString();
    EXPECT_TRUE(QFileInfo::exists(m_home.filePath(u"xdg/confab/confab.db"_s)));
}

TEST_F(ConfabctlTest, AddsUsersWithAPasswordFromStdin)
{
    CtlResult run = ctl({u"user"_s, u"add"_s, u"alice"_s, u"--admin"_s, u"--display"_s,
                         u"Alice Ångström"_s, u"--password-stdin"_s},
                        "correct horse battery\n");
    ASSERT_EQ(run.exitCode, 0) << run.err.toStdString();
    EXPECT_TRUE(run.out.contains(u"alice"_s));
    // Without --password-stdin a pipe is read the same way (stdin is not a terminal).
    run = ctl({u"user"_s, u"add"_s, u"bob"_s}, "pässwörd-bob\r\n");
    ASSERT_EQ(run.exitCode, 0) << run.err.toStdString();

    store::Database db;
    openDb(db);
    store::UserRepository users(db);
    const auto alice = users.find(u"alice"_s);
    ASSERT_TRUE(alice);
    EXPECT_EQ(alice->info, (UserInfo{u"alice"_s, u"Alice Ångström"_s, Role::Admin}));
    EXPECT_TRUE(alice->passwordHash.startsWith(u"$argon2id$v=19$m=64,t=1,p=1$"_s));
    EXPECT_TRUE(auth::PasswordHasher::verify(u"correct horse battery"_s, alice->passwordHash));
    EXPECT_FALSE(auth::PasswordHasher::verify(u"correct horse battery\n"_s, alice->passwordHash));
    const auto bob = users.find(u"bob"_s);
    ASSERT_TRUE(bob);
    EXPECT_EQ(bob->info, (UserInfo{u"bob"_s, u"bob"_s, Role::User}));
    EXPECT_TRUE(auth::PasswordHasher::verify(u"pässwörd-bob"_s, bob->passwordHash));
}

TEST_F(ConfabctlTest, ListsUsersAsATable)
{
    addUser(u"zed"_s);
    addUser(u"alice"_s, {u"--admin"_s, u"--display"_s, u"Alice A"_s});
    ASSERT_EQ(ctl({u"user"_s, u"disable"_s, u"zed"_s}).exitCode, 0);

    const CtlResult run = ctl({u"user"_s, u"list"_s});
    ASSERT_EQ(run.exitCode, 0) << run.err.toStdString();
    const QStringList lines = run.out.split(u'\n', Qt::SkipEmptyParts);
    ASSERT_EQ(lines.size(), 3) << run.out.toStdString();
    EXPECT_EQ(lines[0].simplified(), u"NAME DISPLAY ROLE DISABLED"_s);
    EXPECT_EQ(lines[1].simplified(), u"alice Alice A admin no"_s);
    EXPECT_EQ(lines[2].simplified(), u"zed zed user yes"_s);
    EXPECT_EQ(lines[0].indexOf(u"ROLE"_s), lines[1].indexOf(u"admin"_s)); // aligned columns
}

TEST_F(ConfabctlTest, RefusesAnExistingUserBeforeAskingForAPassword)
{
    addUser(u"alice"_s);
    const CtlResult run = ctl({u"user"_s, u"add"_s, u"alice"_s}, "another-password\n");
    expectOneLineError(run, 1, u"user 'alice' already exists"_s);
}

TEST_F(ConfabctlTest, RefusesBadNamesAndPasswords)
{
    for (const QString &name : {u"Alice"_s, u"al ice"_s, u"ali:ce"_s, QString(33, u'a'), u""_s}) {
        const CtlResult run = ctl({u"user"_s, u"add"_s, name}, "password1\n");
        expectOneLineError(run, 2, u"invalid user name"_s);
    }
    expectOneLineError(ctl({u"user"_s, u"add"_s, u"alice"_s}, "short\n"), 2, u"8 to 1024 bytes"_s);
    expectOneLineError(ctl({u"user"_s, u"add"_s, u"alice"_s}, QByteArray(1025, 'p') + '\n'), 2,
                       u"8 to 1024 bytes"_s);
    expectOneLineError(ctl({u"user"_s, u"add"_s, u"alice"_s}, {}), 1, u"no password"_s);
    expectOneLineError(ctl({u"user"_s, u"add"_s, u"alice"_s}, "bad\xff\xfeutf8\n"), 1,
                       u"not valid UTF-8"_s);
    expectOneLineError(
        ctl({u"user"_s, u"add"_s, u"alice"_s, u"--display"_s, u"a\u0007b"_s}, "password1\n"), 2,
        u"invalid display name"_s);
    // 32 characters, 8 and 1024 bytes are still fine.
    addUser(QString(32, u'a'), {}, QByteArray(8, 'p'));
    addUser(u"x.y-z_9"_s, {}, QByteArray(1024, 'p'));

    store::Database db;
    openDb(db);
    EXPECT_EQ(store::UserRepository(db).count(), 2);
}

TEST_F(ConfabctlTest, DisablesAndEnablesAUserRevokingTheirTokens)
{
    addUser(u"bob"_s);
    store::Database db;
    openDb(db); // open during the commands, as a running server would be
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 bobId = store::UserRepository(db).find(u"bob"_s)->id;
    QString error;
    const auto token = store::TokenRepository(db).issue(bobId, now, 86'400'000, &error);
    ASSERT_TRUE(token);

    CtlResult run = ctl({u"user"_s, u"disable"_s, u"bob"_s});
    ASSERT_EQ(run.exitCode, 0) << run.err.toStdString();
    EXPECT_TRUE(run.out.contains(u"1 session token"_s)) << run.out.toStdString();
    EXPECT_TRUE(store::UserRepository(db).find(u"bob"_s)->disabled);
    EXPECT_EQ(store::TokenRepository(db).revokeAll(bobId), 0); // already gone

    run = ctl({u"user"_s, u"enable"_s, u"bob"_s});
    ASSERT_EQ(run.exitCode, 0) << run.err.toStdString();
    EXPECT_FALSE(store::UserRepository(db).find(u"bob"_s)->disabled);
    EXPECT_FALSE(store::TokenRepository(db).userFor(*token, now)); // stays revoked
}

TEST_F(ConfabctlTest, ChangesAPasswordAndRevokesTokens)
{
    addUser(u"bob"_s, {}, "first-password");
    store::Database db;
    openDb(db);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 bobId = store::UserRepository(db).find(u"bob"_s)->id;
    QString error;
    const auto token = store::TokenRepository(db).issue(bobId, now, 86'400'000, &error);
    ASSERT_TRUE(token);

    const CtlResult run =
        ctl({u"user"_s, u"passwd"_s, u"bob"_s, u"--password-stdin"_s}, "second-password\n");
    ASSERT_EQ(run.exitCode, 0) << run.err.toStdString();
    const QString hash = store::UserRepository(db).find(u"bob"_s)->passwordHash;
    EXPECT_TRUE(auth::PasswordHasher::verify(u"second-password"_s, hash));
    EXPECT_FALSE(auth::PasswordHasher::verify(u"first-password"_s, hash));
    EXPECT_FALSE(store::TokenRepository(db).userFor(*token, now));

    expectOneLineError(ctl({u"user"_s, u"passwd"_s, u"bob"_s}, "tiny\n"), 2, u"8 to 1024"_s);
    expectOneLineError(
        ctl({u"user"_s, u"add"_s, u"benjamin"_s, u"--password-stdin"_s}, "Benjamin\n"), 2,
        u"must not be the user name"_s);
    EXPECT_EQ(store::UserRepository(db).find(u"bob"_s)->passwordHash, hash);
}

TEST_F(ConfabctlTest, SetsTheRole)
{
    addUser(u"carol"_s);
    store::Database db;
    openDb(db);
    ASSERT_EQ(ctl({u"user"_s, u"role"_s, u"carol"_s, u"admin"_s}).exitCode, 0);
    EXPECT_EQ(store::UserRepository(db).find(u"carol"_s)->info.role, Role::Admin);
    ASSERT_EQ(ctl({u"user"_s, u"role"_s, u"carol"_s, u"user"_s}).exitCode, 0);
    EXPECT_EQ(store::UserRepository(db).find(u"carol"_s)->info.role, Role::User);
    expectOneLineError(ctl({u"user"_s, u"role"_s, u"carol"_s, u"root"_s}), 2,
                       u"invalid role 'root'"_s);
}

TEST_F(ConfabctlTest, ReportsAnUnknownUser)
{
    const QList<QStringList> commands{{u"user"_s, u"disable"_s, u"ghost"_s},
                                      {u"user"_s, u"enable"_s, u"ghost"_s},
                                      {u"user"_s, u"passwd"_s, u"ghost"_s},
                                      {u"user"_s, u"role"_s, u"ghost"_s, u"admin"_s}};
    for (const QStringList &command : commands)
        expectOneLineError(ctl(command, "password1\n"), 1, u"no user 'ghost'"_s);
}

TEST_F(ConfabctlTest, CreatesAndListsChannels)
{
    CtlResult run = ctl({u"channel"_s, u"create"_s, u"design"_s, u"--topic"_s, u"Pixels & type"_s});
    ASSERT_EQ(run.exitCode, 0) << run.err.toStdString();
    run = ctl({u"channel"_s, u"create"_s, u"ops"_s, u"--private"_s});
    ASSERT_EQ(run.exitCode, 0) << run.err.toStdString();

    store::Database db;
    openDb(db);
    store::ChannelRepository channels(db);
    EXPECT_EQ(channels.find(u"design"_s)->channel,
              (Channel{u"design"_s, u"Pixels & type"_s, false, 0}));
    EXPECT_EQ(channels.find(u"ops"_s)->channel, (Channel{u"ops"_s, QString(), true, 0}));
    EXPECT_TRUE(channels.members(channels.find(u"ops"_s)->id).isEmpty());

    run = ctl({u"channel"_s, u"list"_s});
    ASSERT_EQ(run.exitCode, 0) << run.err.toStdString();
    const QStringList lines = run.out.split(u'\n', Qt::SkipEmptyParts);
    ASSERT_EQ(lines.size(), 4) << run.out.toStdString();
    EXPECT_TRUE(lines[0].startsWith(u"NAME"_s));
    EXPECT_EQ(lines[1].simplified(), u"design no 0 0 Pixels & type"_s);
    EXPECT_EQ(lines[2].simplified(), u"general no 0 0 General discussion"_s);
    EXPECT_EQ(lines[3].simplified(), u"ops yes 0 0"_s);
}

TEST_F(ConfabctlTest, RefusesAnExistingOrBadChannel)
{
    expectOneLineError(ctl({u"channel"_s, u"create"_s, u"general"_s}), 1,
                       u"channel 'general' already exists"_s);
    for (const QString &name : {u"Design"_s, u"dm:alice:bob"_s, u"a.b"_s, QString(65, u'c')}) {
        expectOneLineError(ctl({u"channel"_s, u"create"_s, name}), 2, u"invalid channel name"_s);
    }
    expectOneLineError(
        ctl({u"channel"_s, u"create"_s, u"long"_s, u"--topic"_s, QString(257, u't')}), 2,
        u"topic is longer than 256 bytes"_s);
    ASSERT_EQ(ctl({u"channel"_s, u"create"_s, QString(64, u'c')}).exitCode, 0);
}

TEST_F(ConfabctlTest, RefusesABadCommandLine)
{
    expectOneLineError(ctl({}), 2, u"missing command"_s);
    expectOneLineError(ctl({u"user"_s}), 2, u"missing command"_s);
    expectOneLineError(ctl({u"user"_s, u"frobnicate"_s}), 2,
                       u"unknown command 'user frobnicate'"_s);
    expectOneLineError(ctl({u"group"_s, u"list"_s}), 2, u"unknown command"_s);
    expectOneLineError(ctl({u"user"_s, u"add"_s}), 2, u"usage: confabctl user add NAME"_s);
    expectOneLineError(ctl({u"user"_s, u"list"_s, u"extra"_s}), 2, u"usage"_s);
    expectOneLineError(ctl({u"user"_s, u"role"_s, u"bob"_s}), 2, u"usage"_s);
    expectOneLineError(ctl({u"channel"_s, u"list"_s, u"--admin"_s}), 2,
                       u"option --admin does not apply to 'channel list'"_s);
    expectOneLineError(ctl({u"user"_s, u"list"_s, u"--no-such-option"_s}), 2, u"no-such-option"_s);
    expectOneLineError(ctl({u"user"_s, u"add"_s, u"bob"_s, u"--topic"_s, u"x"_s}, "password1\n"), 2,
                       u"does not apply"_s);
}

/// Drives confabctl on a terminal through script(1), which gives it a pseudo-terminal.
class TerminalSession
{
public:
    TerminalSession(const QStringList &ctlArgs)
    {
        QStringList quoted;
        for (const QString &arg : QStringList{QStringLiteral(CONFABCTL_PATH)} + ctlArgs)
            quoted.append(u"'"_s + arg + u"'"_s);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"CONFAB_KDF_MEMORY_KIB"_s, u"64"_s);
        env.insert(u"CONFAB_KDF_ITERATIONS"_s, u"1"_s);
        m_process.setProcessEnvironment(env);
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start(u"script"_s, {u"-qec"_s, quoted.join(u' '), u"/dev/null"_s});
    }

    /// Waits for `prompt` on the terminal, then types `line` (input typed earlier would be
    /// flushed when confabctl turns echo off).
    bool answer(const QByteArray &prompt, const QByteArray &line)
    {
        const bool seen = QTest::qWaitFor(
            [&] {
                m_output += m_process.readAll();
                return m_output.contains(prompt) || m_process.state() == QProcess::NotRunning;
            },
            10000);
        if (!seen || !m_output.contains(prompt))
            return false;
        m_output.clear();
        m_transcript += prompt;
        m_process.write(line + '\n');
        return true;
    }

    int finish()
    {
        m_process.waitForFinished(30000);
        m_output += m_process.readAll();
        m_transcript += m_output;
        return m_process.exitCode();
    }

    QByteArray transcript() const { return m_transcript; }

private:
    QProcess m_process;
    QByteArray m_output;
    QByteArray m_transcript;
};

TEST_F(ConfabctlTest, PromptsForThePasswordWithoutEchoOnATerminal)
{
    if (QStandardPaths::findExecutable(u"script"_s).isEmpty())
        GTEST_SKIP() << "script(1) is not installed";
    {
        TerminalSession tty({u"--data"_s, m_data, u"user"_s, u"add"_s, u"tty"_s});
        ASSERT_TRUE(tty.answer("New password for tty: ", "typed-secret"));
        ASSERT_TRUE(tty.answer("Repeat the password: ", "typed-secret"));
        EXPECT_EQ(tty.finish(), 0) << tty.transcript().toStdString();
        EXPECT_FALSE(tty.transcript().contains("typed-secret")) << "the password was echoed";
    }
    {
        TerminalSession tty({u"--data"_s, m_data, u"user"_s, u"passwd"_s, u"tty"_s});
        ASSERT_TRUE(tty.answer("New password for tty: ", "one-password"));
        ASSERT_TRUE(tty.answer("Repeat the password: ", "another-password"));
        EXPECT_EQ(tty.finish(), 1);
        EXPECT_TRUE(tty.transcript().contains("the passwords do not match"));
    }
    store::Database db;
    openDb(db);
    const auto user = store::UserRepository(db).find(u"tty"_s);
    ASSERT_TRUE(user);
    EXPECT_TRUE(auth::PasswordHasher::verify(u"typed-secret"_s, user->passwordHash));
}

TEST_F(ConfabctlTest, RefusesACorruptDatabaseAndLeavesItAlone)
{
    QFile file(m_data + u"/confab.db"_s);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    const QByteArray garbage(10000, '\x5a');
    file.write(garbage);
    file.close();
    expectOneLineError(ctl({u"user"_s, u"list"_s}), 1, u"not a SQLite database"_s);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    EXPECT_EQ(file.readAll(), garbage);
}

} // namespace
} // namespace confab
