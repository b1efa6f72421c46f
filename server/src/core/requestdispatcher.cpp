// SPDX-License-Identifier: Apache-2.0
#include "requestdispatcher.h"

#include "adminrequests.h"
#include "channelrequests.h"
#include "clock.h"
#include "connection.h"
#include "historyreader.h"
#include "hub.h"
#include "logging.h"
#include "presencerelay.h"
#include "publishpipeline.h"
#include "readmarkers.h"
#include "responder.h"
#include "sessions.h"

#include <QPointer>

using namespace Qt::StringLiterals;

namespace confab::server {

namespace {

constexpr int maxInboxFrames = 1000; // frames queued unread before the peer is cut off
constexpr int badFrameLimit = 20;    // more than this many in the window: close 1008
constexpr qint64 badFrameWindowMs = 10000;
// Frames one connection may have handled before it yields the event loop to the others:
// a client pipelining thousands of cheap requests must not stall everyone's messages.
constexpr int framesPerTurn = 32;

template <typename... Handler> struct Overloaded : Handler...
{
    using Handler::operator()...;
};
template <typename... Handler> Overloaded(Handler...) -> Overloaded<Handler...>;

qint64 nowMs()
{
    return clock::monotonicMs(); // rates and windows only
}

} // namespace

RequestDispatcher::RequestDispatcher(const ServerConfig &config, Hub &hub, Handlers handlers,
                                     QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_hub(hub)
    , m_handlers(handlers)
{}

void RequestDispatcher::adopt(Connection *connection)
{
    connection->requestLimiter = RateLimiter(m_config.requestRatePerSecond, m_config.requestBurst);
    m_hub.add(connection);
    connect(connection, &Connection::inboxGrew, this, [this](Connection *c) {
        if (int(c->inbox.size()) > maxInboxFrames) {
            qCInfo(lcNet) << c->session() << "sent" << c->inbox.size()
                          << "frames without waiting - closing 1008";
            c->closeWith(CloseCode::Policy, u"too many frames queued"_s);
            return;
        }
        pump(c);
    });
    // A join waiting for earlier replies goes on once they have left.
    connect(connection, &Connection::repliesDrained, this, &RequestDispatcher::resume);
    connect(connection, &Connection::closed, &m_handlers.sessions, &Sessions::connectionClosed);
}

void RequestDispatcher::resume(Connection *c)
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

void RequestDispatcher::pump(Connection *c)
{
    while (!c->inbox.empty() && !c->isClosing() && !c->helloPending && !m_stopped) {
        if (c->framesThisTurn >= framesPerTurn) {
            resume(c);
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

void RequestDispatcher::badFrame(Connection *c, const ProtocolError &error)
{
    const quint64 slot = c->reserveReply();
    c->fulfilReply(slot, encodeReplyError(error));
    const qint64 now = nowMs();
    c->badFrameTimes.push_back(now);
    while (!c->badFrameTimes.empty() && c->badFrameTimes.front() <= now - badFrameWindowMs)
        c->badFrameTimes.pop_front();
    if (int(c->badFrameTimes.size()) > badFrameLimit) {
        qCInfo(lcNet) << c->session() << "sent too many bad frames - closing 1008";
        c->closeWith(CloseCode::Policy, u"too many bad frames"_s);
    }
}

void RequestDispatcher::dispatch(Connection *c, const ClientFrame &frame)
{
    const ClientFrameRule &rule = clientFrameRule(frame);
    if (!rule.needsId) { // `typing`, a notification: no reply, dropped when not allowed
        if (const auto *typing = std::get_if<TypingNotice>(&frame); typing && c->isSignedIn())
            m_handlers.presence.typing(c, *typing);
        return;
    }
    const Responder reply(c, c->reserveReply(), requestId(frame).value_or(0));
    // `publish` has its own, stricter bucket (limits.rate_per_s); every other request
    // spends from this one, so no request type is free to flood with.
    if (!std::holds_alternative<PublishRequest>(frame)) {
        if (const qint64 wait = c->requestLimiter.take(nowMs()); wait > 0) {
            reply.error(ErrorCode::RateLimited, u"too many requests; retry after %1 ms"_s.arg(wait),
                        wait);
            return;
        }
    }
    if (rule.access != FrameAccess::Anyone && !c->isSignedIn()) {
        reply.error(ErrorCode::NotReady, u"send hello first"_s);
        return;
    }
    if (rule.access == FrameAccess::Admin && !c->isAdmin()) {
        reply.error(ErrorCode::Forbidden, u"this needs the admin role"_s);
        return;
    }
    Sessions &sessions = m_handlers.sessions;
    ChannelRequests &channels = m_handlers.channels;
    AdminRequests &admin = m_handlers.admin;
    std::visit(Overloaded{
                   [&](const HelloRequest &r) { sessions.hello(reply, r); },
                   [&](const RegisterRequest &r) { sessions.registerUser(reply, r); },
                   [&](const LogoutRequest &r) { sessions.logout(reply, r); },
                   [&](const JoinRequest &r) { channels.join(reply, r); },
                   [&](const LeaveRequest &r) { channels.leave(reply, r); },
                   [&](const ChannelsRequest &r) { channels.list(reply, r); },
                   [&](const CreateRequest &r) { channels.create(reply, r); },
                   [&](const InviteRequest &r) { channels.invite(reply, r); },
                   [&](const PublishRequest &r) { m_handlers.publishing.publish(reply, r); },
                   [&](const HistoryRequest &r) { m_handlers.history.history(reply, r); },
                   [&](const PresenceRequest &r) { m_handlers.presence.setStatus(reply, r); },
                   [&](const TypingNotice &) {}, // a notification, handled above
                   [&](const AdminWatchRequest &r) { admin.watch(reply, r); },
                   [&](const AdminUnwatchRequest &r) { admin.unwatch(reply, r); },
                   [&](const AdminStatsRequest &r) { admin.stats(reply, r); },
                   [&](const AdminKickRequest &r) { admin.kick(reply, r); },
                   [&](const AdminUserRequest &r) { admin.user(reply, r); },
                   [&](const ReadRequest &r) { m_handlers.reads.read(reply, r); },
               },
               frame);
}

} // namespace confab::server
