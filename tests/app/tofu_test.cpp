// SPDX-License-Identifier: Apache-2.0
// Trust on first use of a self-signed server certificate, against the real confabd with
// --tls-self-signed: the first connection stops and shows the fingerprint confabd printed;
// trusting it signs in, and a later run on the same data signs in without asking; a
// re-made certificate is refused with a warning and never signs in; a pin kept for another
// origin does not apply. Also the sentence shown while the host has stopped the server.

#include "confabprocess.h"
#include "fastclientoptions.h"
#include "waituntil.h"

#include "chatclient.h"
#include "connectionstatus.h"
#include "errortext.h"
#include "fingerprint.h"
#include "knownservers.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::client;
using namespace confab::client::test;
using confab::test::addUser;
using confab::test::ConfabdProcess;

namespace {

const QString password = u"password1"_s;
using State = Connection::State;

class TofuTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(serverDir.isValid());
        ASSERT_TRUE(clientDir.isValid());
        QString output;
        ASSERT_TRUE(addUser(serverDir.path(), u"alice"_s, password, false, &output))
            << output.toStdString();
        server = std::make_unique<ConfabdProcess>(
            serverDir.path(),
            QStringList{u"--timing-heartbeat-ms"_s, u"1000"_s, u"--tls-self-signed"_s});
        ASSERT_NO_FATAL_FAILURE(startServer(0));
    }

    /// Starts confabd on `port` and reads the fingerprint it printed.
    void startServer(int port)
    {
        QString error;
        ASSERT_TRUE(server->start(port, &error)) << error.toStdString();
        ASSERT_EQ(server->url().scheme(), u"wss"_s);
        static const QRegularExpression line(
            u"^certificate fingerprint \\(SHA-256\\): ([0-9A-F:]+)$"_s,
            QRegularExpression::MultilineOption);
        QRegularExpressionMatch match;
        ASSERT_TRUE(waitUntil([&] {
            match = line.match(server->stdoutText());
            return match.hasMatch() || !server->isRunning();
        })) << server->stdoutText().toStdString();
        ASSERT_TRUE(match.hasMatch()) << server->stdoutText().toStdString();
        const auto sha256 = parseFingerprint(match.captured(1));
        ASSERT_TRUE(sha256);
        printed = *sha256;
    }

    /// Stops confabd, deletes its certificate and key so that it makes new ones, and starts
    /// it again on the same port: the same server with a re-made certificate.
    void remakeCertificate()
    {
        server->terminate();
        const QDir tls(serverDir.filePath(u"tls"_s));
        ASSERT_TRUE(QFile::remove(tls.filePath(u"cert.pem"_s)));
        ASSERT_TRUE(QFile::remove(tls.filePath(u"key.pem"_s)));
        const QByteArray before = printed;
        ASSERT_NO_FATAL_FAILURE(startServer(server->port()));
        ASSERT_NE(printed, before);
    }

    std::unique_ptr<ChatClient> makeClient()
    {
        auto client =
            std::make_unique<ChatClient>(clientDir.path(), confab::test::fastClientOptions(400));
        QString error;
        EXPECT_TRUE(client->start(&error)) << error.toStdString();
        return client;
    }

    static bool waitState(ChatClient &client, State state, int timeoutMs = 15000)
    {
        return waitUntil([&] { return client.connection()->state() == state; }, timeoutMs);
    }

    QTemporaryDir serverDir;
    QTemporaryDir clientDir;
    std::unique_ptr<ConfabdProcess> server;
    QByteArray printed; ///< the SHA-256 confabd printed on its last start
};

} // namespace

TEST_F(TofuTest, FirstConnectionAsksThenTrustSignsInAndALaterRunDoesNotAsk)
{
    {
        auto client = makeClient();
        QSignalSpy asks(client.get(), &ChatClient::certificateNeedsTrust);
        QSignalSpy states(client->connection(), &Connection::stateChanged);
        client->signIn(server->url(), u"alice"_s, password);
        ASSERT_TRUE(asks.wait(15000));
        ASSERT_EQ(asks.size(), 1);
        EXPECT_EQ(asks.at(0).at(0).toUrl(), server->url());
        EXPECT_EQ(asks.at(0).at(1).toByteArray(), printed);

        // Stopped for good with a sentence showing the fingerprint; nothing retried.
        EXPECT_EQ(client->connection()->state(), State::Offline);
        const QString text = client->connection()->errorString();
        EXPECT_TRUE(text.contains(fingerprintText(printed))) << text.toStdString();
        EXPECT_TRUE(text.startsWith(u"The server's certificate is not trusted: "_s))
            << text.toStdString();
        ConnectionStatus *status = client->connectionStatus();
        EXPECT_EQ(status->pendingFingerprint(), fingerprintText(printed));
        EXPECT_FALSE(status->isCertificateChanged());
        EXPECT_TRUE(client->knownFingerprint(server->url()).isEmpty());
        EXPECT_FALSE(waitUntil([&] { return states.size() > 2; }, 500));

        // Trusting another certificate answers nothing: still Offline.
        ASSERT_TRUE(client->trustCertificate(QUrl(u"wss://127.0.0.1:1/ws"_s), printed));
        EXPECT_EQ(client->connection()->state(), State::Offline);

        // Trusting this one retries at once and signs in.
        ASSERT_TRUE(client->trustCertificate(server->url(), printed));
        ASSERT_TRUE(waitState(*client, State::Online))
            << client->connection()->errorString().toStdString();
        EXPECT_EQ(client->user(), u"alice"_s);
        EXPECT_EQ(client->knownFingerprint(server->url()), printed);
        EXPECT_TRUE(status->pendingFingerprint().isEmpty());
        EXPECT_TRUE(client->connection()->errorString().isEmpty());
    }

    // A new client on the same data: the pin was kept, no question asked.
    {
        auto client = makeClient();
        QSignalSpy asks(client.get(), &ChatClient::certificateNeedsTrust);
        client->signIn(server->url(), u"alice"_s, password);
        ASSERT_TRUE(waitState(*client, State::Online))
            << client->connection()->errorString().toStdString();
        EXPECT_EQ(asks.size(), 0);
    }
    // And with the saved token, as the app does on start.
    auto client = makeClient();
    QSignalSpy asks(client.get(), &ChatClient::certificateNeedsTrust);
    ASSERT_TRUE(client->resumeSession());
    ASSERT_TRUE(waitState(*client, State::Online))
        << client->connection()->errorString().toStdString();
    EXPECT_EQ(asks.size(), 0);
}

TEST_F(TofuTest, ARemadeCertificateIsRefusedWithAWarningAndNeverSignsIn)
{
    const QByteArray first = printed;
    ASSERT_TRUE(KnownServers(clientDir.path()).trust(server->url(), first));
    auto client = makeClient();
    client->signIn(server->url(), u"alice"_s, password);
    ASSERT_TRUE(waitState(*client, State::Online))
        << client->connection()->errorString().toStdString();

    // The host stops the server: said plainly while it is down, and retried.
    server->terminate();
    ASSERT_TRUE(waitUntil([&] {
        return client->connection()->state() == State::WaitingToRetry &&
               client->connection()->errorString() == errortext::serverStopped();
    })) << client->connection()->errorString().toStdString();
    // Failed attempts while it is down keep that sentence.
    QSignalSpy attempts(client->connection(), &Connection::stateChanged);
    ASSERT_TRUE(waitUntil([&] { return attempts.size() >= 4; }));
    EXPECT_EQ(client->connection()->errorString(), errortext::serverStopped());

    // Back with a new certificate: refused on the reconnect, with both fingerprints.
    QSignalSpy changed(client.get(), &ChatClient::certificateChanged);
    QSignalSpy signedIn(client->connection(), &Connection::signedIn);
    ASSERT_NO_FATAL_FAILURE(remakeCertificate());
    ASSERT_TRUE(changed.wait(15000));
    ASSERT_EQ(changed.size(), 1);
    EXPECT_EQ(changed.at(0).at(0).toUrl(), server->url());
    EXPECT_EQ(changed.at(0).at(1).toByteArray(), first);
    EXPECT_EQ(changed.at(0).at(2).toByteArray(), printed);
    EXPECT_EQ(client->connection()->state(), State::Offline);
    EXPECT_EQ(client->connection()->errorString(),
              errortext::certificateChanged(server->url(), first, printed));
    ConnectionStatus *status = client->connectionStatus();
    EXPECT_TRUE(status->isCertificateChanged());
    EXPECT_EQ(status->pendingFingerprint(), fingerprintText(printed));
    EXPECT_EQ(status->trustedFingerprint(), fingerprintText(first));
    EXPECT_EQ(client->knownFingerprint(server->url()), first); // nothing replaced silently
    EXPECT_FALSE(waitUntil([&] { return signedIn.size() > 0; }, 500));

    // Signing in again asks the same, never signs in.
    auto again = makeClient();
    QSignalSpy changedAgain(again.get(), &ChatClient::certificateChanged);
    QSignalSpy signedInAgain(again->connection(), &Connection::signedIn);
    again->signIn(server->url(), u"alice"_s, password);
    ASSERT_TRUE(changedAgain.wait(15000));
    EXPECT_EQ(again->connection()->state(), State::Offline);
    EXPECT_EQ(signedInAgain.size(), 0);

    // The user checked with the host and trusts the new one: signs in.
    ASSERT_TRUE(client->trustPendingCertificate());
    ASSERT_TRUE(waitState(*client, State::Online))
        << client->connection()->errorString().toStdString();
    EXPECT_EQ(client->knownFingerprint(server->url()), printed);
    EXPECT_FALSE(status->isCertificateChanged());
    EXPECT_TRUE(status->pendingFingerprint().isEmpty());
}

TEST_F(TofuTest, APinForAnotherOriginDoesNotApply)
{
    const QUrl url = server->url();
    const QUrl otherHost(u"wss://localhost:%1/ws"_s.arg(url.port()));
    const QUrl otherPort(u"wss://127.0.0.1:%1/ws"_s.arg(url.port() == 65535 ? 1 : url.port() + 1));
    {
        KnownServers known(clientDir.path());
        ASSERT_TRUE(known.trust(otherHost, printed));
        ASSERT_TRUE(known.trust(otherPort, printed));
    }
    auto client = makeClient();
    QSignalSpy asks(client.get(), &ChatClient::certificateNeedsTrust);
    QSignalSpy changed(client.get(), &ChatClient::certificateChanged);
    client->signIn(url, u"alice"_s, password);
    ASSERT_TRUE(asks.wait(15000)) << client->connection()->errorString().toStdString();
    EXPECT_EQ(asks.at(0).at(1).toByteArray(), printed);
    EXPECT_EQ(changed.size(), 0);
    EXPECT_EQ(client->connection()->state(), State::Offline);

    // A wrong pin for this origin is a changed certificate, not a question.
    ASSERT_TRUE(client->trustCertificate(url, QByteArray(32, '\x42')));
    EXPECT_EQ(client->connection()->state(), State::Offline); // not the refused certificate
    client->signIn(url, u"alice"_s, password);
    ASSERT_TRUE(changed.wait(15000));
    EXPECT_EQ(changed.at(0).at(1).toByteArray(), QByteArray(32, '\x42'));

    // Forgotten: asked again.
    ASSERT_TRUE(client->forgetCertificate(url));
    EXPECT_TRUE(client->knownFingerprint(url).isEmpty());
    asks.clear();
    client->signIn(url, u"alice"_s, password);
    ASSERT_TRUE(asks.wait(15000));
}
