// SPDX-License-Identifier: Apache-2.0
#include "sessions.h"
#include "version.h"

#include "authservice.h"
#include "channeldirectory.h"
#include "clock.h"
#include "codec.h"
#include "connection.h"
#include "hub.h"
#include "logging.h"
#include "presencetracker.h"
#include "replies.h"
#include "secretcompare.h"
#include "stores.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace confab::server {

namespace {
constexpr int maxFailedHellos = 3;
} // namespace

Sessions::Sessions(const ServerConfig &config, store::AccountStore &accounts, AuthService &auth,
                   Hub &hub, PresenceTracker &presence, ChannelDirectory &channels, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_accounts(accounts)
    , m_auth(auth)
    , m_hub(hub)
    , m_presence(presence)
    , m_channels(channels)
{}

void Sessions::hello(const Responder &reply, const HelloRequest &request)
{
    Connection *c = reply.connection();
    if (c->isSignedIn()) {
        reply.error(ErrorCode::BadRequest, u"already signed in"_s);
        return;
    }
    if (!request.token.isEmpty()) {
        auto result = m_auth.signInWithToken(request.token, clock::wallMs());
        if (result.error) {
            failHello(reply, *result.error);
            return;
        }
        c->user = result.user;
        c->user->client = request.client;
        completeHello(reply, false);
        return;
    }
    c->helloPending = true;
    const QString client = request.client;
    m_auth.signInWithPassword(request.user, request.password, c->peerAddress(),
                              [this, reply, client](AuthService::Result result) {
                                  Connection *c = reply.connection();
                                  // Closed while the password was checked: signing it in
                                  // would put it back into the Hub, which has forgotten it
                                  // (and would keep it after it is deleted).
                                  if (!c || c->isClosing())
                                      return;
                                  c->helloPending = false;
                                  if (result.error) {
                                      failHello(reply, *result.error);
                                  } else {
                                      c->user = result.user;
                                      c->user->client = client;
                                      completeHello(reply, true);
                                  }
                                  emit inputResumed(c);
                              });
}

void Sessions::failHello(const Responder &reply, const Error &error)
{
    reply.error(error);
    Connection *c = reply.connection();
    if (error.code == ErrorCode::Unauthorized && ++c->failedHellos >= maxFailedHellos) {
        qCInfo(lcAuth) << c->session() << "failed hello three times - closing 1008";
        c->closeWith(CloseCode::Policy, u"too many failed sign-ins"_s);
    }
}

void Sessions::completeHello(const Responder &reply, bool issuedToken)
{
    Connection *c = reply.connection();
    if (const int limit = m_config.connectionsPerUser; limit > 0) {
        const QList<Connection *> others = m_hub.connectionsOf(c->userName());
        const auto open = std::count_if(others.cbegin(), others.cend(),
                                        [](const Connection *o) { return !o->isClosing(); });
        if (open >= limit) {
            qCInfo(lcAuth) << c->session() << "is one connection too many for" << c->userName()
                           << "- closing 4009";
            c->user.reset(); // not signed in: nothing to undo when it closes
            reply.error(ErrorCode::Forbidden,
                        u"too many connections for this user (%1)"_s.arg(limit));
            c->closeWith(CloseCode::TooManyConnections, u"too many connections"_s);
            return;
        }
    }
    m_hub.signedIn(c);
    const QString &user = c->userName();
    qCInfo(lcAuth) << c->session() << "signed in as" << user;
    m_presence.connectionOpened(user, clock::wallMs());
    emit signedIn(c);

    HelloOk ok;
    ok.user = c->user->info;
    if (issuedToken)
        ok.token = c->user->token;
    ok.session = c->session();
    ok.heartbeatMs = m_config.heartbeatMs;
    ok.limits = m_config.limits;
    ok.server = u"confabd/"_s + QLatin1StringView(shortVersion);
    ok.name = m_config.serverName;
    ok.protocol = u"1.2"_s; // 1.1: `channel` and `member` events; 1.2: read positions
    // The user's own channels only: the reply must not grow with the server's public
    // channels (those are paged by `channels`).
    for (const auto &record : m_channels.memberOf(user)) {
        Channel channel = record.channel;
        channel.lastSeq = m_hub.lastSeq(channel.name);
        ok.channels.append(channel);
    }
    reply.ok(ok.toJson());
}

void Sessions::registerUser(const Responder &reply, const RegisterRequest &request)
{
    if (!m_config.openRegistration) {
        reply.error(ErrorCode::Forbidden,
                    u"this server does not allow open registration; ask an admin for an account"_s);
        return;
    }
    if (const auto throttled = m_auth.admitRegistration(reply.connection()->peerAddress())) {
        reply.error(*throttled);
        return;
    }
    if (m_accounts.findUser(request.user)) {
        reply.error(ErrorCode::Conflict, u"the user name '%1' is taken"_s.arg(request.user));
        return;
    }
    m_auth.hashPassword(request.password, [this, reply, request](const QString &hash) {
        if (!reply.connection())
            return;
        if (hash.isEmpty()) {
            reply.error(ErrorCode::Internal, u"the server could not hash the password"_s);
            return;
        }
        QString error;
        const UserInfo info{request.user,
                            request.display.isEmpty() ? request.user : request.display, Role::User};
        if (!m_accounts.addUser(info, hash, &error)) {
            reply.error(ErrorCode::Conflict, error);
            return;
        }
        qCInfo(lcAuth) << "registered" << request.user;
        emit accountAdded(request.user);
        reply.ok(RegisterOk{info}.toJson());
    });
}

void Sessions::logout(const Responder &reply, const LogoutRequest &)
{
    Connection *c = reply.connection();
    const QString token = c->user->token;
    if (!token.isEmpty())
        m_auth.revoke(token);
    reply.ok();
    c->closeWith(CloseCode::Normal, u"signed out"_s);
    // Another connection signed in with the same token (a client's second window, a
    // console's kept sign-in) ends with it, as it would at its next sign-in.
    if (token.isEmpty())
        return;
    const QList<Connection *> others = m_hub.connectionsOf(c->userName());
    for (Connection *other : others) {
        if (other != c && other->user && auth::secretsEqual(other->user->token, token) &&
            !other->isClosing())
            other->closeWith(CloseCode::Normal, u"signed out"_s);
    }
}

void Sessions::kick(Connection *connection, const QString &message)
{
    if (connection->isClosing())
        return;
    connection->sendJson(encodeServerFrame(ByeEvent{ByeReason::Kicked, std::nullopt, message}));
    connection->closeWith(CloseCode::Kicked, u"kicked"_s);
}

void Sessions::closeAll(ByeReason reason, CloseCode closeCode)
{
    const QByteArray bye = encodeServerFrame(ByeEvent{reason, 1000, {}});
    const QList<Connection *> connections = m_hub.connections();
    for (Connection *c : connections) {
        c->sendJson(bye);
        c->closeWith(closeCode, u"server shutting down"_s);
    }
}

void Sessions::connectionClosed(Connection *c)
{
    qCInfo(lcNet) << "disconnect" << c->session() << (c->isSignedIn() ? c->userName() : QString());
    m_hub.remove(c);
    if (c->isSignedIn())
        m_presence.connectionClosed(c->userName(), clock::wallMs());
    emit closed(c);
    c->deleteLater();
}

} // namespace confab::server
