// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the server's request path. Each input is a small program: a sequence
// of operations on up to three socketless connections (Connection's in-process seam) of one
// in-process Server with a real SQLite store in a temporary directory (made once per
// process). Operations send typed requests built from templates with fuzzed fields, raw
// frames, the peer's close frame, a fresh connection, or let the server finish what it
// started (password checks, commits). Checked on every input:
//   - no crash, hang, leak or undefined behaviour (the sanitizers);
//   - replies: every request gets exactly one reply, with its id, in request order (a prefix
//     of them on a connection that closed); nothing else arrives as a reply;
//   - no `ok` reply to a request that needs a sign-in before an `ok` reply to a `hello`;
//   - nothing about the private channel `secret`, or a direct channel (`dm:a:b`), reaches a
//     user who is not its member, and no request of a non-member on one succeeds.
// Server state (accounts, channels, messages) persists between inputs; the fixture users and
// the membership of `secret` are changed only by what the checks account for.

#include "codec.h"
#include "connection.h"
#include "replies.h"
#include "server.h"
#include "serverconfig.h"

#include "bulkaccounts.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QLoggingCategory>
#include <QPointer>
#include <QSet>
#include <QTemporaryDir>
#include <QTimer>

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>

using namespace Qt::StringLiterals;
using namespace confab;
using confab::server::Connection;

namespace {

const QString password = u"fuzz-password-1"_s;
const QString secretChannel = u"secret"_s;
constexpr int peerCount = 3;
constexpr qint64 settleTimeoutMs = 20000;

[[noreturn]] void fail(const char *what, const QString &detail)
{
    std::fprintf(stderr, "fuzz_server_session: %s\n  %s\n", what, qPrintable(detail));
    std::abort();
}

/// The server, its accounts (u00000..u00002 and the admin root) and channels: `general`
/// (public) and `secret` (private: root and u00000).
struct World
{
    World()
    {
        QLoggingCategory::setFilterRules(u"*.info=false\n*.debug=false"_s);
        const QString base = QDir(u"/dev/shm"_s).exists() ? u"/dev/shm"_s : QDir::tempPath();
        dir = std::make_unique<QTemporaryDir>(base + u"/confab-fuzz-XXXXXX"_s);
        QString error;
        if (!dir->isValid() || !test::makeBulkAccounts(dir->path(), 3, password, &error))
            fail("cannot make the accounts", error);
        server::ServerConfig config;
        config.listenPort = 0;
        config.dataDir = dir->path();
        config.openRegistration = true;
        config.kdfMemoryKiB = 64;
        config.kdfIterations = 1;
        config.maxFailures = 1000000; // sign-in throttling would hide the signed-in paths
        server = std::make_unique<server::Server>(config);
        if (!server->start(&error))
            fail("cannot start the server", error);
        secretMembers = {u"root"_s, u"u00000"_s};
    }

    std::unique_ptr<QTemporaryDir> dir;
    std::unique_ptr<server::Server> server;
    QHash<QString, QString> tokens; ///< a valid token per fixture user
    QSet<QString> secretMembers;    ///< who may hear about `secret` (invites add to it)
    quint64 nextSession = 1;
};

World *world = nullptr;

/// What one request is owed.
struct Expected
{
    RequestId id = 0;
    std::optional<ClientFrame> frame; ///< none: a frame that does not parse
};

/// One socketless connection and what the checks know about it.
struct Peer
{
    QPointer<Connection> connection;
    std::deque<Expected> expected;
    QString user; ///< signed in as (from the hello reply); empty: not signed in
    bool signedIn = false;
    bool closeSeen = false; ///< a close frame left, or the peer sent one
    bool usedToken = false;
    RequestId nextId = 1;
    QStringList tokensSeen; ///< tokens from password sign-ins on this connection
};

Peer peers[peerCount];

/// Whether `user` may hear about `channel`: `secret`'s members, a direct channel's two.
bool mayKnow(const QString &user, const QString &channel)
{
    if (channel == secretChannel)
        return world->secretMembers.contains(user);
    if (channel.startsWith("dm:"_L1))
        return channel.split(u':').mid(1).contains(user);
    return true;
}

/// The channel a server frame is about (empty: none).
QString frameChannel(const ServerFrame &frame)
{
    return std::visit(
        [&](const auto &f) -> QString {
            using T = std::decay_t<decltype(f)>;
            if constexpr (std::is_same_v<T, MsgEvent>)
                return f.message.channel;
            else if constexpr (std::is_same_v<T, SyncedEvent> || std::is_same_v<T, MemberEvent> ||
                               std::is_same_v<T, ReadEvent>)
                return f.channel;
            else if constexpr (std::is_same_v<T, TypingEvent>)
                return f.state.channel;
            else if constexpr (std::is_same_v<T, ChannelEvent>)
                return f.channel.name;
            else
                return {};
        },
        frame);
}

QString requestChannel(const ClientFrame &frame)
{
    return std::visit(
        [](const auto &f) -> QString {
            if constexpr (requires { f.channel; })
                return f.channel;
            else
                return {};
        },
        frame);
}

void onReply(Peer &peer, const Reply &reply, const QByteArray &json)
{
    if (peer.expected.empty())
        fail("a reply nobody asked for", QString::fromUtf8(json));
    const Expected owed = peer.expected.front();
    peer.expected.pop_front();
    if (reply.id != owed.id)
        fail("a reply out of order or with the wrong id",
             u"expected id %1, got %2"_s.arg(owed.id).arg(QString::fromUtf8(json)));
    if (reply.error || !owed.frame)
        return;
    const ClientFrame &request = *owed.frame;
    if (clientFrameRule(request).access != FrameAccess::Anyone && !peer.signedIn)
        fail("ok before a successful hello", QString::fromUtf8(json));
    if (const auto *hello = std::get_if<HelloRequest>(&request)) {
        const auto ok = HelloOk::fromJson(reply.ok);
        if (!ok)
            fail("a hello reply without its fields", QString::fromUtf8(json));
        peer.signedIn = true;
        peer.user = ok->user.name;
        if (!ok->token.isEmpty())
            peer.tokensSeen.append(ok->token);
        peer.usedToken = !hello->token.isEmpty();
        for (const Channel &channel : ok->channels) {
            if (!mayKnow(peer.user, channel.name))
                fail("hello lists a private channel of others", QString::fromUtf8(json));
        }
        if (hello->token.isEmpty() && world->tokens.contains(peer.user))
            world->tokens[peer.user] = ok->token;
    } else if (const auto *invite = std::get_if<InviteRequest>(&request)) {
        if (invite->channel == secretChannel)
            world->secretMembers.insert(invite->user);
    } else if (std::holds_alternative<LogoutRequest>(request)) {
        // The token is revoked: a fixture token that was it needs a new one.
        for (auto it = world->tokens.begin(); it != world->tokens.end(); ++it) {
            if (it.key() == peer.user)
                it.value().clear();
        }
    }
    if (!mayKnow(peer.user, requestChannel(request)) &&
        (std::holds_alternative<JoinRequest>(request) ||
         std::holds_alternative<HistoryRequest>(request) ||
         std::holds_alternative<PublishRequest>(request) ||
         std::holds_alternative<ReadRequest>(request)))
        fail("a non-member's request on a private channel succeeded", QString::fromUtf8(json));
}

/// Everything the connection in `slot` writes: WebSocket frames (text, or close).
void onFrame(int slot, const QByteArray &frame)
{
    Peer &peer = peers[slot];
    if (frame.size() < 2)
        fail("a frame too short", QString::fromLatin1(frame.toHex()));
    const auto opcode = quint8(frame[0]) & 0x0F;
    if (peer.closeSeen)
        fail("a frame after the close frame", QString::fromLatin1(frame.toHex()));
    if (opcode == 0x8) {
        peer.closeSeen = true;
        return;
    }
    if (opcode != 0x1)
        fail("not a text frame", QString::fromLatin1(frame.toHex()));
    qsizetype header = 2;
    qint64 length = quint8(frame[1]) & 0x7F;
    if (length == 126) {
        length = (qint64(quint8(frame[2])) << 8) | quint8(frame[3]);
        header = 4;
    } else if (length == 127) {
        length = 0;
        for (int i = 0; i < 8; ++i)
            length = (length << 8) | quint8(frame[2 + i]);
        header = 10;
    }
    if (header + length != frame.size())
        fail("a frame's length is wrong", QString::fromLatin1(frame.left(16).toHex()));
    const QByteArray json = frame.mid(header);
    const auto parsed = parseServerFrame(json);
    const auto *serverFrame = std::get_if<ServerFrame>(&parsed);
    if (!serverFrame)
        fail("the server sent a frame a client cannot parse", QString::fromUtf8(json));
    if (!peer.user.isEmpty() && !mayKnow(peer.user, frameChannel(*serverFrame)))
        fail("an event of a private channel reached a non-member", QString::fromUtf8(json));
    if (const auto *reply = std::get_if<Reply>(serverFrame))
        onReply(peer, *reply, json);
}

void openConnection(int slot)
{
    Peer &peer = peers[slot];
    if (peer.connection && !peer.connection->isClosing())
        peer.connection->receivePeerClose(1000);
    peer = Peer{};
    auto *c = new Connection(u"fz%1"_s.arg(world->nextSession++), world->server->config().limits,
                             QDateTime::currentMSecsSinceEpoch(),
                             [slot](const QByteArray &frame) { onFrame(slot, frame); });
    peer.connection = c;
    world->server->adopt(c);
}

/// Sends one text frame on `slot` and notes the reply it is owed.
void sendText(int slot, const QByteArray &utf8)
{
    Peer &peer = peers[slot];
    if (!peer.connection)
        return;
    // What a text frame carries is UTF-8 (QWebSocket checks it): as the server receives it.
    const QString text = QString::fromUtf8(utf8);
    const bool dropped = peer.connection->isClosing(); // after a close: ignored, no reply
    if (!dropped) {
        const auto parsed = parseClientFrame(text.toUtf8(), world->server->config().limits);
        if (const auto *error = std::get_if<ProtocolError>(&parsed)) {
            peer.expected.push_back({error->id.value_or(0), std::nullopt});
        } else {
            const auto &frame = std::get<ClientFrame>(parsed);
            if (clientFrameRule(frame).needsId)
                peer.expected.push_back({requestId(frame).value_or(0), frame});
        }
    }
    peer.connection->receiveText(text);
}

bool settled()
{
    for (const Peer &peer : peers) {
        const Connection *c = peer.connection;
        if (c && !c->isClosing() &&
            (!c->inbox.isEmpty() || c->hasPendingReplies() || c->helloPending))
            return false;
    }
    return true;
}

/// Runs the event loop until every open connection has been answered.
void settle()
{
    const qint64 deadline = QDateTime::currentMSecsSinceEpoch() + settleTimeoutMs;
    QTimer wake; // never block longer than this in one wait
    wake.start(50);
    while (!settled()) {
        if (QDateTime::currentMSecsSinceEpoch() > deadline) {
            QString state;
            for (const Peer &peer : peers) {
                if (peer.connection)
                    state += u"[inbox %1, pending replies %2, hello pending %3] "_s
                                 .arg(peer.connection->inbox.size())
                                 .arg(peer.connection->hasPendingReplies())
                                 .arg(peer.connection->helloPending);
            }
            fail("requests still unanswered after 20 s", state);
        }
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    QCoreApplication::processEvents();
}

QString fuzzedString(FuzzedDataProvider &data, size_t max = 24)
{
    return QString::fromUtf8(data.ConsumeRandomLengthString(max));
}

/// One of `names`, or (the last choice) a fuzzed string.
QString pick(FuzzedDataProvider &data, std::initializer_list<QString> names)
{
    const size_t choice = data.ConsumeIntegralInRange<size_t>(0, names.size());
    if (choice == names.size())
        return fuzzedString(data);
    return *(names.begin() + qsizetype(choice));
}

QString fixtureUser(FuzzedDataProvider &data)
{
    return pick(data, {u"u00000"_s, u"u00001"_s, u"u00002"_s, u"root"_s});
}

QString anyChannel(FuzzedDataProvider &data)
{
    return pick(data, {u"general"_s, secretChannel, u"lobby"_s, u"room-a"_s, u"dm:u00000:u00001"_s,
                       u"dm:u00001:u00002"_s});
}

/// Channels whose membership may change (not `secret`: its members are the fixture's).
QString openChannel(FuzzedDataProvider &data)
{
    return pick(data, {u"general"_s, u"lobby"_s, u"room-a"_s});
}

std::optional<qint64> maybeNumber(FuzzedDataProvider &data)
{
    if (!data.ConsumeBool())
        return std::nullopt;
    return data.ConsumeIntegralInRange<qint64>(-2, 1000);
}

QString token(FuzzedDataProvider &data, const Peer &peer)
{
    switch (data.ConsumeIntegralInRange(0, 3)) {
    case 0:
        return world->tokens.value(fixtureUser(data));
    case 1:
        for (const Peer &other : peers) {
            if (!other.tokensSeen.isEmpty())
                return other.tokensSeen.back();
        }
        return peer.tokensSeen.value(0);
    case 2:
        return fuzzedString(data, 48);
    default:
        return world->tokens.value(u"u00001"_s);
    }
}

/// A request built from a template with fuzzed fields.
ClientFrame request(FuzzedDataProvider &data, Peer &peer, int kind)
{
    RequestId id = peer.nextId++;
    if (data.ConsumeProbability<float>() < 0.05f) // reused, zero, negative or huge ids
        id = data.ConsumeIntegral<qint64>();
    switch (kind) {
    case 0: {
        HelloRequest r;
        r.id = id;
        r.user = fixtureUser(data);
        r.password = data.ConsumeBool() ? password : fuzzedString(data);
        r.client = u"fuzz"_s;
        return r;
    }
    case 1: {
        HelloRequest r;
        r.id = id;
        r.token = token(data, peer);
        return r;
    }
    case 2:
        return RegisterRequest{id, pick(data, {u"new-a"_s, u"new-b"_s, u"u00001"_s}),
                               data.ConsumeBool() ? password : fuzzedString(data),
                               fuzzedString(data)};
    case 3:
        return LogoutRequest{id};
    case 4: {
        JoinRequest r;
        r.id = id;
        r.channel = anyChannel(data);
        switch (data.ConsumeIntegralInRange(0, 3)) {
        case 1:
            r.since = maybeNumber(data);
            break;
        case 2:
            r.rewindCount = maybeNumber(data);
            break;
        case 3:
            r.rewindSeconds = maybeNumber(data);
            break;
        default:
            break;
        }
        return r;
    }
    case 5:
        return LeaveRequest{id, anyChannel(data)};
    case 6:
        return PublishRequest{id, anyChannel(data), pick(data, {u"c1"_s, u"c2"_s}),
                              data.ConsumeBool() ? u"hello"_s : fuzzedString(data, 64)};
    case 7: {
        HistoryRequest r;
        r.id = id;
        r.channel = anyChannel(data);
        if (data.ConsumeBool())
            r.before = maybeNumber(data);
        else
            r.after = maybeNumber(data);
        r.limit = data.ConsumeIntegralInRange(-1, 300);
        return r;
    }
    case 8:
        return ChannelsRequest{id, pick(data, {QString(), u"lobby"_s}),
                               data.ConsumeIntegralInRange(-1, 10)};
    case 9:
        return CreateRequest{id, pick(data, {u"lobby"_s, u"room-a"_s, secretChannel}),
                             fuzzedString(data), data.ConsumeBool()};
    case 10:
        return InviteRequest{id, openChannel(data),
                             pick(data, {u"u00000"_s, u"u00001"_s, u"u00002"_s, u"new-a"_s})};
    case 11:
        return TypingNotice{anyChannel(data), data.ConsumeBool()};
    case 12:
        return PresenceRequest{id, PresenceStatus(data.ConsumeIntegralInRange(0, 3)),
                               fuzzedString(data)};
    case 13: {
        AdminWatchRequest r;
        r.id = id;
        if (data.ConsumeBool())
            r.filter.channel = anyChannel(data);
        if (data.ConsumeBool())
            r.filter.userGlob = pick(data, {u"u*"_s, u"?oot"_s});
        if (data.ConsumeBool())
            r.filter.statuses.append(PresenceStatus(data.ConsumeIntegralInRange(0, 3)));
        if (data.ConsumeBool())
            r.filter.idleOverMs = maybeNumber(data);
        return r;
    }
    case 14:
        return AdminUnwatchRequest{id};
    case 15:
        return AdminStatsRequest{id};
    case 16: {
        AdminKickRequest r;
        r.id = id;
        if (data.ConsumeBool())
            r.user = fixtureUser(data);
        else
            r.session = pick(data, {u"fz1"_s, u"fz2"_s});
        r.reason = fuzzedString(data);
        return r;
    }
    case 17: {
        // Never a fixture user: disabling or demoting them would only shrink what is reached.
        AdminUserRequest r;
        r.id = id;
        r.action = AdminUserAction(data.ConsumeIntegralInRange(0, 4));
        r.user = pick(data, {u"new-a"_s, u"new-b"_s});
        r.password = data.ConsumeBool() ? password : fuzzedString(data);
        r.display = fuzzedString(data);
        if (data.ConsumeBool())
            r.role = Role(data.ConsumeIntegralInRange(0, 1));
        return r;
    }
    default:
        return ReadRequest{id, anyChannel(data), data.ConsumeIntegralInRange<qint64>(-1, 50)};
    }
}

constexpr int requestKinds = 19;

/// Fixture tokens come from password sign-ins (again after a logout revoked one).
void refreshTokens()
{
    for (auto it = world->tokens.begin(); it != world->tokens.end(); ++it) {
        if (!it.value().isEmpty())
            continue;
        openConnection(0);
        sendText(0, encodeClientFrame(HelloRequest{1, 1, {}, it.key(), password, u"fuzz"_s}));
        settle();
        if (world->tokens.value(it.key()).isEmpty())
            fail("cannot sign in a fixture user", it.key());
        peers[0].connection->receivePeerClose(1000);
        peers[0] = Peer{};
    }
}

void setUp()
{
    static int argc = 1;
    static char name[] = "fuzz_server_session";
    static char *argv[] = {name, nullptr};
    new QCoreApplication(argc, argv);
    world = new World;
    for (const QString &user : {u"u00000"_s, u"u00001"_s, u"u00002"_s, u"root"_s})
        world->tokens.insert(user, QString());
    refreshTokens();
    // root makes the channels: `secret` with u00000, `general` for everyone.
    openConnection(0);
    sendText(0, encodeClientFrame(HelloRequest{1, 1, world->tokens[u"root"_s], {}, {}, {}}));
    sendText(0, encodeClientFrame(CreateRequest{2, secretChannel, {}, true}));
    sendText(0, encodeClientFrame(InviteRequest{3, secretChannel, u"u00000"_s}));
    sendText(0, encodeClientFrame(CreateRequest{4, u"general"_s, {}, false}));
    settle();
    peers[0].connection->receivePeerClose(1000);
    peers[0] = Peer{};
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    if (!world)
        setUp();
    refreshTokens();
    FuzzedDataProvider data(bytes, size);
    for (int slot = 0; slot < peerCount; ++slot)
        openConnection(slot);
    int operations = 0;
    while (data.remaining_bytes() > 0 && operations++ < 64) {
        const int slot = data.ConsumeIntegralInRange(0, peerCount - 1);
        const int op = data.ConsumeIntegralInRange(0, requestKinds + 3);
        if (op < requestKinds) {
            sendText(slot, encodeClientFrame(request(data, peers[slot], op)));
        } else if (op == requestKinds) {
            sendText(slot, QByteArray::fromStdString(data.ConsumeRandomLengthString(256)));
        } else if (op == requestKinds + 1) {
            if (peers[slot].connection && !peers[slot].connection->isClosing()) {
                peers[slot].closeSeen = true; // what comes after it is not read
                peers[slot].connection->receivePeerClose(
                    data.ConsumeBool() ? 1000 : data.ConsumeIntegralInRange(1000, 4999));
            }
        } else if (op == requestKinds + 2) {
            openConnection(slot);
        } else {
            settle();
        }
    }
    settle();
    for (Peer &peer : peers) {
        if (peer.connection && !peer.connection->isClosing() && !peer.expected.empty())
            fail("a request got no reply",
                 u"id %1 on an open connection"_s.arg(peer.expected.front().id));
        if (peer.connection && !peer.connection->isClosing())
            peer.connection->receivePeerClose(1000);
        peer = Peer{};
    }
    QCoreApplication::processEvents();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    return 0;
}
