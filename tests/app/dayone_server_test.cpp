// SPDX-License-Identifier: Apache-2.0
// Day-one defects (issue 13) against the real confabd: a first sign-in that cannot reach its
// server stops with the reason and a corrected address signs in; a kick with a reason; an
// account disabled while signed in on two devices; creating an account where the server
// allows it and where it does not.

#include "confabprocess.h"
#include "fastclientoptions.h"
#include "testclient.h"
#include "waituntil.h"

#include "chatclient.h"
#include "connectionstatus.h"
#include "errortext.h"

#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::client;
using confab::client::test::waitUntil;
using confab::test::addUser;
using confab::test::ConfabdProcess;
using State = Connection::State;

namespace {

const QString password = u"password1"_s;

class DayOneServerTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(serverDir.isValid());
        QString output;
        for (const QString &user : {u"alice"_s, u"bob"_s})
            ASSERT_TRUE(addUser(serverDir.path(), user, password, false, &output))
                << output.toStdString();
        ASSERT_TRUE(addUser(serverDir.path(), u"root"_s, password, true, &output))
            << output.toStdString();
    }

    void startServer(const QStringList &extra = {})
    {
        server = std::make_unique<ConfabdProcess>(
            serverDir.path(), QStringList{u"--timing-heartbeat-ms"_s, u"1000"_s} + extra);
        QString error;
        ASSERT_TRUE(server->start(0, &error)) << error.toStdString();
    }

    std::unique_ptr<ChatClient> makeClient()
    {
        clientDirs.push_back(std::make_unique<QTemporaryDir>());
        auto client = std::make_unique<ChatClient>(clientDirs.back()->path(),
                                                   confab::test::fastClientOptions());
        EXPECT_TRUE(client->start());
        return client;
    }

    static bool waitOnline(ChatClient &client)
    {
        return waitUntil([&] { return client.connection()->state() == State::Online; }, 15000);
    }

    /// Waits until `client` stopped (Offline) with an error sentence, and returns it.
    static QString stoppedWith(ChatClient &client)
    {
        waitUntil([&] {
            return client.connection()->state() == State::Offline &&
                   !client.connection()->errorString().isEmpty();
        });
        return client.connection()->errorString();
    }

    /// A loopback port where nothing listens (bound, then closed).
    static int closedPort()
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        return probe.serverPort();
    }

    QTemporaryDir serverDir;
    std::vector<std::unique_ptr<QTemporaryDir>> clientDirs;
    std::unique_ptr<ConfabdProcess> server;
};

} // namespace

TEST_F(DayOneServerTest, FirstSignInToNothingStopsWithTheReasonAndACorrectionSignsIn)
{
    startServer();
    auto client = makeClient();
    QSignalSpy states(client->connection(), &Connection::stateChanged);
    const int port = closedPort();
    client->signIn(u"127.0.0.1:%1"_s.arg(port), u"alice"_s, password);
    EXPECT_EQ(stoppedWith(*client),
              u"Cannot reach the server at 127.0.0.1:%1. Check the address and your network."_s.arg(
                  port));
    for (const auto &args : states)
        EXPECT_NE(args.at(0).value<State>(), State::WaitingToRetry); // no silent retrying
    EXPECT_FALSE(client->hasSavedSession());

    // An address that is no address at all: said before anything is tried.
    client->signIn(u"gopher://127.0.0.1"_s, u"alice"_s, password);
    EXPECT_EQ(client->connection()->state(), State::Offline);
    EXPECT_EQ(client->connection()->errorString(),
              u"“gopher://127.0.0.1” is not a server address; use e.g. "
              u"ws://chat.example.org:8765/ws."_s);

    // The corrected address, the way QUrl::fromUserInput() reads a typed "127.0.0.1:port".
    client->signIn(QUrl(u"http://127.0.0.1:%1"_s.arg(server->port())), u"alice"_s, password);
    ASSERT_TRUE(waitOnline(*client)) << client->connection()->errorString().toStdString();
    EXPECT_TRUE(client->connection()->errorString().isEmpty());
    EXPECT_EQ(client->connection()->url().toString(),
              u"ws://127.0.0.1:%1/ws"_s.arg(server->port()));
}

TEST_F(DayOneServerTest, ANewSignInReplacesTheAttemptAndCancelStopsIt)
{
    startServer();
    auto client = makeClient();
    // A session that was signed in retries while the server is away (it was there before)...
    client->signIn(server->url(), u"alice"_s, password);
    ASSERT_TRUE(waitOnline(*client));
    server->kill();
    ASSERT_TRUE(
        waitUntil([&] { return client->connection()->state() == State::WaitingToRetry; }, 15000));
    // ...until the user cancels: Offline, nothing shown as an error, no more attempts.
    client->cancelSignIn();
    EXPECT_EQ(client->connection()->state(), State::Offline);
    EXPECT_TRUE(client->connection()->errorString().isEmpty());
    EXPECT_EQ(client->connectionStatus()->secondsToRetry(), 0);

    // A sign-in under way is replaced by the next one.
    QString error;
    ASSERT_TRUE(server->start(0, &error)) << error.toStdString();
    client->signIn(u"ws://127.0.0.1:%1/ws"_s.arg(closedPort()), u"alice"_s, password);
    client->signIn(server->url().toString(), u"alice"_s, password);
    ASSERT_TRUE(waitOnline(*client)) << client->connection()->errorString().toStdString();
}

TEST_F(DayOneServerTest, KickWithAReasonSaysItAndTheUserMaySignInAgain)
{
    startServer();
    auto root = makeClient();
    root->signIn(server->url(), u"root"_s, password);
    ASSERT_TRUE(waitOnline(*root));
    auto bob = makeClient();
    bob->signIn(server->url(), u"bob"_s, password);
    ASSERT_TRUE(waitOnline(*bob));

    QSignalSpy kicked(root.get(), &ChatClient::kicked);
    root->kick(ChatClient::KickTarget::User, u"bob"_s, u"spamming #general"_s);
    ASSERT_TRUE(kicked.wait(5000));
    EXPECT_EQ(stoppedWith(*bob),
              u"An administrator disconnected you: spamming #general. You can sign in again."_s);
    EXPECT_TRUE(bob->hasSavedSession());
    bob->retryNow();
    ASSERT_TRUE(waitOnline(*bob));
}

TEST_F(DayOneServerTest, DisabledWhileSignedInOnTwoDevicesBothSayItAndStop)
{
    startServer();
    auto laptop = makeClient();
    auto phone = makeClient();
    for (ChatClient *bob : {laptop.get(), phone.get()}) {
        bob->signIn(server->url(), u"bob"_s, password);
        ASSERT_TRUE(waitOnline(*bob));
    }
    confab::test::TestClient admin;
    ASSERT_TRUE(admin.open(server->url()));
    ASSERT_TRUE(admin.hello(u"root"_s, password));
    const auto disabled = admin.request(
        QJsonObject{{"t"_L1, u"admin.user"_s}, {"action"_L1, u"disable"_s}, {"user"_L1, u"bob"_s}});
    ASSERT_TRUE(disabled && confab::test::isOk(*disabled));

    for (ChatClient *bob : {laptop.get(), phone.get()}) {
        // Kicked without a reason: confabd names none for a disabled account.
        EXPECT_EQ(stoppedWith(*bob), errortext::kicked());
        // "Sign in again" with the saved session: the server revoked it.
        bob->retryNow();
        ASSERT_TRUE(waitUntil([&] {
            return bob->connection()->state() == State::Offline &&
                   bob->connection()->errorString() != errortext::kicked();
        }));
        EXPECT_EQ(bob->connection()->errorString(), errortext::revokedAfterKick());
        EXPECT_TRUE(bob->connection()->errorString().contains(u"disabled"_s));
        EXPECT_FALSE(bob->hasSavedSession());
        // With the password: the server says the account is disabled, and so do we.
        bob->signIn(server->url(), u"bob"_s, password);
        ASSERT_TRUE(waitUntil([&] {
            return bob->connection()->state() == State::Offline &&
                   bob->connection()->errorString() != errortext::revokedAfterKick();
        }));
        EXPECT_EQ(bob->connection()->errorString(),
                  u"Your account was disabled by an administrator."_s);
        EXPECT_EQ(bob->connectionStatus()->secondsToRetry(), 0); // not retrying
    }
}

TEST_F(DayOneServerTest, CreateAccountWhereTheServerAllowsIt)
{
    startServer({u"--open-registration"_s});
    auto carol = makeClient();
    carol->registerAccount(u"127.0.0.1:%1"_s.arg(server->port()), u"Carol"_s, password,
                           u"Carol D."_s);
    ASSERT_TRUE(waitOnline(*carol)) << carol->connection()->errorString().toStdString();
    EXPECT_EQ(carol->user(), u"carol"_s);
    EXPECT_EQ(carol->connection()->session().user.display, u"Carol D."_s);
    EXPECT_TRUE(carol->hasSavedSession());

    // The same name again: taken.
    auto other = makeClient();
    other->registerAccount(server->url().toString(), u"carol"_s, password);
    EXPECT_EQ(stoppedWith(*other),
              u"There is already a user named “carol”; choose another name."_s);
}

TEST_F(DayOneServerTest, CreateAccountWhereTheServerDoesNotAllowIt)
{
    startServer();
    auto carol = makeClient();
    carol->registerAccount(server->url().toString(), u"carol"_s, password, u"Carol"_s);
    EXPECT_EQ(stoppedWith(*carol), u"This server does not let people create accounts; ask its "
                                   u"administrator for one."_s);
    EXPECT_FALSE(carol->hasSavedSession());
    EXPECT_EQ(carol->connectionStatus()->secondsToRetry(), 0);
    // Checked here before the server is asked.
    carol->registerAccount(server->url().toString(), u"carol"_s, u"short"_s);
    EXPECT_EQ(carol->connection()->errorString(), u"A password needs at least 8 characters."_s);
    carol->registerAccount(server->url().toString(), u"caroline"_s, u"Caroline"_s);
    EXPECT_EQ(carol->connection()->errorString(),
              u"Choose a password other than your user name."_s);
}
