// SPDX-License-Identifier: Apache-2.0
#include "replies.h"

#include "jsonfields.h"

#include <QJsonArray>

namespace confab {

using namespace Qt::StringLiterals;

namespace {

// Runs `read` over `object`; nullopt when any field was missing or ill-typed.
template <typename Read>
auto fromObject(const QJsonObject &object, Read read)
    -> std::optional<decltype(read(std::declval<FieldReader &>()))>
{
    FieldReader reader(object);
    auto value = read(reader);
    if (!reader.ok())
        return std::nullopt;
    return value;
}

QJsonObject toJson(const Member &member);
QJsonObject toJson(const UserActivity &activity);

template <typename T> QJsonArray toJsonArray(const QList<T> &list)
{
    QJsonArray array;
    for (const T &item : list)
        array.append(toJson(item));
    return array;
}

QJsonObject toJson(const Member &member)
{
    QJsonObject object{{u"user"_s, member.user}, {u"status"_s, presenceStatusName(member.status)}};
    if (!member.display.isEmpty())
        object.insert(u"display"_s, member.display);
    if (!member.text.isEmpty())
        object.insert(u"text"_s, member.text);
    return object;
}

Member readMember(FieldReader &reader)
{
    Member member{reader.string("user"_L1), readPresenceStatus(reader, "status"_L1)};
    member.display = reader.optionalString("display"_L1).value_or(QString());
    member.text = reader.optionalString("text"_L1).value_or(QString());
    return member;
}

QJsonObject toJson(const UserActivity &activity)
{
    QJsonObject object = toJson(activity.presence);
    object.insert(u"connections"_s, toJsonArray(activity.connections));
    if (activity.disabled)
        object.insert(u"disabled"_s, true);
    return object;
}

UserActivity readUserActivity(FieldReader &reader)
{
    UserActivity activity;
    activity.presence = readPresence(reader);
    activity.connections =
        readObjectList<ConnectionInfo>(reader, "connections"_L1, readConnectionInfo);
    activity.disabled = reader.optionalBoolean("disabled"_L1).value_or(false);
    return activity;
}

UserInfo readNestedUser(FieldReader &reader)
{
    FieldReader user(reader.object("user"_L1), reader, "user"_L1);
    return readUserInfo(user);
}

Channel readNestedChannel(FieldReader &reader)
{
    FieldReader channel(reader.object("channel"_L1), reader, "channel"_L1);
    return readChannel(channel);
}

} // namespace

// ---- value types -------------------------------------------------------------------------

QJsonObject toJson(const Message &message)
{
    return {
        {u"channel"_s, message.channel}, {u"seq"_s, message.seq},   {u"mid"_s, message.mid},
        {u"cid"_s, message.cid},         {u"from"_s, message.from}, {u"ts"_s, message.ts},
        {u"text"_s, message.text},
    };
}

std::optional<Message> messageFromJson(const QJsonObject &object)
{
    return fromObject(object, readMessage);
}

QJsonObject toJson(const Channel &channel)
{
    return {
        {u"name"_s, channel.name},
        {u"topic"_s, channel.topic},
        {u"private"_s, channel.isPrivate},
        {u"last_seq"_s, channel.lastSeq},
    };
}

std::optional<Channel> channelFromJson(const QJsonObject &object)
{
    return fromObject(object, readChannel);
}

QJsonObject toJson(const UserInfo &user)
{
    return {
        {u"name"_s, user.name},
        {u"display"_s, user.display},
        {u"role"_s, roleName(user.role)},
    };
}

std::optional<UserInfo> userInfoFromJson(const QJsonObject &object)
{
    return fromObject(object, readUserInfo);
}

QJsonObject toJson(const Presence &presence)
{
    QJsonObject object{
        {u"user"_s, presence.user},          {u"status"_s, presenceStatusName(presence.status)},
        {u"text"_s, presence.text},          {u"since"_s, presence.since},
        {u"last_seen"_s, presence.lastSeen},
    };
    if (!presence.display.isEmpty())
        object.insert(u"display"_s, presence.display);
    return object;
}

std::optional<Presence> presenceFromJson(const QJsonObject &object)
{
    return fromObject(object, readPresence);
}

QJsonObject toJson(const ConnectionInfo &connection)
{
    return {
        {u"session"_s, connection.session},
        {u"client"_s, connection.client},
        {u"address"_s, connection.address},
        {u"connected_since"_s, connection.connectedSince},
        {u"idle_ms"_s, connection.idleMs},
        {u"channels"_s, QJsonArray::fromStringList(connection.channels)},
        {u"encrypted"_s, connection.encrypted},
        {u"unsent_bytes"_s, connection.unsentBytes},
    };
}

QJsonObject toJson(const ServerStatistics &stats)
{
    return {
        {u"connections"_s, stats.connections},
        {u"users_online"_s, stats.usersOnline},
        {u"users_away"_s, stats.usersAway},
        {u"users_dnd"_s, stats.usersDnd},
        {u"users_offline"_s, stats.usersOffline},
        {u"messages_per_s"_s, stats.messagesPerSecond},
        {u"messages_per_s_1m"_s, stats.messagesPerSecondMinute},
        {u"refused_rate_limited"_s, stats.refusedRateLimited},
        {u"uptime_ms"_s, stats.uptimeMs},
        {u"db_bytes"_s, stats.databaseBytes},
        {u"version"_s, stats.version},
    };
}

std::optional<ConnectionInfo> connectionInfoFromJson(const QJsonObject &object)
{
    return fromObject(object, readConnectionInfo);
}

QJsonObject toJson(const Limits &limits)
{
    return {
        {u"frame"_s, limits.frame},
        {u"text"_s, limits.text},
        {u"rate_per_s"_s, limits.ratePerSecond},
        {u"burst"_s, limits.burst},
        {u"catchup"_s, limits.catchup},
        {u"history_page"_s, limits.historyPage},
    };
}

std::optional<Limits> limitsFromJson(const QJsonObject &object)
{
    return fromObject(object, readLimits);
}

// ---- reply ok objects --------------------------------------------------------------------

QJsonObject HelloOk::toJson() const
{
    QJsonObject object{
        {u"user"_s, confab::toJson(user)},
        {u"session"_s, session},
        {u"heartbeat_ms"_s, heartbeatMs},
        {u"limits"_s, confab::toJson(limits)},
        {u"server"_s, server},
        {u"channels"_s, toJsonArray(channels)},
    };
    if (!token.isEmpty())
        object.insert(u"token"_s, token);
    if (!name.isEmpty())
        object.insert(u"name"_s, name);
    if (!protocol.isEmpty())
        object.insert(u"protocol"_s, protocol);
    return object;
}

std::optional<HelloOk> HelloOk::fromJson(const QJsonObject &ok)
{
    return fromObject(ok, [](FieldReader &reader) {
        HelloOk hello;
        hello.user = readNestedUser(reader);
        hello.token = reader.optionalString("token"_L1).value_or(QString());
        hello.session = reader.string("session"_L1);
        hello.heartbeatMs =
            int(reader.integer("heartbeat_ms"_L1, 1, std::numeric_limits<int>::max()));
        FieldReader limits(reader.object("limits"_L1), reader, "limits"_L1);
        hello.limits = readLimits(limits);
        hello.server = reader.optionalString("server"_L1).value_or(QString());
        hello.channels = readObjectList<Channel>(reader, "channels"_L1, readChannel);
        hello.name = reader.optionalString("name"_L1).value_or(QString());
        hello.protocol = reader.optionalString("protocol"_L1).value_or(QString());
        return hello;
    });
}

QJsonObject RegisterOk::toJson() const
{
    return {{u"user"_s, confab::toJson(user)}};
}

std::optional<RegisterOk> RegisterOk::fromJson(const QJsonObject &ok)
{
    return fromObject(ok, [](FieldReader &reader) { return RegisterOk{readNestedUser(reader)}; });
}

QJsonObject JoinOk::toJson() const
{
    return {
        {u"channel"_s, confab::toJson(channel)},
        {u"last_seq"_s, lastSeq},
        {u"members"_s, toJsonArray(members)},
        {u"typing"_s, QJsonArray::fromStringList(typing)},
        {u"read_seq"_s, readSeq},
    };
}

std::optional<JoinOk> JoinOk::fromJson(const QJsonObject &ok)
{
    return fromObject(ok, [](FieldReader &reader) {
        JoinOk join;
        join.channel = readNestedChannel(reader);
        join.lastSeq = reader.integer("last_seq"_L1, 0);
        join.members = readObjectList<Member>(reader, "members"_L1, readMember);
        join.typing = reader.stringList("typing"_L1);
        join.readSeq = reader.optionalInteger("read_seq"_L1, 0).value_or(0);
        return join;
    });
}

QJsonObject PublishOk::toJson() const
{
    return {{u"seq"_s, seq}, {u"mid"_s, mid}, {u"ts"_s, ts}, {u"dup"_s, dup}};
}

std::optional<PublishOk> PublishOk::fromJson(const QJsonObject &ok)
{
    return fromObject(ok, [](FieldReader &reader) {
        PublishOk publish;
        publish.seq = reader.integer("seq"_L1, 0);
        publish.mid = reader.string("mid"_L1);
        publish.ts = reader.integer("ts"_L1, 0);
        publish.dup = reader.optionalBoolean("dup"_L1).value_or(false);
        return publish;
    });
}

QJsonObject HistoryOk::toJson() const
{
    return {{u"messages"_s, toJsonArray(messages)}, {u"more"_s, more}};
}

std::optional<HistoryOk> HistoryOk::fromJson(const QJsonObject &ok)
{
    return fromObject(ok, [](FieldReader &reader) {
        HistoryOk history;
        history.messages = readObjectList<Message>(reader, "messages"_L1, readMessage);
        history.more = reader.boolean("more"_L1);
        return history;
    });
}

QJsonObject ChannelsOk::toJson() const
{
    return {{u"channels"_s, toJsonArray(channels)}, {u"more"_s, more}};
}

std::optional<ChannelsOk> ChannelsOk::fromJson(const QJsonObject &ok)
{
    return fromObject(ok, [](FieldReader &reader) {
        ChannelsOk ok;
        ok.channels = readObjectList<Channel>(reader, "channels"_L1, readChannel);
        ok.more = reader.optionalBoolean("more"_L1).value_or(false);
        return ok;
    });
}

QJsonObject ChannelOk::toJson() const
{
    return {{u"channel"_s, confab::toJson(channel)}};
}

std::optional<ChannelOk> ChannelOk::fromJson(const QJsonObject &ok)
{
    return fromObject(ok, [](FieldReader &reader) { return ChannelOk{readNestedChannel(reader)}; });
}

QJsonObject AdminWatchOk::toJson() const
{
    QJsonObject ok{{u"users"_s, toJsonArray(users)}};
    if (stats)
        ok.insert(u"stats"_s, confab::toJson(*stats));
    return ok;
}

std::optional<AdminWatchOk> AdminWatchOk::fromJson(const QJsonObject &ok)
{
    return fromObject(ok, [](FieldReader &reader) {
        AdminWatchOk watch;
        watch.users = readObjectList<UserActivity>(reader, "users"_L1, readUserActivity);
        if (const auto stats = reader.optionalObject("stats"_L1)) {
            FieldReader fields(*stats, reader, "stats"_L1);
            watch.stats = readServerStatistics(fields);
        }
        return watch;
    });
}

QJsonObject AdminStatsOk::toJson() const
{
    return confab::toJson(stats);
}

std::optional<AdminStatsOk> AdminStatsOk::fromJson(const QJsonObject &ok)
{
    return fromObject(
        ok, [](FieldReader &reader) { return AdminStatsOk{readServerStatistics(reader)}; });
}

QJsonObject AdminKickOk::toJson() const
{
    return {{u"closed"_s, closed}};
}

std::optional<AdminKickOk> AdminKickOk::fromJson(const QJsonObject &ok)
{
    return fromObject(
        ok, [](FieldReader &reader) { return AdminKickOk{reader.integer("closed"_L1, 0)}; });
}

QJsonObject AdminUserOk::toJson() const
{
    return {{u"user"_s, confab::toJson(user)}, {u"disabled"_s, disabled}};
}

std::optional<AdminUserOk> AdminUserOk::fromJson(const QJsonObject &ok)
{
    return fromObject(ok, [](FieldReader &reader) {
        AdminUserOk admin;
        admin.user = readNestedUser(reader);
        admin.disabled = reader.boolean("disabled"_L1);
        return admin;
    });
}

} // namespace confab
