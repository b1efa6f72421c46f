// SPDX-License-Identifier: Apache-2.0
#pragma once

// Typed views of the `ok` objects of replies. Each has toJson() for the server and a
// fromJson() for clients that returns nullopt when a required field is missing or ill-typed.

#include "types.h"

#include <QJsonObject>

#include <optional>

namespace confab {

struct HelloOk
{
    UserInfo user;
    QString token; ///< only after a password sign-in
    QString session;
    int heartbeatMs = 15000;
    Limits limits;
    QString server;
    QList<Channel> channels;
    QString name; ///< the server's name as its administrator set it (empty: none given)
    /// The protocol revision the server speaks beyond `v`, e.g. "1.2" (1.1: the `channel`
    /// and `member` events; 1.2: read positions); empty from a server of plain 1.
    QString protocol;

    QJsonObject toJson() const;
    static std::optional<HelloOk> fromJson(const QJsonObject &ok);
    friend bool operator==(const HelloOk &, const HelloOk &) = default;
};

/// `register` reply: the account that was created (sign in with `hello` afterwards).
struct RegisterOk
{
    UserInfo user;

    QJsonObject toJson() const;
    static std::optional<RegisterOk> fromJson(const QJsonObject &ok);
    friend bool operator==(const RegisterOk &, const RegisterOk &) = default;
};

struct JoinOk
{
    Channel channel;
    qint64 lastSeq = 0;
    QList<Member> members;
    QStringList typing;
    /// The user's read position in the channel (1.2; 0 when never read, or from an older
    /// server, which does not send `read_seq`).
    qint64 readSeq = 0;

    QJsonObject toJson() const;
    static std::optional<JoinOk> fromJson(const QJsonObject &ok);
    friend bool operator==(const JoinOk &, const JoinOk &) = default;
};

struct PublishOk
{
    qint64 seq = 0;
    QString mid;
    qint64 ts = 0;
    bool dup = false;

    QJsonObject toJson() const;
    static std::optional<PublishOk> fromJson(const QJsonObject &ok);
    friend bool operator==(const PublishOk &, const PublishOk &) = default;
};

struct HistoryOk
{
    QList<Message> messages; ///< ascending seq
    bool more = false;

    QJsonObject toJson() const;
    static std::optional<HistoryOk> fromJson(const QJsonObject &ok);
    friend bool operator==(const HistoryOk &, const HistoryOk &) = default;
};

/// Reply to `channels`.
struct ChannelsOk
{
    QList<Channel> channels;
    bool more = false; ///< more channels follow the last one (ask with `after`)

    QJsonObject toJson() const;
    static std::optional<ChannelsOk> fromJson(const QJsonObject &ok);
    friend bool operator==(const ChannelsOk &, const ChannelsOk &) = default;
};

/// Reply to `create` (and `invite`): the channel.
struct ChannelOk
{
    Channel channel;

    QJsonObject toJson() const;
    static std::optional<ChannelOk> fromJson(const QJsonObject &ok);
    friend bool operator==(const ChannelOk &, const ChannelOk &) = default;
};

/// Reply to `admin.watch`: every user with their live connections.
struct AdminWatchOk
{
    QList<UserActivity> users;
    /// The whole server's figures (not only the users the filter chose); nullopt from a
    /// server that does not send them.
    std::optional<ServerStatistics> stats;

    QJsonObject toJson() const;
    static std::optional<AdminWatchOk> fromJson(const QJsonObject &ok);
    friend bool operator==(const AdminWatchOk &, const AdminWatchOk &) = default;
};

struct AdminStatsOk
{
    ServerStatistics stats;

    QJsonObject toJson() const;
    static std::optional<AdminStatsOk> fromJson(const QJsonObject &ok);
    friend bool operator==(const AdminStatsOk &, const AdminStatsOk &) = default;
};

/// Reply to `admin.kick`: how many connections were closed.
struct AdminKickOk
{
    qint64 closed = 0;

    QJsonObject toJson() const;
    static std::optional<AdminKickOk> fromJson(const QJsonObject &ok);
    friend bool operator==(const AdminKickOk &, const AdminKickOk &) = default;
};

/// Reply to `admin.user`: the user as it now is, and whether it is disabled.
struct AdminUserOk
{
    UserInfo user;
    bool disabled = false;

    QJsonObject toJson() const;
    static std::optional<AdminUserOk> fromJson(const QJsonObject &ok);
    friend bool operator==(const AdminUserOk &, const AdminUserOk &) = default;
};

// JSON forms of the value types, shared by frames and replies.
QJsonObject toJson(const Message &message);
std::optional<Message> messageFromJson(const QJsonObject &object);
QJsonObject toJson(const Channel &channel);
std::optional<Channel> channelFromJson(const QJsonObject &object);
QJsonObject toJson(const UserInfo &user);
std::optional<UserInfo> userInfoFromJson(const QJsonObject &object);
QJsonObject toJson(const Presence &presence);
std::optional<Presence> presenceFromJson(const QJsonObject &object);
QJsonObject toJson(const ConnectionInfo &connection);
std::optional<ConnectionInfo> connectionInfoFromJson(const QJsonObject &object);
QJsonObject toJson(const ServerStatistics &stats);
QJsonObject toJson(const Limits &limits);
std::optional<Limits> limitsFromJson(const QJsonObject &object);

} // namespace confab
