// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "frames.h"
#include "responder.h"

#include <QObject>
#include <QSet>

namespace confab::store {
class AccountStore;
}

namespace confab::server {

class AuthService;
class ChannelDirectory;
class Hub;
class PresenceTracker;
class ServerStats;
class Sessions;

/// What a connection looks like to an admin (the admin snapshot and events).
ConnectionInfo connectionInfo(const Connection *connection, qint64 nowMs);

/// The admin requests (`admin.watch`, `admin.unwatch`, `admin.stats`, `admin.kick`,
/// `admin.user`; the dispatcher lets only admins reach them) and the admin presence stream:
/// a connect, a disconnect or a status change goes to every watching connection whose user
/// is an admin at that moment, so a demotion ends the stream however it came.
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
    };

    explicit AdminRequests(Parts parts, QObject *parent = nullptr);

    void watch(const Responder &reply, const AdminWatchRequest &request);
    void unwatch(const Responder &reply, const AdminUnwatchRequest &request);
    void stats(const Responder &reply, const AdminStatsRequest &request);
    void kick(const Responder &reply, const AdminKickRequest &request);
    void user(const Responder &reply, const AdminUserRequest &request);

private:
    void finishUser(const Responder &reply, const AdminUserRequest &request,
                    const QString &passwordHash);
    void notify(const AdminPresenceEvent &event);

    Parts m_parts;
    QSet<Connection *> m_watchers;
};

} // namespace confab::server
