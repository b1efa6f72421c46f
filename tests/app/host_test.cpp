// SPDX-License-Identifier: Apache-2.0
// The built-in server (issue 12) against the real confabd and confabctl: HostSettings kept in
// a file, HostSupervisor starting confabd on loopback (ws://) and on the network (wss:// with
// a fingerprint), moving to the next free port when the configured one is taken, restarting
// a killed server on the same port with nothing lost, saying `bye shutdown` on stop(), and
// giving up with the reason when the database is garbage.

#include "confabprocess.h"
#include "waituntil.h"

#include "chatclient.h"
#include "hostaccount.h"
#include "hostsettings.h"
#include "hostsupervisor.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QMetaEnum>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <csignal>
#include <memory>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::client;
using confab::client::test::waitUntil;
using confab::test::TestClient;
using State = HostSupervisor::State;

namespace {

const QString adminName = u"host"_s;
const QString adminPassword = u"host-password-1"_s;

/// A loopback port nothing listens on right now (the app itself starts from 8765; tests must
/// not clash with each other or with a real server).
int freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

HostSupervisor::Options testOptions()
{
    HostSupervisor::Options options;
    options.environment = confab::test::fastKdfEnvironment();
    options.restartPolicy = BackoffPolicy{100, 1000, 60000};
    options.stopTimeoutMs = 10000;
    return options;
}

HostSettings localSettings(int port)
{
    HostSettings settings;
    settings.port = port;
    settings.serverName = u"Test team"_s;
    return settings;
}

QString stateName(State state)
{
    return QString::fromLatin1(QMetaEnum::fromType<State>().valueToKey(int(state)));
}

/// Waits for Running; on failure the message says where it got stuck.
::testing::AssertionResult waitRunning(HostSupervisor &host, int timeoutMs = 20000)
{
    if (waitUntil([&] { return host.state() == State::Running; }, timeoutMs))
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "state " << stateName(host.state()).toStdString() << ", reason '"
           << host.failureReason().toStdString() << "'";
}

/// Makes the admin account in `dataDir` with confabctl, as the app does on first start.
::testing::AssertionResult ensureAdmin(const QString &dataDir,
                                       const QString &password = adminPassword)
{
    HostAccount account;
    QSignalSpy finished(&account, &HostAccount::finished);
    if (!account.ensureOnServer(confab::test::confabctlPath(), dataDir, {adminName, password},
                                confab::test::fastKdfEnvironment()))
        return ::testing::AssertionFailure() << "confabctl already running";
    if (finished.isEmpty() && !finished.wait(60000))
        return ::testing::AssertionFailure() << "confabctl did not finish";
    if (!finished.first().at(0).toBool())
        return ::testing::AssertionFailure() << finished.first().at(1).toString().toStdString();
    return ::testing::AssertionSuccess();
}

std::unique_ptr<TestClient> signIn(const QUrl &url, bool tls = false)
{
    auto client = std::make_unique<TestClient>();
    if (tls) {
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setPeerVerifyMode(QSslSocket::VerifyNone);
        client->setSslConfiguration(config);
    }
    if (!client->open(url, 10000))
        return nullptr;
    const auto ok = client->hello(adminName, adminPassword);
    if (!ok || !confab::test::isOk(*ok))
        return nullptr;
    return client;
}

/// The URL a client on this machine uses: the loopback address and the hosted port.
QUrl loopbackUrl(const HostSupervisor &host)
{
    return QUrl(u"%1://127.0.0.1:%2/ws"_s.arg(host.url().scheme()).arg(host.port()));
}

class HostSupervisorTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(dir.isValid());
        dataDir = dir.filePath(u"host-data"_s);
    }

    QTemporaryDir dir;
    QString dataDir;
};

} // namespace

TEST(HostSettingsTest, DefaultsWhenMissingAndRoundTripThroughTheFile)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString path = HostSettings::defaultFilePath(dir.path());
    bool ok = false;
    const HostSettings defaults = HostSettings::load(path, &ok);
    EXPECT_TRUE(ok);
    EXPECT_EQ(defaults.port, 8765);
    EXPECT_EQ(defaults.scope, HostSettings::Scope::LocalOnly);
    EXPECT_EQ(defaults.registration, HostSettings::Registration::InviteOnly);

    HostSettings chosen;
    chosen.port = 9100;
    chosen.scope = HostSettings::Scope::Network;
    chosen.registration = HostSettings::Registration::Open;
    chosen.serverName = u"Ünïcode team"_s;
    chosen.certificateFile = u"/etc/confab/cert.pem"_s;
    chosen.keyFile = u"/etc/confab/key.pem"_s;
    ASSERT_TRUE(chosen.save(path));
    EXPECT_EQ(HostSettings::load(path, &ok), chosen);
    EXPECT_TRUE(ok);

    QFile garbage(path);
    ASSERT_TRUE(garbage.open(QIODevice::WriteOnly));
    garbage.write("not json");
    garbage.close();
    QString error;
    EXPECT_EQ(HostSettings::load(path, &ok, &error), HostSettings{});
    EXPECT_FALSE(ok);
    EXPECT_FALSE(error.isEmpty());
}

TEST(HostAccountTest, MadeOnceKeptPrivateAndReadBack)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString path = HostAccount::defaultFilePath(dir.path());
    QString error;
    const auto made = HostAccount::loadOrCreate(path, &error);
    ASSERT_TRUE(made) << error.toStdString();
    EXPECT_GE(made->password.size(), 32);
    const QFileDevice::Permissions groupOrOthers =
        QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup |
        QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;
    EXPECT_EQ(QFile::permissions(path) & groupOrOthers, QFileDevice::Permissions()); // 0600
    const auto again = HostAccount::loadOrCreate(path, &error);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->user, made->user);
    EXPECT_EQ(again->password, made->password);
    EXPECT_NE(HostAccount::loadOrCreate(QTemporaryDir().filePath(u"h.json"_s))->password,
              made->password);

    QFile damaged(path);
    ASSERT_TRUE(damaged.open(QIODevice::WriteOnly));
    damaged.write("{\"user\": \"Not Valid!\"}");
    damaged.close();
    EXPECT_FALSE(HostAccount::loadOrCreate(path, &error));
    EXPECT_TRUE(error.contains(u"damaged"_s)) << error.toStdString();
}

TEST(HostAccountTest, UserNameFromTheLoginName)
{
    EXPECT_EQ(HostAccount::userNameFromLogin(u"alice"_s), u"alice"_s);
    EXPECT_EQ(HostAccount::userNameFromLogin(u"Bob Smith"_s), u"bobsmith"_s);
    EXPECT_EQ(HostAccount::userNameFromLogin(u"ünï"_s), u"n"_s);
    EXPECT_EQ(HostAccount::userNameFromLogin(u"ééé"_s), u"host"_s);
    EXPECT_EQ(HostAccount::userNameFromLogin({}), u"host"_s);
}

TEST_F(HostSupervisorTest, LocalOnlyRunsOnLoopbackAndTheAdminSignsIn)
{
    HostSupervisor host(testOptions());
    ASSERT_TRUE(ensureAdmin(dataDir));
    // A second first start (the account exists): fine, the password is left alone.
    ASSERT_TRUE(ensureAdmin(dataDir, u"another-password"_s));

    const int port = freePort();
    ASSERT_GT(port, 0);
    ASSERT_TRUE(host.start(localSettings(port), dataDir, confab::test::confabdPath()));
    EXPECT_EQ(host.state(), State::Starting);
    ASSERT_TRUE(waitRunning(host));
    EXPECT_EQ(host.url().scheme(), u"ws"_s);
    EXPECT_EQ(host.url().host(), u"127.0.0.1"_s);
    EXPECT_EQ(host.port(), port);
    EXPECT_TRUE(host.portNote().isEmpty()) << host.portNote().toStdString();
    EXPECT_TRUE(host.fingerprint().isEmpty());
    EXPECT_EQ(host.addresses(), QStringList{u"ws://127.0.0.1:%1/ws"_s.arg(port)});
    EXPECT_TRUE(QFileInfo::exists(QDir(dataDir).filePath(u"confab.db"_s)));

    auto client = signIn(host.url());
    ASSERT_TRUE(client) << "the admin made by ensureAdmin could not sign in";
    // An admin: admin.stats is for role admin only (others get `forbidden`).
    const auto stats = client->request(QJsonObject{{"t"_L1, "admin.stats"_L1}});
    ASSERT_TRUE(stats);
    EXPECT_TRUE(confab::test::isOk(*stats)) << confab::test::dump(*stats).toStdString();
}

TEST_F(HostSupervisorTest, TakenPortMovesToTheNextFreeOneAndSaysSo)
{
    QTcpServer holder;
    ASSERT_TRUE(holder.listen(QHostAddress::LocalHost, 0));
    const int taken = holder.serverPort();

    HostSupervisor host(testOptions());
    ASSERT_TRUE(ensureAdmin(dataDir));
    ASSERT_TRUE(host.start(localSettings(taken), dataDir, confab::test::confabdPath()));
    ASSERT_TRUE(waitRunning(host));
    EXPECT_GT(host.port(), taken);
    EXPECT_EQ(host.url().port(), host.port());
    EXPECT_EQ(host.portNote(), u"%1 was taken; hosting on %2"_s.arg(taken).arg(host.port()));
    EXPECT_TRUE(signIn(host.url()));
}

TEST_F(HostSupervisorTest, NetworkScopeServesWssWithItsFingerprint)
{
    HostSupervisor host(testOptions());
    ASSERT_TRUE(ensureAdmin(dataDir));
    HostSettings settings = localSettings(freePort());
    settings.scope = HostSettings::Scope::Network;
    ASSERT_TRUE(host.start(settings, dataDir, confab::test::confabdPath()));
    ASSERT_TRUE(waitRunning(host));
    EXPECT_EQ(host.url().scheme(), u"wss"_s);

    // The fingerprint is the one of the certificate confabd made in <data>/tls.
    const auto certs =
        QSslCertificate::fromPath(QDir(dataDir).filePath(u"tls/cert.pem"_s), QSsl::Pem);
    ASSERT_EQ(certs.size(), 1);
    const QString expected =
        QString::fromLatin1(certs.first().digest(QCryptographicHash::Sha256).toHex(':')).toUpper();
    EXPECT_EQ(host.fingerprint(), expected);

    const QStringList addresses = host.addresses();
    for (const QString &address : addresses) {
        EXPECT_TRUE(address.startsWith(u"wss://"_s)) << address.toStdString();
        EXPECT_TRUE(address.endsWith(u":%1/ws"_s.arg(host.port()))) << address.toStdString();
        EXPECT_FALSE(address.contains(u"127.0.0.1"_s)) << address.toStdString();
    }
    EXPECT_TRUE(signIn(loopbackUrl(host), true));
}

TEST_F(HostSupervisorTest, KilledServerIsRestartedOnTheSamePortWithNothingLost)
{
    HostSupervisor host(testOptions());
    ASSERT_TRUE(ensureAdmin(dataDir));
    QList<State> states;
    QObject::connect(&host, &HostSupervisor::stateChanged, [&](State s) { states.append(s); });
    QStringList notices;
    QObject::connect(&host, &HostSupervisor::notice, [&](const QString &n) { notices.append(n); });

    // Port 0: confabd picks one, and a restart keeps it.
    ASSERT_TRUE(host.start(localSettings(0), dataDir, confab::test::confabdPath()));
    ASSERT_TRUE(waitRunning(host));
    const int port = host.port();
    ASSERT_GT(port, 0);
    EXPECT_EQ(host.url().port(), port);
    {
        auto client = signIn(host.url());
        ASSERT_TRUE(client);
        ASSERT_TRUE(client->joinSynced(u"general"_s));
        const auto published = client->publish(u"general"_s, u"before the crash"_s);
        ASSERT_TRUE(published && confab::test::isOk(*published));
    }

    const qint64 pid = host.processId();
    ASSERT_GT(pid, 0);
    states.clear();
    ASSERT_EQ(::kill(pid_t(pid), SIGKILL), 0);
    ASSERT_TRUE(waitUntil([&] { return states.contains(State::Restarting); }));
    ASSERT_EQ(notices.size(), 1);
    EXPECT_TRUE(notices.first().startsWith(u"The server stopped unexpectedly"_s))
        << notices.first().toStdString();
    EXPECT_TRUE(notices.first().contains(u"restarting in"_s)) << notices.first().toStdString();
    ASSERT_TRUE(waitRunning(host));
    EXPECT_NE(host.processId(), pid);
    EXPECT_EQ(host.port(), port);
    EXPECT_TRUE(host.portNote().isEmpty());

    auto client = signIn(host.url());
    ASSERT_TRUE(client);
    const auto history = client->request(QJsonObject{
        {"t"_L1, "history"_L1}, {"channel"_L1, "general"_L1}, {"after"_L1, 0}, {"limit"_L1, 50}});
    ASSERT_TRUE(history && confab::test::isOk(*history));
    const QJsonArray messages = history->value("ok"_L1).toObject().value("messages"_L1).toArray();
    ASSERT_EQ(messages.size(), 1) << confab::test::dump(*history).toStdString();
    EXPECT_EQ(messages.first().toObject().value("text"_L1).toString(), u"before the crash"_s);
}

TEST_F(HostSupervisorTest, StopSaysByeShutdownAndEndsTheProcess)
{
    HostSupervisor host(testOptions());
    ASSERT_TRUE(ensureAdmin(dataDir));
    ASSERT_TRUE(host.start(localSettings(freePort()), dataDir, confab::test::confabdPath()));
    ASSERT_TRUE(waitRunning(host));
    auto client = signIn(host.url());
    ASSERT_TRUE(client);
    const qint64 pid = host.processId();
    QStringList notices;
    QObject::connect(&host, &HostSupervisor::notice, [&](const QString &n) { notices.append(n); });

    host.stop();
    EXPECT_EQ(host.state(), State::Stopping);
    const auto bye = client->waitFor(u"bye"_s, {}, 10000);
    ASSERT_TRUE(bye) << "no bye before the shutdown";
    EXPECT_EQ(bye->value("reason"_L1).toString(), u"shutdown"_s);
    ASSERT_TRUE(waitUntil([&] { return host.state() == State::Stopped; }, 15000))
        << stateName(host.state()).toStdString();
    EXPECT_TRUE(notices.isEmpty())
        << "a stop is not a crash: " << notices.join(u"; "_s).toStdString();
    EXPECT_NE(::kill(pid_t(pid), 0), 0) << "confabd is still there";
    EXPECT_TRUE(host.url().isEmpty());
    EXPECT_TRUE(host.addresses().isEmpty());
}

TEST_F(HostSupervisorTest, GarbageDatabaseFailsWithTheReasonInsteadOfRestartingForever)
{
    ASSERT_TRUE(QDir().mkpath(dataDir));
    QFile db(QDir(dataDir).filePath(u"confab.db"_s));
    ASSERT_TRUE(db.open(QIODevice::WriteOnly));
    db.write(QByteArray("this is not a database at all. ").repeated(200));
    db.close();

    HostSupervisor::Options options = testOptions();
    HostSupervisor host(options);
    QStringList notices;
    QObject::connect(&host, &HostSupervisor::notice, [&](const QString &n) { notices.append(n); });
    ASSERT_TRUE(host.start(localSettings(freePort()), dataDir, confab::test::confabdPath()));
    ASSERT_TRUE(waitUntil([&] { return host.state() == State::Failed; }, 20000))
        << stateName(host.state()).toStdString();
    EXPECT_TRUE(host.failureReason().contains(u"database"_s)) << host.failureReason().toStdString();
    EXPECT_FALSE(host.failureReason().startsWith(u"confabd:"_s));
    EXPECT_EQ(host.startFailures(), options.maxStartFailures);
    EXPECT_EQ(notices.size(), options.maxStartFailures - 1);
    EXPECT_EQ(host.secondsToRetry(), 0);
    // And it stays failed: nothing is scheduled any more.
    EXPECT_FALSE(waitUntil([&] { return host.state() != State::Failed; }, 500));
}

TEST_F(HostSupervisorTest, InvitedPersonIsAddedByTheHostAndSignsInWithTheMadePassword)
{
    HostSupervisor host(testOptions());
    ASSERT_TRUE(ensureAdmin(dataDir));
    ASSERT_TRUE(host.start(localSettings(0), dataDir, confab::test::confabdPath()));
    ASSERT_TRUE(waitRunning(host));

    ChatClientOptions options;
    options.connection.watchReachability = false;
    ChatClient admin(dir.filePath(u"host-app"_s), options);
    ASSERT_TRUE(admin.start());
    admin.signIn(host.url(), adminName, adminPassword);
    ASSERT_TRUE(waitUntil([&] { return admin.connection()->isSignedIn(); }, 15000));

    QSignalSpy added(&admin, &ChatClient::userAdded);
    QSignalSpy refused(&admin, &ChatClient::addUserFailed);
    const QString password = HostAccount::randomPassword();
    admin.addUser(u"  Alice "_s, password, u"Alice Martin"_s);
    ASSERT_TRUE(added.wait(10000));
    EXPECT_EQ(added.first().at(0).toString(), u"alice"_s);
    auto alice = std::make_unique<TestClient>();
    ASSERT_TRUE(alice->open(host.url(), 10000));
    const auto hello = alice->hello(u"alice"_s, password);
    ASSERT_TRUE(hello && confab::test::isOk(*hello)) << "the invited person cannot sign in";

    admin.addUser(u"alice"_s, HostAccount::randomPassword());
    ASSERT_TRUE(refused.wait(10000));
    EXPECT_EQ(refused.last().at(1).toString(), u"There is already a user named “alice”."_s);
    admin.addUser(u"not valid!"_s, password);
    ASSERT_EQ(refused.size(), 2); // refused before anything is sent
    EXPECT_TRUE(refused.last().at(1).toString().startsWith(u"A user name is"_s));

    // Only admins may add people: alice tries with her own client.
    ChatClient aliceApp(dir.filePath(u"alice-app"_s), options);
    ASSERT_TRUE(aliceApp.start());
    aliceApp.signIn(host.url(), u"alice"_s, password);
    ASSERT_TRUE(waitUntil([&] { return aliceApp.connection()->isSignedIn(); }, 15000));
    QSignalSpy aliceRefused(&aliceApp, &ChatClient::addUserFailed);
    aliceApp.addUser(u"mallory"_s, password);
    ASSERT_TRUE(aliceRefused.wait(10000));
    EXPECT_EQ(aliceRefused.first().at(1).toString(), u"Only admins can add people."_s);
}

TEST_F(HostSupervisorTest, TheHostsOwnCertificateReplacesTheSelfSignedOne)
{
    QString error;
    ASSERT_TRUE(confab::test::makeSelfSignedCertificate(dir.path(), &error)) << error.toStdString();
    HostSupervisor host(testOptions());
    ASSERT_TRUE(ensureAdmin(dataDir));
    HostSettings settings = localSettings(0);
    settings.certificateFile = dir.filePath(u"cert.pem"_s);
    settings.keyFile = dir.filePath(u"key.pem"_s);
    ASSERT_TRUE(host.start(settings, dataDir, confab::test::confabdPath()));
    ASSERT_TRUE(waitRunning(host));
    EXPECT_EQ(host.url().scheme(), u"wss"_s) << "a certificate of one's own means wss://";
    const auto given = QSslCertificate::fromPath(settings.certificateFile);
    ASSERT_EQ(given.size(), 1);
    EXPECT_EQ(
        host.fingerprint(),
        QString::fromLatin1(given.first().digest(QCryptographicHash::Sha256).toHex(':')).toUpper());
    EXPECT_FALSE(QFileInfo::exists(QDir(dataDir).filePath(u"tls/cert.pem"_s)))
        << "no self-signed certificate is made when the host gives one";
}
