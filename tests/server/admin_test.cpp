// SPDX-License-Identifier: Apache-2.0
// Admin: watch (snapshot and admin.presence events), unwatch, stats, kick, user management,
// and forbidden for everyone else.

#include "serverfixture.h"

#include <QJsonArray>

#include <map>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

class Admin : public ServerFixture
{
protected:
    static QJsonObject frame(const char *type, const QJsonObject &fields = {})
    {
        QJsonObject f = fields;
        f.insert("t"_L1, QLatin1StringView(type));
        return f;
    }

    static QJsonObject userIn(const QJsonObject &watchOk, const QString &name)
    {
        for (const QJsonValue &v : watchOk.value("users"_L1).toArray()) {
            if (v.toObject().value("user"_L1).toString() == name)
                return v.toObject();
        }
        return {};
    }

    static FramePredicate adminEvent(const QString &event, const QString &user)
    {
        return [=](const QJsonObject &f) {
            return f.value("event"_L1).toString() == event && f.value("user"_L1).toString() == user;
        };
    }
};

TEST_F(Admin, NonAdminsAreForbidden)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signIn(u"alice"_s);
    ASSERT_TRUE(alice);
    expectError(alice, frame("admin.watch"), u"forbidden"_s);
    expectError(alice, frame("admin.unwatch"), u"forbidden"_s);
    expectError(alice, frame("admin.stats"), u"forbidden"_s);
    expectError(alice, frame("admin.kick", {{"user"_L1, "bob"_L1}}), u"forbidden"_s);
    expectError(alice,
                frame("admin.user",
                      {{"action"_L1, "role"_L1}, {"user"_L1, "alice"_L1}, {"role"_L1, "admin"_L1}}),
                u"forbidden"_s);
    EXPECT_TRUE(alice->isConnected());
    // Still a user.
    TestClient *again = signIn(u"alice"_s);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->helloOk().value("user"_L1).toObject().value("role"_L1).toString(), u"user"_s);
}

TEST_F(Admin, StatsReportsConnectionsUsersUptimeAndDatabaseSize)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *root = signIn(u"root"_s);
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *aliceToo = signIn(u"alice"_s);
    ASSERT_TRUE(root && alice && aliceToo);
    ASSERT_TRUE(alice->publish(u"general"_s, u"counted"_s));

    const QJsonObject ok = expectOk(root, frame("admin.stats"));
    EXPECT_EQ(ok.value("connections"_L1).toInteger(-1), 3) << dump(ok).toStdString();
    EXPECT_EQ(ok.value("users_online"_L1).toInteger(-1), 2) << dump(ok).toStdString();
    EXPECT_TRUE(ok.value("messages_per_s"_L1).isDouble()) << dump(ok).toStdString();
    EXPECT_GE(ok.value("messages_per_s"_L1).toDouble(-1), 0.0);
    EXPECT_GE(ok.value("uptime_ms"_L1).toInteger(-1), 0);
    EXPECT_GT(ok.value("db_bytes"_L1).toInteger(-1), 0);
}

TEST_F(Admin, WatchGivesASnapshotThenConnectStatusAndDisconnectEventsUntilUnwatch)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *root = signIn(u"root"_s);
    ASSERT_TRUE(alice && root);
    expectOk(alice,
             QJsonObject{{"t"_L1, "presence"_L1}, {"status"_L1, "away"_L1}, {"text"_L1, "tea"_L1}});

    const QJsonObject snapshot = expectOk(root, frame("admin.watch"));
    const QJsonObject a = userIn(snapshot, u"alice"_s);
    ASSERT_FALSE(a.isEmpty()) << dump(snapshot).toStdString();
    EXPECT_EQ(a.value("status"_L1).toString(), u"away"_s);
    EXPECT_EQ(a.value("text"_L1).toString(), u"tea"_s);
    EXPECT_GT(a.value("since"_L1).toInteger(), 0);
    EXPECT_TRUE(a.contains("last_seen"_L1));
    const QJsonArray connections = a.value("connections"_L1).toArray();
    ASSERT_EQ(connections.size(), 1) << dump(a).toStdString();
    const QJsonObject c = connections.at(0).toObject();
    EXPECT_EQ(c.value("session"_L1).toString(), alice->session());
    EXPECT_EQ(c.value("client"_L1).toString(), u"confab-test/1"_s);
    EXPECT_TRUE(c.value("address"_L1).toString().contains(u"127.0.0.1"_s)) << dump(c).toStdString();
    EXPECT_GT(c.value("connected_since"_L1).toInteger(), 0);
    EXPECT_GE(c.value("idle_ms"_L1).toInteger(-1), 0);
    EXPECT_TRUE(c.value("channels"_L1).toArray().contains(u"general"_s)) << dump(c).toStdString();
    // Every user is listed, offline ones too.
    const QJsonObject dave = userIn(snapshot, u"dave"_s);
    ASSERT_FALSE(dave.isEmpty()) << dump(snapshot).toStdString();
    EXPECT_EQ(dave.value("status"_L1).toString(), u"offline"_s);
    EXPECT_TRUE(dave.value("connections"_L1).toArray().isEmpty());

    // connect
    TestClient *bob = signIn(u"bob"_s);
    ASSERT_TRUE(bob);
    auto event = root->waitFor(u"admin.presence"_s, adminEvent(u"connect"_s, u"bob"_s));
    ASSERT_TRUE(event);
    EXPECT_EQ(event->value("status"_L1).toString(), u"online"_s);
    EXPECT_EQ(event->value("connection"_L1).toObject().value("session"_L1).toString(),
              bob->session());
    EXPECT_FALSE(event->contains("id"_L1));

    // status
    expectOk(bob, QJsonObject{{"t"_L1, "presence"_L1}, {"status"_L1, "dnd"_L1}});
    // (Coming online may itself have been reported as a status change.)
    event = root->waitFor(u"admin.presence"_s, [](const QJsonObject &f) {
        return adminEvent(u"status"_s, u"bob"_s)(f) && f.value("status"_L1).toString() == "dnd"_L1;
    });
    ASSERT_TRUE(event);
    EXPECT_FALSE(event->contains("connection"_L1)) << dump(*event).toStdString();

    // disconnect
    const QString bobSession = bob->session();
    bob->close();
    event = root->waitFor(u"admin.presence"_s, adminEvent(u"disconnect"_s, u"bob"_s));
    ASSERT_TRUE(event);
    EXPECT_EQ(event->value("connection"_L1).toObject().value("session"_L1).toString(), bobSession);

    // unwatch: no more events. carol's connect happens before root's next reply.
    const QJsonObject unwatched = expectOk(root, frame("admin.unwatch"));
    EXPECT_TRUE(unwatched.isEmpty());
    TestClient *carol = signIn(u"carol"_s);
    ASSERT_TRUE(carol);
    expectOk(root, frame("admin.stats"));
    EXPECT_TRUE(root->receivedOf(u"admin.presence"_s,
                                 [](const QJsonObject &f) {
                                     return f.value("user"_L1).toString() == "carol"_L1;
                                 })
                    .isEmpty());
}

TEST_F(Admin, KickByUserClosesEveryConnectionOfTheUserWithByeAnd4002)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *root = signIn(u"root"_s);
    TestClient *a1 = signIn(u"alice"_s);
    TestClient *a2 = signIn(u"alice"_s);
    TestClient *bob = signIn(u"bob"_s);
    ASSERT_TRUE(root && a1 && a2 && bob);

    const QJsonObject ok = expectOk(root, frame("admin.kick", {{"user"_L1, "alice"_L1}}));
    EXPECT_EQ(ok.value("closed"_L1).toInteger(-1), 2) << dump(ok).toStdString();
    for (TestClient *c : {a1, a2}) {
        ASSERT_TRUE(c->waitForDisconnected());
        EXPECT_EQ(c->closeCode(), 4002);
        const QList<QJsonObject> byes = c->receivedOf(u"bye"_s);
        ASSERT_EQ(byes.size(), 1);
        EXPECT_EQ(byes.first().value("reason"_L1).toString(), u"kicked"_s);
        EXPECT_EQ(c->received().last().value("t"_L1).toString(), u"bye"_s)
            << "bye must be the last frame before the close";
    }
    EXPECT_TRUE(bob->isConnected());
    const auto channels = bob->request(QJsonObject{{"t"_L1, "channels"_L1}});
    ASSERT_TRUE(channels && isOk(*channels));
}

TEST_F(Admin, KickBySessionClosesOnlyThatConnection)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *root = signIn(u"root"_s);
    TestClient *a1 = signIn(u"alice"_s);
    TestClient *a2 = signIn(u"alice"_s);
    ASSERT_TRUE(root && a1 && a2);
    const QJsonObject ok = expectOk(root, frame("admin.kick", {{"session"_L1, a1->session()}}));
    EXPECT_EQ(ok.value("closed"_L1).toInteger(-1), 1);
    ASSERT_TRUE(a1->waitForDisconnected());
    EXPECT_EQ(a1->closeCode(), 4002);
    ASSERT_EQ(a1->receivedOf(u"bye"_s).size(), 1);
    EXPECT_TRUE(a2->isConnected());
    const auto reply = a2->request(QJsonObject{{"t"_L1, "channels"_L1}});
    ASSERT_TRUE(reply && isOk(*reply));

    // Nobody to kick: closed 0; neither field or both: bad_request.
    EXPECT_EQ(expectOk(root, frame("admin.kick", {{"session"_L1, "no-such-session"_L1}}))
                  .value("closed"_L1)
                  .toInteger(-1),
              0);
    expectError(root, frame("admin.kick"), u"bad_request"_s);
    expectError(root, frame("admin.kick", {{"user"_L1, "alice"_L1}, {"session"_L1, a2->session()}}),
                u"bad_request"_s);
}

TEST_F(Admin, KickBySessionLeavesHerOtherConnectionPublishingAndReceiving)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *root = signIn(u"root"_s);
    TestClient *kicked = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *kept = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(root && kicked && kept && bob);

    const QJsonObject ok = expectOk(root, frame("admin.kick", {{"session"_L1, kicked->session()}}));
    EXPECT_EQ(ok.value("closed"_L1).toInteger(-1), 1) << dump(ok).toStdString();
    ASSERT_TRUE(kicked->waitForDisconnected());
    EXPECT_EQ(kicked->closeCode(), 4002);
    ASSERT_EQ(kicked->receivedOf(u"bye"_s).size(), 1);
    EXPECT_EQ(kicked->receivedOf(u"bye"_s).first().value("reason"_L1).toString(), u"kicked"_s);

    // The other connection was neither told nor closed: it publishes and receives.
    EXPECT_TRUE(kept->isConnected()) << "closed with " << kept->closeCode();
    const auto published = kept->publish(u"general"_s, u"still here"_s);
    ASSERT_TRUE(published);
    ASSERT_TRUE(isOk(*published)) << dump(*published).toStdString();
    const qint64 seq = published->value("ok"_L1).toObject().value("seq"_L1).toInteger();
    auto bySeq = [](qint64 s) {
        return [s](const QJsonObject &m) { return m.value("seq"_L1).toInteger() == s; };
    };
    ASSERT_TRUE(kept->waitFor(u"msg"_s, bySeq(seq)));
    ASSERT_TRUE(bob->waitFor(u"msg"_s, bySeq(seq)));
    const auto fromBob = bob->publish(u"general"_s, u"welcome back"_s);
    ASSERT_TRUE(fromBob && isOk(*fromBob));
    const auto received = kept->waitFor(
        u"msg"_s, bySeq(fromBob->value("ok"_L1).toObject().value("seq"_L1).toInteger()));
    ASSERT_TRUE(received);
    EXPECT_EQ(received->value("from"_L1).toString(), u"bob"_s);
    EXPECT_TRUE(kept->receivedOf(u"bye"_s).isEmpty());
}

TEST_F(Admin, DemotedWatcherLosesTheStreamOnBothConnections)
{
    addUser(u"ops"_s, confab::Role::Admin);
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *root = signIn(u"root"_s);
    TestClient *ops = signIn(u"ops"_s);
    TestClient *opsToo = signIn(u"ops"_s);
    ASSERT_TRUE(root && ops && opsToo);
    expectOk(root, frame("admin.watch"));
    expectOk(ops, frame("admin.watch"));
    expectOk(opsToo, frame("admin.watch"));
    // Both streams work before.
    TestClient *carol = signIn(u"carol"_s);
    ASSERT_TRUE(carol);
    std::map<TestClient *, qsizetype> before;
    for (TestClient *c : {ops, opsToo}) {
        ASSERT_TRUE(c->waitFor(u"admin.presence"_s, adminEvent(u"connect"_s, u"carol"_s)));
        expectOk(c, QJsonObject{{"t"_L1, "channels"_L1}}); // nothing else in flight
        before[c] = c->receivedOf(u"admin.presence"_s).size();
    }

    const QJsonObject ok = expectOk(
        root, frame("admin.user",
                    {{"action"_L1, "role"_L1}, {"user"_L1, "ops"_L1}, {"role"_L1, "user"_L1}}));
    EXPECT_EQ(ok.value("user"_L1).toObject().value("role"_L1).toString(), u"user"_s);

    // dave comes, carol changes status and goes: none of it reaches either connection.
    TestClient *dave = signIn(u"dave"_s);
    ASSERT_TRUE(dave);
    expectOk(carol, QJsonObject{{"t"_L1, "presence"_L1}, {"status"_L1, "dnd"_L1}});
    carol->close();
    ASSERT_TRUE(carol->waitForDisconnected());
    // root, still an admin, sees carol's disconnect: the server has handled it.
    ASSERT_TRUE(root->waitFor(u"admin.presence"_s, adminEvent(u"disconnect"_s, u"carol"_s)));
    for (TestClient *c : {ops, opsToo}) {
        // A reply on each connection is a barrier for the events sent before it.
        expectError(c, frame("admin.stats"), u"forbidden"_s);
        expectError(c, frame("admin.watch"), u"forbidden"_s);
        EXPECT_TRUE(c->isConnected()) << "demotion is not a kick";
        EXPECT_EQ(c->receivedOf(u"admin.presence"_s).size(), before[c])
            << "a demoted watcher still got admin.presence events";
    }
}

TEST_F(Admin, PromotedUserCanWatchFromEitherConnectionAtOnce)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *root = signIn(u"root"_s);
    TestClient *alice = signIn(u"alice"_s);
    TestClient *aliceToo = signIn(u"alice"_s);
    ASSERT_TRUE(root && alice && aliceToo);
    expectError(aliceToo, frame("admin.watch"), u"forbidden"_s);

    expectOk(root,
             frame("admin.user",
                   {{"action"_L1, "role"_L1}, {"user"_L1, "alice"_L1}, {"role"_L1, "admin"_L1}}));
    // Neither connection signs in again: the new role applies to both at once.
    for (TestClient *c : {aliceToo, alice}) {
        const QJsonObject snapshot = expectOk(c, frame("admin.watch"));
        EXPECT_EQ(userIn(snapshot, u"alice"_s).value("connections"_L1).toArray().size(), 2)
            << dump(snapshot).toStdString();
    }
    TestClient *bob = signIn(u"bob"_s);
    ASSERT_TRUE(bob);
    for (TestClient *c : {alice, aliceToo})
        EXPECT_TRUE(c->waitFor(u"admin.presence"_s, adminEvent(u"connect"_s, u"bob"_s)));
}

TEST_F(Admin, DisableClosesBothConnectionsAndNeitherTokenSignsIn)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *root = signIn(u"root"_s);
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *aliceToo = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *bob = signInAndJoin(u"bob"_s, {u"general"_s});
    ASSERT_TRUE(root && alice && aliceToo && bob);
    const QStringList tokens{alice->token(), aliceToo->token()};

    expectOk(root, frame("admin.user", {{"action"_L1, "disable"_L1}, {"user"_L1, "alice"_L1}}));
    for (TestClient *c : {alice, aliceToo}) {
        ASSERT_TRUE(c->waitForDisconnected());
        EXPECT_EQ(c->closeCode(), 4002);
        ASSERT_EQ(c->receivedOf(u"bye"_s).size(), 1);
        EXPECT_EQ(c->receivedOf(u"bye"_s).first().value("reason"_L1).toString(), u"kicked"_s);
        EXPECT_EQ(c->received().last().value("t"_L1).toString(), u"bye"_s);
    }
    for (const QString &token : tokens) {
        TestClient *probe = connectClient();
        ASSERT_TRUE(probe);
        const auto reply = probe->helloToken(token);
        ASSERT_TRUE(reply);
        EXPECT_EQ(errorCode(*reply), u"unauthorized"_s) << dump(*reply).toStdString();
    }
    TestClient *probe = connectClient();
    ASSERT_TRUE(probe);
    const auto reply = probe->hello(u"alice"_s, defaultPassword);
    ASSERT_TRUE(reply);
    EXPECT_FALSE(isOk(*reply)) << dump(*reply).toStdString();
    EXPECT_TRUE(bob->isConnected());
}

TEST_F(Admin, PasswordResetClosesBothConnectionsAndNeitherOldTokenSignsIn)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *root = signIn(u"root"_s);
    TestClient *alice = signIn(u"alice"_s);
    TestClient *aliceToo = signIn(u"alice"_s);
    ASSERT_TRUE(root && alice && aliceToo);
    const QStringList tokens{alice->token(), aliceToo->token()};

    expectOk(root, frame("admin.user", {{"action"_L1, "password"_L1},
                                        {"user"_L1, "alice"_L1},
                                        {"password"_L1, "brand-new-1"_L1}}));
    for (TestClient *c : {alice, aliceToo}) {
        ASSERT_TRUE(c->waitForDisconnected());
        EXPECT_EQ(c->closeCode(), 4002);
        ASSERT_EQ(c->receivedOf(u"bye"_s).size(), 1);
        EXPECT_EQ(c->receivedOf(u"bye"_s).first().value("reason"_L1).toString(), u"kicked"_s);
    }
    for (const QString &token : tokens) {
        TestClient *probe = connectClient();
        ASSERT_TRUE(probe);
        const auto reply = probe->helloToken(token);
        ASSERT_TRUE(reply);
        EXPECT_EQ(errorCode(*reply), u"unauthorized"_s) << dump(*reply).toStdString();
    }
    EXPECT_TRUE(signIn(u"alice"_s, u"brand-new-1"_s));
}

TEST_F(Admin, UserAddSetRoleResetPasswordAndDisable)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *root = signIn(u"root"_s);
    ASSERT_TRUE(root);

    QJsonObject ok = expectOk(root, frame("admin.user", {{"action"_L1, "add"_L1},
                                                         {"user"_L1, "gina"_L1},
                                                         {"password"_L1, "gina-secret"_L1},
                                                         {"display"_L1, "Gina"_L1}}));
    EXPECT_EQ(ok.value("user"_L1).toObject().value("name"_L1).toString(), u"gina"_s);
    EXPECT_EQ(ok.value("user"_L1).toObject().value("role"_L1).toString(), u"user"_s);
    EXPECT_FALSE(ok.value("disabled"_L1).toBool());
    expectError(
        root,
        frame("admin.user",
              {{"action"_L1, "add"_L1}, {"user"_L1, "gina"_L1}, {"password"_L1, "gina-secret"_L1}}),
        u"conflict"_s);
    TestClient *gina = signIn(u"gina"_s, u"gina-secret"_s);
    ASSERT_TRUE(gina);

    ok = expectOk(
        root, frame("admin.user",
                    {{"action"_L1, "role"_L1}, {"user"_L1, "gina"_L1}, {"role"_L1, "admin"_L1}}));
    EXPECT_EQ(ok.value("user"_L1).toObject().value("role"_L1).toString(), u"admin"_s);
    TestClient *ginaAdmin = signIn(u"gina"_s, u"gina-secret"_s);
    ASSERT_TRUE(ginaAdmin);
    expectOk(ginaAdmin, frame("admin.stats"));

    // A password reset revokes her tokens and closes her connections (bye kicked).
    const QString oldToken = ginaAdmin->token();
    expectOk(root, frame("admin.user", {{"action"_L1, "password"_L1},
                                        {"user"_L1, "gina"_L1},
                                        {"password"_L1, "new-secret-1"_L1}}));
    for (TestClient *c : {gina, ginaAdmin}) {
        ASSERT_TRUE(c->waitForDisconnected());
        EXPECT_EQ(c->closeCode(), 4002);
        ASSERT_EQ(c->receivedOf(u"bye"_s).size(), 1);
        EXPECT_EQ(c->receivedOf(u"bye"_s).first().value("reason"_L1).toString(), u"kicked"_s);
    }
    TestClient *probe = connectClient();
    ASSERT_TRUE(probe);
    auto reply = probe->helloToken(oldToken);
    ASSERT_TRUE(reply);
    EXPECT_EQ(errorCode(*reply), u"unauthorized"_s);
    reply = probe->hello(u"gina"_s, u"gina-secret"_s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(errorCode(*reply), u"unauthorized"_s);
    TestClient *ginaNew = signIn(u"gina"_s, u"new-secret-1"_s);
    ASSERT_TRUE(ginaNew);

    // Disable: connections closed, sign-in refused.
    ok = expectOk(root, frame("admin.user", {{"action"_L1, "disable"_L1}, {"user"_L1, "gina"_L1}}));
    EXPECT_TRUE(ok.value("disabled"_L1).toBool());
    ASSERT_TRUE(ginaNew->waitForDisconnected());
    EXPECT_EQ(ginaNew->closeCode(), 4002);
    TestClient *refused = connectClient();
    ASSERT_TRUE(refused);
    reply = refused->hello(u"gina"_s, u"new-secret-1"_s);
    ASSERT_TRUE(reply);
    EXPECT_FALSE(isOk(*reply)) << dump(*reply).toStdString();

    // Enable again.
    ok = expectOk(root, frame("admin.user", {{"action"_L1, "enable"_L1}, {"user"_L1, "gina"_L1}}));
    EXPECT_FALSE(ok.value("disabled"_L1).toBool());
    EXPECT_TRUE(signIn(u"gina"_s, u"new-secret-1"_s));

    expectError(
        root,
        frame("admin.user",
              {{"action"_L1, "role"_L1}, {"user"_L1, "nobody"_L1}, {"role"_L1, "admin"_L1}}),
        u"not_found"_s);
}

} // namespace
