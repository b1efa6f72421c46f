// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "frames.h"
#include "responder.h"

#include <QHash>
#include <QObject>
#include <QRegularExpression>
#include <QSet>
#include <QTimer>

#include <optional>

namespace confab::store {
class AccountStore;
}

namespace confab::server {

class AuthService;
class ChannelDirectory;
class DisplayNames;
class Hub;
class PresenceTracker;
class ServerStats;
class Sessions;

/// What a connection looks like to an admin (the admin snapshot and events).
ConnectionInfo connectionInfo(const Connection *connection, qint64 nowMs);

/// The admin requests (`admin.watch`, `admin.unwatch`, `admin.stats`, `admin.kick`,
/// `admin.user`; the dispatcher lets only admins reach them) and the two admin streams:
///
/// - `admin.presence`: a connect, a disconnect or a status change goes to every watching
///   connection whose filter covers it (docs/protocol.md, Admin) and whose user is an admin
///   at that moment, so a demotion ends the stream however it came;
/// - `admin.stats`: the server's figures and the largest send backlogs, to every watcher
///   about once a second, skipped when nothing changed since the last one sent. One timer,
///   running only while someone watches.
class AdminRequests : public QObject
{
    Q_OBJECT
public:
    struct Parts
    {
        store::AccountStore &accounts;
        AuthService &auth;
        Hub &hub;
        PresenceTracker &presence;
        ChannelDirectory &channels;
        Sessions &sessions;
        ServerStats &stats;
        DisplayNames &names;
    };

    explicit AdminRequests(Parts parts, QObject *parent = nullptr);

    void watch(const Responder &reply, const AdminWatchRequest &request);
    void unwatch(const Responder &reply, const AdminUnwatchRequest &request);
    void stats(const Responder &reply, const AdminStatsRequest &request);
    void kick(const Responder &reply, const AdminKickRequest &request);
    void user(const Responder &reply, const AdminUserRequest &request);

    /// The `unsent` list of the `admin.stats` event: (session, unsent bytes) of every
    /// connection with a backlog, largest first, at most 100.
    QList<std::pair<QString, qint64>> largestBacklogs() const;

private:
    /// One watching connection's filter, with its user-name pattern compiled.
    struct Watch
    {
        AdminWatchFilter filter;
        QRegularExpression userPattern; ///< used when filter.userGlob is not empty
    };

    void finishUser(const Responder &reply, const AdminUserRequest &request,
                    const QString &passwordHash);
    /// Sends `event` to the watchers whose filter covers it; `previous`: the user's status
    /// before a status change.
    void notify(const AdminPresenceEvent &event, std::optional<PresenceStatus> previous);
    /// The user is one the watch is about (user glob and channel; not the status).
    bool coversUser(const Watch &watch, const QString &user);
    /// Ends the streams of watchers that are no longer admins; false when none is left.
    bool dropDemotedWatchers();
    /// Starts or stops the stats timer as watchers come and go.
    void watchersChanged();
    void sendStats();

    Parts m_parts;
    QHash<Connection *, Watch> m_watchers;
    QTimer m_statsTimer;
    std::optional<AdminStatsEvent> m_lastStatsSent; ///< with uptime 0: what "changed" means
};

} // namespace confab::server
