// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace confab {

/// One chat message, as stored and as carried by `msg` events and `history` replies.
/// `seq` is per channel, gapless and strictly increasing from 1; `ts` is server time (ms).
struct Message
{
    QString channel;
    qint64 seq = 0;
    QString mid;  ///< server-assigned id
    QString cid;  ///< client-chosen id; (from, cid) is unique forever
    QString from; ///< author's user name
    qint64 ts = 0;
    QString text; ///< 1..limits.text UTF-8 bytes, relayed byte-exact

    friend bool operator==(const Message &, const Message &) = default;
};

/// A channel as listed to a user. `lastSeq` is the seq of its newest message (0 when empty).
struct Channel
{
    QString name;
    QString topic;
    bool isPrivate = false;
    qint64 lastSeq = 0;

    friend bool operator==(const Channel &, const Channel &) = default;
};

enum class Role { User, Admin };
QLatin1StringView roleName(Role role);
std::optional<Role> roleFromName(QStringView name);

struct UserInfo
{
    QString name;
    QString display;
    Role role = Role::User;

    friend bool operator==(const UserInfo &, const UserInfo &) = default;
};

enum class PresenceStatus { Online, Away, Dnd, Offline };
QLatin1StringView presenceStatusName(PresenceStatus status);
std::optional<PresenceStatus> presenceStatusFromName(QStringView name);

/// A user's presence. `since` is when the status last changed, `lastSeen` when the user
/// last had a live connection (both ms since the epoch; 0 when unknown).
struct Presence
{
    QString user;
    PresenceStatus status = PresenceStatus::Offline;
    QString text;
    qint64 since = 0;
    qint64 lastSeen = 0;
    /// The user's display name (1.1; empty: not given). Added last, with an initializer,
    /// so that brace-initialisations written before it stay warning-free.
    QString display{};

    friend bool operator==(const Presence &, const Presence &) = default;
};

/// A member of a channel with their status, as in the `join` reply.
struct Member
{
    QString user;
    PresenceStatus status = PresenceStatus::Offline;
    QString display{}; ///< the user's display name (1.1; empty: not given)
    QString text{};    ///< the user's status text (1.2; empty: none, or a server before 1.2)

    friend bool operator==(const Member &, const Member &) = default;
};

/// Who is typing in one channel.
struct TypingState
{
    QString channel;
    QString user;
    bool active = false;

    friend bool operator==(const TypingState &, const TypingState &) = default;
};

/// One live connection of a user, as the admin view shows it.
struct ConnectionInfo
{
    QString session;
    QString client;
    QString address;
    qint64 connectedSince = 0;
    qint64 idleMs = 0;
    QStringList channels;
    bool encrypted = false; ///< TLS (wss://) between the client and the server
    qint64 unsentBytes = 0; ///< the server's backlog to this connection

    friend bool operator==(const ConnectionInfo &, const ConnectionInfo &) = default;
};

/// A user in the admin snapshot: presence plus every live connection.
struct UserActivity
{
    Presence presence;
    QList<ConnectionInfo> connections;
    bool disabled = false; ///< the account is disabled (`"disabled":true`, else absent)

    friend bool operator==(const UserActivity &, const UserActivity &) = default;
};

/// The server's figures, as `admin.stats` and the `admin.watch` snapshot give them.
struct ServerStatistics
{
    qint64 connections = 0;
    qint64 usersOnline = 0;
    qint64 usersAway = 0;
    qint64 usersDnd = 0;
    qint64 usersOffline = 0;
    double messagesPerSecond = 0;       ///< over the last 10 s
    double messagesPerSecondMinute = 0; ///< over the last minute
    qint64 refusedRateLimited = 0;      ///< publishes refused by the rate limit, since start
    qint64 uptimeMs = 0;
    qint64 databaseBytes = 0;
    QString version;

    friend bool operator==(const ServerStatistics &, const ServerStatistics &) = default;
};

/// The limits a server announces in its `hello` reply (PROTOCOL.md defaults).
struct Limits
{
    int frame = 65536;      ///< bytes per frame
    int text = 16384;       ///< UTF-8 bytes per message text
    int ratePerSecond = 20; ///< sustained publishes per second per connection
    int burst = 50;         ///< publishes allowed in a burst
    int catchup = 1000;     ///< messages sent at most on join before `synced`
    int historyPage = 200;  ///< `limit` at most in `history`

    friend bool operator==(const Limits &, const Limits &) = default;
};

} // namespace confab
