// SPDX-License-Identifier: Apache-2.0
#include "adminrequests.h"

#include "authservice.h"
#include "channeldirectory.h"
#include "codec.h"
#include "connection.h"
#include "hub.h"
#include "logging.h"
#include "presencetracker.h"
#include "replies.h"
#include "serverstats.h"
#include "sessions.h"
#include "stores.h"
#include "wsframe.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace confab::server {

namespace {
qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}
} // namespace

ConnectionInfo connectionInfo(const Connection *c, qint64 now)
{
    ConnectionInfo info;
    info.session = c->session();
    info.client = c->user ? c->user->client : QString();
    info.address = c->peerText();
    info.connectedSince = c->connectedSinceMs();
    info.idleMs = std::max<qint64>(0, now - c->lastActivityMs());
    info.channels = c->joined.values();
    info.channels.sort();
    return info;
}

AdminRequests::AdminRequests(Parts parts, QObject *parent)
    : QObject(parent)
    , m_parts(parts)
{
    connect(&m_parts.sessions, &Sessions::signedIn, this, [this](Connection *c) {
        notify(AdminPresenceEvent{AdminPresenceKind::Connect,
                                  m_parts.presence.presence(c->userName()),
                                  connectionInfo(c, nowMs()), std::nullopt});
    });
    connect(&m_parts.sessions, &Sessions::closed, this, [this](Connection *c) {
        m_watchers.remove(c);
        if (c->isSignedIn())
            notify(AdminPresenceEvent{AdminPresenceKind::Disconnect,
                                      m_parts.presence.presence(c->userName()),
                                      connectionInfo(c, nowMs()), std::nullopt});
    });
    connect(&m_parts.presence, &PresenceTracker::changed, this, [this](const Presence &p) {
        notify(AdminPresenceEvent{AdminPresenceKind::Status, p, std::nullopt, std::nullopt});
    });
}

void AdminRequests::notify(const AdminPresenceEvent &event)
{
    // The stream shows other users' addresses and sessions: it ends for a watcher whose
    // role changed, however the change came (admin.user, or confabctl via SessionWatcher).
    m_watchers.removeIf([](Connection *watcher) { return !watcher->isAdmin(); });
    if (m_watchers.isEmpty())
        return;
    const QByteArray frame = makeTextFrame(encodeServerFrame(event));
    for (Connection *watcher : std::as_const(m_watchers))
        watcher->sendFrame(frame);
}

void AdminRequests::watch(const Responder &reply, const AdminWatchRequest &)
{
    const qint64 now = nowMs();
    AdminWatchOk ok;
    for (const auto &record : m_parts.accounts.users()) {
        UserActivity activity;
        activity.presence = m_parts.presence.presence(record.info.name);
        for (const Connection *connection : m_parts.hub.connectionsOf(record.info.name))
            activity.connections.append(connectionInfo(connection, now));
        ok.users.append(activity);
    }
    m_watchers.insert(reply.connection());
    reply.ok(ok.toJson());
}

void AdminRequests::unwatch(const Responder &reply, const AdminUnwatchRequest &)
{
    m_watchers.remove(reply.connection());
    reply.ok();
}

void AdminRequests::stats(const Responder &reply, const AdminStatsRequest &)
{
    reply.ok(AdminStatsOk{m_parts.stats.snapshot()}.toJson());
}

void AdminRequests::kick(const Responder &reply, const AdminKickRequest &request)
{
    QList<Connection *> targets;
    if (!request.user.isEmpty()) {
        targets = m_parts.hub.connectionsOf(request.user);
    } else if (Connection *target = m_parts.hub.bySession(request.session)) {
        targets.append(target);
    }
    targets.removeIf([](Connection *t) { return t->isClosing(); });
    reply.ok(AdminKickOk{targets.size()}.toJson());
    for (Connection *target : std::as_const(targets)) {
        qCInfo(lcNet) << "admin" << reply.connection()->userName() << "kicked" << target->session();
        m_parts.sessions.kick(target);
    }
}

void AdminRequests::user(const Responder &reply, const AdminUserRequest &request)
{
    const bool needsHash =
        request.action == AdminUserAction::Add || request.action == AdminUserAction::ResetPassword;
    if (!needsHash) {
        finishUser(reply, request, {});
        return;
    }
    const bool exists = m_parts.accounts.findUser(request.user).has_value();
    if (request.action == AdminUserAction::Add && exists) {
        reply.error(ErrorCode::Conflict, u"the user name '%1' is taken"_s.arg(request.user));
        return;
    }
    if (request.action != AdminUserAction::Add && !exists) {
        reply.error(ErrorCode::NotFound, u"there is no user '%1'"_s.arg(request.user));
        return;
    }
    m_parts.auth.hashPassword(request.password, [this, reply, request](const QString &hash) {
        if (!reply.connection())
            return;
        if (hash.isEmpty()) {
            reply.error(ErrorCode::Internal, u"the server could not hash the password"_s);
            return;
        }
        finishUser(reply, request, hash);
    });
}

void AdminRequests::finishUser(const Responder &reply, const AdminUserRequest &request,
                               const QString &passwordHash)
{
    store::AccountStore &users = m_parts.accounts;
    QString error;
    bool ok = true;
    bool endSessions = false;
    switch (request.action) {
    case AdminUserAction::Add: {
        const UserInfo info{request.user,
                            request.display.isEmpty() ? request.user : request.display,
                            request.role.value_or(Role::User)};
        ok = users.addUser(info, passwordHash, &error).has_value();
        if (ok)
            m_parts.channels.accountAdded(request.user);
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
    const auto record = users.findUser(request.user);
    if (!ok || !record) {
        reply.error(!record ? ErrorCode::NotFound : ErrorCode::Conflict,
                    error.isEmpty() ? u"there is no user '%1'"_s.arg(request.user) : error);
        return;
    }
    for (Connection *connection : m_parts.hub.connectionsOf(request.user)) {
        if (connection->user)
            connection->user->info = record->info; // a new role applies at once
        if (!connection->isAdmin())
            m_watchers.remove(connection);
    }
    if (endSessions)
        m_parts.accounts.revokeTokens(record->id);
    reply.ok(AdminUserOk{record->info, record->disabled}.toJson());
    if (endSessions) {
        for (Connection *connection : m_parts.hub.connectionsOf(request.user))
            m_parts.sessions.kick(connection);
    }
}

} // namespace confab::server
