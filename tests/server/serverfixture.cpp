// SPDX-License-Identifier: Apache-2.0
#include "serverfixture.h"

#include "database.h"
#include "passwordhasher.h"
#include "server.h"
#include "userrepository.h"

#include <QSignalSpy>

using namespace Qt::StringLiterals;

namespace confab::test {

ServerFixture::ServerFixture()
{
    config.listenAddress = QHostAddress::LocalHost;
    config.listenPort = 0;
    config.dataDir = dataDir.path();
    config.kdfMemoryKiB = 64;
    config.kdfIterations = 1;
    // Most tests publish more than the default burst; the rate-limit test sets its own.
    config.limits.ratePerSecond = 10000;
    config.limits.burst = 10000;
    // Failed sign-ins all come from 127.0.0.1: keep the throttle out of unrelated tests.
    config.maxFailures = 1000;

    m_accounts.push_back({u"alice"_s, Role::User, defaultPassword});
    m_accounts.push_back({u"bob"_s, Role::User, defaultPassword});
    m_accounts.push_back({u"carol"_s, Role::User, defaultPassword});
    m_accounts.push_back({u"dave"_s, Role::User, defaultPassword});
    m_accounts.push_back({u"root"_s, Role::Admin, defaultPassword});
}

ServerFixture::~ServerFixture() = default;

void ServerFixture::TearDown()
{
    for (const auto &client : m_clients) {
        EXPECT_TRUE(client->garbage().isEmpty())
            << "the server sent frames that are not JSON objects: "
            << client->garbage().join(u'\n').left(500).toStdString();
    }
    m_clients.clear();
    m_raw.clear();
    stopServer();
}

void ServerFixture::addUser(const QString &name, Role role, const QString &password)
{
    m_accounts.push_back({name, role, password});
}

void ServerFixture::start()
{
    ASSERT_TRUE(dataDir.isValid());
    {
        store::Database db;
        QString error;
        ASSERT_TRUE(db.open(dataDir.path() + u"/confab.db"_s, &error)) << error.toStdString();
        store::UserRepository users(db);
        for (const Account &account : m_accounts) {
            const QString hash =
                auth::PasswordHasher::hash(account.password, auth::KdfCost{64, 1, 1});
            ASSERT_FALSE(hash.isEmpty());
            const QString display = account.name.left(1).toUpper() + account.name.mid(1);
            ASSERT_TRUE(users.add(UserInfo{account.name, display, account.role}, hash, &error))
                << error.toStdString();
        }
        db.close();
    }
    server = std::make_unique<server::Server>(config);
    QString error;
    ASSERT_TRUE(server->start(&error)) << error.toStdString();
    url = server->url();
    ASSERT_TRUE(url.isValid());
    ASSERT_EQ(url.scheme(), u"ws"_s);
    ASSERT_EQ(url.path(), u"/ws"_s);
    ASSERT_NE(url.port(), 0);
}

void ServerFixture::stopServer()
{
    if (!server)
        return;
    QSignalSpy stopped(server.get(), &server::Server::stopped);
    server->stop();
    EXPECT_TRUE(stopped.count() > 0 || stopped.wait(5000))
        << "Server::stop() never emitted stopped()";
    server.reset();
}

TestClient *ServerFixture::connectClient()
{
    auto client = std::make_unique<TestClient>();
    if (!client->open(url)) {
        ADD_FAILURE() << "could not connect to " << url.toString().toStdString();
        return nullptr;
    }
    m_clients.push_back(std::move(client));
    return m_clients.back().get();
}

TestClient *ServerFixture::signIn(const QString &user, const QString &password)
{
    TestClient *client = connectClient();
    if (!client)
        return nullptr;
    const auto reply = client->hello(user, password);
    if (!reply || !isOk(*reply)) {
        ADD_FAILURE() << "hello as " << user.toStdString() << " failed: "
                      << (reply ? dump(*reply).toStdString() : std::string("no reply"));
        return nullptr;
    }
    return client;
}

TestClient *ServerFixture::signInAndJoin(const QString &user, const QStringList &channels)
{
    TestClient *client = signIn(user);
    if (!client)
        return nullptr;
    for (const QString &channel : channels) {
        if (!client->joinSynced(channel)) {
            ADD_FAILURE() << user.toStdString() << " could not join " << channel.toStdString();
            return nullptr;
        }
    }
    return client;
}

RawWsClient *ServerFixture::connectRaw()
{
    auto client = std::make_unique<RawWsClient>();
    if (!client->open(url)) {
        ADD_FAILURE() << "raw client could not connect to " << url.toString().toStdString();
        return nullptr;
    }
    m_raw.push_back(std::move(client));
    return m_raw.back().get();
}

QJsonObject ServerFixture::expectOk(TestClient *client, const QJsonObject &frame)
{
    if (!client) {
        ADD_FAILURE() << "no client";
        return {};
    }
    const auto reply = client->request(frame);
    if (!reply) {
        ADD_FAILURE() << "no reply to " << dump(frame).toStdString();
        return {};
    }
    EXPECT_TRUE(isOk(*reply)) << dump(frame).toStdString() << " -> " << dump(*reply).toStdString();
    return reply->value("ok"_L1).toObject();
}

QJsonObject ServerFixture::expectError(TestClient *client, const QJsonObject &frame,
                                       const QString &code)
{
    if (!client) {
        ADD_FAILURE() << "no client";
        return {};
    }
    const auto reply = client->request(frame);
    if (!reply) {
        ADD_FAILURE() << "no reply to " << dump(frame).toStdString();
        return {};
    }
    EXPECT_EQ(errorCode(*reply), code)
        << dump(frame).toStdString() << " -> " << dump(*reply).toStdString();
    EXPECT_FALSE(reply->contains("ok"_L1)) << dump(*reply).toStdString();
    EXPECT_FALSE(reply->value("error"_L1).toObject().value("message"_L1).toString().isEmpty())
        << "error without a message: " << dump(*reply).toStdString();
    return *reply;
}

bool ServerFixture::serverStillServes(const QString &user)
{
    TestClient probe;
    if (!probe.open(url))
        return false;
    const auto reply = probe.hello(user, defaultPassword);
    if (!reply || !isOk(*reply))
        return false;
    const auto channels = probe.request(QJsonObject{{"t"_L1, "channels"_L1}});
    return channels && isOk(*channels);
}

} // namespace confab::test
