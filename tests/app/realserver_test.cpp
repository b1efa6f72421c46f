// SPDX-License-Identifier: Apache-2.0
// The client engine against the real confabd binary: sign-in and token handling, plain
// error sentences (a wrong path, a certificate that is not trusted), TLS with an extra
// trusted certificate, reconnect and resume after the server is killed mid-flow, an offline
// queue delivered in order, and an outbox that survives the client process being killed.

#include "clientdevices.h"
#include "confabprocess.h"
#include "fastclientoptions.h"
#include "testclock.h"
#include "waituntil.h"

#include "adminpresencemodel.h"
#include "channellistmodel.h"
#include "chatclient.h"
#include "connectionstatus.h"
#include "errortext.h"
#include "idlemonitor.h"
#include "membermodel.h"
#include "messagemodel.h"
#include "outbox.h"
#include "tokenstore.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QSet>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTimer>

#include <gtest/gtest.h>

#include <memory>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::client;
using namespace confab::client::test;
using confab::client::test::ManualClock;
using confab::test::addUser;
using confab::test::ConfabdProcess;
using confab::test::makeSelfSignedCertificate;

namespace {

const QString password = u"password1"_s;
const QString general = u"general"_s;
using State = Connection::State;

/// The texts of `model`'s rows written by `author`, in row order.
QStringList textsBy(const MessageModel &model, const QString &author, const QString &prefix)
{
    QStringList texts;
    for (int row = 0; row < model.rowCount(); ++row) {
        const QModelIndex index = model.index(row);
        const QString text = index.data(MessageModel::TextRole).toString();
        if (index.data(MessageModel::AuthorRole).toString() == author && text.startsWith(prefix))
            texts.append(text);
    }
    return texts;
}

/// `user`'s status in a member list ("online", "away", …), empty while not listed.
QString statusOf(const MemberModel &members, const QString &user)
{
    const int row = members.rowOf(user);
    return row < 0 ? QString() : members.index(row).data(MemberModel::StatusRole).toString();
}

QStringList numbered(const QString &prefix, int count)
{
    QStringList texts;
    for (int i = 0; i < count; ++i)
        texts.append(u"%1-%2"_s.arg(prefix).arg(i));
    return texts;
}

std::string dumpRows(const MessageModel &model)
{
    QString out;
    for (int row = 0; row < model.rowCount(); ++row) {
        const QModelIndex index = model.index(row);
        out += u"%1:%2:%3 "_s.arg(index.data(MessageModel::SeqRole).toLongLong())
                   .arg(index.data(MessageModel::TextRole).toString(),
                        index.data(MessageModel::CidRole).toString().left(4));
    }
    return out.toStdString();
}

bool seqsIncrease(const MessageModel &model)
{
    qint64 last = 0;
    for (int row = 0; row < model.sentCount(); ++row) {
        const qint64 seq = model.index(row).data(MessageModel::SeqRole).toLongLong();
        if (seq <= last)
            return false;
        last = seq;
    }
    return true;
}

QList<State> statesOf(const QSignalSpy &spy)
{
    QList<State> states;
    for (const auto &args : spy)
        states.append(args.at(0).value<State>());
    return states;
}

/// confabd for the client tests: a 1 s heartbeat, so that dead connections show quickly.
std::unique_ptr<ConfabdProcess> makeServer(const QString &dataDir, const QStringList &extra = {})
{
    return std::make_unique<ConfabdProcess>(
        dataDir, QStringList{u"--timing-heartbeat-ms"_s, u"1000"_s} + extra);
}

class RealServerTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(serverDir.isValid());
        QString output;
        ASSERT_TRUE(addUser(serverDir.path(), u"alice"_s, password, false, &output))
            << output.toStdString();
        ASSERT_TRUE(addUser(serverDir.path(), u"bob"_s, password, false, &output))
            << output.toStdString();
        server = makeServer(serverDir.path());
        QString error;
        ASSERT_TRUE(server->start(0, &error)) << error.toStdString();
    }

    /// A started client with its data in a fresh temporary directory.
    std::unique_ptr<ChatClient>
    makeClient(const QString &dataDir = {},
               ChatClientOptions options = confab::test::fastClientOptions())
    {
        return devices.make(dataDir, options);
    }

    std::unique_ptr<ChatClient>
    signedIn(const QString &user, ChatClientOptions options = confab::test::fastClientOptions())
    {
        return devices.signedIn(server->url(), user, password, options);
    }

    QTemporaryDir serverDir;
    ClientDevices devices;
    std::unique_ptr<ConfabdProcess> server;
};

} // namespace

TEST_F(RealServerTest, PasswordOnceThenTokenThenLogoutRevokes)
{
    QTemporaryDir dir;
    QString token;
    {
        auto client = makeClient(dir.path());
        QSignalSpy states(client->connection(), &Connection::stateChanged);
        client->signIn(server->url(), u"alice"_s, password);
        ASSERT_TRUE(waitOnline(*client));
        EXPECT_EQ(client->user(), u"alice"_s);
        QList<State> seen;
        for (const auto &args : states)
            seen.append(args.at(0).value<State>());
        EXPECT_EQ(seen, (QList<State>{State::Connecting, State::Authenticating, State::Syncing,
                                      State::Online}));
        // The channel list comes from the server on the first sign-in.
        EXPECT_GE(client->channelListModel()->rowOf(general), 0);

        TokenStore store(dir.path());
        const auto saved = store.load();
        ASSERT_TRUE(saved);
        token = saved->token;
        EXPECT_FALSE(token.isEmpty());
        const auto perms = QFile::permissions(store.filePath());
        EXPECT_EQ(perms & (QFileDevice::ReadGroup | QFileDevice::ReadOther |
                           QFileDevice::WriteGroup | QFileDevice::WriteOther),
                  QFileDevice::Permissions());
        QFile file(store.filePath());
        ASSERT_TRUE(file.open(QIODevice::ReadOnly));
        EXPECT_FALSE(file.readAll().contains(password.toUtf8()));
    }
    // A later run signs in with the token alone.
    auto client = makeClient(dir.path());
    ASSERT_TRUE(client->hasSavedSession());
    ASSERT_TRUE(client->resumeSession());
    ASSERT_TRUE(waitOnline(*client));
    EXPECT_EQ(client->user(), u"alice"_s);

    QSignalSpy signedOut(client.get(), &ChatClient::signedOut);
    client->logout();
    ASSERT_TRUE(signedOut.wait(5000));
    EXPECT_FALSE(client->hasSavedSession());
    EXPECT_EQ(client->connection()->state(), State::Offline);

    // The old token is revoked on the server.
    QTemporaryDir other;
    TokenStore(other.path()).save({server->url(), u"alice"_s, token});
    auto stale = makeClient(other.path());
    QSignalSpy rejected(stale->connection(), &Connection::credentialsRejected);
    ASSERT_TRUE(stale->resumeSession());
    ASSERT_TRUE(rejected.wait(5000));
    EXPECT_EQ(stale->connection()->state(), State::Offline);
    EXPECT_EQ(stale->connection()->errorString(), errortext::sessionExpired());
    EXPECT_FALSE(stale->hasSavedSession());
}

TEST_F(RealServerTest, ErrorsArePlainSentences)
{
    auto client = makeClient();
    client->signIn(server->url(), u"alice"_s, u"wrong-password"_s);
    ASSERT_TRUE(waitUntil([&] {
        return client->connection()->state() == State::Offline &&
               !client->connection()->errorString().isEmpty();
    }));
    EXPECT_EQ(client->connection()->errorString(), errortext::badCredentials());
    EXPECT_FALSE(client->hasSavedSession());

    // Not a WebSocket address at all: said before anything is tried. (http:// is read as
    // ws://, as people type it: dayone_server_test.cpp.)
    const QUrl wrong(u"ftp://127.0.0.1:%1/ws"_s.arg(server->port()));
    client->signIn(wrong, u"alice"_s, password);
    EXPECT_EQ(client->connection()->state(), State::Offline);
    EXPECT_EQ(client->connection()->errorString(),
              u"“%1” is not a server address; use e.g. ws://chat.example.org:8765/ws."_s.arg(
                  wrong.toString()));

    // A port nobody listens on, on a first sign-in: unreachable, said at once, not retried
    // (issue 13; a session that was signed in retries: see dayone_server_test.cpp).
    QTcpServer probe;
    ASSERT_TRUE(probe.listen(QHostAddress::LocalHost, 0));
    const QUrl closed(u"ws://127.0.0.1:%1/ws"_s.arg(probe.serverPort()));
    probe.close();
    client->signIn(closed, u"alice"_s, password);
    ASSERT_TRUE(waitUntil(
        [&] {
            return client->connection()->state() == State::Offline &&
                   client->connection()->errorString() == errortext::unreachable(closed);
        },
        5000));
    EXPECT_EQ(client->connectionStatus()->secondsToRetry(), 0);
}

TEST_F(RealServerTest, ServerKilledWhileMessagesFlowEachShownOnceInOrder)
{
    auto alice = signedIn(u"alice"_s);
    auto bob = signedIn(u"bob"_s);
    MessageModel *aliceModel = alice->messageModel(general);
    MessageModel *bobModel = bob->messageModel(general);
    QAbstractItemModelTester aliceTester(aliceModel,
                                         QAbstractItemModelTester::FailureReportingMode::Fatal);
    QAbstractItemModelTester bobTester(bobModel,
                                       QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy resets(bobModel, &QAbstractItemModel::modelReset);

    constexpr int total = 40;
    int sent = 0;
    bool killed = false;
    QTimer pace;
    QObject::connect(&pace, &QTimer::timeout, [&] {
        if (sent < total)
            alice->sendMessage(general, u"flow-%1"_s.arg(sent++));
        if (sent == 15 && !killed) {
            killed = true;
            server->kill();
        }
    });
    pace.start(10);
    ASSERT_TRUE(waitUntil([&] { return killed; }));
    ASSERT_TRUE(waitUntil([&] {
        return alice->connection()->state() == State::WaitingToRetry &&
               bob->connection()->state() == State::WaitingToRetry;
    }));
    QString error;
    ASSERT_TRUE(server->restart(&error)) << error.toStdString();

    const QStringList expected = numbered(u"flow"_s, total);
    ASSERT_TRUE(waitUntil(
        [&] {
            return alice->outbox()->count() == 0 &&
                   textsBy(*bobModel, u"alice"_s, u"flow-"_s).size() >= total &&
                   textsBy(*aliceModel, u"alice"_s, u"flow-"_s).size() >= total &&
                   aliceModel->sentCount() == aliceModel->rowCount();
        },
        30000))
        << "alice outbox " << alice->outbox()->count() << ", bob sees "
        << textsBy(*bobModel, u"alice"_s, u"flow-"_s).size();
    EXPECT_EQ(textsBy(*aliceModel, u"alice"_s, u"flow-"_s), expected);
    EXPECT_EQ(textsBy(*bobModel, u"alice"_s, u"flow-"_s), expected) << dumpRows(*bobModel);
    EXPECT_TRUE(seqsIncrease(*aliceModel));
    EXPECT_TRUE(seqsIncrease(*bobModel));
    EXPECT_EQ(resets.size(), 0);
    EXPECT_EQ(alice->connection()->state(), State::Online);
    // The cache is gapless too: a fresh model from it shows the same.
    const QList<Message> cached = bob->cache()->newest(general, 1000);
    for (int i = 1; i < cached.size(); ++i)
        ASSERT_EQ(cached[i].seq, cached[i - 1].seq + 1);
}

TEST_F(RealServerTest, TwentyQueuedOfflineArePendingThenDeliveredOnceInOrder)
{
    auto alice = signedIn(u"alice"_s);
    MessageModel *model = alice->messageModel(general);
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy resets(model, &QAbstractItemModel::modelReset);
    server->kill();
    ASSERT_TRUE(waitUntil([&] { return alice->connection()->state() == State::WaitingToRetry; }));

    const int before = model->rowCount();
    for (int i = 0; i < 20; ++i)
        ASSERT_FALSE(alice->sendMessage(general, u"offline-%1"_s.arg(i)).isEmpty());
    // All shown at once, pending.
    ASSERT_EQ(model->rowCount(), before + 20);
    for (int row = before; row < model->rowCount(); ++row)
        EXPECT_EQ(
            model->index(row).data(MessageModel::StateRole).value<MessageModel::DeliveryState>(),
            MessageModel::DeliveryState::Pending);
    EXPECT_EQ(alice->connectionStatus()->queuedCount(), 20);

    QSignalSpy delivered(alice.get(), &ChatClient::messageDelivered);
    QString error;
    ASSERT_TRUE(server->restart(&error)) << error.toStdString();
    ASSERT_TRUE(waitUntil([&] { return alice->outbox()->count() == 0; }, 20000));
    ASSERT_TRUE(waitUntil([&] { return model->sentCount() == model->rowCount(); }));
    EXPECT_EQ(delivered.size(), 20);
    EXPECT_EQ(textsBy(*model, u"alice"_s, u"offline-"_s), numbered(u"offline"_s, 20));
    EXPECT_EQ(model->rowCount(), before + 20);
    EXPECT_TRUE(seqsIncrease(*model));
    EXPECT_EQ(alice->connectionStatus()->queuedCount(), 0);
    EXPECT_EQ(resets.size(), 0);
    // Each delivered seq is unique and increasing in send order.
    qint64 last = 0;
    for (const auto &args : delivered) {
        EXPECT_GT(args.at(1).toLongLong(), last);
        last = args.at(1).toLongLong();
    }
}

TEST_F(RealServerTest, ClientKilledWithOutboxDeliversEachExactlyOnceAfterRestart)
{
    QTemporaryDir dir;
    constexpr int total = 80; // beyond the default burst: some wait in the outbox
    QProcess helper;
    helper.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QByteArray out;
    QObject::connect(&helper, &QProcess::readyReadStandardOutput,
                     [&] { out += helper.readAllStandardOutput(); });
    helper.start(QStringLiteral(CLIENT_HELPER_PATH),
                 {u"send"_s, dir.path(), server->url().toString(), u"alice"_s, password, general,
                  QString::number(total), u"crash"_s});
    ASSERT_TRUE(helper.waitForStarted(5000));
    ASSERT_TRUE(waitUntil([&] { return out.contains("delivered"); }, 15000)) << out.constData();
    helper.kill();
    ASSERT_TRUE(helper.waitForFinished(5000));

    {
        LocalDatabase db(dir.filePath(u"client.sqlite"_s));
        ASSERT_TRUE(db.open());
        const int left = Outbox(db.database()).count();
        EXPECT_GT(left, 0) << "the helper was killed with an empty outbox";
        EXPECT_LT(left, total);
    }

    QProcess drain;
    drain.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    drain.start(QStringLiteral(CLIENT_HELPER_PATH),
                {u"drain"_s, dir.path(), server->url().toString(), u"alice"_s, password});
    ASSERT_TRUE(drain.waitForStarted(5000));
    ASSERT_TRUE(waitUntil([&] { return drain.state() == QProcess::NotRunning; }, 30000));
    EXPECT_EQ(drain.exitCode(), 0);
    EXPECT_TRUE(drain.readAllStandardOutput().contains("drained"));

    // Someone else reads the channel: every message once, in order.
    auto bob = signedIn(u"bob"_s);
    MessageModel *model = bob->messageModel(general);
    ASSERT_TRUE(
        waitUntil([&] { return textsBy(*model, u"alice"_s, u"crash-"_s).size() >= total; }, 10000));
    EXPECT_EQ(textsBy(*model, u"alice"_s, u"crash-"_s), numbered(u"crash"_s, total));
}

TEST_F(RealServerTest, GapAfterCatchupCapIsFilledThroughHistoryWhenScrolled)
{
    server->kill();
    server = makeServer(serverDir.path(), QStringList{u"--limits-catchup"_s, u"10"_s});
    QString error;
    ASSERT_TRUE(server->start(0, &error)) << error.toStdString();

    auto alice = signedIn(u"alice"_s);
    auto bob = signedIn(u"bob"_s);
    MessageModel *model = bob->messageModel(general);
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    for (int i = 0; i < 5; ++i)
        alice->sendMessage(general, u"gap-%1"_s.arg(i));
    ASSERT_TRUE(waitUntil([&] { return model->rowCount() == 5; }));

    bob->disconnectFromServer();
    for (int i = 5; i < 40; ++i)
        alice->sendMessage(general, u"gap-%1"_s.arg(i));
    ASSERT_TRUE(waitUntil([&] { return alice->outbox()->count() == 0; }, 10000));

    QSignalSpy synced(bob.get(), &ChatClient::channelSynced);
    ASSERT_TRUE(bob->resumeSession());
    ASSERT_TRUE(synced.wait(5000));
    // Only the newest 10 came; the window restarts there, and the hole is fetched on demand.
    EXPECT_EQ(model->rowCount(), 10);
    EXPECT_EQ(textsBy(*model, u"alice"_s, u"gap-"_s).first(), u"gap-30"_s);
    ASSERT_TRUE(model->canFetchMore({}));
    for (int round = 0; round < 5 && model->rowCount() < 40; ++round) {
        if (model->canFetchMore({}))
            model->fetchMore({});
        ASSERT_TRUE(waitUntil([&] { return !model->isFetching(); }, 5000));
    }
    EXPECT_EQ(textsBy(*model, u"alice"_s, u"gap-"_s), numbered(u"gap"_s, 40));
    EXPECT_TRUE(seqsIncrease(*model));
    EXPECT_FALSE(model->canFetchMore({}));
}

TEST_F(RealServerTest, IdleUserBecomesAwayForOthersAndBackOnInput)
{
    ManualClock clock;
    ChatClientOptions options = confab::test::fastClientOptions();
    options.clock = clock.fn();
    auto alice = signedIn(u"alice"_s, options);
    auto bob = signedIn(u"bob"_s);
    MemberModel *members = bob->memberModel(general);
    QAbstractItemModelTester tester(members, QAbstractItemModelTester::FailureReportingMode::Fatal);
    auto aliceStatus = [&] { return statusOf(*members, u"alice"_s); };
    ASSERT_TRUE(waitUntil([&] { return aliceStatus() == u"online"_s; }));
    clock.advance(5 * 60 * 1000);
    alice->idleMonitor()->tick();
    EXPECT_TRUE(alice->isAway());
    ASSERT_TRUE(waitUntil([&] { return aliceStatus() == u"away"_s; }));
    alice->userActivity();
    ASSERT_TRUE(waitUntil([&] { return aliceStatus() == u"online"_s; }));
}

TEST_F(RealServerTest, OwnRowGoesOfflineWhileDisconnectedAndBackAfterwards)
{
    auto alice = signedIn(u"alice"_s);
    MemberModel *members = alice->memberModel(general);
    QAbstractItemModelTester tester(members, QAbstractItemModelTester::FailureReportingMode::Fatal);
    auto ownStatus = [&] { return statusOf(*members, u"alice"_s); };
    ASSERT_TRUE(waitUntil([&] { return ownStatus() == u"online"_s; }));
    server->kill();
    ASSERT_TRUE(waitUntil([&] { return ownStatus() == u"offline"_s; }));
    QString error;
    ASSERT_TRUE(server->restart(&error)) << error.toStdString();
    alice->connection()->retryNow();
    ASSERT_TRUE(waitUntil([&] { return ownStatus() == u"online"_s; }, 15000));
}

TEST_F(RealServerTest, AdminPresenceViewFollowsConnections)
{
    QString output;
    ASSERT_TRUE(addUser(serverDir.path(), u"root"_s, password, true, &output))
        << output.toStdString();

    auto root = signedIn(u"root"_s);
    AdminPresenceModel *view = root->adminPresenceModel();
    QAbstractItemModelTester tester(view, QAbstractItemModelTester::FailureReportingMode::Fatal);
    root->watchAdmin();
    ASSERT_TRUE(waitUntil([&] { return view->rowOf(u"bob"_s) >= 0; }));
    auto bobConnections = [&] {
        return view->index(view->rowOf(u"bob"_s))
            .data(AdminPresenceModel::ConnectionCountRole)
            .toInt();
    };
    EXPECT_EQ(bobConnections(), 0);
    auto bob = signedIn(u"bob"_s);
    ASSERT_TRUE(waitUntil([&] { return bobConnections() == 1; }));
    EXPECT_EQ(view->index(view->rowOf(u"bob"_s)).data(AdminPresenceModel::StatusRole).toString(),
              u"online"_s);
    bob->disconnectFromServer();
    ASSERT_TRUE(waitUntil([&] { return bobConnections() == 0; }));
}

TEST_F(RealServerTest, UnknownPathIsAWrongUrlAndNotRetried)
{
    // confabd upgrades the connection, then closes it with 1008 "unknown path; use /ws".
    QUrl wrong = server->url();
    wrong.setPath(u"/nope"_s);
    auto client = makeClient();
    QSignalSpy states(client->connection(), &Connection::stateChanged);
    client->signIn(wrong, u"alice"_s, password);
    ASSERT_TRUE(waitUntil([&] {
        return client->connection()->state() == State::Offline &&
               !client->connection()->errorString().isEmpty();
    }));
    EXPECT_EQ(client->connection()->errorString(), errortext::wrongUrl(wrong));
    EXPECT_FALSE(statesOf(states).contains(State::WaitingToRetry));
    EXPECT_FALSE(statesOf(states).contains(State::Syncing));
    EXPECT_EQ(client->connectionStatus()->secondsToRetry(), 0);
    EXPECT_FALSE(client->hasSavedSession());

    // The right path on the same server signs in.
    client->signIn(server->url(), u"alice"_s, password);
    ASSERT_TRUE(waitOnline(*client)) << client->connection()->errorString().toStdString();
}

TEST_F(RealServerTest, UntrustedCertificateStopsWithASentenceAndATrustedOneSignsIn)
{
    QTemporaryDir certDir;
    ASSERT_TRUE(certDir.isValid());
    QString error;
    ASSERT_TRUE(makeSelfSignedCertificate(certDir.path(), &error)) << error.toStdString();
    const QString certFile = certDir.filePath(u"cert.pem"_s);

    server->kill();
    server = makeServer(serverDir.path(), QStringList{u"--tls-cert"_s, certFile, u"--tls-key"_s,
                                                      certDir.filePath(u"key.pem"_s)});
    ASSERT_TRUE(server->start(0, &error)) << error.toStdString();
    ASSERT_EQ(server->url().scheme(), u"wss"_s);

    // By default only the system trust store counts: refused, said plainly, not retried.
    {
        auto client = makeClient();
        QSignalSpy states(client->connection(), &Connection::stateChanged);
        client->signIn(server->url(), u"alice"_s, password);
        ASSERT_TRUE(waitUntil([&] {
            return client->connection()->state() == State::Offline &&
                   !client->connection()->errorString().isEmpty();
        }));
        const QString text = client->connection()->errorString();
        EXPECT_TRUE(text.startsWith(u"The server's certificate is not trusted: "_s))
            << text.toStdString();
        EXPECT_TRUE(text.contains(u"self-signed"_s, Qt::CaseInsensitive)) << text.toStdString();
        EXPECT_EQ(statesOf(states), (QList<State>{State::Connecting, State::Offline}));
        EXPECT_EQ(client->connectionStatus()->secondsToRetry(), 0);
        // Nothing is scheduled: the state stays put.
        EXPECT_FALSE(waitUntil([&] { return states.size() > 2; }, 1000));
    }

    // Trusted through the option (the system store stays in use beside it): signs in.
    const QList<QSslCertificate> extra = QSslCertificate::fromPath(certFile);
    ASSERT_EQ(extra.size(), 1);
    const QList<QSslCertificate> caList = Connection::sslConfiguration(extra).caCertificates();
    const QSet<QSslCertificate> cas(caList.cbegin(), caList.cend());
    EXPECT_TRUE(cas.contains(extra.first()));
    for (const QSslCertificate &systemCa : QSslConfiguration::systemCaCertificates())
        ASSERT_TRUE(cas.contains(systemCa)) << systemCa.subjectDisplayName().toStdString();

    ChatClientOptions options = confab::test::fastClientOptions();
    options.connection.extraCaCertificates = extra;
    auto client = signedIn(u"alice"_s, options);
    EXPECT_EQ(client->connection()->state(), State::Online);
    EXPECT_TRUE(client->connection()->errorString().isEmpty());
    EXPECT_EQ(client->user(), u"alice"_s);
}
