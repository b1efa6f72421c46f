// SPDX-License-Identifier: Apache-2.0
// Session: hello (password, token), register, logout, the hello timeout and failed hellos.

#include "serverfixture.h"

#include "database.h"
#include "tokenrepository.h"

#include <QElapsedTimer>
#include <QJsonArray>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

QJsonObject helloFrame(const QJsonObject &auth)
{
    return QJsonObject{
        {"t"_L1, "hello"_L1}, {"v"_L1, 1}, {"auth"_L1, auth}, {"client"_L1, "confab-test/1"_L1}};
}

QJsonObject passwordAuth(const QString &user, const QString &password)
{
    return QJsonObject{{"user"_L1, user}, {"password"_L1, password}};
}

class Session : public ServerFixture
{};

TEST_F(Session, SubprotocolConfabV1IsAccepted)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *client = connectClient();
    ASSERT_TRUE(client);
    EXPECT_EQ(client->acceptedSubprotocol(), u"confab.v1"_s);
}

TEST_F(Session, HelloWithPasswordReturnsTokenSessionLimitsAndChannels)
{
    config.heartbeatMs = 12345;
    config.limits.text = 1000;
    config.limits.catchup = 77;
    config.limits.historyPage = 88;
    config.limits.ratePerSecond = 7;
    config.limits.burst = 9;
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *client = connectClient();
    ASSERT_TRUE(client);
    const auto reply = client->hello(u"alice"_s, defaultPassword);
    ASSERT_TRUE(reply);
    ASSERT_TRUE(isOk(*reply)) << dump(*reply).toStdString();
    EXPECT_EQ(reply->value("id"_L1).toInteger(), 1);
    const QJsonObject ok = reply->value("ok"_L1).toObject();

    EXPECT_FALSE(ok.contains("name"_L1)) << "no server name was set";
    const QJsonObject user = ok.value("user"_L1).toObject();
    EXPECT_EQ(user.value("name"_L1).toString(), u"alice"_s);
    EXPECT_EQ(user.value("display"_L1).toString(), u"Alice"_s);
    EXPECT_EQ(user.value("role"_L1).toString(), u"user"_s);

    // >= 128 random bits: at least 22 base64 characters (or 32 hex).
    EXPECT_GE(ok.value("token"_L1).toString().size(), 22) << dump(ok).toStdString();
    EXPECT_FALSE(ok.value("session"_L1).toString().isEmpty());
    EXPECT_EQ(ok.value("heartbeat_ms"_L1).toInt(), 12345);
    EXPECT_TRUE(ok.value("server"_L1).toString().startsWith(u"confabd/"_s))
        << ok.value("server"_L1).toString().toStdString();

    const QJsonObject limits = ok.value("limits"_L1).toObject();
    EXPECT_EQ(limits.value("frame"_L1).toInt(), config.limits.frame);
    EXPECT_EQ(limits.value("text"_L1).toInt(), 1000);
    EXPECT_EQ(limits.value("rate_per_s"_L1).toInt(), 7);
    EXPECT_EQ(limits.value("burst"_L1).toInt(), 9);
    EXPECT_EQ(limits.value("catchup"_L1).toInt(), 77);
    EXPECT_EQ(limits.value("history_page"_L1).toInt(), 88);

    bool general = false;
    for (const QJsonValue &v : ok.value("channels"_L1).toArray()) {
        const QJsonObject channel = v.toObject();
        if (channel.value("name"_L1).toString() == "general"_L1) {
            general = true;
            EXPECT_TRUE(channel.contains("topic"_L1));
            EXPECT_EQ(channel.value("last_seq"_L1).toInteger(-1), 0);
        }
    }
    EXPECT_TRUE(general) << "channels lacks general: " << dump(ok).toStdString();
}

TEST_F(Session, TwoConnectionsGetDistinctSessionsAndTokens)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *a = signIn(u"alice"_s);
    TestClient *b = signIn(u"alice"_s);
    ASSERT_TRUE(a && b);
    EXPECT_NE(a->session(), b->session());
    EXPECT_NE(a->token(), b->token());
}

TEST_F(Session, HelloCarriesTheServersNameWhenOneIsSet)
{
    config.serverName = u"Design team ✏️"_s;
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *client = connectClient();
    ASSERT_TRUE(client);
    const auto named = client->hello(u"alice"_s, defaultPassword);
    ASSERT_TRUE(named && isOk(*named));
    EXPECT_EQ(named->value("ok"_L1)[u"name"_s].toString(), u"Design team ✏️"_s);
}

TEST_F(Session, HelloWithTokenWorksOnANewConnectionAndIssuesNoToken)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *first = signIn(u"bob"_s);
    ASSERT_TRUE(first);
    const QString token = first->token();
    ASSERT_FALSE(token.isEmpty());

    TestClient *second = connectClient();
    ASSERT_TRUE(second);
    const auto reply = second->helloToken(token);
    ASSERT_TRUE(reply);
    ASSERT_TRUE(isOk(*reply)) << dump(*reply).toStdString();
    const QJsonObject ok = reply->value("ok"_L1).toObject();
    EXPECT_EQ(ok.value("user"_L1).toObject().value("name"_L1).toString(), u"bob"_s);
    EXPECT_FALSE(ok.contains("token"_L1)) << "a token sign-in must not issue a token";
    EXPECT_FALSE(ok.value("session"_L1).toString().isEmpty());
    EXPECT_NE(ok.value("session"_L1).toString(), first->session());
}

TEST_F(Session, WrongPasswordIsUnauthorizedAndTheConnectionStaysOpen)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *client = connectClient();
    ASSERT_TRUE(client);
    expectError(client, helloFrame(passwordAuth(u"alice"_s, u"wrong-password"_s)),
                u"unauthorized"_s);
    EXPECT_TRUE(client->isConnected());
    // Still not signed in.
    expectError(client, QJsonObject{{"t"_L1, "channels"_L1}}, u"not_ready"_s);
    // The right password now works on the same connection.
    const auto reply = client->hello(u"alice"_s, defaultPassword);
    ASSERT_TRUE(reply);
    EXPECT_TRUE(isOk(*reply)) << dump(*reply).toStdString();
}

TEST_F(Session, UnknownUserAndBadTokenAreUnauthorized)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *client = connectClient();
    ASSERT_TRUE(client);
    expectError(client, helloFrame(passwordAuth(u"nobody"_s, defaultPassword)), u"unauthorized"_s);
    expectError(client, helloFrame(QJsonObject{{"token"_L1, "AAAAAAAAAAAAAAAAAAAAAAAAAAAA"_L1}}),
                u"unauthorized"_s);
    EXPECT_TRUE(client->isConnected());
}

TEST_F(Session, RequestsBeforeHelloAreNotReady)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *client = connectClient();
    ASSERT_TRUE(client);
    const QJsonObject reply = expectError(
        client, QJsonObject{{"t"_L1, "join"_L1}, {"channel"_L1, "general"_L1}}, u"not_ready"_s);
    EXPECT_EQ(reply.value("id"_L1).toInteger(), 1);
    expectError(client,
                QJsonObject{{"t"_L1, "publish"_L1},
                            {"channel"_L1, "general"_L1},
                            {"cid"_L1, newCid()},
                            {"text"_L1, "x"_L1}},
                u"not_ready"_s);
    EXPECT_TRUE(client->isConnected());
    const auto hello = client->hello(u"alice"_s, defaultPassword);
    ASSERT_TRUE(hello);
    EXPECT_TRUE(isOk(*hello)) << dump(*hello).toStdString();
    // Nothing was stored by the publish before hello.
    const auto joined = client->join(u"general"_s);
    ASSERT_TRUE(joined && isOk(*joined));
    EXPECT_EQ(joined->value("ok"_L1).toObject().value("last_seq"_L1).toInteger(-1), 0);
}

TEST_F(Session, FramesSentRightAfterHelloWaitForItAndRepliesKeepRequestOrder)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *client = connectClient();
    ASSERT_TRUE(client);
    // Pipelined: hello (slow: password hashing), then requests without waiting for it.
    const qint64 helloId =
        client->sendRequest(helloFrame(passwordAuth(u"alice"_s, defaultPassword)));
    const qint64 joinId =
        client->sendRequest(QJsonObject{{"t"_L1, "join"_L1}, {"channel"_L1, "general"_L1}});
    const qint64 publishId = client->sendPublish(u"general"_s, u"first"_s);
    const qint64 channelsId = client->sendRequest(QJsonObject{{"t"_L1, "channels"_L1}});
    const auto channels = client->waitForReply(channelsId);
    ASSERT_TRUE(channels);

    QList<qint64> order;
    for (const QJsonObject &f : client->received()) {
        if (f.value("t"_L1).toString() == "reply"_L1)
            order.append(f.value("id"_L1).toInteger());
    }
    EXPECT_EQ(order, (QList<qint64>{helloId, joinId, publishId, channelsId}));
    for (const QJsonObject &f : client->receivedOf(u"reply"_s))
        EXPECT_TRUE(isOk(f)) << dump(f).toStdString();
}

TEST_F(Session, NoHelloInTimeClosesWith4001)
{
    config.helloTimeoutMs = 300;
    ASSERT_NO_FATAL_FAILURE(start());
    QElapsedTimer elapsed;
    elapsed.start();
    TestClient *silent = connectClient();
    ASSERT_TRUE(silent);
    ASSERT_TRUE(silent->waitForDisconnected(300 + 5000));
    EXPECT_EQ(silent->closeCode(), 4001);
    EXPECT_GE(elapsed.elapsed(), 250);
    EXPECT_TRUE(serverStillServes());
}

TEST_F(Session, FailedHelloDoesNotStopTheTimeoutButASuccessfulOneDoes)
{
    config.helloTimeoutMs = 400;
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *signedIn = connectClient();
    ASSERT_TRUE(signedIn);
    const auto ok = signedIn->hello(u"alice"_s, defaultPassword);
    ASSERT_TRUE(ok && isOk(*ok));
    // A connection with only a failed hello, opened after the signed-in one: its timeout
    // fires after the signed-in connection's would have.
    TestClient *failed = connectClient();
    ASSERT_TRUE(failed);
    expectError(failed, helloFrame(passwordAuth(u"alice"_s, u"nope-nope"_s)), u"unauthorized"_s);
    ASSERT_TRUE(failed->waitForDisconnected(400 + 5000));
    EXPECT_EQ(failed->closeCode(), 4001);
    EXPECT_TRUE(signedIn->isConnected()) << "closed with " << signedIn->closeCode();
    const auto reply = signedIn->request(QJsonObject{{"t"_L1, "channels"_L1}});
    ASSERT_TRUE(reply);
    EXPECT_TRUE(isOk(*reply));
}

TEST_F(Session, ThreeFailedHellosClose1008)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *client = connectClient();
    ASSERT_TRUE(client);
    expectError(client, helloFrame(passwordAuth(u"alice"_s, u"wrong-1x"_s)), u"unauthorized"_s);
    expectError(client, helloFrame(passwordAuth(u"alice"_s, u"wrong-2x"_s)), u"unauthorized"_s);
    EXPECT_TRUE(client->isConnected());
    client->sendRequest(helloFrame(passwordAuth(u"alice"_s, u"wrong-3x"_s)));
    ASSERT_TRUE(client->waitForDisconnected());
    EXPECT_EQ(client->closeCode(), 1008);
    EXPECT_TRUE(serverStillServes(u"alice"_s));
}

TEST_F(Session, HelloWithAnotherVersionIsUnsupported)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *client = connectClient();
    ASSERT_TRUE(client);
    QJsonObject frame = helloFrame(passwordAuth(u"alice"_s, defaultPassword));
    frame.insert("v"_L1, 2);
    expectError(client, frame, u"unsupported"_s);
    EXPECT_TRUE(client->isConnected());
}

TEST_F(Session, RegisterWithOpenRegistrationCreatesAnAccount)
{
    config.openRegistration = true;
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *client = connectClient();
    ASSERT_TRUE(client);
    const QJsonObject ok = expectOk(client, QJsonObject{{"t"_L1, "register"_L1},
                                                        {"user"_L1, "erin"_L1},
                                                        {"password"_L1, "correct horse"_L1},
                                                        {"display"_L1, "Erin E."_L1}});
    const QJsonObject user = ok.value("user"_L1).toObject();
    EXPECT_EQ(user.value("name"_L1).toString(), u"erin"_s);
    EXPECT_EQ(user.value("display"_L1).toString(), u"Erin E."_s);
    EXPECT_EQ(user.value("role"_L1).toString(), u"user"_s);

    // Registering does not sign in.
    expectError(client, QJsonObject{{"t"_L1, "channels"_L1}}, u"not_ready"_s);
    const auto hello = client->hello(u"erin"_s, u"correct horse"_s);
    ASSERT_TRUE(hello);
    EXPECT_TRUE(isOk(*hello)) << dump(*hello).toStdString();

    TestClient *other = connectClient();
    ASSERT_TRUE(other);
    expectError(other,
                QJsonObject{{"t"_L1, "register"_L1},
                            {"user"_L1, "erin"_L1},
                            {"password"_L1, "another password"_L1}},
                u"conflict"_s);
    expectError(other,
                QJsonObject{{"t"_L1, "register"_L1},
                            {"user"_L1, "Not A Name"_L1},
                            {"password"_L1, "another password"_L1}},
                u"bad_request"_s);
    expectError(
        other,
        QJsonObject{{"t"_L1, "register"_L1}, {"user"_L1, "frank"_L1}, {"password"_L1, "short"_L1}},
        u"bad_request"_s);
    // The user name as the password: refused, and no account is made (a later register with
    // a good password succeeds).
    expectError(other,
                QJsonObject{{"t"_L1, "register"_L1},
                            {"user"_L1, "gertrude"_L1},
                            {"password"_L1, "Gertrude"_L1}},
                u"bad_request"_s);
    expectOk(other, QJsonObject{{"t"_L1, "register"_L1},
                                {"user"_L1, "gertrude"_L1},
                                {"password"_L1, "a better password"_L1}});
}

TEST_F(Session, RegisterWithoutOpenRegistrationIsForbidden)
{
    config.openRegistration = false;
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *client = connectClient();
    ASSERT_TRUE(client);
    expectError(client,
                QJsonObject{{"t"_L1, "register"_L1},
                            {"user"_L1, "erin"_L1},
                            {"password"_L1, "correct horse"_L1}},
                u"forbidden"_s);
    const auto hello = client->hello(u"erin"_s, u"correct horse"_s);
    ASSERT_TRUE(hello);
    EXPECT_EQ(errorCode(*hello), u"unauthorized"_s);
}

TEST_F(Session, LogoutRepliesClosesWith1000AndRevokesTheToken)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *client = signIn(u"alice"_s);
    ASSERT_TRUE(client);
    const QString token = client->token();
    // Another token of the same user stays valid.
    TestClient *other = signIn(u"alice"_s);
    ASSERT_TRUE(other);
    const QString otherToken = other->token();

    const QJsonObject ok = expectOk(client, QJsonObject{{"t"_L1, "logout"_L1}});
    EXPECT_TRUE(ok.isEmpty()) << dump(ok).toStdString();
    ASSERT_TRUE(client->waitForDisconnected());
    EXPECT_EQ(client->closeCode(), 1000);

    TestClient *again = connectClient();
    ASSERT_TRUE(again);
    const auto revoked = again->helloToken(token);
    ASSERT_TRUE(revoked);
    EXPECT_EQ(errorCode(*revoked), u"unauthorized"_s) << dump(*revoked).toStdString();

    TestClient *third = connectClient();
    ASSERT_TRUE(third);
    const auto stillValid = third->helloToken(otherToken);
    ASSERT_TRUE(stillValid);
    EXPECT_TRUE(isOk(*stillValid)) << dump(*stillValid).toStdString();
}

TEST_F(Session, LogoutEndsHerOtherConnectionsThatUseTheSameTokenAtOnce)
{
    // No database change beside the server is needed: the logout itself ends them.
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *first = signInAndJoin(u"alice"_s, {u"general"_s});
    ASSERT_TRUE(first);
    TestClient *sameToken = connectClient();
    ASSERT_TRUE(sameToken);
    const auto hello = sameToken->helloToken(first->token());
    ASSERT_TRUE(hello && isOk(*hello));
    TestClient *ownToken = signIn(u"alice"_s);
    ASSERT_TRUE(ownToken);

    expectOk(first, QJsonObject{{"t"_L1, "logout"_L1}});
    ASSERT_TRUE(sameToken->waitForDisconnected(1000)) << "still open after the logout";
    EXPECT_EQ(sameToken->closeCode(), 1000);
    EXPECT_TRUE(ownToken->isConnected()) << "a connection with its own token stays";
}

TEST_F(Session, LogoutOnOneConnectionLeavesHerOtherConnectionWithItsOwnTokenWorking)
{
    // logout revokes the token this connection signed in with, no other: her other
    // connection (signed in with a password, so with its own token) stays signed in, now
    // and after the server's check of open sessions against the tokens that still exist.
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *leaving = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *staying = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *dave = signIn(u"dave"_s);
    ASSERT_TRUE(leaving && staying && dave);
    const QString leavingToken = leaving->token();
    const QString stayingToken = staying->token();
    ASSERT_NE(leavingToken, stayingToken);

    const QJsonObject ok = expectOk(leaving, QJsonObject{{"t"_L1, "logout"_L1}});
    EXPECT_TRUE(ok.isEmpty()) << dump(ok).toStdString();
    ASSERT_TRUE(leaving->waitForDisconnected());
    EXPECT_EQ(leaving->closeCode(), 1000);
    TestClient *probe = connectClient();
    ASSERT_TRUE(probe);
    const auto revoked = probe->helloToken(leavingToken);
    ASSERT_TRUE(revoked);
    EXPECT_EQ(errorCode(*revoked), u"unauthorized"_s) << dump(*revoked).toStdString();

    // The server looks for revoked tokens of open sessions when the database changed beside
    // it: revoke dave's token there, and dave's close shows that the check ran.
    {
        confab::store::Database db;
        QString error;
        ASSERT_TRUE(db.open(dataDir.path() + u"/confab.db"_s, &error)) << error.toStdString();
        ASSERT_TRUE(confab::store::TokenRepository(db).revoke(dave->token()));
    }
    ASSERT_TRUE(dave->waitForDisconnected(2000 + 5000)) << "the session check never ran";
    EXPECT_EQ(dave->closeCode(), 4002);

    EXPECT_TRUE(staying->isConnected()) << "closed with " << staying->closeCode();
    EXPECT_TRUE(staying->receivedOf(u"bye"_s).isEmpty());
    const auto published = staying->publish(u"general"_s, u"still signed in"_s);
    ASSERT_TRUE(published);
    ASSERT_TRUE(isOk(*published)) << dump(*published).toStdString();
    ASSERT_TRUE(staying->waitFor(u"msg"_s, [](const QJsonObject &m) {
        return m.value("text"_L1).toString() == "still signed in"_L1;
    }));
    TestClient *again = connectClient();
    ASSERT_TRUE(again);
    const auto valid = again->helloToken(stayingToken);
    ASSERT_TRUE(valid);
    EXPECT_TRUE(isOk(*valid)) << dump(*valid).toStdString();
}

} // namespace

TEST_F(Session, RepeatedFailedSignInsAreThrottledPerUserWithRetryMs)
{
    config.maxFailures = 2;
    config.failureWindowS = 60;
    ASSERT_NO_FATAL_FAILURE(start());
    // Two failures, on two connections so the per-connection limit of three never closes.
    for (int i = 0; i < 2; ++i) {
        TestClient *client = connectClient();
        ASSERT_TRUE(client);
        expectError(client, helloFrame(passwordAuth(u"alice"_s, u"wrong-password"_s)),
                    u"unauthorized"_s);
    }
    // Now even the right password is refused for a while, with a time to wait.
    TestClient *client = connectClient();
    ASSERT_TRUE(client);
    const QJsonObject reply = expectError(
        client, helloFrame(passwordAuth(u"alice"_s, defaultPassword)), u"rate_limited"_s);
    const qint64 retryMs = reply.value("error"_L1).toObject().value("retry_ms"_L1).toInteger();
    EXPECT_GT(retryMs, 0);
    EXPECT_LE(retryMs, 60 * 1000);
    // Another user is not affected: an address (every client here shares loopback) is
    // throttled only after four times as many failures, so a shared office NAT is not
    // locked out by one user's typos.
    EXPECT_TRUE(signIn(u"bob"_s));
}
