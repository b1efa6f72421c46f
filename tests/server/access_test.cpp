// SPDX-License-Identifier: Apache-2.0
// Access, table-driven (issue 15): every request type of the protocol, taken from the codec's
// own list so that a type added later fails here until it is in the table, tried as a
// signed-out connection, as a signed-in non-member of a private channel and of a direct
// conversation, and as a signed-in non-admin. Each gets the error the protocol names and
// changes nothing: no message stored, no membership, no event to anyone (the channel's
// members on two connections each, an admin watching, the attacker's own other connection).

#include "frames.h"
#include "serverfixture.h"

#include <QJsonArray>

#include <algorithm>
#include <utility>

#include <variant>

using namespace Qt::StringLiterals;
using namespace confab::test;
using confab::ClientFrame;
using confab::FrameAccess;

namespace {

/// What a try must be answered with: an error code, "ok" (allowed and a no-op, e.g. leaving
/// what one is not in), "none" (a notification: no reply), or "" (the case does not apply).
struct AccessCase
{
    QString type;
    QJsonObject frame;   ///< without `t` and `id`; `$channel` is replaced by the target
    QString signedOut;   ///< on a connection that has not signed in
    QString nonMember;   ///< a signed-in user who is not a member of a private channel
    QString nonMemberDm; ///< the same for a direct conversation of two others
    QString notJoined;   ///< a signed-in user who has not joined a public channel
    QString nonAdmin;    ///< a signed-in user without the admin role
};

const QString secret = u"secret"_s;
const QString dm = u"dm:carol:dave"_s;
const QString lobby = u"lobby"_s;
const QString attackText = u"attack-text-must-not-be-stored"_s;

/// Every client request type of protocol v1 (+ this server's extensions, docs/protocol.md).
/// Columns: signed out, non-member of `secret`, non-member of `dm`, not joined to `lobby`,
/// non-admin.
QList<AccessCase> accessTable()
{
    const QJsonObject onChannel{{"channel"_L1, "$channel"_L1}};
    const QJsonObject wrongPassword{
        {"v"_L1, 1},
        {"auth"_L1, QJsonObject{{"user"_L1, "carol"_L1}, {"password"_L1, "not-her-pw"_L1}}}};
    const QJsonObject registration{{"user"_L1, "mallory"_L1}, {"password"_L1, "mallory-pw-1"_L1}};
    const QJsonObject publish{
        {"channel"_L1, "$channel"_L1}, {"cid"_L1, "attack-cid"_L1}, {"text"_L1, attackText}};
    const QJsonObject history{{"channel"_L1, "$channel"_L1}, {"after"_L1, 0}};
    const QJsonObject create{{"channel"_L1, "$channel"_L1}, {"private"_L1, true}};
    const QJsonObject invite{{"channel"_L1, "$channel"_L1}, {"user"_L1, "bob"_L1}};
    const QJsonObject typing{{"channel"_L1, "$channel"_L1}, {"active"_L1, true}};
    const QJsonObject read{{"channel"_L1, "$channel"_L1}, {"seq"_L1, 1}};
    const QJsonObject setPassword{
        {"action"_L1, "password"_L1}, {"user"_L1, "carol"_L1}, {"password"_L1, "hijacked-pw-1"_L1}};
    const QString no;
    const QString notReady = u"not_ready"_s;
    const QString forbidden = u"forbidden"_s;
    const QString ok = u"ok"_s;
    // clang-format off
    return {
        // Registration is closed (the default).
        {u"hello"_s,         wrongPassword, u"unauthorized"_s, no, no, no, no},
        {u"register"_s,      registration,  forbidden, no, no, no, no},
        {u"logout"_s,        {},            notReady,  no, no, no, no},
        // Joining a public channel is how one becomes a member: allowed, so not tried.
        {u"join"_s,          onChannel,     notReady,  forbidden, forbidden, no, no},
        // Leaving what one is not a member of is a no-op; a direct conversation is never left.
        {u"leave"_s,         onChannel,     notReady,  ok, u"bad_request"_s, ok, no},
        {u"publish"_s,       publish,       notReady,  forbidden, forbidden, forbidden, no},
        // A public channel's history is open to every signed-in user.
        {u"history"_s,       history,       notReady,  forbidden, forbidden, ok, no},
        {u"channels"_s,      {},            notReady,  ok, no, no, no}, // checked below
        // The name is taken (names are global); a `dm:` name is never created.
        {u"create"_s,        create,        notReady,  u"conflict"_s, u"bad_request"_s, u"conflict"_s, no},
        // An invite to a public channel is a no-op.
        {u"invite"_s,        invite,        notReady,  forbidden, forbidden, ok, no},
        {u"typing"_s,        typing,        u"none"_s, u"none"_s, u"none"_s, u"none"_s, no},
        {u"presence"_s,      {{"status"_L1, "away"_L1}}, notReady, no, no, no, no},
        {u"admin.watch"_s,   {},            notReady,  no, no, no, forbidden},
        {u"admin.unwatch"_s, {},            notReady,  no, no, no, forbidden},
        {u"admin.stats"_s,   {},            notReady,  no, no, no, forbidden},
        {u"admin.kick"_s,    {{"user"_L1, "carol"_L1}}, notReady, no, no, no, forbidden},
        {u"admin.user"_s,    setPassword,   notReady,  no, no, no, forbidden},
        {u"read"_s,          read,          notReady,  forbidden, forbidden, forbidden, no},
    };
    // clang-format on
}

QJsonObject frameFor(const AccessCase &c, const QString &channel)
{
    QJsonObject frame = c.frame;
    for (auto it = frame.begin(); it != frame.end(); ++it) {
        if (it.value() == "$channel"_L1)
            it.value() = channel;
    }
    frame.insert("t"_L1, c.type);
    return frame;
}

class Access : public ServerFixture
{
protected:
    void SetUp() override
    {
        ASSERT_NO_FATAL_FAILURE(start());
        // Carol's private channel with one message, and her direct conversation with Dave;
        // carol on two connections, dave on one, all joined; root watching as an admin.
        carol1 = signIn(u"carol"_s);
        carol2 = signIn(u"carol"_s);
        dave = signIn(u"dave"_s);
        root = signIn(u"root"_s);
        ASSERT_TRUE(carol1 && carol2 && dave && root);
        // A public one too, made before alice signs in (its `added` event is old news).
        for (const auto &[channel, isPrivate] : {std::pair{secret, true}, std::pair{lobby, false}})
            expectOk(carol1, QJsonObject{{"t"_L1, "create"_L1},
                                         {"channel"_L1, channel},
                                         {"private"_L1, isPrivate}});
        for (TestClient *c : {carol1, carol2})
            for (const QString &channel : {secret, dm, lobby, u"general"_s})
                ASSERT_TRUE(c->joinSynced(channel));
        ASSERT_TRUE(dave->joinSynced(dm));
        for (const QString &channel : {secret, dm, lobby})
            ASSERT_TRUE(carol1->publish(channel, u"before"_s));
        expectOk(root, QJsonObject{{"t"_L1, "admin.watch"_L1}});

        anonymous = connectClient();
        alice1 = signIn(u"alice"_s);
        alice2 = signIn(u"alice"_s);
        ASSERT_TRUE(anonymous && alice1 && alice2);
        ASSERT_TRUE(alice2->joinSynced(u"general"_s));
        // Everything so far has arrived: from here on, anything new is the attack's doing.
        ASSERT_TRUE(barrier());
        for (TestClient *c : witnesses())
            seen[c] = c->received().size();
    }

    QList<TestClient *> witnesses() const { return {carol1, carol2, dave, root, alice2}; }

    /// Carol publishes in general; once every connection joined to it has the message, every
    /// event sent before it has arrived too (one server thread, in order).
    bool barrier()
    {
        const QString marker = newCid();
        if (!carol1->publish(u"general"_s, marker))
            return false;
        return waitUntil([&] {
            for (TestClient *c : {carol1, carol2, alice2}) {
                const auto msgs = c->receivedOf(u"msg"_s);
                if (std::none_of(msgs.cbegin(), msgs.cend(), [&](const QJsonObject &m) {
                        return m.value("text"_L1).toString() == marker;
                    }))
                    return false;
            }
            return true;
        });
    }

    /// Sends `frame` on `client` and checks the answer against `expected`.
    void tryAs(TestClient *client, const QJsonObject &frame, const QString &expected,
               const QString &who)
    {
        const std::string what = who.toStdString() + " " + dump(frame).toStdString();
        if (expected == u"none"_s) {
            client->send(frame);
            // A request after it is answered only once the notification was handled.
            const auto after = client->request(QJsonObject{{"t"_L1, "channels"_L1}});
            ASSERT_TRUE(after) << what << ": no reply to the request after it";
            return;
        }
        const auto reply = client->request(frame);
        ASSERT_TRUE(reply) << what << ": no reply";
        if (expected == u"ok"_s)
            EXPECT_TRUE(isOk(*reply)) << what << " -> " << dump(*reply).toStdString();
        else
            EXPECT_EQ(errorCode(*reply).toStdString(), expected.toStdString())
                << what << " -> " << dump(*reply).toStdString();
    }

    TestClient *carol1 = nullptr;
    TestClient *carol2 = nullptr;
    TestClient *dave = nullptr;
    TestClient *root = nullptr;
    TestClient *anonymous = nullptr;
    TestClient *alice1 = nullptr;
    TestClient *alice2 = nullptr;
    QHash<TestClient *, qsizetype> seen;
};

} // namespace

TEST(AccessTable, HasEveryRequestTypeOfTheCodec)
{
    const QList<AccessCase> table = accessTable();
    QStringList inTable;
    for (const AccessCase &c : table)
        inTable.append(c.type);
    constexpr std::size_t types = std::variant_size_v<ClientFrame>;
    for (std::size_t i = 0; i < types; ++i) {
        const confab::ClientFrameRule &rule = confab::clientFrameRule(i);
        const QString name = QString(rule.name);
        ASSERT_TRUE(inTable.contains(name))
            << "request type '" << name.toStdString()
            << "' is not in the access table: add what each kind of caller must get";
        const AccessCase &c = table[inTable.indexOf(name)];
        // The table agrees with the codec's rule of who may send it.
        if (rule.access != FrameAccess::Anyone && rule.needsId)
            EXPECT_EQ(c.signedOut, u"not_ready"_s) << name.toStdString();
        if (rule.access == FrameAccess::Admin)
            EXPECT_EQ(c.nonAdmin, u"forbidden"_s) << name.toStdString();
        else
            EXPECT_TRUE(c.nonAdmin.isEmpty()) << name.toStdString();
        if (!rule.needsId)
            EXPECT_EQ(c.signedOut, u"none"_s) << name.toStdString();
    }
    EXPECT_EQ(std::size_t(table.size()), types) << "a type in the table the codec does not know";
}

TEST_F(Access, EveryRequestIsRefusedToWhoMayNotAndChangesNothing)
{
    for (const AccessCase &c : accessTable()) {
        SCOPED_TRACE(c.type.toStdString());
        if (!c.signedOut.isEmpty())
            ASSERT_NO_FATAL_FAILURE(
                tryAs(anonymous, frameFor(c, secret), c.signedOut, u"signed out"_s));
        if (!c.nonMember.isEmpty())
            ASSERT_NO_FATAL_FAILURE(
                tryAs(alice1, frameFor(c, secret), c.nonMember, u"non-member"_s));
        if (!c.notJoined.isEmpty())
            ASSERT_NO_FATAL_FAILURE(
                tryAs(alice1, frameFor(c, lobby), c.notJoined, u"not joined"_s));
        if (!c.nonMemberDm.isEmpty())
            ASSERT_NO_FATAL_FAILURE(tryAs(alice1, frameFor(c, dm), c.nonMemberDm, u"non-member"_s));
        if (!c.nonAdmin.isEmpty())
            ASSERT_NO_FATAL_FAILURE(tryAs(alice1, frameFor(c, {}), c.nonAdmin, u"non-admin"_s));
    }
    ASSERT_TRUE(anonymous->isConnected()) << "closed: " << anonymous->closeCode();
    ASSERT_TRUE(alice1->isConnected()) << "closed: " << alice1->closeCode();

    // No event reached anyone: the members, the admin watching, alice's other connection.
    ASSERT_TRUE(barrier());
    for (TestClient *c : witnesses()) {
        const QList<QJsonObject> &all = c->received();
        for (qsizetype i = seen.value(c); i < all.size(); ++i) {
            const QJsonObject &f = all[i];
            const bool barrierFrame =
                (f.value("t"_L1) == "msg"_L1 && f.value("channel"_L1) == "general"_L1) ||
                (c == carol1 && f.value("t"_L1) == "reply"_L1);
            EXPECT_TRUE(barrierFrame) << "event to a bystander: " << dump(f).toStdString();
        }
    }

    // Nothing stored: each conversation still holds its one message, carol her password,
    // the members are who they were, alice sees neither, no account was made.
    for (const QString &channel : {secret, dm, lobby}) {
        const QJsonObject history = expectOk(
            carol1, QJsonObject{{"t"_L1, "history"_L1}, {"channel"_L1, channel}, {"after"_L1, 0}});
        const QJsonArray messages = history.value("messages"_L1).toArray();
        ASSERT_EQ(messages.size(), 1) << dump(history).toStdString();
        EXPECT_EQ(messages[0].toObject().value("text"_L1).toString(), u"before"_s);
    }
    for (const QString &channel : {secret, lobby}) {
        const QJsonObject join =
            expectOk(carol2, QJsonObject{{"t"_L1, "join"_L1}, {"channel"_L1, channel}});
        const QJsonArray members = join.value("members"_L1).toArray();
        ASSERT_EQ(members.size(), 1) << dump(join).toStdString();
        EXPECT_EQ(members[0].toObject().value("user"_L1).toString(), u"carol"_s);
    }
    const QJsonObject list = expectOk(alice2, QJsonObject{{"t"_L1, "channels"_L1}});
    for (const QJsonValue &channel : list.value("channels"_L1).toArray()) {
        const QString name = channel.toObject().value("name"_L1).toString();
        EXPECT_NE(name, secret);
        EXPECT_NE(name, dm);
    }
    EXPECT_TRUE(carol1->isConnected() && carol2->isConnected()) << "kicked";
    EXPECT_NE(signIn(u"carol"_s), nullptr) << "carol's password was changed";
    TestClient *mallory = connectClient();
    ASSERT_TRUE(mallory);
    const auto hello = mallory->hello(u"mallory"_s, u"mallory-pw-1"_s);
    ASSERT_TRUE(hello);
    EXPECT_EQ(errorCode(*hello), u"unauthorized"_s) << "an account was registered";
}
