// SPDX-License-Identifier: Apache-2.0
#include "router.h"

#include "authservice.h"
#include "channelrepository.h"
#include "connection.h"
#include "database.h"
#include "hub.h"
#include "logging.h"
#include "messagerepository.h"
#include "messagewriter.h"
#include "presencetracker.h"
#include "replies.h"
#include "tokenrepository.h"
#include "typingtracker.h"
#include "userrepository.h"
#include "validation.h"
#include "wsframe.h"

#include <QCoreApplication>
#include <QJsonArray>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace confab::server {

namespace {

constexpr int maxInboxFrames = 1000; // frames queued unread before the peer is cut off
constexpr int badFrameLimit = 20;    // more than this many in the window: close 1008
constexpr qint64 badFrameWindowMs = 10000;
constexpr int maxFailedHellos = 3;
constexpr int drainDeadlineMs = 3000;
// Frames one connection may have handled before it yields the event loop to the others:
// a client pipelining thousands of cheap requests must not stall everyone's messages.
constexpr int framesPerTurn = 32;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

bool isAdmin(const Connection *c)
{
    return c->isSignedIn() && c->user->info.role == Role::Admin;
}

} // namespace

Router::Router(const ServerConfig &config, Parts parts, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_parts(parts)
{
    m_uptime.start();
    connect(&m_parts.writer, &store::MessageWriter::committed, this, &Router::onCommitted,
            Qt::QueuedConnection);
    connect(&m_parts.presence, &PresenceTracker::changed, this, &Router::onPresenceChanged);
    connect(&m_parts.typing, &TypingTracker::expired, this, &Router::onTypingExpired);
    // The clock is late by at most a quarter of the shortest period it watches (and 1 s).
    const int shortest = std::min(m_config.helloTimeoutMs, m_config.heartbeatMs);
    m_clock.setInterval(std::clamp(shortest / 4, 20, 1000));
    connect(&m_clock, &QTimer::timeout, this, &Router::tick);
    m_clock.start();
}

Router::~Router() = default;

int Router::connectionCount() const
{
    return int(m_parts.hub.connections().size());
}

void Router::adopt(Connection *connection)
{
    connection->requestLimiter = RateLimiter(m_config.requestRatePerSecond, m_config.requestBurst);
    m_parts.hub.add(connection);
    connect(connection, &Connection::inboxGrew, this, [this](Connection *c) {
        if (int(c->inbox.size()) > maxInboxFrames) {
            qCInfo(lcNet) << c->session() << "sent" << c->inbox.size()
                          << "frames without waiting - closing 1008";
            c->closeWith(1008, u"too many frames queued"_s);
            return;
        }
        pump(c);
    });
    connect(connection, &Connection::repliesDrained, this, [this](Connection *c) {
        QMetaObject::invokeMethod(
            this,
            [this, guard = QPointer<Connection>(c)] {
                if (guard)
                    pump(guard);
            },
            Qt::QueuedConnection);
    });
    connect(connection, &Connection::closed, this, &Router::onClosed);
}

// ---- input ------------------------------------------------------------------------------

void Router::pump(Connection *c)
{
    while (!c->inbox.empty() && !c->isClosing() && !c->helloPending && !m_draining) {
        if (c->framesThisTurn >= framesPerTurn) {
            pumpNextTurn(c);
            return;
        }
        ++c->framesThisTurn;
        auto parsed = parseClientFrame(c->inbox.front(), m_config.limits);
        if (auto *error = std::get_if<ProtocolError>(&parsed)) {
            c->inbox.pop_front();
            badFrame(c, *error);
            continue;
        }
        const auto &frame = std::get<ClientFrame>(parsed);
        // A join's reply, catch-up and `synced` go out together: wait for earlier replies.
        if (std::holds_alternative<JoinRequest>(frame) && c->hasPendingReplies())
            return;
        c->inbox.pop_front();
        dispatch(c, frame);
    }
}

void Router::pumpNextTurn(Connection *c)
{
    if (c->pumpScheduled)
        return;
    c->pumpScheduled = true;
    QMetaObject::invokeMethod(
        this,
        [this, guard = QPointer<Connection>(c)] {
            if (!guard)
                return;
            guard->pumpScheduled = false;
            guard->framesThisTurn = 0;
            pump(guard);
        },
        Qt::QueuedConnection);
}

void Router::badFrame(Connection *c, const ProtocolError &error)
{
    const quint64 slot = c->reserveReply();
    c->fulfilReply(slot, encodeReplyError(error));
    const qint64 now = nowMs();
    c->badFrameTimes.push_back(now);
    while (!c->badFrameTimes.empty() && c->badFrameTimes.front() <= now - badFrameWindowMs)
        c->badFrameTimes.pop_front();
    if (int(c->badFrameTimes.size()) > badFrameLimit) {
        qCInfo(lcNet) << c->session() << "sent too many bad frames - closing 1008";
        c->closeWith(1008, u"too many bad frames"_s);
    }
}

void Router::dispatch(Connection *c, const ClientFrame &frame)
{
    if (const auto *typing = std::get_if<TypingNotice>(&frame)) {
        if (c->isSignedIn())
            onTyping(c, *typing);
        return;
    }
    const RequestId id = requestId(frame).value_or(0);
    const quint64 slot = c->reserveReply();
    // `publish` has its own, stricter bucket (limits.rate_per_s); every other request
    // spends from this one, so no request type is free to flood with.
    if (!std::holds_alternative<PublishRequest>(frame)) {
        if (const qint64 wait = c->requestLimiter.take(nowMs()); wait > 0) {
            replyError(c, slot, id, ErrorCode::RateLimited,
                       u"too many requests; retry after %1 ms"_s.arg(wait), wait);
            return;
        }
    }
    const bool preHello = std::holds_alternative<HelloRequest>(frame) ||
                          std::holds_alternative<RegisterRequest>(frame);
    if (!preHello && !c->isSignedIn()) {
        replyError(c, slot, id, ErrorCode::NotReady, u"send hello first"_s);
        return;
    }
    const bool admin = isAdmin(c);
    const bool adminFrame = frameType(frame).startsWith("admin."_L1);
    if (adminFrame && !admin) {
        replyError(c, slot, id, ErrorCode::Forbidden, u"this needs the admin role"_s);
        return;
    }
    std::visit(
        [&](const auto &request) {
            using T = std::decay_t<decltype(request)>;
            if constexpr (std::is_same_v<T, HelloRequest>)
                onHello(c, slot, request);
            else if constexpr (std::is_same_v<T, RegisterRequest>)
                onRegister(c, slot, request);
            else if constexpr (std::is_same_v<T, LogoutRequest>)
                onLogout(c, slot, request);
            else if constexpr (std::is_same_v<T, JoinRequest>)
                onJoin(c, slot, request);
            else if constexpr (std::is_same_v<T, LeaveRequest>)
                onLeave(c, slot, request);
            else if constexpr (std::is_same_v<T, PublishRequest>)
                onPublish(c, slot, request);
            else if constexpr (std::is_same_v<T, HistoryRequest>)
                onHistory(c, slot, request);
            else if constexpr (std::is_same_v<T, ChannelsRequest>)
                onChannels(c, slot, request);
            else if constexpr (std::is_same_v<T, CreateRequest>)
                onCreate(c, slot, request);
            else if constexpr (std::is_same_v<T, InviteRequest>)
                onInvite(c, slot, request);
            else if constexpr (std::is_same_v<T, PresenceRequest>)
                onPresence(c, slot, request);
            else if constexpr (std::is_same_v<T, AdminWatchRequest>)
                onAdminWatch(c, slot, request);
            else if constexpr (std::is_same_v<T, AdminUnwatchRequest>)
                onAdminUnwatch(c, slot, request);
            else if constexpr (std::is_same_v<T, AdminStatsRequest>)
                onAdminStats(c, slot, request);
            else if constexpr (std::is_same_v<T, AdminKickRequest>)
                onAdminKick(c, slot, request);
            else if constexpr (std::is_same_v<T, AdminUserRequest>)
                onAdminUser(c, slot, request);
            else if constexpr (std::is_same_v<T, TypingNotice>)
                Q_UNREACHABLE();
        },
        frame);
}

void Router::replyOk(Connection *c, quint64 slot, RequestId id, const QJsonObject &ok)
{
    c->fulfilReply(slot, encodeReplyOk(id, ok));
}

void Router::replyError(Connection *c, quint64 slot, RequestId id, ErrorCode code,
                        const QString &message, std::optional<qint64> retryMs)
{
    c->fulfilReply(slot, encodeReplyError(id, Error{code, message, retryMs}));
}

// ---- session ----------------------------------------------------------------------------

void Router::onHello(Connection *c, quint64 slot, const HelloRequest &request)
{
    if (c->isSignedIn()) {
        replyError(c, slot, request.id, ErrorCode::BadRequest, u"already signed in"_s);
        return;
    }
    c->clientName = request.client;
    auto fail = [](Connection *conn, quint64 s, RequestId id, const Error &error) {
        conn->fulfilReply(s, encodeReplyError(id, error));
        if (error.code == ErrorCode::Unauthorized && ++conn->failedHellos >= maxFailedHellos) {
            qCInfo(lcAuth) << conn->session() << "failed hello three times - closing 1008";
            conn->closeWith(1008, u"too many failed sign-ins"_s);
        }
    };
    if (!request.token.isEmpty()) {
        auto result = m_parts.auth.signInWithToken(request.token, nowMs());
        if (result.error) {
            fail(c, slot, request.id, *result.error);
            return;
        }
        c->user = result.user;
        completeHello(c, slot, request.id, false);
        return;
    }
    c->helloPending = true;
    QPointer<Connection> guard(c);
    const RequestId id = request.id;
    m_parts.auth.signInWithPassword(request.user, request.password, c->peerAddress(),
                                    [this, guard, slot, id, fail](AuthService::Result result) {
                                        if (!guard)
                                            return;
                                        guard->helloPending = false;
                                        if (result.error) {
                                            fail(guard, slot, id, *result.error);
                                        } else {
                                            guard->user = result.user;
                                            completeHello(guard, slot, id, true);
                                        }
                                        pump(guard);
                                    });
}

void Router::completeHello(Connection *c, quint64 slot, RequestId id, bool issuedToken)
{
    if (const int limit = m_config.connectionsPerUser; limit > 0) {
        const QList<Connection *> others = m_parts.hub.connectionsOf(c->userName());
        const auto open = std::count_if(others.cbegin(), others.cend(),
                                        [](const Connection *o) { return !o->isClosing(); });
        if (open >= limit) {
            qCInfo(lcAuth) << c->session() << "is one connection too many for" << c->userName()
                           << "- closing 4009";
            c->user.reset(); // not signed in: nothing to undo when it closes
            replyError(c, slot, id, ErrorCode::Forbidden,
                       u"too many connections for this user (%1)"_s.arg(limit));
            c->closeWith(4009, u"too many connections"_s);
            return;
        }
    }
    const qint64 now = nowMs();
    m_parts.hub.signedIn(c);
    const QString &user = c->userName();
    qCInfo(lcAuth) << c->session() << "signed in as" << user;
    m_parts.presence.connectionOpened(user, now);
    notifyWatchers(AdminPresenceEvent{AdminPresenceKind::Connect, m_parts.presence.presence(user),
                                      connectionInfo(c, now)});

    HelloOk ok;
    ok.user = c->user->info;
    if (issuedToken)
        ok.token = c->user->token;
    ok.session = c->session();
    ok.heartbeatMs = m_config.heartbeatMs;
    ok.limits = m_config.limits;
    ok.server = u"confabd/"_s + QCoreApplication::applicationVersion();
    if (QCoreApplication::applicationVersion().isEmpty())
        ok.server = u"confabd/0.3"_s;
    // The user's own channels only: the reply must not grow with the server's public
    // channels (those are paged by `channels`).
    store::ChannelRepository channels(m_parts.db);
    for (const auto &record : channels.memberOf(user))
        ok.channels.append(channelWithLiveSeq(record));
    replyOk(c, slot, id, ok.toJson());
}

void Router::onRegister(Connection *c, quint64 slot, const RegisterRequest &request)
{
    if (!m_config.openRegistration) {
        replyError(c, slot, request.id, ErrorCode::Forbidden,
                   u"this server does not allow open registration; ask an admin for an account"_s);
        return;
    }
    if (const auto throttled = m_parts.auth.admitRegistration(c->peerAddress())) {
        c->fulfilReply(slot, encodeReplyError(request.id, *throttled));
        return;
    }
    store::UserRepository users(m_parts.db);
    if (users.find(request.user)) {
        replyError(c, slot, request.id, ErrorCode::Conflict,
                   u"the user name '%1' is taken"_s.arg(request.user));
        return;
    }
    withPasswordHash(c, slot, request.id, request.password,
                     [this, slot, request](Connection *conn, const QString &hash) {
                         store::UserRepository users(m_parts.db);
                         QString error;
                         const UserInfo info{request.user,
                                             request.display.isEmpty() ? request.user
                                                                       : request.display,
                                             Role::User};
                         if (!users.add(info, hash, &error)) {
                             replyError(conn, slot, request.id, ErrorCode::Conflict, error);
                             return;
                         }
                         qCInfo(lcAuth) << "registered" << request.user;
                         joinedGeneral(request.user);
                         replyOk(conn, slot, request.id, RegisterOk{info}.toJson());
                     });
}

void Router::withPasswordHash(Connection *c, quint64 slot, RequestId id, const QString &password,
                              std::function<void(Connection *, const QString &)> then)
{
    QPointer<Connection> guard(c);
    m_parts.auth.hashPassword(password, [this, guard, slot, id, then](const QString &hash) {
        if (!guard)
            return;
        if (hash.isEmpty()) {
            replyError(guard, slot, id, ErrorCode::Internal,
                       u"the server could not hash the password"_s);
            return;
        }
        then(guard, hash);
    });
}

void Router::onLogout(Connection *c, quint64 slot, const LogoutRequest &request)
{
    if (!c->user->token.isEmpty())
        m_parts.auth.revoke(c->user->token);
    replyOk(c, slot, request.id);
    c->closeWith(1000, u"signed out"_s);
}

// ---- channels ---------------------------------------------------------------------------

Channel Router::channelWithLiveSeq(const store::ChannelRecord &record) const
{
    Channel channel = record.channel;
    channel.lastSeq = m_parts.hub.lastSeq(channel.name);
    return channel;
}

void Router::joinedGeneral(const QString &user)
{
    // UserRepository::add made the new account a member of `general`.
    const QString general = u"general"_s;
    if (m_parts.hub.hasMembers(general))
        m_parts.hub.addMember(general, user);
}

void Router::ensureMembers(const store::ChannelRecord &record)
{
    const QString &name = record.channel.name;
    if (m_parts.hub.hasMembers(name))
        return;
    store::ChannelRepository channels(m_parts.db);
    const QStringList members = channels.members(record.id);
    m_parts.hub.setMembers(name, QSet<QString>(members.cbegin(), members.cend()));
}

std::optional<store::ChannelRecord> Router::findChannel(const QString &name)
{
    // Channels are never renamed, deleted or made public/private, so a found record stays
    // right; a miss asks the store each time (confabctl may create channels meanwhile).
    if (auto it = m_channels.constFind(name); it != m_channels.cend())
        return *it;
    auto record = store::ChannelRepository(m_parts.db).find(name);
    if (record)
        m_channels.insert(name, *record);
    return record;
}

bool Router::isMember(const QString &channel, const QString &user)
{
    return m_parts.hub.members(channel).contains(user);
}

std::optional<store::ChannelRecord> Router::channelFor(Connection *c, quint64 slot, RequestId id,
                                                       const QString &name, bool allowCreateDirect)
{
    auto record = findChannel(name);
    const QString &user = c->userName();
    if (const auto pair = rules::directChannelMembers(name)) {
        if (pair->first != user && pair->second != user) {
            replyError(c, slot, id, ErrorCode::Forbidden,
                       u"only its two members can open %1"_s.arg(name));
            return std::nullopt;
        }
        if (!record && allowCreateDirect) {
            store::UserRepository users(m_parts.db);
            const QString other = pair->first == user ? pair->second : pair->first;
            if (!users.find(other)) {
                replyError(c, slot, id, ErrorCode::NotFound, u"there is no user '%1'"_s.arg(other));
                return std::nullopt;
            }
            QString error;
            record = store::ChannelRepository(m_parts.db).ensureDirect(name, &error);
            if (!record) {
                replyError(c, slot, id, ErrorCode::Internal, error);
                return std::nullopt;
            }
            m_channels.insert(name, *record);
            m_parts.hub.setLastSeq(name, 0);
        }
    }
    if (!record) {
        replyError(c, slot, id, ErrorCode::NotFound, u"there is no channel '%1'"_s.arg(name));
        return std::nullopt;
    }
    ensureMembers(*record);
    if (record->channel.isPrivate && !isMember(name, user)) {
        replyError(c, slot, id, ErrorCode::Forbidden,
                   u"'%1' is private and you are not a member"_s.arg(name));
        return std::nullopt;
    }
    return record;
}

namespace {

/// The `internal` error of a join or history whose messages could not be read (the details
/// are in the log, once, from Database::markDamaged).
QString unreadableMessages(const QString &channel)
{
    return u"the server could not read the messages of %1; its database is damaged"_s.arg(channel);
}

} // namespace

void Router::onJoin(Connection *c, quint64 slot, const JoinRequest &request)
{
    const auto record = channelFor(c, slot, request.id, request.channel, true);
    if (!record)
        return;
    const QString &name = record->channel.name;
    const QString &user = c->userName();
    if (!isMember(name, user)) { // a public channel: joining makes the user a member
        store::ChannelRepository channels(m_parts.db);
        QString error;
        if (!channels.addMember(record->id, user, &error)) {
            replyError(c, slot, request.id, ErrorCode::Internal, error);
            return;
        }
        m_parts.hub.addMember(name, user);
    }
    m_parts.hub.unsubscribe(name, c); // a repeated join starts a fresh catch-up

    const qint64 lastSeq = m_parts.hub.lastSeq(name);
    const qint64 cap = m_config.limits.catchup;
    qint64 from = lastSeq + 1;
    if (request.since) {
        from = std::max(*request.since + 1, lastSeq - cap + 1);
    } else if (request.rewindCount) {
        from = lastSeq - std::min(*request.rewindCount, cap) + 1;
    } else if (request.rewindSeconds) {
        store::MessageRepository messages(m_parts.db);
        const qint64 since = nowMs() - *request.rewindSeconds * 1000;
        const auto first = messages.firstSeqSince(record->id, since, lastSeq);
        if (!first) {
            replyError(c, slot, request.id, ErrorCode::Internal, unreadableMessages(name));
            c->joined.remove(name);
            return;
        }
        from = std::max(*first, lastSeq - cap + 1);
    }
    from = std::max<qint64>(from, 1);
    // The catch-up is read before the reply: a read that fails (or finds a gap) is an error
    // reply to the join, with no catch-up, no `synced` and no subscription.
    QList<Message> missed;
    if (from <= lastSeq) {
        store::MessageRepository messages(m_parts.db);
        auto read = messages.range(record->id, name, from, lastSeq, int(cap));
        if (!read) {
            replyError(c, slot, request.id, ErrorCode::Internal, unreadableMessages(name));
            c->joined.remove(name);
            return;
        }
        missed = std::move(*read);
    }

    JoinOk ok;
    ok.channel = channelWithLiveSeq(*record);
    ok.lastSeq = lastSeq;
    QStringList members = m_parts.hub.members(name).values();
    members.sort();
    for (const QString &member : std::as_const(members))
        ok.members.append(Member{member, m_parts.presence.presence(member).status});
    ok.typing = m_parts.typing.typingIn(name);
    replyOk(c, slot, request.id, ok.toJson());

    const qint64 firstSent = missed.isEmpty() ? lastSeq + 1 : missed.first().seq;
    for (const Message &message : std::as_const(missed))
        c->sendJson(encodeMsgEvent(message));
    c->sendJson(encodeServerFrame(SyncedEvent{name, firstSent, lastSeq}));
    m_parts.hub.subscribe(name, c);
    c->joined.insert(name);
}

void Router::onLeave(Connection *c, quint64 slot, const LeaveRequest &request)
{
    if (rules::isDirectChannelName(request.channel)) {
        replyError(c, slot, request.id, ErrorCode::BadRequest,
                   u"a direct conversation cannot be left"_s);
        return;
    }
    const auto record = findChannel(request.channel);
    if (!record) {
        replyError(c, slot, request.id, ErrorCode::NotFound,
                   u"there is no channel '%1'"_s.arg(request.channel));
        return;
    }
    const QString &user = c->userName();
    QString error;
    if (!store::ChannelRepository(m_parts.db).removeMember(record->id, user, &error))
        qCWarning(lcRouter) << "leave" << request.channel << "kept the membership:" << error;
    endMembership(*record, user, c);
    replyOk(c, slot, request.id);
}

void Router::endMembership(const store::ChannelRecord &record, const QString &user,
                           const Connection *asked)
{
    const QString &name = record.channel.name;
    m_parts.hub.removeMember(name, user);
    stopTyping(name, user);
    // Every connection of the user stops receiving the channel at once; the ones that did
    // not ask learn it from a `channel` `removed` event.
    const QByteArray removed =
        encodeServerFrame(ChannelEvent{ChannelEventKind::Removed, channelWithLiveSeq(record)});
    for (Connection *connection : m_parts.hub.connectionsOf(user)) {
        m_parts.hub.unsubscribe(name, connection);
        connection->joined.remove(name);
        if (connection != asked)
            connection->sendJson(removed);
    }
}

void Router::onChannels(Connection *c, quint64 slot, const ChannelsRequest &request)
{
    store::ChannelRepository channels(m_parts.db);
    const int limit = request.limit > 0 ? request.limit : rules::maxChannelsPage;
    ChannelsOk ok;
    auto page = channels.visibleTo(c->userName(), request.after, limit + 1);
    ok.more = page.size() > limit;
    page.resize(std::min<qsizetype>(page.size(), limit));
    for (const auto &record : std::as_const(page))
        ok.channels.append(channelWithLiveSeq(record));
    replyOk(c, slot, request.id, ok.toJson());
}

void Router::onCreate(Connection *c, quint64 slot, const CreateRequest &request)
{
    store::ChannelRepository channels(m_parts.db);
    const bool admin = c->user->info.role == Role::Admin;
    if (!admin && m_config.channelsPerUser > 0 &&
        channels.countCreatedBy(c->userName()) >= m_config.channelsPerUser) {
        replyError(c, slot, request.id, ErrorCode::Forbidden,
                   u"you have created %1 channels, the most this server allows; ask an admin"_s.arg(
                       m_config.channelsPerUser));
        return;
    }
    QString error;
    bool conflict = false;
    const auto record = channels.create(request.channel, request.topic, request.isPrivate,
                                        c->userName(), &error, &conflict);
    if (!record) {
        replyError(c, slot, request.id, conflict ? ErrorCode::Conflict : ErrorCode::Internal,
                   error);
        return;
    }
    m_channels.insert(request.channel, *record);
    m_parts.hub.setLastSeq(request.channel, 0);
    m_parts.hub.setMembers(request.channel, {c->userName()});
    replyOk(c, slot, request.id, ChannelOk{channelWithLiveSeq(*record)}.toJson());
}

void Router::onInvite(Connection *c, quint64 slot, const InviteRequest &request)
{
    const auto record = channelFor(c, slot, request.id, request.channel, false);
    if (!record)
        return;
    if (rules::isDirectChannelName(request.channel)) {
        replyError(c, slot, request.id, ErrorCode::Forbidden,
                   u"a direct conversation has exactly its two members"_s);
        return;
    }
    store::UserRepository users(m_parts.db);
    if (!users.find(request.user)) {
        replyError(c, slot, request.id, ErrorCode::NotFound,
                   u"there is no user '%1'"_s.arg(request.user));
        return;
    }
    if (record->channel.isPrivate && !isMember(request.channel, request.user)) {
        store::ChannelRepository channels(m_parts.db);
        QString error;
        if (!channels.addMember(record->id, request.user, &error)) {
            replyError(c, slot, request.id, ErrorCode::Internal, error);
            return;
        }
        m_parts.hub.addMember(request.channel, request.user);
    }
    replyOk(c, slot, request.id, ChannelOk{channelWithLiveSeq(*record)}.toJson());
}

// ---- messages ---------------------------------------------------------------------------

void Router::onPublish(Connection *c, quint64 slot, const PublishRequest &request)
{
    const auto record = channelFor(c, slot, request.id, request.channel, false);
    if (!record)
        return;
    const QString &user = c->userName();
    if (!isMember(request.channel, user)) {
        replyError(c, slot, request.id, ErrorCode::Forbidden,
                   u"join '%1' before publishing to it"_s.arg(request.channel));
        return;
    }
    if (const qint64 wait = c->publishLimiter.take(nowMs()); wait > 0) {
        replyError(c, slot, request.id, ErrorCode::RateLimited,
                   u"publishing too fast; retry after %1 ms"_s.arg(wait), wait);
        return;
    }
    stopTyping(request.channel, user);
    store::PublishJob job;
    job.channelId = record->id;
    job.channel = request.channel;
    job.from = user;
    job.cid = request.cid;
    job.text = request.text;
    const quint64 ticket = m_parts.writer.submit(std::move(job));
    m_pendingPublishes.insert(ticket, PendingPublish{c, slot, request.id});
}

void Router::onCommitted(const QList<store::PublishOutcome> &outcomes)
{
    for (const auto &outcome : outcomes) {
        const PendingPublish pending = m_pendingPublishes.take(outcome.ticket);
        if (outcome.error) {
            qCWarning(lcRouter) << "publish failed:" << outcome.error->message;
            if (pending.connection)
                pending.connection->fulfilReply(pending.slot,
                                                encodeReplyError(pending.id, *outcome.error));
            continue;
        }
        if (!outcome.dup)
            m_parts.hub.broadcastMessage(outcome.message);
        if (pending.connection) {
            // Encoded directly (same bytes as PublishOk::toJson + encodeReplyOk): building a
            // QJsonObject per ack was a visible share of the event loop's time per publish.
            pending.connection->fulfilReply(
                pending.slot, encodePublishOk(pending.id, outcome.message.seq, outcome.message.mid,
                                              outcome.message.ts, outcome.dup));
        }
    }
    if (m_draining && m_pendingPublishes.isEmpty() && m_drained)
        std::exchange(m_drained, nullptr)();
}

void Router::onHistory(Connection *c, quint64 slot, const HistoryRequest &request)
{
    const auto record = channelFor(c, slot, request.id, request.channel, false);
    if (!record)
        return;
    store::MessageRepository messages(m_parts.db);
    HistoryOk ok;
    const qint64 lastSeq = m_parts.hub.lastSeq(request.channel);
    const auto page =
        request.before
            ? messages.before(record->id, request.channel, std::min(*request.before, lastSeq + 1),
                              request.limit, &ok.more)
            : messages.after(record->id, request.channel, request.after.value_or(0), lastSeq,
                             request.limit, &ok.more);
    if (!page) { // never a short page: the client would take it for all there is
        replyError(c, slot, request.id, ErrorCode::Internal, unreadableMessages(request.channel));
        return;
    }
    ok.messages = *page;
    replyOk(c, slot, request.id, ok.toJson());
}

// ---- typing and presence ----------------------------------------------------------------

void Router::onTyping(Connection *c, const TypingNotice &notice)
{
    if (!c->joined.contains(notice.channel))
        return;
    const qint64 now = nowMs();
    if (c->typingLimiter.take(now) > 0)
        return; // over 2 a second: dropped silently
    if (!m_parts.typing.update(notice.channel, c->userName(), notice.active, now))
        return;
    m_parts.hub.sendToOthersInChannel(
        notice.channel,
        encodeServerFrame(TypingEvent{TypingState{notice.channel, c->userName(), notice.active}}),
        c->userName());
}

void Router::stopTyping(const QString &channel, const QString &user)
{
    if (m_parts.typing.stop(channel, user))
        m_parts.hub.sendToOthersInChannel(
            channel, encodeServerFrame(TypingEvent{TypingState{channel, user, false}}), user);
}

void Router::onTypingExpired(const QString &channel, const QString &user)
{
    m_parts.hub.sendToOthersInChannel(
        channel, encodeServerFrame(TypingEvent{TypingState{channel, user, false}}), user);
}

void Router::onPresence(Connection *c, quint64 slot, const PresenceRequest &request)
{
    m_parts.presence.set(c->userName(), request.status, request.text, nowMs());
    replyOk(c, slot, request.id);
}

void Router::onPresenceChanged(const Presence &presence)
{
    const QByteArray frame = makeTextFrame(encodeServerFrame(PresenceEvent{presence}));
    for (Connection *connection : m_parts.hub.presenceAudience(presence.user))
        connection->sendFrame(frame);
    notifyWatchers(AdminPresenceEvent{AdminPresenceKind::Status, presence, std::nullopt});
}

// ---- admin ------------------------------------------------------------------------------

ConnectionInfo Router::connectionInfo(const Connection *c, qint64 now) const
{
    ConnectionInfo info;
    info.session = c->session();
    info.client = c->clientName;
    info.address = c->peerText();
    info.connectedSince = c->connectedSinceMs();
    info.idleMs = std::max<qint64>(0, now - c->lastActivityMs());
    info.channels = c->joined.values();
    info.channels.sort();
    return info;
}

void Router::notifyWatchers(const AdminPresenceEvent &event)
{
    // The stream shows other users' addresses and sessions: it ends for a watcher whose
    // role changed, however the change came (admin.user, or confabctl via SessionWatcher).
    m_watchers.removeIf([](Connection *watcher) { return !isAdmin(watcher); });
    if (m_watchers.isEmpty())
        return;
    const QByteArray frame = makeTextFrame(encodeServerFrame(event));
    for (Connection *watcher : std::as_const(m_watchers))
        watcher->sendFrame(frame);
}

void Router::onAdminWatch(Connection *c, quint64 slot, const AdminWatchRequest &request)
{
    const qint64 now = nowMs();
    store::UserRepository users(m_parts.db);
    AdminWatchOk ok;
    for (const auto &record : users.list()) {
        UserActivity activity;
        activity.presence = m_parts.presence.presence(record.info.name);
        for (const Connection *connection : m_parts.hub.connectionsOf(record.info.name))
            activity.connections.append(connectionInfo(connection, now));
        ok.users.append(activity);
    }
    m_watchers.insert(c);
    replyOk(c, slot, request.id, ok.toJson());
}

void Router::onAdminUnwatch(Connection *c, quint64 slot, const AdminUnwatchRequest &request)
{
    m_watchers.remove(c);
    replyOk(c, slot, request.id);
}

void Router::onAdminStats(Connection *c, quint64 slot, const AdminStatsRequest &request)
{
    AdminStatsOk ok;
    ok.connections = connectionCount();
    ok.usersOnline = m_parts.presence.onlineUsers();
    if (m_rateSamples.size() >= 2) {
        const auto &[t0, n0] = m_rateSamples.front();
        const auto &[t1, n1] = m_rateSamples.back();
        if (t1 > t0)
            ok.messagesPerSecond = double(n1 - n0) * 1000.0 / double(t1 - t0);
    }
    ok.uptimeMs = m_uptime.elapsed();
    ok.databaseBytes = m_parts.db.sizeBytes();
    replyOk(c, slot, request.id, ok.toJson());
}

void Router::kick(Connection *c)
{
    c->sendJson(encodeServerFrame(ByeEvent{ByeReason::Kicked, std::nullopt}));
    c->closeWith(4002, u"kicked"_s);
}

void Router::endRevokedSession(Connection *connection)
{
    if (!connection->isClosing())
        kick(connection);
}

void Router::onAdminKick(Connection *c, quint64 slot, const AdminKickRequest &request)
{
    QList<Connection *> targets;
    if (!request.user.isEmpty()) {
        targets = m_parts.hub.connectionsOf(request.user);
    } else if (Connection *target = m_parts.hub.bySession(request.session)) {
        targets.append(target);
    }
    targets.removeIf([](Connection *t) { return t->isClosing(); });
    replyOk(c, slot, request.id, AdminKickOk{targets.size()}.toJson());
    for (Connection *target : std::as_const(targets)) {
        qCInfo(lcNet) << "admin" << c->userName() << "kicked" << target->session();
        kick(target);
    }
}

void Router::onAdminUser(Connection *c, quint64 slot, const AdminUserRequest &request)
{
    const bool needsHash =
        request.action == AdminUserAction::Add || request.action == AdminUserAction::ResetPassword;
    if (!needsHash) {
        finishAdminUser(c, slot, request, {});
        return;
    }
    store::UserRepository users(m_parts.db);
    const bool exists = users.find(request.user).has_value();
    if (request.action == AdminUserAction::Add && exists) {
        replyError(c, slot, request.id, ErrorCode::Conflict,
                   u"the user name '%1' is taken"_s.arg(request.user));
        return;
    }
    if (request.action != AdminUserAction::Add && !exists) {
        replyError(c, slot, request.id, ErrorCode::NotFound,
                   u"there is no user '%1'"_s.arg(request.user));
        return;
    }
    withPasswordHash(c, slot, request.id, request.password,
                     [this, slot, request](Connection *conn, const QString &hash) {
                         finishAdminUser(conn, slot, request, hash);
                     });
}

void Router::finishAdminUser(Connection *c, quint64 slot, const AdminUserRequest &request,
                             const QString &passwordHash)
{
    store::UserRepository users(m_parts.db);
    QString error;
    bool ok = true;
    bool endSessions = false;
    switch (request.action) {
    case AdminUserAction::Add: {
        const UserInfo info{request.user,
                            request.display.isEmpty() ? request.user : request.display,
                            request.role.value_or(Role::User)};
        ok = users.add(info, passwordHash, &error).has_value();
        if (ok)
            joinedGeneral(request.user);
        break;
    }
    case AdminUserAction::Disable:
        ok = users.setDisabled(request.user, true, &error);
        endSessions = true;
        break;
    case AdminUserAction::Enable:
        ok = users.setDisabled(request.user, false, &error);
        break;
    case AdminUserAction::SetRole:
        ok = users.setRole(request.user, request.role.value_or(Role::User), &error);
        break;
    case AdminUserAction::ResetPassword:
        ok = users.setPasswordHash(request.user, passwordHash, &error);
        endSessions = true;
        break;
    }
    const auto record = users.find(request.user);
    if (!ok || !record) {
        const bool missing = !record;
        replyError(c, slot, request.id, missing ? ErrorCode::NotFound : ErrorCode::Conflict,
                   error.isEmpty() ? u"there is no user '%1'"_s.arg(request.user) : error);
        return;
    }
    for (Connection *connection : m_parts.hub.connectionsOf(request.user)) {
        if (connection->user)
            connection->user->info = record->info; // a new role applies at once
        if (!isAdmin(connection))
            m_watchers.remove(connection);
    }
    if (endSessions) {
        store::TokenRepository(m_parts.db).revokeAll(record->id);
    }
    replyOk(c, slot, request.id, AdminUserOk{record->info, record->disabled}.toJson());
    if (endSessions) {
        for (Connection *connection : m_parts.hub.connectionsOf(request.user))
            kick(connection);
    }
}

// ---- lifecycle --------------------------------------------------------------------------

void Router::onClosed(Connection *c)
{
    const qint64 now = nowMs();
    qCInfo(lcNet) << "disconnect" << c->session() << (c->isSignedIn() ? c->userName() : QString());
    m_watchers.remove(c);
    m_parts.hub.remove(c);
    if (c->isSignedIn()) {
        const QString user = c->userName();
        if (m_parts.hub.connectionsOf(user).isEmpty()) {
            for (const QString &channel : m_parts.typing.channelsOf(user))
                stopTyping(channel, user);
        }
        m_parts.presence.connectionClosed(user, now);
        notifyWatchers(AdminPresenceEvent{AdminPresenceKind::Disconnect,
                                          m_parts.presence.presence(user), connectionInfo(c, now)});
    }
    c->deleteLater();
}

void Router::tick()
{
    const qint64 now = nowMs();
    const bool pingNow = now - m_lastPingMs >= m_config.heartbeatMs;
    if (pingNow)
        m_lastPingMs = now;
    const QList<Connection *> connections = m_parts.hub.connections();
    for (Connection *c : connections) {
        if (c->isClosing())
            continue;
        if (!c->isSignedIn() && !c->helloPending &&
            now - c->connectedSinceMs() > m_config.helloTimeoutMs) {
            qCInfo(lcNet) << c->session() << "sent no hello in time - closing 4001";
            c->closeWith(4001, u"no hello in time"_s);
            continue;
        }
        if (now - c->lastActivityMs() > 2LL * m_config.heartbeatMs) {
            qCInfo(lcNet) << c->session() << "is silent - closing as dead";
            c->abort();
            continue;
        }
        if (pingNow)
            c->ping();
    }
    m_rateSamples.emplace_back(now, m_parts.hub.messagesBroadcast());
    while (m_rateSamples.size() > 2 && m_rateSamples.front().first < now - 10000)
        m_rateSamples.pop_front();
}

void Router::drain(std::function<void()> done)
{
    m_draining = true;
    if (m_pendingPublishes.isEmpty()) {
        done();
        return;
    }
    m_drained = std::move(done);
    QTimer::singleShot(drainDeadlineMs, this, [this] {
        if (m_drained)
            std::exchange(m_drained, nullptr)();
    });
}

void Router::closeAll(ByeReason reason, int closeCode)
{
    const QByteArray bye = encodeServerFrame(ByeEvent{reason, 1000});
    const QList<Connection *> connections = m_parts.hub.connections();
    for (Connection *c : connections) {
        c->sendJson(bye);
        c->closeWith(closeCode, u"server shutting down"_s);
    }
}

} // namespace confab::server
