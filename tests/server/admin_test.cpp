// SPDX-License-Identifier: Apache-2.0
// Admin: watch (snapshot and admin.presence events, filters), unwatch, stats (request and
// event), kick, user management, and forbidden for everyone else.

#include "confabprocess.h"
#include "server.h"
#include "serverfixture.h"

#include <QFile>
#include <QJsonArray>
#include <QSslCertificate>
#include <QTemporaryDir>

#include <map>

using namespace Qt::StringLiterals;
using namespace confab::test;

// Readable names in failure messages (QStringList comparisons).
inline void PrintTo(const QString &text, std::ostream *os)
{
    *os << '"' << text.toStdString() << '"';
}

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

    /// The user names of a snapshot, sorted.
    static QStringList namesIn(const QJsonObject &watchOk)
    {
        QStringList names;
        for (const QJsonValue &v : watchOk.value("users"_L1).toArray())
            names.append(v.toObject().value("user"_L1).toString());
        names.sort();
        return names;
    }

    static QJsonObject presence(const char *status)
    {
        return {{"t"_L1, "presence"_L1}, {"status"_L1, QLatin1StringView(status)}};
    }

    static QJsonArray statuses(std::initializer_list<const char *> names)
    {
        QJsonArray array;
        for (const char *name : names)
            array.append(QLatin1StringView(name));
        return array;
    }

    /// The admin.presence events `watcher` has received about `user`, as "event:status".
    static QStringList eventsAbout(const TestClient *watcher, const QString &user)
    {
        QStringList events;
        for (const QJsonObject &f : watcher->receivedOf(u"admin.presence"_s)) {
            if (f.value("user"_L1).toString() == user)
                events.append(f.value("event"_L1).toString() + u':' +
                              f.value("status"_L1).toString());
        }
        return events;
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

    // The admin snapshot marks her account disabled, and only hers.
    const QJsonObject watch = expectOk(root, frame("admin.watch", {}));
    int marked = 0;
    for (const QJsonValue &user : watch.value("users"_L1).toArray()) {
        const bool disabled = user.toObject().value("disabled"_L1).toBool();
        EXPECT_EQ(disabled, user.toObject().value("user"_L1).toString() == u"alice"_s)
            << dump(user.toObject()).toStdString();
        marked += disabled ? 1 : 0;
    }
    EXPECT_EQ(marked, 1);
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

TEST_F(Admin, WatchFiltersTheSnapshotByStatusUserGlobChannelAndIdleTime)
{
    addUser(u"anna"_s);
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *root = signIn(u"root"_s);
    TestClient *alice = signIn(u"alice"_s);
    TestClient *bob = signIn(u"bob"_s);
    TestClient *dave = signIn(u"dave"_s);
    ASSERT_TRUE(root && alice && bob && dave);
    expectOk(alice, presence("away"));
    expectOk(dave, presence("dnd"));
    // ops: root (its creator) and bob.
    expectOk(root, QJsonObject{{"t"_L1, "create"_L1}, {"channel"_L1, "ops"_L1}});
    ASSERT_TRUE(bob->joinSynced(u"ops"_s));
    const auto watch = [&](const QJsonObject &filter) {
        return expectOk(root, frame("admin.watch", filter));
    };

    // Unfiltered: every account (carol and anna never signed in).
    EXPECT_EQ(namesIn(watch({})),
              (QStringList{u"alice"_s, u"anna"_s, u"bob"_s, u"carol"_s, u"dave"_s, u"root"_s}));
    // status: any of those listed.
    EXPECT_EQ(namesIn(watch({{"status"_L1, statuses({"away", "dnd"})}})),
              (QStringList{u"alice"_s, u"dave"_s}));
    EXPECT_EQ(namesIn(watch({{"status"_L1, statuses({"offline"})}})),
              (QStringList{u"anna"_s, u"carol"_s}));
    // user: `*` and `?`, case-insensitive, the whole name; other characters are literal.
    EXPECT_EQ(namesIn(watch({{"user"_L1, "A*"_L1}})), (QStringList{u"alice"_s, u"anna"_s}));
    EXPECT_EQ(namesIn(watch({{"user"_L1, "?o?"_L1}})), QStringList{u"bob"_s});
    EXPECT_EQ(namesIn(watch({{"user"_L1, "*o*"_L1}})),
              (QStringList{u"bob"_s, u"carol"_s, u"root"_s}));
    EXPECT_EQ(namesIn(watch({{"user"_L1, "o"_L1}})), QStringList{});
    EXPECT_EQ(namesIn(watch({{"user"_L1, "al.ce"_L1}})), QStringList{});
    // channel: its members.
    EXPECT_EQ(namesIn(watch({{"channel"_L1, "ops"_L1}})), (QStringList{u"bob"_s, u"root"_s}));
    expectError(root, frame("admin.watch", {{"channel"_L1, "no-such-channel"_L1}}), u"not_found"_s);
    // Every field given must match.
    EXPECT_EQ(namesIn(watch({{"status"_L1, statuses({"online"})}, {"user"_L1, "*o*"_L1}})),
              (QStringList{u"bob"_s, u"root"_s}));
    EXPECT_EQ(namesIn(watch({{"channel"_L1, "ops"_L1}, {"user"_L1, "b*"_L1}})),
              QStringList{u"bob"_s});

    // The snapshot's figures are the whole server's, whatever the filter.
    const QJsonObject filtered = watch({{"user"_L1, "bob"_L1}});
    const QJsonObject stats = filtered.value("stats"_L1).toObject();
    EXPECT_EQ(stats.value("connections"_L1).toInteger(-1), 4) << dump(filtered).toStdString();
    EXPECT_EQ(stats.value("users_away"_L1).toInteger(-1), 1) << dump(filtered).toStdString();
    EXPECT_EQ(stats.value("users_offline"_L1).toInteger(-1), 2) << dump(filtered).toStdString();

    // idle_over_ms: users with a connection, every one of them quiet for longer than that.
    // alice and dave stay quiet; bob and root keep talking.
    QJsonObject idle;
    ASSERT_TRUE(waitUntil([&] {
        expectOk(bob, QJsonObject{{"t"_L1, "channels"_L1}});
        idle = watch({{"idle_over_ms"_L1, 300}});
        return namesIn(idle).contains(u"alice"_s) && namesIn(idle).contains(u"dave"_s);
    })) << dump(idle).toStdString();
    EXPECT_EQ(namesIn(idle), (QStringList{u"alice"_s, u"dave"_s})) << dump(idle).toStdString();
    for (const QJsonValue &user : idle.value("users"_L1).toArray()) {
        for (const QJsonValue &c : user.toObject().value("connections"_L1).toArray())
            EXPECT_GT(c.toObject().value("idle_ms"_L1).toInteger(), 300);
    }
    // A second connection of alice's that is active takes her out.
    TestClient *aliceToo = signIn(u"alice"_s);
    ASSERT_TRUE(aliceToo);
    EXPECT_EQ(namesIn(watch({{"idle_over_ms"_L1, 300}})), QStringList{u"dave"_s});
}

TEST_F(Admin, FilteredWatchersGetOnlyTheEventsAboutTheirUsers)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *root = signIn(u"root"_s);
    TestClient *carol = signIn(u"carol"_s);
    ASSERT_TRUE(root && carol);
    expectOk(root, QJsonObject{{"t"_L1, "create"_L1}, {"channel"_L1, "ops"_L1}});
    ASSERT_TRUE(carol->joinSynced(u"ops"_s));
    carol->close();
    ASSERT_TRUE(carol->waitForDisconnected());

    TestClient *all = signIn(u"root"_s);
    TestClient *away = signIn(u"root"_s);
    TestClient *bobs = signIn(u"root"_s);
    TestClient *ops = signIn(u"root"_s);
    ASSERT_TRUE(all && away && bobs && ops);
    expectOk(all, frame("admin.watch"));
    expectOk(away, frame("admin.watch", {{"status"_L1, statuses({"away"})}}));
    expectOk(bobs, frame("admin.watch", {{"user"_L1, "b*"_L1}}));
    expectOk(ops, frame("admin.watch", {{"channel"_L1, "ops"_L1}}));

    TestClient *alice = signIn(u"alice"_s);
    TestClient *bob = signIn(u"bob"_s);
    ASSERT_TRUE(alice && bob);
    expectOk(alice, presence("away"));       // online -> away: enters the away watch
    TestClient *alice2 = signIn(u"alice"_s); // connect while away
    ASSERT_TRUE(alice2);
    expectOk(alice, presence("online")); // away -> online: leaves it
    expectOk(bob, presence("dnd"));      // online -> dnd: nothing to the away watch
    expectOk(bob, presence("online"));
    carol = signIn(u"carol"_s);
    ASSERT_TRUE(carol);
    expectOk(carol, presence("away"));

    // The last event reached the unfiltered watcher; every watcher's events left in that
    // turn, before the reply to a request sent after.
    ASSERT_TRUE(all->waitFor(u"admin.presence"_s, [](const QJsonObject &f) {
        return adminEvent(u"status"_s, u"carol"_s)(f) &&
               f.value("status"_L1).toString() == "away"_L1;
    }));
    for (TestClient *watcher : {away, bobs, ops})
        expectOk(watcher, frame("admin.stats"));

    EXPECT_EQ(eventsAbout(all, u"alice"_s),
              (QStringList{u"status:online"_s, u"connect:online"_s, u"status:away"_s,
                           u"connect:away"_s, u"status:online"_s}));
    EXPECT_EQ(eventsAbout(away, u"alice"_s),
              (QStringList{u"status:away"_s, u"connect:away"_s, u"status:online"_s}));
    EXPECT_EQ(eventsAbout(away, u"bob"_s), QStringList{});
    EXPECT_EQ(eventsAbout(away, u"carol"_s), QStringList{u"status:away"_s});

    EXPECT_EQ(eventsAbout(bobs, u"alice"_s), QStringList{});
    EXPECT_EQ(eventsAbout(bobs, u"carol"_s), QStringList{});
    EXPECT_EQ(eventsAbout(bobs, u"bob"_s), (QStringList{u"status:online"_s, u"connect:online"_s,
                                                        u"status:dnd"_s, u"status:online"_s}));

    EXPECT_EQ(eventsAbout(ops, u"alice"_s), QStringList{});
    EXPECT_EQ(eventsAbout(ops, u"bob"_s), QStringList{});
    EXPECT_EQ(eventsAbout(ops, u"carol"_s), eventsAbout(all, u"carol"_s));
    EXPECT_FALSE(eventsAbout(ops, u"carol"_s).isEmpty());
}

TEST_F(Admin, ASecondWatchReplacesTheFilterAndSendsAFreshSnapshot)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *root = signIn(u"root"_s);
    TestClient *alice = signIn(u"alice"_s);
    TestClient *bob = signIn(u"bob"_s);
    ASSERT_TRUE(root && alice && bob);
    EXPECT_EQ(namesIn(expectOk(root, frame("admin.watch", {{"user"_L1, "alice"_L1}}))),
              QStringList{u"alice"_s});
    const QJsonObject second = expectOk(root, frame("admin.watch", {{"user"_L1, "bob"_L1}}));
    EXPECT_EQ(namesIn(second), QStringList{u"bob"_s});
    EXPECT_EQ(userIn(second, u"bob"_s).value("status"_L1).toString(), u"online"_s);

    expectOk(alice, presence("away"));
    expectOk(bob, presence("away"));
    ASSERT_TRUE(root->waitFor(u"admin.presence"_s, adminEvent(u"status"_s, u"bob"_s)));
    expectOk(root, frame("admin.stats"));
    EXPECT_EQ(eventsAbout(root, u"alice"_s), QStringList{});
}

TEST_F(Admin, StatsCountUsersByStatusRefusedPublishesAndGiveTheVersion)
{
    config.limits.ratePerSecond = 1;
    config.limits.burst = 1;
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *root = signIn(u"root"_s);
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    TestClient *aliceToo = signIn(u"alice"_s);
    TestClient *bob = signIn(u"bob"_s);
    TestClient *dave = signIn(u"dave"_s);
    ASSERT_TRUE(root && alice && aliceToo && bob && dave);
    expectOk(alice, presence("away"));
    expectOk(dave, presence("dnd"));

    QJsonObject ok = expectOk(root, frame("admin.stats"));
    const auto figure = [&](const char *name) {
        return ok.value(QLatin1StringView(name)).toInteger(-1);
    };
    EXPECT_EQ(figure("connections"), 5) << dump(ok).toStdString();
    EXPECT_EQ(figure("users_online"), 2) << dump(ok).toStdString();  // bob, root
    EXPECT_EQ(figure("users_away"), 1) << dump(ok).toStdString();    // alice, twice connected
    EXPECT_EQ(figure("users_dnd"), 1) << dump(ok).toStdString();     // dave
    EXPECT_EQ(figure("users_offline"), 1) << dump(ok).toStdString(); // carol
    EXPECT_EQ(figure("refused_rate_limited"), 0) << dump(ok).toStdString();
    EXPECT_EQ(ok.value("messages_per_s_1m"_L1).toDouble(-1), 0.0) << dump(ok).toStdString();
    EXPECT_FALSE(ok.value("version"_L1).toString().isEmpty()) << dump(ok).toStdString();
    EXPECT_TRUE(ok.value("version"_L1).toString().contains(u'.')) << dump(ok).toStdString();

    // One publish goes through; the next at once is over the bucket of one.
    const auto first = alice->publish(u"general"_s, u"one"_s);
    ASSERT_TRUE(first && isOk(*first)) << (first ? dump(*first).toStdString() : "");
    const auto second = alice->publish(u"general"_s, u"two"_s);
    ASSERT_TRUE(second);
    ASSERT_EQ(errorCode(*second), u"rate_limited"_s) << dump(*second).toStdString();
    ok = expectOk(root, frame("admin.stats"));
    EXPECT_EQ(figure("refused_rate_limited"), 1) << dump(ok).toStdString();
    EXPECT_GT(ok.value("messages_per_s"_L1).toDouble(), 0.0) << dump(ok).toStdString();
    EXPECT_GT(ok.value("messages_per_s_1m"_L1).toDouble(), 0.0) << dump(ok).toStdString();

    // A new account is counted at once (offline); a sign-in moves it.
    expectOk(root, frame("admin.user", {{"action"_L1, "add"_L1},
                                        {"user"_L1, "gina"_L1},
                                        {"password"_L1, "gina-secret"_L1}}));
    ok = expectOk(root, frame("admin.stats"));
    EXPECT_EQ(figure("users_offline"), 2) << dump(ok).toStdString();
    ASSERT_TRUE(signIn(u"gina"_s, u"gina-secret"_s));
    ok = expectOk(root, frame("admin.stats"));
    EXPECT_EQ(figure("users_offline"), 1) << dump(ok).toStdString();
    EXPECT_EQ(figure("users_online"), 3) << dump(ok).toStdString();
}

TEST_F(Admin, ConnectionsShowEncryptionAndUnsentBytes)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *root = signIn(u"root"_s);
    TestClient *alice = signIn(u"alice"_s);
    ASSERT_TRUE(root && alice);
    const QJsonObject snapshot = expectOk(root, frame("admin.watch"));
    const QJsonArray connections = userIn(snapshot, u"alice"_s).value("connections"_L1).toArray();
    ASSERT_EQ(connections.size(), 1) << dump(snapshot).toStdString();
    const QJsonObject c = connections.at(0).toObject();
    ASSERT_TRUE(c.value("encrypted"_L1).isBool()) << dump(c).toStdString();
    EXPECT_FALSE(c.value("encrypted"_L1).toBool()) << dump(c).toStdString();
    ASSERT_TRUE(c.value("unsent_bytes"_L1).isDouble()) << dump(c).toStdString();
    EXPECT_EQ(c.value("unsent_bytes"_L1).toInteger(-1), 0) << dump(c).toStdString();

    TestClient *bob = signIn(u"bob"_s);
    ASSERT_TRUE(bob);
    const auto event = root->waitFor(u"admin.presence"_s, adminEvent(u"connect"_s, u"bob"_s));
    ASSERT_TRUE(event);
    const QJsonObject connection = event->value("connection"_L1).toObject();
    EXPECT_EQ(connection.value("encrypted"_L1), QJsonValue(false)) << dump(*event).toStdString();
    EXPECT_TRUE(connection.value("unsent_bytes"_L1).isDouble()) << dump(*event).toStdString();
}

TEST_F(Admin, ConnectionsOverWssAreEncrypted)
{
    QTemporaryDir certDir;
    ASSERT_TRUE(certDir.isValid());
    QString error;
    ASSERT_TRUE(makeSelfSignedCertificate(certDir.path(), &error)) << error.toStdString();
    // The accounts, then the same data served over TLS.
    ASSERT_NO_FATAL_FAILURE(start());
    stopServer();
    config.tlsCertificate = certDir.filePath(u"cert.pem"_s);
    config.tlsKey = certDir.filePath(u"key.pem"_s);
    server = std::make_unique<confab::server::Server>(config);
    ASSERT_TRUE(server->start(&error)) << error.toStdString();
    QUrl wss = server->url();
    ASSERT_EQ(wss.scheme(), u"wss"_s);
    wss.setHost(u"127.0.0.1"_s);

    QFile certFile(config.tlsCertificate);
    ASSERT_TRUE(certFile.open(QIODevice::ReadOnly));
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setCaCertificates(QSslCertificate::fromData(certFile.readAll()));
    ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);
    TestClient root;
    TestClient alice;
    for (TestClient *client : {&root, &alice}) {
        client->setSslConfiguration(ssl);
        ASSERT_TRUE(client->open(wss));
    }
    for (auto [client, user] : {std::pair{&root, u"root"_s}, std::pair{&alice, u"alice"_s}}) {
        const auto hello = client->hello(user, defaultPassword);
        ASSERT_TRUE(hello && isOk(*hello)) << (hello ? dump(*hello).toStdString() : "");
    }
    const QJsonObject snapshot = expectOk(&root, frame("admin.watch"));
    const QJsonArray connections = userIn(snapshot, u"alice"_s).value("connections"_L1).toArray();
    ASSERT_EQ(connections.size(), 1) << dump(snapshot).toStdString();
    EXPECT_EQ(connections.at(0).toObject().value("encrypted"_L1), QJsonValue(true))
        << dump(snapshot).toStdString();
}

TEST_F(Admin, StatsEventsComeWhileWatchingListBacklogsAndStopAfterUnwatch)
{
    config.sendBufferBytes = 64 * 1024 * 1024; // the slow reader is never cut off here
    config.limits.text = 32000;
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *root = signIn(u"root"_s);
    TestClient *other = signIn(u"root"_s);
    TestClient *alice = signInAndJoin(u"alice"_s, {u"general"_s});
    ASSERT_TRUE(root && other && alice);
    alice->setRecordAll(false);
    expectOk(root, frame("admin.watch"));
    expectOk(other, frame("admin.watch"));

    // The first tick after a watch starts always sends.
    auto event = root->waitFor(u"admin.stats"_s);
    ASSERT_TRUE(event);
    EXPECT_FALSE(event->contains("id"_L1));
    EXPECT_EQ(event->value("connections"_L1).toInteger(-1), 3) << dump(*event).toStdString();
    EXPECT_EQ(event->value("users_online"_L1).toInteger(-1), 2) << dump(*event).toStdString();
    for (const char *field : {"users_away", "users_dnd", "users_offline", "messages_per_s",
                              "messages_per_s_1m", "refused_rate_limited", "uptime_ms", "db_bytes"})
        EXPECT_TRUE(event->value(QLatin1StringView(field)).isDouble())
            << field << " in " << dump(*event).toStdString();
    EXPECT_FALSE(event->value("version"_L1).toString().isEmpty());

    // A reader that stops reading: its backlog is listed, largest first.
    RawWsClient *slow = connectRaw();
    ASSERT_TRUE(slow);
    slow->socket()->setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 16 * 1024);
    qint64 id = slow->sendRequest(QJsonObject{
        {"t"_L1, "hello"_L1},
        {"v"_L1, 1},
        {"auth"_L1, QJsonObject{{"user"_L1, "carol"_L1}, {"password"_L1, defaultPassword}}}});
    auto reply = slow->waitForReply(id);
    ASSERT_TRUE(reply && isOk(*reply));
    const QString slowSession = reply->value("ok"_L1).toObject().value("session"_L1).toString();
    id = slow->sendRequest(QJsonObject{{"t"_L1, "join"_L1}, {"channel"_L1, "general"_L1}});
    reply = slow->waitForReply(id);
    ASSERT_TRUE(reply && isOk(*reply));
    slow->setReading(false);
    const QString big = u"x"_s.repeated(32000);
    const auto listsSlow = [&](const QJsonObject &f) {
        const QJsonArray unsent = f.value("unsent"_L1).toArray();
        return !unsent.isEmpty() &&
               unsent.at(0).toObject().value("session"_L1).toString() == slowSession &&
               unsent.at(0).toObject().value("bytes"_L1).toInteger() > 0;
    };
    ASSERT_TRUE(waitUntil(
        [&] {
            const auto ack = alice->publish(u"general"_s, big);
            alice->take(u"msg"_s);
            return ack && isOk(*ack) && root->has(u"admin.stats"_s, listsSlow);
        },
        30000))
        << "no admin.stats event listed the slow reader's backlog";
    // The snapshot shows it too.
    const QJsonObject snapshot = expectOk(root, frame("admin.watch"));
    const QJsonArray carol = userIn(snapshot, u"carol"_s).value("connections"_L1).toArray();
    ASSERT_EQ(carol.size(), 1) << dump(snapshot).left(2000).toStdString();
    EXPECT_GT(carol.at(0).toObject().value("unsent_bytes"_L1).toInteger(), 0);

    // After unwatch: nothing more, while the other watcher still gets them. alice's publish
    // changes the figures, so the next tick sends.
    expectOk(root, frame("admin.unwatch"));
    const qsizetype before = root->receivedOf(u"admin.stats"_s).size();
    other->take(u"admin.stats"_s);
    ASSERT_TRUE(alice->publish(u"general"_s, u"after unwatch"_s));
    ASSERT_TRUE(other->waitFor(u"admin.stats"_s));
    expectOk(root, frame("admin.stats"));
    EXPECT_EQ(root->receivedOf(u"admin.stats"_s).size(), before);
}

TEST_F(Admin, KickWithAReasonTellsEveryConnectionOfTheUser)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *root = signIn(u"root"_s);
    TestClient *a1 = signIn(u"alice"_s);
    TestClient *a2 = signIn(u"alice"_s);
    TestClient *bob = signIn(u"bob"_s);
    ASSERT_TRUE(root && a1 && a2 && bob);
    const QJsonObject ok =
        expectOk(root, frame("admin.kick",
                             {{"user"_L1, "alice"_L1}, {"reason"_L1, "spamming #general"_L1}}));
    EXPECT_EQ(ok.value("closed"_L1).toInteger(-1), 2);
    for (TestClient *c : {a1, a2}) {
        ASSERT_TRUE(c->waitForDisconnected());
        EXPECT_EQ(c->closeCode(), 4002);
        const QList<QJsonObject> byes = c->receivedOf(u"bye"_s);
        ASSERT_EQ(byes.size(), 1);
        EXPECT_EQ(byes.first().value("reason"_L1).toString(), u"kicked"_s);
        EXPECT_EQ(byes.first().value("message"_L1).toString(), u"spamming #general"_s)
            << dump(byes.first()).toStdString();
    }
    // Without a reason: no message.
    expectOk(root, frame("admin.kick", {{"session"_L1, bob->session()}}));
    ASSERT_TRUE(bob->waitForDisconnected());
    ASSERT_EQ(bob->receivedOf(u"bye"_s).size(), 1);
    EXPECT_FALSE(bob->receivedOf(u"bye"_s).first().contains("message"_L1));
}

TEST_F(Admin, DisconnectEventsCarryTheCloseCode)
{
    ASSERT_NO_FATAL_FAILURE(start());
    TestClient *root = signIn(u"root"_s);
    TestClient *alice = signIn(u"alice"_s);
    TestClient *bob = signIn(u"bob"_s);
    TestClient *carol = signIn(u"carol"_s);
    ASSERT_TRUE(root && alice && bob && carol);
    expectOk(root, frame("admin.watch"));

    const auto codeOf = [&](const QString &user) {
        const auto event = root->waitFor(u"admin.presence"_s, adminEvent(u"disconnect"_s, user));
        return event ? event->value("code"_L1).toInteger(-1) : -2;
    };
    expectOk(root, frame("admin.kick", {{"user"_L1, "alice"_L1}}));
    EXPECT_EQ(codeOf(u"alice"_s), 4002);
    bob->close(1000);
    EXPECT_EQ(codeOf(u"bob"_s), 1000);
    carol->abort(); // no close frame
    EXPECT_EQ(codeOf(u"carol"_s), 1006);
    // A connect event has no code.
    ASSERT_TRUE(signIn(u"dave"_s));
    const auto connect = root->waitFor(u"admin.presence"_s, adminEvent(u"connect"_s, u"dave"_s));
    ASSERT_TRUE(connect);
    EXPECT_FALSE(connect->contains("code"_L1));
}

} // namespace
