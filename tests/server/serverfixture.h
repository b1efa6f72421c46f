// SPDX-License-Identifier: Apache-2.0
#pragma once

// The fixture of the server integration tests: an in-process confab::server::Server on a
// free loopback port with its data in a temporary directory, fast password hashing, and
// accounts made in the database before the server starts.

#include "rawwsclient.h"
#include "serverconfig.h"
#include "testclient.h"
#include "types.h"

#include <QJsonObject>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace confab::server {
class Server;
}

namespace confab::test {

inline const QString defaultPassword = QStringLiteral("password1");

class ServerFixture : public ::testing::Test
{
protected:
    ServerFixture();
    ~ServerFixture() override;
    void TearDown() override;

    /// An account to create before the server starts (start() creates the default ones:
    /// alice, bob, carol, dave as users and root as admin, password `defaultPassword`).
    void addUser(const QString &name, Role role = Role::User,
                 const QString &password = defaultPassword);
    /// Creates the accounts and starts the server; use with ASSERT_NO_FATAL_FAILURE.
    void start();
    /// Stops the server and waits for stopped().
    void stopServer();

    /// A connected client owned by the fixture (nullptr and a test failure when it could
    /// not connect).
    TestClient *connectClient();
    /// A connected client that signed in with the password (nullptr and a failure if not).
    TestClient *signIn(const QString &user, const QString &password = defaultPassword);
    /// signIn() then joinSynced() on each channel.
    TestClient *signInAndJoin(const QString &user, const QStringList &channels);
    RawWsClient *connectRaw();

    /// Sends `frame` as a request and expects an ok reply; returns its `ok` object.
    static QJsonObject expectOk(TestClient *client, const QJsonObject &frame);
    /// Sends `frame` and expects an error reply with `code`; returns the reply frame.
    static QJsonObject expectError(TestClient *client, const QJsonObject &frame,
                                   const QString &code);

    /// True when a freshly signed-in client of `user` is served (a liveness probe used
    /// after abuse on another connection).
    bool serverStillServes(const QString &user = QStringLiteral("dave"));

    server::ServerConfig config;
    QTemporaryDir dataDir;
    std::unique_ptr<server::Server> server;
    QUrl url;

private:
    struct Account
    {
        QString name;
        Role role;
        QString password;
    };
    std::vector<Account> m_accounts;
    std::vector<std::unique_ptr<TestClient>> m_clients;
    std::vector<std::unique_ptr<RawWsClient>> m_raw;
};

} // namespace confab::test
