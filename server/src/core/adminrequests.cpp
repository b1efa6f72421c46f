// SPDX-License-Identifier: Apache-2.0
#include "adminrequests.h"

#include "authservice.h"
#include "channeldirectory.h"
#include "clock.h"
#include "codec.h"
#include "connection.h"
#include "displaynames.h"
#include "hub.h"
#include "logging.h"
#include "presencetracker.h"
#include "replies.h"
#include "serverstats.h"
#include "sessions.h"
#include "stores.h"
#include "wsframe.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace confab::server {

namespace {
// About once a second; skipped when nothing changed since the last one sent.
constexpr int statsIntervalMs = 1000;
// The `unsent` list of the admin.stats event names this many connections at most.
constexpr int maxBacklogsListed = 100;

qint64 nowMs()
{
    return clock::monotonicMs(); // idle times only
}

/// A user-name pattern: `*` any run of characters, `?` one character, everything else
/// itself; the whole name, case-insensitive.
QRegularExpression globPattern(const QString &glob)
{
    QString pattern = u"\\A"_s;
    QString literal;
    for (const QChar c : glob) {
        if (c != u'*' && c != u'?') {
            literal.append(c);
            continue;
        }
        pattern += QRegularExpression::escape(literal);
        literal.clear();
        pattern += c == u'*' ? u".*"_s : u"."_s;
    }
    pattern += QRegularExpression::escape(literal) + u"\\z"_s;
    return QRegularExpression(pattern, QRegularExpression::CaseInsensitiveOption |
                                           QRegularExpression::DotMatchesEverythingOption);
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
    info.encrypted = c->isEncrypted();
    info.unsentBytes = c->unsentBytes();
    return info;
}

AdminRequests::AdminRequests(Parts parts, QObject *parent)
    : QObject(parent)
    , m_parts(parts)
{
    m_statsTimer.setInterval(statsIntervalMs);
    connect(&m_statsTimer, &QTimer::timeout, this, &AdminRequests::sendStats);
    connect(&m_parts.sessions, &Sessions::signedIn, this, [this](Connection *c) {
        notify(AdminPresenceEvent{AdminPresenceKind::Connect,
                                  m_parts.presence.presence(c->userName()),
                                  connectionInfo(c, nowMs()), std::nullopt},
               std::nullopt);
    });
    connect(&m_parts.sessions, &Sessions::closed, this, [this](Connection *c) {
        if (m_watchers.remove(c))
            watchersChanged();
        if (c->isSignedIn())
            notify(AdminPresenceEvent{AdminPresenceKind::Disconnect,
                                      m_parts.presence.presence(c->userName()),
                                      connectionInfo(c, nowMs()), c->closeCode()},
                   std::nullopt);
    });
    connect(&m_parts.presence, &PresenceTracker::changed, this,
            [this](const Presence &p, PresenceStatus previous) {
                notify(AdminPresenceEvent{AdminPresenceKind::Status, p, std::nullopt, std::nullopt},
                       previous);
            });
}

bool AdminRequests::dropDemotedWatchers()
{
    // The streams show other users' addresses and sessions: they end for a watcher whose
    // role changed, however the change came (admin.user, or confabctl via SessionWatcher).
    const bool dropped = m_watchers.removeIf([](QHash<Connection *, Watch>::iterator watcher) {
        return !watcher.key()->isAdmin();
    }) > 0;
    if (dropped)
        watchersChanged();
    return !m_watchers.isEmpty();
}

void AdminRequests::watchersChanged()
{
    if (m_watchers.isEmpty()) {
        m_statsTimer.stop();
        m_lastStatsSent.reset(); // the next watcher's first tick sends
    } else if (!m_statsTimer.isActive()) {
        m_statsTimer.start();
    }
}

bool AdminRequests::coversUser(const Watch &watch, const QString &user)
{
    const AdminWatchFilter &filter = watch.filter;
    if (!filter.userGlob.isEmpty() && !watch.userPattern.match(user).hasMatch())
        return false;
    return filter.channel.isEmpty() || m_parts.channels.members(filter.channel).contains(user);
}

void AdminRequests::notify(const AdminPresenceEvent &event, std::optional<PresenceStatus> previous)
{
    if (m_watchers.isEmpty() || !dropDemotedWatchers())
        return;
    QByteArray frame; // encoded once, for the first watcher it goes to
    for (auto it = m_watchers.cbegin(); it != m_watchers.cend(); ++it) {
        const AdminWatchFilter &filter = it->filter;
        if (!coversUser(*it, event.presence.user))
            continue;
        // A status change goes when the user enters or leaves the statuses watched (so the
        // console can add or drop the row); a connect or disconnect when the user's status
        // is one of them.
        if (!filter.statuses.isEmpty() && !filter.statuses.contains(event.presence.status) &&
            !(previous && filter.statuses.contains(*previous)))
            continue;
        if (frame.isEmpty()) {
            AdminPresenceEvent named = event;
            named.presence.display = m_parts.names.of(event.presence.user);
            frame = makeTextFrame(encodeServerFrame(named));
        }
        it.key()->sendFrame(frame);
    }
}

void AdminRequests::watch(const Responder &reply, const AdminWatchRequest &request)
{
    const AdminWatchFilter &filter = request.filter;
    if (!filter.channel.isEmpty() && !m_parts.channels.find(filter.channel)) {
        reply.error(ErrorCode::NotFound, u"there is no channel '%1'"_s.arg(filter.channel));
        return;
    }
    Watch watch{filter,
                filter.userGlob.isEmpty() ? QRegularExpression() : globPattern(filter.userGlob)};
    const qint64 now = nowMs();
    const QList<store::UserRecord> records = m_parts.accounts.users();
    if (!records.isEmpty()) // (empty: the read failed; the watcher is an account)
        m_parts.stats.setAccountCount(records.size());
    AdminWatchOk ok;
    for (const store::UserRecord &record : records) {
        const QString &name = record.info.name;
        if (!coversUser(watch, name))
            continue;
        UserActivity activity;
        activity.presence = m_parts.presence.presence(name);
        activity.presence.display = record.info.display;
        activity.disabled = record.disabled;
        if (!filter.statuses.isEmpty() && !filter.statuses.contains(activity.presence.status))
            continue;
        const QList<Connection *> connections = m_parts.hub.connectionsOf(name);
        if (filter.idleOverMs) {
            const qint64 idleOver = *filter.idleOverMs;
            if (connections.isEmpty() ||
                !std::all_of(connections.cbegin(), connections.cend(), [&](const Connection *c) {
                    return now - c->lastActivityMs() > idleOver;
                }))
                continue;
        }
        activity.connections.reserve(connections.size());
        for (const Connection *connection : connections)
            activity.connections.append(connectionInfo(connection, now));
        ok.users.append(std::move(activity));
    }
    ok.stats = m_parts.stats.snapshot();
    // A second watch on the same connection replaces the first.
    m_watchers.insert(reply.connection(), std::move(watch));
    watchersChanged();
    reply.ok(ok.toJson());
}

void AdminRequests::unwatch(const Responder &reply, const AdminUnwatchRequest &)
{
    if (m_watchers.remove(reply.connection()))
        watchersChanged();
    reply.ok();
}

void AdminRequests::stats(const Responder &reply, const AdminStatsRequest &)
{
    reply.ok(AdminStatsOk{m_parts.stats.snapshot()}.toJson());
}

QList<std::pair<QString, qint64>> AdminRequests::largestBacklogs() const
{
    QList<std::pair<qint64, const Connection *>> backlogs;
    for (const Connection *connection : m_parts.hub.connections()) {
        if (const qint64 unsent = connection->unsentBytes(); unsent > 0)
            backlogs.append({unsent, connection});
    }
    const auto largestFirst = [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first > b.first : a.second->session() < b.second->session();
    };
    const qsizetype listed = std::min<qsizetype>(backlogs.size(), maxBacklogsListed);
    std::partial_sort(backlogs.begin(), backlogs.begin() + listed, backlogs.end(), largestFirst);
    QList<std::pair<QString, qint64>> list;
    list.reserve(listed);
    for (qsizetype i = 0; i < listed; ++i)
        list.append({backlogs[i].second->session(), backlogs[i].first});
    return list;
}

void AdminRequests::sendStats()
{
    if (!dropDemotedWatchers())
        return;
    AdminStatsEvent event{m_parts.stats.snapshot(), largestBacklogs()};
    // Uptime always moves: it alone is no reason to send.
    AdminStatsEvent compared = event;
    compared.stats.uptimeMs = 0;
    if (m_lastStatsSent == compared)
        return;
    m_lastStatsSent = std::move(compared);
    const QByteArray frame = makeTextFrame(encodeServerFrame(event));
    for (auto it = m_watchers.cbegin(); it != m_watchers.cend(); ++it)
        it.key()->sendFrame(frame);
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
        m_parts.sessions.kick(target, request.reason);
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
        if (ok) {
            m_parts.channels.accountAdded(request.user);
            m_parts.stats.accountAdded();
        }
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
        if (!connection->isAdmin() && m_watchers.remove(connection))
            watchersChanged();
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
