// SPDX-License-Identifier: Apache-2.0
// confabctl's online commands end to end: the real confabctl against a real confabd on a
// loopback port, users played by test clients over real WebSockets.

#include "confabprocess.h"
#include "testclient.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcess>
#include <QSslCertificate>
#include <QTcpServer>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>

using namespace Qt::StringLiterals;

namespace confab {
namespace {

using test::TestClient;
using test::waitUntil;

struct CtlRun
{
    int exitCode = -1;
    QString out;
    QString err;
};

QJsonObject parseObject(const QString &line)
{
    return QJsonDocument::fromJson(line.toUtf8()).object();
}

class ConfabctlOnline : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_home.isValid());
        m_data = m_home.filePath(u"data"_s);
        ASSERT_TRUE(test::addUser(m_data, u"root"_s, u"rootpass1"_s, true));
        ASSERT_TRUE(test::addUser(m_data, u"alice"_s, u"alicepass1"_s));
        ASSERT_TRUE(test::addUser(m_data, u"bob"_s, u"bobpass12"_s));
        startServer();
    }

    void startServer(const QStringList &extraArgs = {})
    {
        m_server = std::make_unique<test::ConfabdProcess>(
            m_data, QStringList{u"--timing-presence-grace-ms"_s, u"300"_s} + extraArgs);
        QString why;
        ASSERT_TRUE(m_server->start(0, &why)) << why.toStdString();
    }

    QString url() const { return m_server->url().toString(); }

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = test::fastKdfEnvironment();
        env.insert(u"HOME"_s, m_home.path());
        env.insert(u"XDG_CONFIG_HOME"_s, m_home.filePath(u"config"_s));
        env.remove(u"CONFAB_URL"_s);
        env.remove(u"CONFAB_USER"_s);
        env.remove(u"QT_LOGGING_RULES"_s);
        return env;
    }

    /// confabctl `args`, `input` on stdin (a pipe: never a terminal).
    CtlRun ctl(const QStringList &args, const QByteArray &input = {})
    {
        QProcess process;
        process.setProcessEnvironment(environment());
        process.start(test::confabctlPath(), args);
        EXPECT_TRUE(process.waitForStarted(10000));
        process.write(input);
        process.closeWriteChannel();
        EXPECT_TRUE(process.waitForFinished(30000));
        CtlRun run;
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        run.out = QString::fromUtf8(process.readAllStandardOutput());
        run.err = QString::fromUtf8(process.readAllStandardError());
        return run;
    }

    /// An online command as root, with the password on stdin.
    CtlRun asRoot(const QStringList &args)
    {
        return ctl(QStringList{u"--url"_s, url(), u"--user"_s, u"root"_s, u"--password-stdin"_s} +
                       args,
                   "rootpass1\n");
    }

    std::unique_ptr<TestClient> signIn(const QString &user, const QString &password)
    {
        auto client = std::make_unique<TestClient>();
        EXPECT_TRUE(client->open(m_server->url()));
        EXPECT_TRUE(client->hello(user, password));
        return client;
    }

    QTemporaryDir m_home;
    QString m_data;
    std::unique_ptr<test::ConfabdProcess> m_server;
};

/// A `confabctl … --watch --json` running beside the test; its lines as they come.
class Watcher
{
public:
    Watcher(const QProcessEnvironment &env, const QStringList &args, const QByteArray &input)
    {
        m_process.setProcessEnvironment(env);
        m_process.start(test::confabctlPath(), args);
        m_process.write(input);
        m_process.closeWriteChannel();
    }
    ~Watcher()
    {
        m_process.kill();
        m_process.waitForFinished(5000);
    }

    /// Waits for (and consumes) the first JSON line for which `match` is true.
    std::optional<QJsonObject> waitFor(const std::function<bool(const QJsonObject &)> &match)
    {
        std::optional<QJsonObject> found;
        waitUntil([&] {
            while (m_process.canReadLine() || m_pending.size()) {
                if (m_process.canReadLine())
                    m_pending.append(parseObject(QString::fromUtf8(m_process.readLine())));
                const QJsonObject line = m_pending.takeFirst();
                m_seen.append(line);
                if (match(line)) {
                    found = line;
                    return true;
                }
            }
            return false;
        });
        return found;
    }

    QString seen() const
    {
        QStringList lines;
        for (const QJsonObject &o : m_seen)
            lines.append(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
        return lines.join(u'\n');
    }

    QProcess &process() { return m_process; }

private:
    QProcess m_process;
    QList<QJsonObject> m_pending;
    QList<QJsonObject> m_seen;
};

bool isEvent(const QJsonObject &line, const QString &event, const QString &user)
{
    return line[u"t"_s] == u"admin.presence"_s && line[u"event"_s] == event &&
           line[u"user"_s] == user;
}

TEST_F(ConfabctlOnline, PresenceListsOnlineUsersFirstWithEachConnectionBelow)
{
    auto alice1 = signIn(u"alice"_s, u"alicepass1"_s);
    auto alice2 = signIn(u"alice"_s, u"alicepass1"_s);

    const CtlRun run = asRoot({u"presence"_s});
    ASSERT_EQ(run.exitCode, 0) << run.err.toStdString();
    const QStringList lines = run.out.split(u'\n', Qt::SkipEmptyParts);
    const auto lineOf = [&](const QString &start) {
        for (qsizetype i = 0; i < lines.size(); ++i) {
            if (lines[i].startsWith(start))
                return i;
        }
        return qsizetype(-1);
    };
    const qsizetype alice = lineOf(u"alice "_s);
    const qsizetype bob = lineOf(u"bob "_s);
    ASSERT_GE(alice, 0) << run.out.toStdString();
    ASSERT_GE(bob, 0) << run.out.toStdString();
    EXPECT_LT(alice, bob) << "online users come before offline ones\n" << run.out.toStdString();
    EXPECT_TRUE(lines[alice].contains(u"online"_s));
    EXPECT_TRUE(lines[bob].contains(u"offline"_s));
    // Her two sessions on the lines below her, with the client and the address.
    EXPECT_TRUE(lines.value(alice + 1).trimmed().startsWith(alice1->session()) ||
                lines.value(alice + 1).trimmed().startsWith(alice2->session()))
        << run.out.toStdString();
    EXPECT_TRUE(run.out.contains(alice1->session()) && run.out.contains(alice2->session()));
    EXPECT_TRUE(lines.value(alice + 1).contains(u"confab-test 1"_s)) << run.out.toStdString();
    EXPECT_TRUE(lines.value(alice + 1).contains(u"127.0.0.1"_s));
    EXPECT_TRUE(lines.first().contains(u"online"_s) && lines.first().contains(u"connections"_s))
        << "the summary line first: " << lines.first().toStdString();
}

TEST_F(ConfabctlOnline, JsonSnapshotIsOneObjectAndTheFiltersChooseTheRows)
{
    auto alice = signIn(u"alice"_s, u"alicepass1"_s);
    ASSERT_TRUE(alice->request({{u"t"_s, u"presence"_s}, {u"status"_s, u"away"_s}}));

    const auto users = [&](const QStringList &args) {
        const CtlRun run = asRoot(QStringList{u"presence"_s, u"--json"_s} + args);
        EXPECT_EQ(run.exitCode, 0) << run.err.toStdString();
        EXPECT_EQ(run.out.count(u'\n'), 1) << "one JSON object on one line";
        QStringList names;
        for (const QJsonValue &user : parseObject(run.out)[u"users"_s].toArray())
            names.append(user[u"user"_s].toString());
        names.sort();
        return names;
    };
    EXPECT_EQ(users({}), (QStringList{u"alice"_s, u"bob"_s, u"root"_s}));
    EXPECT_EQ(users({u"--status"_s, u"away"_s}), QStringList{u"alice"_s});
    EXPECT_EQ(users({u"--status"_s, u"online,offline"_s}), (QStringList{u"bob"_s, u"root"_s}));
    EXPECT_EQ(users({u"b*"_s}), QStringList{u"bob"_s});
    EXPECT_EQ(users({u"--channel"_s, u"general"_s, u"a?ice"_s}), QStringList{u"alice"_s});
}

TEST_F(ConfabctlOnline, WatchJsonShowsAConnectAStatusChangeAndOfflineAfterTheGracePeriod)
{
    Watcher watch(environment(),
                  {u"--url"_s, url(), u"--user"_s, u"root"_s, u"--password-stdin"_s, u"presence"_s,
                   u"--watch"_s, u"--json"_s},
                  "rootpass1\n");
    ASSERT_TRUE(watch.waitFor([](const QJsonObject &o) { return o.contains(u"users"_s); }))
        << "the snapshot first";

    auto alice = signIn(u"alice"_s, u"alicepass1"_s);
    const auto connect =
        watch.waitFor([](const QJsonObject &o) { return isEvent(o, u"connect"_s, u"alice"_s); });
    ASSERT_TRUE(connect) << watch.seen().toStdString();
    EXPECT_EQ((*connect)[u"connection"_s][u"session"_s].toString(), alice->session());

    ASSERT_TRUE(alice->request({{u"t"_s, u"presence"_s}, {u"status"_s, u"away"_s}}));
    ASSERT_TRUE(watch.waitFor([](const QJsonObject &o) {
        return isEvent(o, u"status"_s, u"alice"_s) && o[u"status"_s] == u"away"_s;
    })) << watch.seen().toStdString();

    alice->close();
    ASSERT_TRUE(watch.waitFor(
        [](const QJsonObject &o) { return isEvent(o, u"disconnect"_s, u"alice"_s); }));
    ASSERT_TRUE(watch.waitFor([](const QJsonObject &o) {
        return isEvent(o, u"status"_s, u"alice"_s) && o[u"status"_s] == u"offline"_s;
    })) << watch.seen().toStdString();
}

TEST_F(ConfabctlOnline, WatchReconnectsAfterTheServerRestartsAndSendsAFreshSnapshot)
{
    Watcher watch(environment(),
                  {u"--url"_s, url(), u"--user"_s, u"root"_s, u"--password-stdin"_s, u"presence"_s,
                   u"--watch"_s, u"--json"_s},
                  "rootpass1\n");
    ASSERT_TRUE(watch.waitFor([](const QJsonObject &o) { return o.contains(u"users"_s); }));

    m_server->terminate();
    ASSERT_TRUE(watch.waitFor(
        [](const QJsonObject &o) { return o[u"t"_s] == u"confabctl.disconnected"_s; }));
    QString why;
    ASSERT_TRUE(m_server->restart(&why)) << why.toStdString();
    ASSERT_TRUE(watch.waitFor([](const QJsonObject &o) { return o.contains(u"users"_s); }))
        << watch.seen().toStdString();

    auto bob = signIn(u"bob"_s, u"bobpass12"_s);
    ASSERT_TRUE(watch.waitFor([](const QJsonObject &o) {
        return isEvent(o, u"connect"_s, u"bob"_s);
    })) << "events flow again after the reconnect\n"
        << watch.seen().toStdString();
    EXPECT_EQ(watch.process().state(), QProcess::Running);
}

TEST_F(ConfabctlOnline, KickClosesEveryConnectionOfTheUser)
{
    auto alice1 = signIn(u"alice"_s, u"alicepass1"_s);
    auto alice2 = signIn(u"alice"_s, u"alicepass1"_s);
    auto bob = signIn(u"bob"_s, u"bobpass12"_s);

    const CtlRun run = asRoot({u"kick"_s, u"alice"_s, u"--reason"_s, u"spam"_s});
    ASSERT_EQ(run.exitCode, 0) << run.err.toStdString();
    EXPECT_TRUE(run.out.contains(u"2 connection"_s)) << run.out.toStdString();
    ASSERT_TRUE(alice1->waitForDisconnected());
    ASSERT_TRUE(alice2->waitForDisconnected());
    EXPECT_EQ(alice1->closeCode(), 4002);
    EXPECT_EQ(alice2->closeCode(), 4002);
    EXPECT_TRUE(bob->isConnected());

    const CtlRun session = asRoot({u"kick"_s, bob->session()});
    ASSERT_EQ(session.exitCode, 0) << session.err.toStdString();
    ASSERT_TRUE(bob->waitForDisconnected());
    EXPECT_EQ(bob->closeCode(), 4002);

    const CtlRun nobody = asRoot({u"kick"_s, u"alice"_s});
    EXPECT_EQ(nobody.exitCode, 1);
    EXPECT_TRUE(nobody.err.contains(u"no open connection"_s)) << nobody.err.toStdString();
}

TEST_F(ConfabctlOnline, NonAdminsAndWrongPasswordsExitWith4AndSayWhy)
{
    const CtlRun alice =
        ctl({u"--url"_s, url(), u"--user"_s, u"alice"_s, u"--password-stdin"_s, u"presence"_s},
            "alicepass1\n");
    EXPECT_EQ(alice.exitCode, 4);
    EXPECT_TRUE(alice.err.contains(u"not an admin"_s)) << alice.err.toStdString();
    EXPECT_TRUE(alice.out.isEmpty());

    const CtlRun wrong =
        ctl({u"--url"_s, url(), u"--user"_s, u"root"_s, u"--password-stdin"_s, u"stats"_s},
            "not the password\n");
    EXPECT_EQ(wrong.exitCode, 4);
    EXPECT_TRUE(wrong.err.contains(u"refused the user name or password"_s))
        << wrong.err.toStdString();
}

TEST_F(ConfabctlOnline, AnAddressWhereNoServerListensExitsWith3WithinFiveSeconds)
{
    QTcpServer probe; // a free port, then nobody on it
    ASSERT_TRUE(probe.listen(QHostAddress::LocalHost));
    const quint16 port = probe.serverPort();
    probe.close();

    QElapsedTimer clock;
    clock.start();
    const CtlRun run = ctl({u"--url"_s, u"ws://127.0.0.1:%1/ws"_s.arg(port), u"--user"_s, u"root"_s,
                            u"--password-stdin"_s, u"presence"_s},
                           "rootpass1\n");
    EXPECT_EQ(run.exitCode, 3);
    EXPECT_LT(clock.elapsed(), 6000);
    EXPECT_TRUE(run.err.contains(u"127.0.0.1:%1"_s.arg(port))) << run.err.toStdString();

    const CtlRun notWs = ctl({u"--url"_s, u"http://127.0.0.1:1/"_s, u"presence"_s});
    EXPECT_EQ(notWs.exitCode, 2);
}

TEST_F(ConfabctlOnline, LoginKeepsATokenOnlyTheOwnerCanReadAndLogoutForgetsIt)
{
    const CtlRun login =
        ctl({u"--url"_s, url(), u"--user"_s, u"root"_s, u"--password-stdin"_s, u"login"_s},
            "rootpass1\n");
    ASSERT_EQ(login.exitCode, 0) << login.err.toStdString();
    const QString file = m_home.filePath(u"config/confab/confabctl-logins.json"_s);
    ASSERT_TRUE(QFileInfo::exists(file));
    const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                                            QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                            QFileDevice::WriteOther | QFileDevice::ExeOther;
    EXPECT_EQ(QFileInfo(file).permissions() & others, QFileDevice::Permissions())
        << "0600: nobody but the owner";
    EXPECT_TRUE(QFileInfo(file).permissions() & QFileDevice::ReadOwner);
    QFile saved(file);
    ASSERT_TRUE(saved.open(QIODevice::ReadOnly));
    EXPECT_FALSE(saved.readAll().contains("rootpass1")) << "a token, never the password";

    // No password, no user: the kept sign-in (from CONFAB_URL).
    QProcessEnvironment env = environment();
    env.insert(u"CONFAB_URL"_s, url());
    QProcess stats;
    stats.setProcessEnvironment(env);
    stats.start(test::confabctlPath(), {u"stats"_s});
    stats.closeWriteChannel();
    ASSERT_TRUE(stats.waitForFinished(30000));
    EXPECT_EQ(stats.exitCode(), 0) << stats.readAllStandardError().toStdString();
    EXPECT_TRUE(stats.readAllStandardOutput().contains("connections"));

    const CtlRun logout = ctl({u"--url"_s, url(), u"logout"_s});
    ASSERT_EQ(logout.exitCode, 0) << logout.err.toStdString();
    const CtlRun after = ctl({u"--url"_s, url(), u"stats"_s});
    EXPECT_EQ(after.exitCode, 2) << "no kept sign-in and no user: a usage error";
    EXPECT_TRUE(after.err.contains(u"--user"_s)) << after.err.toStdString();
}

TEST_F(ConfabctlOnline, UserCommandsGoThroughTheServerWithUrl)
{
    auto bob = signIn(u"bob"_s, u"bobpass12"_s);
    const CtlRun disable = asRoot({u"user"_s, u"disable"_s, u"bob"_s});
    ASSERT_EQ(disable.exitCode, 0) << disable.err.toStdString();
    ASSERT_TRUE(bob->waitForDisconnected()) << "closed at once, not by the 2 s watcher";
    EXPECT_EQ(bob->closeCode(), 4002);

    // The admin's password first, then the new user's: one line each.
    const CtlRun add = ctl({u"--url"_s, url(), u"--user"_s, u"root"_s, u"--password-stdin"_s,
                            u"user"_s, u"add"_s, u"carol"_s},
                           "rootpass1\ncarolpass1\n");
    ASSERT_EQ(add.exitCode, 0) << add.err.toStdString();
    auto carol = signIn(u"carol"_s, u"carolpass1"_s);
    EXPECT_TRUE(carol->isConnected());
}

TEST_F(ConfabctlOnline, ASelfSignedServerIsRefusedWithItsFingerprintUntilTrusted)
{
    QString why;
    ASSERT_TRUE(test::makeSelfSignedCertificate(m_home.path(), &why)) << why.toStdString();
    const QString cert = m_home.filePath(u"cert.pem"_s);
    const QString key = m_home.filePath(u"key.pem"_s);
    m_server.reset();
    startServer({u"--tls-cert"_s, cert, u"--tls-key"_s, key});
    const QString wss = u"wss://127.0.0.1:%1/ws"_s.arg(m_server->port());
    const QStringList signIn{u"--url"_s, wss, u"--user"_s, u"root"_s, u"--password-stdin"_s};

    const CtlRun refused = ctl(signIn + QStringList{u"stats"_s}, "rootpass1\n");
    EXPECT_EQ(refused.exitCode, 3);
    const auto certificate = QSslCertificate::fromPath(cert).value(0);
    const QString fingerprint =
        QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex(':').toUpper());
    EXPECT_TRUE(refused.err.contains(fingerprint)) << refused.err.toStdString();

    const CtlRun pinned =
        ctl(signIn + QStringList{u"--trust-fingerprint"_s, fingerprint, u"stats"_s}, "rootpass1\n");
    EXPECT_EQ(pinned.exitCode, 0) << pinned.err.toStdString();
    const CtlRun otherPin =
        ctl(signIn + QStringList{u"--trust-fingerprint"_s, QString(64, u'a'), u"stats"_s},
            "rootpass1\n");
    EXPECT_EQ(otherPin.exitCode, 3);
    const CtlRun ca = ctl(signIn + QStringList{u"--ca"_s, cert, u"stats"_s}, "rootpass1\n");
    EXPECT_EQ(ca.exitCode, 0) << ca.err.toStdString();
}

} // namespace
} // namespace confab
