// SPDX-License-Identifier: Apache-2.0
#include "jsonfields.h"

#include "validation.h"

namespace confab {

using namespace Qt::StringLiterals;

FieldReader::FieldReader(const QJsonObject &object)
    : m_object(object)
    , m_error(&m_ownError)
{}

FieldReader::FieldReader(const QJsonObject &object, FieldReader &parent, QLatin1StringView name)
    : m_object(object)
    , m_prefix(parent.fieldName(name) + u'.')
    , m_error(parent.m_error)
{}

void FieldReader::fail(QLatin1StringView name, const QString &problem, ErrorCode code)
{
    if (ok())
        *m_error = Error{code, u"field '%1' %2"_s.arg(fieldName(name), problem), {}};
}

void FieldReader::fail(const Error &error)
{
    if (ok())
        *m_error = error;
}

QString FieldReader::fieldName(QLatin1StringView name) const
{
    QString full = m_prefix;
    full.append(name);
    return full;
}

bool FieldReader::has(QLatin1StringView name) const
{
    const QJsonValue value = m_object.value(name);
    return !value.isUndefined() && !value.isNull();
}

QJsonValue FieldReader::present(QLatin1StringView name)
{
    if (!ok())
        return {};
    const QJsonValue value = m_object.value(name);
    if (value.isUndefined() || value.isNull()) {
        fail(name, u"is required"_s);
        return {};
    }
    return value;
}

QString FieldReader::checkedString(QLatin1StringView name, const QJsonValue &value)
{
    if (!value.isString()) {
        fail(name, u"must be a string"_s);
        return {};
    }
    QString text = value.toString();
    if (!QStringView(text).isValidUtf16()) {
        fail(name, u"must be valid Unicode text (it holds an unpaired surrogate)"_s);
        return {};
    }
    return text;
}

QString FieldReader::string(QLatin1StringView name)
{
    const QJsonValue value = present(name);
    return ok() ? checkedString(name, value) : QString();
}

std::optional<QString> FieldReader::optionalString(QLatin1StringView name)
{
    if (!has(name))
        return std::nullopt;
    return string(name);
}

QString FieldReader::boundedString(QLatin1StringView name, int minBytes, int maxBytes)
{
    QString text = string(name);
    if (!ok())
        return {};
    const qsizetype bytes = rules::utf8Length(text);
    if (bytes < minBytes || bytes > maxBytes) {
        fail(name, minBytes > 0 ? u"must be %1-%2 UTF-8 bytes"_s.arg(minBytes).arg(maxBytes)
                                : u"must be at most %1 UTF-8 bytes"_s.arg(maxBytes));
        return {};
    }
    return text;
}

std::optional<QString> FieldReader::optionalBoundedString(QLatin1StringView name, int minBytes,
                                                          int maxBytes)
{
    if (!has(name))
        return std::nullopt;
    return boundedString(name, minBytes, maxBytes);
}

QString integerRangeText(qint64 min, qint64 max)
{
    if (max == FieldReader::anyInteger)
        return u"an integer of at least %1"_s.arg(min);
    return u"an integer from %1 to %2"_s.arg(min).arg(max);
}

qint64 FieldReader::checkedInteger(QLatin1StringView name, const QJsonValue &value, qint64 min,
                                   qint64 max)
{
    // toInteger() gives the fallback for non-numbers, fractions and out-of-range values;
    // the fallback is below every range the protocol uses.
    constexpr qint64 notWhole = std::numeric_limits<qint64>::min();
    const qint64 number = value.toInteger(notWhole);
    if (number == notWhole || number < min || number > max) {
        fail(name, u"must be "_s + integerRangeText(min, max));
        return 0;
    }
    return number;
}

qint64 FieldReader::integer(QLatin1StringView name, qint64 min, qint64 max)
{
    const QJsonValue value = present(name);
    return ok() ? checkedInteger(name, value, min, max) : 0;
}

std::optional<qint64> FieldReader::optionalInteger(QLatin1StringView name, qint64 min, qint64 max)
{
    if (!has(name))
        return std::nullopt;
    return integer(name, min, max);
}

double FieldReader::number(QLatin1StringView name)
{
    const QJsonValue value = present(name);
    if (ok() && !value.isDouble())
        fail(name, u"must be a number"_s);
    return ok() ? value.toDouble() : 0.0;
}

bool FieldReader::boolean(QLatin1StringView name)
{
    const QJsonValue value = present(name);
    if (ok() && !value.isBool())
        fail(name, u"must be true or false"_s);
    return ok() && value.toBool();
}

std::optional<bool> FieldReader::optionalBoolean(QLatin1StringView name)
{
    if (!has(name))
        return std::nullopt;
    return boolean(name);
}

QJsonObject FieldReader::object(QLatin1StringView name)
{
    const QJsonValue value = present(name);
    if (ok() && !value.isObject())
        fail(name, u"must be an object"_s);
    return ok() ? value.toObject() : QJsonObject();
}

std::optional<QJsonObject> FieldReader::optionalObject(QLatin1StringView name)
{
    if (!has(name))
        return std::nullopt;
    return object(name);
}

QJsonArray FieldReader::array(QLatin1StringView name)
{
    const QJsonValue value = present(name);
    if (ok() && !value.isArray())
        fail(name, u"must be an array"_s);
    return ok() ? value.toArray() : QJsonArray();
}

std::optional<QJsonArray> FieldReader::optionalArray(QLatin1StringView name)
{
    if (!has(name))
        return std::nullopt;
    return array(name);
}

QStringList FieldReader::stringList(QLatin1StringView name)
{
    const QJsonArray values = array(name);
    QStringList list;
    list.reserve(values.size());
    for (qsizetype i = 0; i < values.size() && ok(); ++i) {
        const QJsonValue value = values.at(i);
        if (!value.isString()) {
            fail(name, u"must be an array of strings"_s);
            break;
        }
        list.append(checkedString(name, value));
    }
    return list;
}

// ---- value types -------------------------------------------------------------------------

PresenceStatus readPresenceStatus(FieldReader &reader, QLatin1StringView name)
{
    const QString text = reader.string(name);
    const auto status = presenceStatusFromName(text);
    if (reader.ok() && !status)
        reader.fail(name, u"must be one of online, away, dnd or offline"_s);
    return status.value_or(PresenceStatus::Offline);
}

Message readMessage(FieldReader &reader)
{
    Message message;
    message.channel = reader.string("channel"_L1);
    message.seq = reader.integer("seq"_L1, 0);
    message.mid = reader.string("mid"_L1);
    message.cid = reader.string("cid"_L1);
    message.from = reader.string("from"_L1);
    message.ts = reader.integer("ts"_L1, std::numeric_limits<qint64>::min() + 1);
    message.text = reader.string("text"_L1);
    return message;
}

Channel readChannel(FieldReader &reader)
{
    Channel channel;
    channel.name = reader.string("name"_L1);
    channel.topic = reader.optionalString("topic"_L1).value_or(QString());
    channel.isPrivate = reader.optionalBoolean("private"_L1).value_or(false);
    channel.lastSeq = reader.optionalInteger("last_seq"_L1, 0).value_or(0);
    return channel;
}

UserInfo readUserInfo(FieldReader &reader)
{
    UserInfo user;
    user.name = reader.string("name"_L1);
    user.display = reader.optionalString("display"_L1).value_or(QString());
    if (const auto role = reader.optionalString("role"_L1)) {
        const auto parsed = roleFromName(*role);
        if (reader.ok() && !parsed)
            reader.fail("role"_L1, u"must be admin or user"_s);
        user.role = parsed.value_or(Role::User);
    }
    return user;
}

Presence readPresence(FieldReader &reader)
{
    Presence presence;
    presence.user = reader.string("user"_L1);
    presence.status = readPresenceStatus(reader, "status"_L1);
    presence.text = reader.optionalString("text"_L1).value_or(QString());
    presence.since = reader.optionalInteger("since"_L1, 0).value_or(0);
    presence.lastSeen = reader.optionalInteger("last_seen"_L1, 0).value_or(0);
    presence.display = reader.optionalString("display"_L1).value_or(QString());
    return presence;
}

ConnectionInfo readConnectionInfo(FieldReader &reader)
{
    ConnectionInfo connection;
    connection.session = reader.string("session"_L1);
    connection.client = reader.optionalString("client"_L1).value_or(QString());
    connection.address = reader.optionalString("address"_L1).value_or(QString());
    connection.connectedSince = reader.optionalInteger("connected_since"_L1, 0).value_or(0);
    connection.idleMs = reader.optionalInteger("idle_ms"_L1, 0).value_or(0);
    if (reader.has("channels"_L1))
        connection.channels = reader.stringList("channels"_L1);
    connection.encrypted = reader.optionalBoolean("encrypted"_L1).value_or(false);
    connection.unsentBytes = reader.optionalInteger("unsent_bytes"_L1, 0).value_or(0);
    return connection;
}

ServerStatistics readServerStatistics(FieldReader &reader)
{
    const auto count = [&](QLatin1StringView name) {
        return reader.optionalInteger(name, 0).value_or(0);
    };
    ServerStatistics stats;
    stats.connections = count("connections"_L1);
    stats.usersOnline = count("users_online"_L1);
    stats.usersAway = count("users_away"_L1);
    stats.usersDnd = count("users_dnd"_L1);
    stats.usersOffline = count("users_offline"_L1);
    stats.messagesPerSecond =
        reader.has("messages_per_s"_L1) ? reader.number("messages_per_s"_L1) : 0;
    stats.messagesPerSecondMinute =
        reader.has("messages_per_s_1m"_L1) ? reader.number("messages_per_s_1m"_L1) : 0;
    stats.refusedRateLimited = count("refused_rate_limited"_L1);
    stats.uptimeMs = count("uptime_ms"_L1);
    stats.databaseBytes = count("db_bytes"_L1);
    stats.version = reader.optionalString("version"_L1).value_or(QString());
    return stats;
}

Limits readLimits(FieldReader &reader)
{
    constexpr qint64 maxInt = std::numeric_limits<int>::max();
    const Limits defaults;
    const auto read = [&](QLatin1StringView name, int fallback) {
        return int(reader.optionalInteger(name, 1, maxInt).value_or(fallback));
    };
    Limits limits;
    limits.frame = read("frame"_L1, defaults.frame);
    limits.text = read("text"_L1, defaults.text);
    limits.ratePerSecond = read("rate_per_s"_L1, defaults.ratePerSecond);
    limits.burst = read("burst"_L1, defaults.burst);
    limits.catchup = read("catchup"_L1, defaults.catchup);
    limits.historyPage = read("history_page"_L1, defaults.historyPage);
    return limits;
}

} // namespace confab
