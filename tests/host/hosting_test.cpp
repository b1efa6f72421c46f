// SPDX-License-Identifier: Apache-2.0
// The built-in server end to end (issue 12), with real processes: the desktop app hosts
// (`confab --host`, offscreen) and people join with the client engine, as their own apps
// would. A joining user accepts the certificate's fingerprint once, chats, sees presence
// and typing; the host quits (everyone is told, nothing is left running or listening) and
// comes back (what was written meanwhile arrives once); the server process is killed under
// the app (it is restarted, nothing acknowledged is lost); and the hosted folder is then
// served by confabd itself with the whole history and the same seqs. Where an Avahi daemon
// can run (a private one, tests/support/avahisandbox), a hosting app is found by browsing.

#include "avahisandbox.h"
#include "confabprocess.h"
#include "fastclientoptions.h"
#include "hostingapp.h"
#include "testclient.h"

#include "chatclient.h"
#include "connectionstatus.h"
#include "discoveredserversmodel.h"
#include "errortext.h"
#include "fingerprint.h"
#include "membermodel.h"
#include "messagemodel.h"
#include "typingboard.h"

#include <QDir>
#include <QJsonArray>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <gtest/gtest.h>

#include <csignal>
#include <memory>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::client;
using confab::test::addUser;
using confab::test::HostingApp;
using State = Connection::State;

namespace {

const QString password = u"password1"_s;
const QString general = u"general"_s;

/// How many rows of `model` carry `text`.
int countText(const MessageModel &model, const QString &text)
{
    int count = 0;
    for (int row = 0; row < model.rowCount(); ++row)
        count += model.index(row).data(MessageModel::TextRole).toString() == text ? 1 : 0;
    return count;
}

QString statusOf(const MemberModel &members, const QString &user)
{
    const int row = members.rowOf(user);
    return row < 0 ? QString() : members.index(row).data(MemberModel::StatusRole).toString();
}

/// The SHA-256 of the certificate the hosted server made in its data folder.
QByteArray hostedCertificateSha256(const QString &serverDataDir)
{
    const auto certs = QSslCertificate::fromPath(QDir(serverDataDir).filePath(u"tls/cert.pem"_s));
    return certs.isEmpty() ? QByteArray() : certs.first().digest(QCryptographicHash::Sha256);
}

bool listensOn(int port)
{
    QTcpSocket probe;
    probe.connectToHost(QHostAddress::LocalHost, quint16(port));
    return probe.waitForConnected(2000);
}

/// A person joining the hosted server: the client engine with its own data folder.
struct Person
{
    Person(const QString &dataDir, QString name)
        : client(dataDir, confab::test::fastClientOptions())
        , user(std::move(name))
    {
        client.start();
    }

    /// Signs in; when the server's certificate is self-signed, accepts it only if it is
    /// `expectedSha256` (what the host's page shows), as a careful user would.
    ::testing::AssertionResult join(const QUrl &url, const QByteArray &expectedSha256 = {})
    {
        QSignalSpy asked(&client, &ChatClient::certificateNeedsTrust);
        client.signIn(url, user, password);
        if (url.scheme() == u"wss"_s) {
            if (!asked.wait(15000))
                return ::testing::AssertionFailure() << "the fingerprint was never shown";
            const QByteArray shown = asked.first().at(1).toByteArray();
            if (shown != expectedSha256)
                return ::testing::AssertionFailure() << "another fingerprint was shown";
            client.trustCertificate(url, shown);
        }
        if (!QTest::qWaitFor([&] { return client.connection()->state() == State::Online; }, 15000))
            return ::testing::AssertionFailure()
                   << "not online: " << client.connection()->errorString().toStdString();
        return ::testing::AssertionSuccess();
    }

    ChatClient client;
    QString user;
};

class HostingTest : public ::testing::Test
{
protected:
    void SetUp() override { ASSERT_TRUE(dir.isValid()); }
    QString path(const QString &name) const { return dir.filePath(name); }

    QTemporaryDir dir;
};

} // namespace

TEST_F(HostingTest, JoinerAcceptsTheFingerprintChatsAndSurvivesTheHostQuittingAndReturning)
{
    HostingApp host(path(u"host-app"_s));
    QString error;
    ASSERT_TRUE(host.start(u"0.0.0.0:0"_s, u"Test team"_s, &error)) << error.toStdString();
    const QUrl url = host.url();
    ASSERT_EQ(url.scheme(), u"wss"_s) << "the local network is served encrypted";
    const int port = url.port();
    const QByteArray fingerprint = hostedCertificateSha256(host.serverDataDir());
    ASSERT_EQ(fingerprint.size(), 32);
    ASSERT_TRUE(addUser(host.serverDataDir(), u"bob"_s, password));
    ASSERT_TRUE(addUser(host.serverDataDir(), u"carol"_s, password));

    Person bob(path(u"bob"_s), u"bob"_s);
    Person carol(path(u"carol"_s), u"carol"_s);
    ASSERT_TRUE(bob.join(url, fingerprint));
    ASSERT_TRUE(carol.join(url, fingerprint));

    // Chat, presence and typing, through the app's server.
    MessageModel *carolSees = carol.client.messageModel(general);
    bob.client.sendMessage(general, u"hello carol"_s);
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return countText(*carolSees, u"hello carol"_s) == 1; }, 10000));
    MemberModel *carolsMembers = carol.client.memberModel(general);
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return statusOf(*carolsMembers, u"bob"_s) == u"online"_s; }, 10000));
    bob.client.setDraft(general, u"typing to carol"_s);
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return carol.client.typingBoard()->typing(general).contains(u"bob"_s); }, 10000));
    bob.client.setDraft(general, {});

    // The host quits: everyone is told, and nothing is left running or listening.
    const qint64 serverPid = host.serverPid();
    ASSERT_GT(serverPid, 0);
    ASSERT_EQ(host.terminate(), 0) << host.output().toStdString();
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            return carol.client.connectionStatus()->errorString() == errortext::serverStopped();
        },
        10000))
        << carol.client.connectionStatus()->errorString().toStdString();
    EXPECT_EQ(::kill(pid_t(serverPid), 0), -1) << "confabd outlived the app";
    EXPECT_FALSE(listensOn(port));

    // Written while the host was away: queued, then delivered once it is back.
    const QString meanwhile = u"written while the host was away"_s;
    const QString cid = bob.client.sendMessage(general, meanwhile);
    ASSERT_FALSE(cid.isEmpty());
    QSignalSpy delivered(&bob.client, &ChatClient::messageDelivered);

    HostingApp again(path(u"host-app"_s));
    ASSERT_TRUE(again.start(u"0.0.0.0:%1"_s.arg(port), {}, &error)) << error.toStdString();
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            return carol.client.connection()->state() == State::Online &&
                   countText(*carolSees, meanwhile) >= 1;
        },
        20000))
        << carol.client.connectionStatus()->errorString().toStdString();
    ASSERT_TRUE(QTest::qWaitFor([&] { return !delivered.isEmpty(); }, 10000));
    EXPECT_EQ(delivered.first().at(0).toString(), cid);
    // Exactly once, with nothing else duplicated by the reconnect either.
    EXPECT_EQ(countText(*carolSees, meanwhile), 1);
    EXPECT_EQ(countText(*carolSees, u"hello carol"_s), 1);
    EXPECT_TRUE(carol.client.connectionStatus()->errorString().isEmpty())
        << carol.client.connectionStatus()->errorString().toStdString();
}

/// `confab --server URL --user NAME --password-stdin --trust-fingerprint FP`, offscreen.
class JoiningApp
{
public:
    JoiningApp(const QString &dataDir, const QUrl &url, const QString &user,
               const QString &fingerprint)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
        process.setProcessEnvironment(env);
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(QString::fromUtf8(CONFAB_APP_PATH),
                      {u"--server"_s, url.toString(), u"--user"_s, user, u"--password-stdin"_s,
                       u"--trust-fingerprint"_s, fingerprint, u"--data"_s, dataDir});
        process.write(password.toUtf8() + '\n');
        process.closeWriteChannel();
    }
    ~JoiningApp()
    {
        process.terminate();
        if (!process.waitForFinished(10000))
            process.kill();
    }
    bool saidSomething(const QString &text)
    {
        output += QString::fromUtf8(process.readAll());
        return output.contains(text);
    }

    QProcess process;
    QString output;
};

TEST_F(HostingTest, AnotherAppJoinsFromTheCommandLineWithTheFingerprintAndOnlyWithIt)
{
    HostingApp host(path(u"host-app"_s));
    QString error;
    ASSERT_TRUE(host.start(u"0.0.0.0:0"_s, {}, &error)) << error.toStdString();
    const QString fingerprint = fingerprintText(hostedCertificateSha256(host.serverDataDir()));
    ASSERT_TRUE(addUser(host.serverDataDir(), u"bob"_s, password));
    ASSERT_TRUE(addUser(host.serverDataDir(), u"dave"_s, password));

    // The wrong fingerprint: the app refuses the server and never signs in.
    QString wrong = fingerprint;
    wrong.replace(0, 2, fingerprint.startsWith(u"00"_s) ? u"11"_s : u"00"_s);
    JoiningApp mistaken(path(u"dave-app"_s), host.url(), u"dave"_s, wrong);
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return mistaken.saidSomething(u"certificate refused"_s); }, 15000))
        << mistaken.output.toStdString();

    JoiningApp bob(path(u"bob-app"_s), host.url(), u"bob"_s, fingerprint);
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return bob.saidSomething(u"signed in as \"bob\""_s); }, 15000))
        << bob.output.toStdString();
    EXPECT_FALSE(mistaken.saidSomething(u"signed in as"_s)) << mistaken.output.toStdString();
}

TEST_F(HostingTest, KilledServerIsRestartedByTheAppAndTheFolderThenServesFromConfabd)
{
    HostingApp host(path(u"host-app"_s));
    QString error;
    ASSERT_TRUE(host.start(u"127.0.0.1:0"_s, {}, &error)) << error.toStdString();
    ASSERT_EQ(host.url().scheme(), u"ws"_s);
    ASSERT_TRUE(addUser(host.serverDataDir(), u"bob"_s, password));
    Person bob(path(u"bob"_s), u"bob"_s);
    ASSERT_TRUE(bob.join(host.url()));

    QSignalSpy delivered(&bob.client, &ChatClient::messageDelivered);
    QMap<QString, qint64> seqOf; // cid -> seq the server acknowledged
    QObject::connect(&bob.client, &ChatClient::messageDelivered,
                     [&](const QString &cid, qint64 seq) { seqOf.insert(cid, seq); });
    for (int i = 0; i < 20; ++i)
        bob.client.sendMessage(general, u"before-%1"_s.arg(i));
    ASSERT_TRUE(QTest::qWaitFor([&] { return seqOf.size() == 20; }, 15000));

    const qint64 firstServer = host.serverPid();
    ASSERT_GT(firstServer, 0);
    ASSERT_EQ(::kill(pid_t(firstServer), SIGKILL), 0);
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            const qint64 now = host.serverPid();
            return now != 0 && now != firstServer &&
                   bob.client.connection()->state() == State::Online;
        },
        20000))
        << "the app did not restart its server: " << host.output().right(2000).toStdString();
    for (int i = 0; i < 5; ++i)
        bob.client.sendMessage(general, u"after-%1"_s.arg(i));
    ASSERT_TRUE(QTest::qWaitFor([&] { return seqOf.size() == 25; }, 15000));
    ASSERT_EQ(host.terminate(), 0) << host.output().toStdString();
    bob.client.disconnectFromServer();

    // The same folder under confabd: every acknowledged message, once, with its seq.
    confab::test::ConfabdProcess confabd(host.serverDataDir());
    ASSERT_TRUE(confabd.start(0, &error)) << error.toStdString();
    confab::test::TestClient reader;
    ASSERT_TRUE(reader.open(confabd.url(), 10000));
    const auto hello = reader.hello(u"bob"_s, password);
    ASSERT_TRUE(hello && confab::test::isOk(*hello));
    const auto history = reader.request(QJsonObject{
        {"t"_L1, "history"_L1}, {"channel"_L1, general}, {"after"_L1, 0}, {"limit"_L1, 100}});
    ASSERT_TRUE(history && confab::test::isOk(*history));
    const QJsonArray messages = history->value("ok"_L1).toObject().value("messages"_L1).toArray();
    QMap<QString, qint64> stored;
    qint64 lastSeq = 0;
    for (const QJsonValue &value : messages) {
        const QJsonObject message = value.toObject();
        const qint64 seq = message.value("seq"_L1).toInteger();
        EXPECT_EQ(seq, lastSeq + 1) << "seqs have a gap";
        lastSeq = seq;
        const QString cid = message.value("cid"_L1).toString();
        EXPECT_FALSE(stored.contains(cid)) << "stored twice: " << cid.toStdString();
        stored.insert(cid, seq);
    }
    EXPECT_EQ(stored, seqOf);
}

TEST_F(HostingTest, HostingAppIsFoundOnTheNetworkWithinFiveSeconds)
{
    confab::test::AvahiSandbox::usePrivateSystemBus(); // the app inherits it
    confab::test::AvahiSandbox avahi;
    if (!avahi.start()) {
        const QString why = u"discovery NOT exercised: "_s + avahi.whyNot();
        std::printf("%s\n", qPrintable(why));
        GTEST_SKIP() << qPrintable(why);
    }
    const QString name = u"Team %1"_s.arg(QUuid::createUuid().toString(QUuid::Id128).left(8));
    HostingApp host(path(u"host-app"_s));
    QString error;
    ASSERT_TRUE(host.start(u"0.0.0.0:0"_s, name, &error)) << error.toStdString();
    const QByteArray sha256 = hostedCertificateSha256(host.serverDataDir());

    DiscoveredServersModel found;
    found.start();
    auto rowOf = [&] {
        for (int row = 0; row < found.rowCount(); ++row) {
            if (found.index(row).data(DiscoveredServersModel::NameRole).toString() == name)
                return row;
        }
        return -1;
    };
    ASSERT_TRUE(QTest::qWaitFor([&] { return rowOf() >= 0; }, 5000))
        << "not listed within 5 s; " << found.statusText().toStdString() << "\n"
        << avahi.avahiOutput().right(1500).toStdString();
    const QModelIndex row = found.index(rowOf());
    EXPECT_TRUE(row.data(DiscoveredServersModel::EncryptedRole).toBool());
    EXPECT_EQ(row.data(DiscoveredServersModel::PortRole).toInt(), host.url().port());
    EXPECT_EQ(row.data(DiscoveredServersModel::FingerprintRole).toString(),
              fingerprintText(sha256));
    const QUrl listed(row.data(DiscoveredServersModel::UrlRole).toString());
    EXPECT_EQ(listed.scheme(), u"wss"_s);
    EXPECT_EQ(listed.port(), host.url().port());
    std::printf("discovery exercised: %s found at %s\n", qPrintable(name),
                qPrintable(listed.toString()));

    // Stopping hosting withdraws the announcement.
    ASSERT_EQ(host.terminate(), 0);
    EXPECT_TRUE(QTest::qWaitFor([&] { return rowOf() < 0; }, 5000))
        << "still listed after the host stopped";
}

TEST(AppCommandLineTest, HelpAndVersionWorkWithoutADisplay)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        env.remove(QString::fromLatin1(name));
    for (const QString &flag : {u"--help"_s, u"--version"_s}) {
        QProcess app;
        app.setProcessEnvironment(env);
        app.setProcessChannelMode(QProcess::MergedChannels);
        app.start(QString::fromUtf8(CONFAB_APP_PATH), {flag});
        ASSERT_TRUE(app.waitForFinished(15000));
        const QString output = QString::fromUtf8(app.readAll());
        EXPECT_EQ(app.exitStatus(), QProcess::NormalExit) << output.toStdString();
        EXPECT_EQ(app.exitCode(), 0) << output.toStdString();
        EXPECT_TRUE(output.contains(flag == u"--help"_s ? u"--host"_s : u"confab "_s))
            << output.toStdString();
    }
}
