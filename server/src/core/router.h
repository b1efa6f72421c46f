// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "channelrepository.h"
#include "codec.h"
#include "serverconfig.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <deque>

namespace confab::store {
class Database;
class MessageWriter;
struct PublishOutcome;
} // namespace confab::store

namespace confab::server {

class AuthService;
class Connection;
class Hub;
class PresenceTracker;
class TypingTracker;

/// Applies protocol requests to the server's state. Reads each connection's inbox in order
/// and answers every request exactly once, in request order (a `publish` is answered when
/// its batch has committed). Pauses a connection's input while its sign-in is being checked,
/// and before a `join` until earlier replies have left, so a join's reply, catch-up and
/// `synced` are never overtaken. Also runs the per-connection clocks: hello timeout,
/// heartbeat pings, and closing silent connections.
class Router : public QObject
{
    Q_OBJECT
public:
    struct Parts
    {
        store::Database &db;
        store::MessageWriter &writer;
        Hub &hub;
        PresenceTracker &presence;
        TypingTracker &typing;
        AuthService &auth;
    };

    Router(const ServerConfig &config, Parts parts, QObject *parent = nullptr);
    ~Router() override;

    /// Takes a new connection from the Transport.
    void adopt(Connection *connection);
    /// Stops reading requests; `done` runs once every accepted publish has been answered
    /// (or after a deadline).
    void drain(std::function<void()> done);
    /// Sends `bye` with `reason` to every connection and closes them.
    void closeAll(ByeReason reason, int closeCode);
    /// Ends a session whose sign-in was revoked elsewhere (`bye` `kicked`, close 4002).
    void endRevokedSession(Connection *connection);
    int connectionCount() const;

private:
    struct PendingPublish
    {
        QPointer<Connection> connection;
        quint64 slot = 0;
        RequestId id = 0;
    };

    void pump(Connection *connection);
    /// Goes on with `connection`'s inbox in a later event-loop turn.
    void pumpNextTurn(Connection *connection);
    void onClosed(Connection *connection);
    void onCommitted(const QList<store::PublishOutcome> &outcomes);
    void onPresenceChanged(const Presence &presence);
    void onTypingExpired(const QString &channel, const QString &user);
    void tick();

    void dispatch(Connection *c, const ClientFrame &frame);
    void badFrame(Connection *c, const ProtocolError &error);

    void onHello(Connection *c, quint64 slot, const HelloRequest &request);
    void completeHello(Connection *c, quint64 slot, RequestId id, bool issuedToken);
    void onRegister(Connection *c, quint64 slot, const RegisterRequest &request);
    void onLogout(Connection *c, quint64 slot, const LogoutRequest &request);
    void onJoin(Connection *c, quint64 slot, const JoinRequest &request);
    void onLeave(Connection *c, quint64 slot, const LeaveRequest &request);
    void onPublish(Connection *c, quint64 slot, const PublishRequest &request);
    void onHistory(Connection *c, quint64 slot, const HistoryRequest &request);
    void onChannels(Connection *c, quint64 slot, const ChannelsRequest &request);
    void onCreate(Connection *c, quint64 slot, const CreateRequest &request);
    void onInvite(Connection *c, quint64 slot, const InviteRequest &request);
    void onTyping(Connection *c, const TypingNotice &notice);
    void onPresence(Connection *c, quint64 slot, const PresenceRequest &request);
    void onAdminWatch(Connection *c, quint64 slot, const AdminWatchRequest &request);
    void onAdminUnwatch(Connection *c, quint64 slot, const AdminUnwatchRequest &request);
    void onAdminStats(Connection *c, quint64 slot, const AdminStatsRequest &request);
    void onAdminKick(Connection *c, quint64 slot, const AdminKickRequest &request);
    void onAdminUser(Connection *c, quint64 slot, const AdminUserRequest &request);
    void finishAdminUser(Connection *c, quint64 slot, const AdminUserRequest &request,
                         const QString &passwordHash);

    /// Hashes a new password off the event loop, then calls `then` unless the connection
    /// went away; a failed hash is answered with `internal`.
    void withPasswordHash(Connection *c, quint64 slot, RequestId id, const QString &password,
                          std::function<void(Connection *, const QString &)> then);
    void replyOk(Connection *c, quint64 slot, RequestId id, const QJsonObject &ok = {});
    void replyError(Connection *c, quint64 slot, RequestId id, ErrorCode code,
                    const QString &message, std::optional<qint64> retryMs = std::nullopt);

    /// A channel the user may see, loading its member cache; sets an error reply otherwise.
    std::optional<store::ChannelRecord> channelFor(Connection *c, quint64 slot, RequestId id,
                                                   const QString &name, bool allowCreateDirect);
    /// The channel's record, cached after the first look-up (no store read per publish).
    std::optional<store::ChannelRecord> findChannel(const QString &name);
    bool isMember(const QString &channel, const QString &user);
    void ensureMembers(const store::ChannelRecord &record);
    /// Keeps the member cache of `general` true for an account just made.
    void joinedGeneral(const QString &user);
    void stopTyping(const QString &channel, const QString &user);
    /// `user` is no longer a member of `record`: unsubscribes each of their connections and
    /// tells those other than `asked` with a `channel` `removed` event.
    void endMembership(const store::ChannelRecord &record, const QString &user,
                       const Connection *asked);
    void kick(Connection *c);
    ConnectionInfo connectionInfo(const Connection *c, qint64 nowMs) const;
    void notifyWatchers(const AdminPresenceEvent &event);
    Channel channelWithLiveSeq(const store::ChannelRecord &record) const;

    ServerConfig m_config;
    Parts m_parts;
    QHash<quint64, PendingPublish> m_pendingPublishes;
    QHash<QString, store::ChannelRecord> m_channels;
    QSet<Connection *> m_watchers;
    QTimer m_clock;
    qint64 m_lastPingMs = 0;
    bool m_draining = false;
    std::function<void()> m_drained;
    QElapsedTimer m_uptime;
    std::deque<std::pair<qint64, qint64>> m_rateSamples; ///< (ms, messages broadcast)
};

} // namespace confab::server
