// SPDX-License-Identifier: Apache-2.0
#include "codec.h"

#include "fastpublish.h"
#include "jsonfields.h"
#include "jsonwriter.h"
#include "replies.h"
#include "validation.h"

#include <QJsonDocument>
#include <QJsonParseError>

#include <array>

namespace confab {

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 minInteger = std::numeric_limits<qint64>::min() + 1;
constexpr int maxTypeNameInMessage = 32;

Error badRequest(const QString &message)
{
    return Error{ErrorCode::BadRequest, message, {}};
}

// ---- parsing: shared steps ---------------------------------------------------------------

/// Qt 6.4's JSON parser drops a raw U+FEFF (BOM) that opens a string, so a text starting
/// with one would not be byte-exact. Returns a copy with each `"` + BOM rewritten to
/// `"\ufeff`, which Qt keeps; or a null array when there is none (the usual case). Outside
/// a string the rewrite changes nothing either: a BOM there is invalid JSON before and after.
QByteArray escapeStringLeadingBoms(QByteArrayView utf8)
{
    const QByteArrayView quoteBom("\"\xef\xbb\xbf");
    const QByteArray raw = QByteArray::fromRawData(utf8.data(), utf8.size());
    if (!raw.contains(quoteBom))
        return {};
    return QByteArray(utf8.data(), utf8.size()).replace(quoteBom, QByteArrayView("\"\\ufeff"));
}

/// Parses `utf8` into `object`; the error for anything but one well-formed UTF-8 JSON object.
std::optional<Error> parseObject(QByteArrayView utf8, QJsonObject &object)
{
    QJsonParseError parseError;
    // fromRawData: no copy. Qt's parser rejects invalid UTF-8 and nesting deeper than 1024.
    const QByteArray escaped = escapeStringLeadingBoms(utf8);
    const QJsonDocument document = QJsonDocument::fromJson(
        escaped.isNull() ? QByteArray::fromRawData(utf8.data(), utf8.size()) : escaped,
        &parseError);
    if (parseError.error == QJsonParseError::IllegalUTF8String)
        return badRequest(u"frame is not valid UTF-8 (at byte %1)"_s.arg(parseError.offset));
    if (parseError.error != QJsonParseError::NoError) {
        return badRequest(u"frame is not valid JSON: %1 at byte %2"_s.arg(
            parseError.errorString(), QString::number(parseError.offset)));
    }
    if (!document.isObject())
        return badRequest(u"frame must be a JSON object"_s);
    object = document.object();
    return std::nullopt;
}

/// The request id of a frame: absent, present but not 1..2^53-1, or valid.
struct IdField
{
    enum State { Missing, Invalid, Valid } state = Missing;
    RequestId value = 0;

    std::optional<RequestId> replyId() const
    {
        return state == Valid ? std::optional(value) : std::nullopt;
    }
};

IdField readId(const QJsonObject &object)
{
    const QJsonValue value = object.value("id"_L1);
    if (value.isUndefined())
        return {};
    constexpr qint64 notWhole = std::numeric_limits<qint64>::min();
    const qint64 id = value.toInteger(notWhole);
    if (id < 1 || id > rules::maxRequestId)
        return {IdField::Invalid, 0};
    return {IdField::Valid, id};
}

QString invalidIdMessage()
{
    return u"field 'id' must be "_s + integerRangeText(1, rules::maxRequestId);
}

/// The frame type in `t`, or an error naming what is wrong with it.
std::variant<QString, Error> readType(const QJsonObject &object)
{
    const QJsonValue type = object.value("t"_L1);
    if (type.isUndefined())
        return badRequest(u"field 't' is required"_s);
    if (!type.isString())
        return badRequest(u"field 't' must be a string"_s);
    return type.toString();
}

Error unsupportedType(const QString &type)
{
    // Echo a short, well-formed prefix only: the reply must stay valid Unicode text.
    QString shown = type.left(maxTypeNameInMessage);
    if (!shown.isEmpty() && shown.back().isHighSurrogate())
        shown.chop(1);
    if (!QStringView(shown).isValidUtf16())
        return Error{ErrorCode::Unsupported, u"this frame type is not supported"_s, {}};
    if (shown.size() < type.size())
        shown += u"..."_s;
    return Error{ErrorCode::Unsupported, u"frame type '%1' is not supported"_s.arg(shown), {}};
}

// ---- parsing: client fields --------------------------------------------------------------

const QString &channelRuleText()
{
    static const QString text = u"must be 1-64 characters of a-z, 0-9, _ or -, or "
                                u"dm:<user>:<user> with the two user names sorted"_s;
    return text;
}

QString readChannelName(FieldReader &reader, QLatin1StringView name = "channel"_L1)
{
    QString channel = reader.string(name);
    if (reader.ok() && !rules::isValidChannelName(channel))
        reader.fail(name, channelRuleText());
    return channel;
}

QString readUserName(FieldReader &reader, QLatin1StringView name = "user"_L1)
{
    QString user = reader.string(name);
    if (reader.ok() && !rules::isValidUserName(user))
        reader.fail(name, u"must be 1-32 characters of a-z, 0-9, _, . or -"_s);
    return user;
}

QString readNewPassword(FieldReader &reader, const QString &user)
{
    QString password = reader.string("password"_L1);
    if (reader.ok()) {
        if (const auto error = rules::validateNewPassword(password, user))
            reader.fail(*error);
    }
    return password;
}

std::optional<QString> readOptionalDisplay(FieldReader &reader)
{
    if (!reader.has("display"_L1))
        return std::nullopt;
    QString display = reader.string("display"_L1);
    if (reader.ok() && !rules::isValidDisplayName(display))
        reader.fail("display"_L1, u"must be 1-64 characters with no control characters"_s);
    return display;
}

Role readRole(FieldReader &reader)
{
    const auto role = roleFromName(reader.string("role"_L1));
    if (reader.ok() && !role)
        reader.fail("role"_L1, u"must be admin or user"_s);
    return role.value_or(Role::User);
}

/// Exactly one of two optional fields must be present.
void requireOneOf(FieldReader &reader, QLatin1StringView first, QLatin1StringView second)
{
    if (reader.has(first) != reader.has(second))
        return;
    reader.fail(badRequest(u"exactly one of the fields '%1' and '%2' must be given"_s.arg(
        reader.fieldName(first), reader.fieldName(second))));
}

// ---- parsing: client frames --------------------------------------------------------------

using ClientParser = ClientFrame (*)(FieldReader &, RequestId, const Limits &);

ClientFrame parseHello(FieldReader &reader, RequestId id, const Limits &)
{
    HelloRequest hello;
    hello.id = id;
    const qint64 version = reader.integer("v"_L1, minInteger);
    if (reader.ok() && version != 1) {
        reader.fail("v"_L1, u"must be 1: this server speaks protocol version 1"_s,
                    ErrorCode::Unsupported);
    }
    FieldReader auth(reader.object("auth"_L1), reader, "auth"_L1);
    if (auth.has("token"_L1)) {
        if (auth.has("user"_L1) || auth.has("password"_L1)) {
            reader.fail("auth"_L1,
                        u"must hold either 'token' or 'user' and 'password', not both"_s);
        }
        hello.token = auth.boundedString("token"_L1, 1, rules::maxTokenBytes);
    } else {
        hello.user = readUserName(auth);
        hello.password = auth.boundedString("password"_L1, 1, rules::maxPasswordBytes);
    }
    hello.client =
        reader.optionalBoundedString("client"_L1, 0, rules::maxClientNameBytes).value_or(QString());
    return hello;
}

ClientFrame parseRegister(FieldReader &reader, RequestId id, const Limits &)
{
    RegisterRequest request;
    request.id = id;
    request.user = readUserName(reader);
    request.password = readNewPassword(reader, request.user);
    request.display = readOptionalDisplay(reader).value_or(request.user);
    return request;
}

ClientFrame parseJoin(FieldReader &reader, RequestId id, const Limits &)
{
    JoinRequest join;
    join.id = id;
    join.channel = readChannelName(reader);
    join.since = reader.optionalInteger("since"_L1, 0);
    if (const auto rewind = reader.optionalObject("rewind"_L1)) {
        if (join.since)
            reader.fail(badRequest(u"fields 'since' and 'rewind' cannot be combined"_s));
        FieldReader fields(*rewind, reader, "rewind"_L1);
        requireOneOf(fields, "count"_L1, "seconds"_L1);
        join.rewindCount = fields.optionalInteger("count"_L1, 1);
        join.rewindSeconds = fields.optionalInteger("seconds"_L1, 1);
    }
    return join;
}

ClientFrame parseLeave(FieldReader &reader, RequestId id, const Limits &)
{
    return LeaveRequest{id, readChannelName(reader)};
}

ClientFrame parsePublish(FieldReader &reader, RequestId id, const Limits &limits)
{
    PublishRequest publish;
    publish.id = id;
    publish.channel = readChannelName(reader);
    publish.cid = reader.boundedString("cid"_L1, 1, rules::maxCidBytes);
    publish.text = reader.string("text"_L1);
    if (reader.ok()) {
        if (const auto error = rules::validateText(publish.text, limits.text))
            reader.fail(*error);
    }
    return publish;
}

ClientFrame parseHistory(FieldReader &reader, RequestId id, const Limits &limits)
{
    HistoryRequest history;
    history.id = id;
    history.channel = readChannelName(reader);
    requireOneOf(reader, "before"_L1, "after"_L1);
    history.before = reader.optionalInteger("before"_L1, 0);
    history.after = reader.optionalInteger("after"_L1, 0);
    const int defaultLimit = std::min(history.limit, limits.historyPage);
    history.limit =
        int(reader.optionalInteger("limit"_L1, 1, limits.historyPage).value_or(defaultLimit));
    return history;
}

ClientFrame parseChannels(FieldReader &reader, RequestId id, const Limits &)
{
    ChannelsRequest channels;
    channels.id = id;
    channels.after =
        reader.optionalBoundedString("after"_L1, 0, rules::maxChannelNameBytes).value_or(QString());
    channels.limit = int(reader.optionalInteger("limit"_L1, 1, rules::maxChannelsPage).value_or(0));
    return channels;
}

ClientFrame parseCreate(FieldReader &reader, RequestId id, const Limits &)
{
    CreateRequest create;
    create.id = id;
    create.channel = readChannelName(reader);
    if (reader.ok() && rules::isDirectChannelName(create.channel)) {
        reader.fail("channel"_L1,
                    u"must not be a dm: name: direct conversations are opened with join"_s);
    }
    create.topic =
        reader.optionalBoundedString("topic"_L1, 0, rules::maxTopicBytes).value_or(QString());
    create.isPrivate = reader.optionalBoolean("private"_L1).value_or(false);
    return create;
}

ClientFrame parseInvite(FieldReader &reader, RequestId id, const Limits &)
{
    InviteRequest invite;
    invite.id = id;
    invite.channel = readChannelName(reader);
    invite.user = readUserName(reader);
    return invite;
}

ClientFrame parseTyping(FieldReader &reader, RequestId, const Limits &)
{
    TypingNotice typing;
    typing.channel = readChannelName(reader);
    typing.active = reader.boolean("active"_L1);
    return typing;
}

ClientFrame parsePresence(FieldReader &reader, RequestId id, const Limits &)
{
    PresenceRequest presence;
    presence.id = id;
    const auto status = presenceStatusFromName(reader.string("status"_L1));
    if (reader.ok() && (!status || *status == PresenceStatus::Offline))
        reader.fail("status"_L1, u"must be online, away or dnd"_s);
    presence.status = status.value_or(PresenceStatus::Online);
    presence.text =
        reader.optionalBoundedString("text"_L1, 0, rules::maxPresenceTextBytes).value_or(QString());
    return presence;
}

ClientFrame parseAdminWatch(FieldReader &reader, RequestId id, const Limits &)
{
    AdminWatchRequest watch;
    watch.id = id;
    AdminWatchFilter &filter = watch.filter;
    if (reader.has("status"_L1)) {
        for (const QString &name : reader.stringList("status"_L1)) {
            const auto status = presenceStatusFromName(name);
            if (!status) {
                reader.fail("status"_L1, u"must list online, away, dnd or offline"_s);
                break;
            }
            if (!filter.statuses.contains(*status))
                filter.statuses.append(*status);
        }
    }
    filter.userGlob =
        reader.optionalBoundedString("user"_L1, 1, rules::maxUserNameChars * 4).value_or(QString());
    if (reader.has("channel"_L1))
        filter.channel = readChannelName(reader);
    filter.idleOverMs = reader.optionalInteger("idle_over_ms"_L1, 0);
    return watch;
}

ClientFrame parseAdminKick(FieldReader &reader, RequestId id, const Limits &)
{
    AdminKickRequest kick;
    kick.id = id;
    requireOneOf(reader, "user"_L1, "session"_L1);
    if (reader.has("user"_L1))
        kick.user = readUserName(reader);
    else
        kick.session = reader.boundedString("session"_L1, 1, std::numeric_limits<int>::max());
    kick.reason =
        reader.optionalBoundedString("reason"_L1, 0, rules::maxKickReasonBytes).value_or(QString());
    return kick;
}

ClientFrame parseAdminUser(FieldReader &reader, RequestId id, const Limits &)
{
    AdminUserRequest request;
    request.id = id;
    const auto action = adminUserActionFromName(reader.string("action"_L1));
    if (reader.ok() && !action)
        reader.fail("action"_L1, u"must be one of add, disable, enable, role or password"_s);
    request.action = action.value_or(AdminUserAction::Add);
    request.user = readUserName(reader);
    switch (request.action) {
    case AdminUserAction::Add:
        request.password = readNewPassword(reader, request.user);
        request.display = readOptionalDisplay(reader).value_or(QString());
        if (reader.has("role"_L1))
            request.role = readRole(reader);
        break;
    case AdminUserAction::SetRole:
        request.role = readRole(reader);
        break;
    case AdminUserAction::ResetPassword:
        request.password = readNewPassword(reader, request.user);
        break;
    case AdminUserAction::Disable:
    case AdminUserAction::Enable:
        break;
    }
    return request;
}

ClientFrame parseRead(FieldReader &reader, RequestId id, const Limits &)
{
    ReadRequest read;
    read.id = id;
    read.channel = readChannelName(reader);
    read.seq = reader.integer("seq"_L1, 0);
    return read;
}

/// Requests whose only field is the id.
template <typename Request> ClientFrame parseIdOnly(FieldReader &, RequestId id, const Limits &)
{
    Request request;
    request.id = id;
    return request;
}

// Indexed by the ClientFrame alternative, like clientFrameRule().
constexpr std::array<ClientParser, std::variant_size_v<ClientFrame>> clientParsers = {{
    parseHello,
    parseRegister,
    parseIdOnly<LogoutRequest>,
    parseJoin,
    parseLeave,
    parsePublish,
    parseHistory,
    parseChannels,
    parseCreate,
    parseInvite,
    parseTyping,
    parsePresence,
    parseAdminWatch,
    parseIdOnly<AdminUnwatchRequest>,
    parseIdOnly<AdminStatsRequest>,
    parseAdminKick,
    parseAdminUser,
    parseRead,
}};

// ---- parsing: server frames --------------------------------------------------------------

using ServerParser = ServerFrame (*)(FieldReader &);

ServerFrame parseReply(FieldReader &reader)
{
    Reply reply;
    reply.id = reader.optionalInteger("id"_L1, 1, rules::maxRequestId).value_or(0);
    requireOneOf(reader, "ok"_L1, "error"_L1);
    if (reader.has("ok"_L1)) {
        reply.ok = reader.object("ok"_L1);
    } else if (reader.has("error"_L1)) {
        FieldReader fields(reader.object("error"_L1), reader, "error"_L1);
        Error error;
        // An unknown code is a newer server's: treat it as internal (forward compatible).
        error.code = errorCodeFromName(fields.string("code"_L1)).value_or(ErrorCode::Internal);
        error.message = fields.optionalString("message"_L1).value_or(QString());
        error.retryMs = fields.optionalInteger("retry_ms"_L1, 0);
        reply.error = error;
    }
    return reply;
}

ServerFrame parseMsg(FieldReader &reader)
{
    return MsgEvent{readMessage(reader)};
}

ServerFrame parseSynced(FieldReader &reader)
{
    SyncedEvent synced;
    synced.channel = reader.string("channel"_L1);
    synced.firstSeq = reader.integer("first_seq"_L1, 0);
    synced.lastSeq = reader.integer("last_seq"_L1, 0);
    return synced;
}

ServerFrame parseTypingEvent(FieldReader &reader)
{
    TypingEvent typing;
    typing.state.channel = reader.string("channel"_L1);
    typing.state.user = reader.string("user"_L1);
    typing.state.active = reader.boolean("active"_L1);
    return typing;
}

ServerFrame parsePresenceEvent(FieldReader &reader)
{
    return PresenceEvent{readPresence(reader)};
}

ServerFrame parseAdminPresence(FieldReader &reader)
{
    AdminPresenceEvent event;
    const auto kind = adminPresenceKindFromName(reader.string("event"_L1));
    if (reader.ok() && !kind)
        reader.fail("event"_L1, u"must be connect, disconnect or status"_s);
    event.kind = kind.value_or(AdminPresenceKind::Status);
    event.presence = readPresence(reader);
    if (const auto connection = reader.optionalObject("connection"_L1)) {
        FieldReader fields(*connection, reader, "connection"_L1);
        event.connection = readConnectionInfo(fields);
    }
    if (const auto code = reader.optionalInteger("code"_L1, 0, 4999))
        event.closeCode = int(*code);
    return event;
}

ServerFrame parseBye(FieldReader &reader)
{
    ByeEvent bye;
    const auto reason = byeReasonFromName(reader.string("reason"_L1));
    if (reader.ok() && !reason)
        reader.fail("reason"_L1, u"must be shutdown, kicked or replaced"_s);
    bye.reason = reason.value_or(ByeReason::Shutdown);
    bye.retryMs = reader.optionalInteger("retry_ms"_L1, 0);
    bye.message = reader.optionalString("message"_L1).value_or(QString());
    return bye;
}

ServerFrame parseAdminStats(FieldReader &reader)
{
    AdminStatsEvent event;
    event.stats = readServerStatistics(reader);
    const auto readUnsent = [](FieldReader &entry) {
        return std::pair<QString, qint64>(entry.string("session"_L1), entry.integer("bytes"_L1, 0));
    };
    if (reader.has("unsent"_L1))
        event.unsentBytes =
            readObjectList<std::pair<QString, qint64>>(reader, "unsent"_L1, readUnsent);
    return event;
}

ServerFrame parseChannelEvent(FieldReader &reader)
{
    ChannelEvent event;
    const auto kind = channelEventKindFromName(reader.string("event"_L1));
    if (reader.ok() && !kind)
        reader.fail("event"_L1, u"must be added, updated or removed"_s);
    event.kind = kind.value_or(ChannelEventKind::Added);
    FieldReader fields(reader.object("channel"_L1), reader, "channel"_L1);
    event.channel = readChannel(fields);
    event.member = reader.optionalBoolean("member"_L1).value_or(false);
    return event;
}

ServerFrame parseMemberEvent(FieldReader &reader)
{
    MemberEvent event;
    event.channel = reader.string("channel"_L1);
    const auto kind = memberEventKindFromName(reader.string("event"_L1));
    if (reader.ok() && !kind)
        reader.fail("event"_L1, u"must be joined or left"_s);
    event.kind = kind.value_or(MemberEventKind::Joined);
    event.user = reader.string("user"_L1);
    event.display = reader.optionalString("display"_L1).value_or(QString());
    return event;
}

ServerFrame parseReadEvent(FieldReader &reader)
{
    ReadEvent event;
    event.channel = reader.string("channel"_L1);
    event.seq = reader.integer("seq"_L1, 0);
    return event;
}

struct ServerType
{
    QLatin1StringView name;
    ServerParser parse;
};

constexpr std::array<ServerType, std::variant_size_v<ServerFrame>> serverTypes = {{
    {"reply"_L1, parseReply},
    {"msg"_L1, parseMsg},
    {"synced"_L1, parseSynced},
    {"typing"_L1, parseTypingEvent},
    {"presence"_L1, parsePresenceEvent},
    {"admin.presence"_L1, parseAdminPresence},
    {"bye"_L1, parseBye},
    {"channel"_L1, parseChannelEvent},
    {"admin.stats"_L1, parseAdminStats},
    {"member"_L1, parseMemberEvent},
    {"read"_L1, parseReadEvent},
}};

/// The ServerFrame alternative (variant index) of a frame type.
template <typename Frame, typename... Alternatives>
constexpr std::size_t alternativeIndex(const std::variant<Alternatives...> *)
{
    constexpr bool matches[] = {std::is_same_v<Frame, Alternatives>...};
    for (std::size_t i = 0; i < sizeof...(Alternatives); ++i) {
        if (matches[i])
            return i;
    }
    return sizeof...(Alternatives);
}

/// A server frame type's wire name, from the one table above (the parser reads it there too).
template <typename Frame> constexpr QLatin1StringView serverFrameName()
{
    return serverTypes[alternativeIndex<Frame>(static_cast<const ServerFrame *>(nullptr))].name;
}

// ---- encoding ----------------------------------------------------------------------------

void writeFields(JsonWriter &w, const HelloRequest &hello)
{
    w.key("v"_L1).integer(hello.version);
    w.key("auth"_L1).beginObject();
    if (!hello.token.isEmpty()) {
        w.key("token"_L1).string(hello.token);
    } else {
        w.key("user"_L1).string(hello.user);
        w.key("password"_L1).string(hello.password);
    }
    w.endObject();
    if (!hello.client.isEmpty())
        w.key("client"_L1).string(hello.client);
}

void writeFields(JsonWriter &w, const RegisterRequest &request)
{
    w.key("user"_L1).string(request.user);
    w.key("password"_L1).string(request.password);
    if (!request.display.isEmpty())
        w.key("display"_L1).string(request.display);
}

void writeFields(JsonWriter &w, const JoinRequest &join)
{
    w.key("channel"_L1).string(join.channel);
    if (join.since)
        w.key("since"_L1).integer(*join.since);
    if (join.rewindCount || join.rewindSeconds) {
        w.key("rewind"_L1).beginObject();
        if (join.rewindCount)
            w.key("count"_L1).integer(*join.rewindCount);
        if (join.rewindSeconds)
            w.key("seconds"_L1).integer(*join.rewindSeconds);
        w.endObject();
    }
}

void writeFields(JsonWriter &w, const LeaveRequest &leave)
{
    w.key("channel"_L1).string(leave.channel);
}

void writeFields(JsonWriter &w, const PublishRequest &publish)
{
    w.key("channel"_L1).string(publish.channel);
    w.key("cid"_L1).string(publish.cid);
    w.key("text"_L1).string(publish.text);
}

void writeFields(JsonWriter &w, const HistoryRequest &history)
{
    w.key("channel"_L1).string(history.channel);
    if (history.before)
        w.key("before"_L1).integer(*history.before);
    if (history.after)
        w.key("after"_L1).integer(*history.after);
    w.key("limit"_L1).integer(history.limit);
}

void writeFields(JsonWriter &w, const ChannelsRequest &channels)
{
    if (!channels.after.isEmpty())
        w.key("after"_L1).string(channels.after);
    if (channels.limit > 0)
        w.key("limit"_L1).integer(channels.limit);
}

void writeFields(JsonWriter &w, const CreateRequest &create)
{
    w.key("channel"_L1).string(create.channel);
    if (!create.topic.isEmpty())
        w.key("topic"_L1).string(create.topic);
    w.key("private"_L1).boolean(create.isPrivate);
}

void writeFields(JsonWriter &w, const InviteRequest &invite)
{
    w.key("channel"_L1).string(invite.channel);
    w.key("user"_L1).string(invite.user);
}

void writeFields(JsonWriter &w, const TypingNotice &typing)
{
    w.key("channel"_L1).string(typing.channel);
    w.key("active"_L1).boolean(typing.active);
}

void writeFields(JsonWriter &w, const PresenceRequest &presence)
{
    w.key("status"_L1).string(presenceStatusName(presence.status));
    if (!presence.text.isEmpty())
        w.key("text"_L1).string(presence.text);
}

void writeFields(JsonWriter &w, const AdminWatchRequest &watch)
{
    const AdminWatchFilter &filter = watch.filter;
    if (!filter.statuses.isEmpty()) {
        w.key("status"_L1).beginArray();
        for (PresenceStatus status : filter.statuses)
            w.string(presenceStatusName(status));
        w.endArray();
    }
    if (!filter.userGlob.isEmpty())
        w.key("user"_L1).string(filter.userGlob);
    if (!filter.channel.isEmpty())
        w.key("channel"_L1).string(filter.channel);
    if (filter.idleOverMs)
        w.key("idle_over_ms"_L1).integer(*filter.idleOverMs);
}

void writeFields(JsonWriter &w, const AdminKickRequest &kick)
{
    if (!kick.user.isEmpty())
        w.key("user"_L1).string(kick.user);
    else
        w.key("session"_L1).string(kick.session);
    if (!kick.reason.isEmpty())
        w.key("reason"_L1).string(kick.reason);
}

void writeFields(JsonWriter &w, const AdminUserRequest &request)
{
    w.key("action"_L1).string(adminUserActionName(request.action));
    w.key("user"_L1).string(request.user);
    if (!request.password.isEmpty())
        w.key("password"_L1).string(request.password);
    if (!request.display.isEmpty())
        w.key("display"_L1).string(request.display);
    if (request.role)
        w.key("role"_L1).string(roleName(*request.role));
}

void writeFields(JsonWriter &w, const ReadRequest &read)
{
    w.key("channel"_L1).string(read.channel);
    w.key("seq"_L1).integer(read.seq);
}

// Requests whose only field is the id, which the caller writes.
void writeFields(JsonWriter &, const LogoutRequest &) {}
void writeFields(JsonWriter &, const AdminUnwatchRequest &) {}
void writeFields(JsonWriter &, const AdminStatsRequest &) {}

void writeMessageFields(JsonWriter &w, const Message &message)
{
    w.key("channel"_L1).string(message.channel);
    w.key("seq"_L1).integer(message.seq);
    w.key("mid"_L1).string(message.mid);
    w.key("cid"_L1).string(message.cid);
    w.key("from"_L1).string(message.from);
    w.key("ts"_L1).integer(message.ts);
    w.key("text"_L1).string(message.text);
}

void writePresenceFields(JsonWriter &w, const Presence &presence)
{
    w.key("user"_L1).string(presence.user);
    w.key("status"_L1).string(presenceStatusName(presence.status));
    w.key("text"_L1).string(presence.text);
    w.key("since"_L1).integer(presence.since);
    w.key("last_seen"_L1).integer(presence.lastSeen);
    if (!presence.display.isEmpty())
        w.key("display"_L1).string(presence.display);
}

void writeConnection(JsonWriter &w, const ConnectionInfo &connection)
{
    w.beginObject();
    w.key("session"_L1).string(connection.session);
    w.key("client"_L1).string(connection.client);
    w.key("address"_L1).string(connection.address);
    w.key("connected_since"_L1).integer(connection.connectedSince);
    w.key("idle_ms"_L1).integer(connection.idleMs);
    w.key("channels"_L1).beginArray();
    for (const QString &channel : connection.channels)
        w.string(channel);
    w.endArray();
    w.key("encrypted"_L1).boolean(connection.encrypted);
    w.key("unsent_bytes"_L1).integer(connection.unsentBytes);
    w.endObject();
}

/// Starts a frame: `{"t":"<type>"`.
void beginFrame(JsonWriter &w, QLatin1StringView type)
{
    w.beginObject();
    w.key("t"_L1).string(type);
}

void beginReply(JsonWriter &w, RequestId id)
{
    beginFrame(w, serverFrameName<Reply>());
    if (id != 0)
        w.key("id"_L1).integer(id);
}

QByteArray encodeEvent(const SyncedEvent &synced)
{
    JsonWriter w;
    beginFrame(w, serverFrameName<SyncedEvent>());
    w.key("channel"_L1).string(synced.channel);
    w.key("first_seq"_L1).integer(synced.firstSeq);
    w.key("last_seq"_L1).integer(synced.lastSeq);
    w.endObject();
    return w.take();
}

QByteArray encodeEvent(const TypingEvent &typing)
{
    JsonWriter w;
    beginFrame(w, serverFrameName<TypingEvent>());
    w.key("channel"_L1).string(typing.state.channel);
    w.key("user"_L1).string(typing.state.user);
    w.key("active"_L1).boolean(typing.state.active);
    w.endObject();
    return w.take();
}

QByteArray encodeEvent(const PresenceEvent &presence)
{
    JsonWriter w;
    beginFrame(w, serverFrameName<PresenceEvent>());
    writePresenceFields(w, presence.presence);
    w.endObject();
    return w.take();
}

QByteArray encodeEvent(const AdminPresenceEvent &event)
{
    JsonWriter w;
    beginFrame(w, serverFrameName<AdminPresenceEvent>());
    w.key("event"_L1).string(adminPresenceKindName(event.kind));
    writePresenceFields(w, event.presence);
    if (event.connection) {
        w.key("connection"_L1);
        writeConnection(w, *event.connection);
    }
    if (event.closeCode)
        w.key("code"_L1).integer(*event.closeCode);
    w.endObject();
    return w.take();
}

QByteArray encodeEvent(const ByeEvent &bye)
{
    JsonWriter w;
    beginFrame(w, serverFrameName<ByeEvent>());
    w.key("reason"_L1).string(byeReasonName(bye.reason));
    if (bye.retryMs)
        w.key("retry_ms"_L1).integer(*bye.retryMs);
    if (!bye.message.isEmpty())
        w.key("message"_L1).string(bye.message);
    w.endObject();
    return w.take();
}

QByteArray encodeEvent(const AdminStatsEvent &event)
{
    JsonWriter w;
    beginFrame(w, serverFrameName<AdminStatsEvent>());
    const QJsonObject stats = toJson(event.stats);
    for (auto field = stats.begin(); field != stats.end(); ++field) {
        const QByteArray name = field.key().toLatin1();
        w.key(QLatin1StringView(name)).json(field.value());
    }
    if (!event.unsentBytes.isEmpty()) {
        w.key("unsent"_L1).beginArray();
        for (const auto &[session, bytes] : event.unsentBytes) {
            w.beginObject();
            w.key("session"_L1).string(session);
            w.key("bytes"_L1).integer(bytes);
            w.endObject();
        }
        w.endArray();
    }
    w.endObject();
    return w.take();
}

QByteArray encodeEvent(const ChannelEvent &event)
{
    JsonWriter w;
    beginFrame(w, serverFrameName<ChannelEvent>());
    w.key("event"_L1).string(channelEventKindName(event.kind));
    w.key("channel"_L1).beginObject();
    w.key("name"_L1).string(event.channel.name);
    w.key("topic"_L1).string(event.channel.topic);
    w.key("private"_L1).boolean(event.channel.isPrivate);
    w.key("last_seq"_L1).integer(event.channel.lastSeq);
    w.endObject();
    if (event.member)
        w.key("member"_L1).boolean(true);
    w.endObject();
    return w.take();
}

QByteArray encodeEvent(const MemberEvent &event)
{
    JsonWriter w;
    beginFrame(w, serverFrameName<MemberEvent>());
    w.key("channel"_L1).string(event.channel);
    w.key("event"_L1).string(memberEventKindName(event.kind));
    w.key("user"_L1).string(event.user);
    if (!event.display.isEmpty())
        w.key("display"_L1).string(event.display);
    w.endObject();
    return w.take();
}

QByteArray encodeEvent(const ReadEvent &event)
{
    JsonWriter w;
    beginFrame(w, serverFrameName<ReadEvent>());
    w.key("channel"_L1).string(event.channel);
    w.key("seq"_L1).integer(event.seq);
    w.endObject();
    return w.take();
}

QByteArray encodeEvent(const MsgEvent &msg)
{
    return encodeMsgEvent(msg.message);
}

QByteArray encodeEvent(const Reply &reply)
{
    return reply.error ? encodeReplyError(reply.id, *reply.error)
                       : encodeReplyOk(reply.id, reply.ok);
}

} // namespace

ParseResult<ClientFrame> parseClientFrame(QByteArrayView utf8, const Limits &limits)
{
    if (auto publish = detail::parsePublishFast(utf8, limits))
        return std::move(*publish);
    return detail::parseClientFrameGeneral(utf8, limits);
}

ParseResult<ClientFrame> detail::parseClientFrameGeneral(QByteArrayView utf8, const Limits &limits)
{
    QJsonObject object;
    if (auto error = parseObject(utf8, object))
        return ProtocolError{*error, std::nullopt};
    const IdField id = readId(object);
    const auto type = readType(object);
    if (const auto *error = std::get_if<Error>(&type))
        return ProtocolError{*error, id.replyId()};
    const auto index = clientFrameIndex(std::get<QString>(type));
    if (!index)
        return ProtocolError{unsupportedType(std::get<QString>(type)), id.replyId()};

    const bool needsId = clientFrameRule(*index).needsId;
    if (needsId && id.state == IdField::Missing)
        return ProtocolError{badRequest(u"field 'id' is required"_s), std::nullopt};
    if (needsId && id.state == IdField::Invalid)
        return ProtocolError{badRequest(invalidIdMessage()), std::nullopt};

    FieldReader reader(object);
    ClientFrame frame = clientParsers[*index](reader, id.value, limits);
    if (!reader.ok())
        return ProtocolError{*reader.error(), needsId ? id.replyId() : std::nullopt};
    return frame;
}

ParseResult<ServerFrame> parseServerFrame(QByteArrayView utf8)
{
    QJsonObject object;
    if (auto error = parseObject(utf8, object))
        return ProtocolError{*error, std::nullopt};
    const auto type = readType(object);
    if (const auto *error = std::get_if<Error>(&type))
        return ProtocolError{*error, std::nullopt};
    for (const ServerType &entry : serverTypes) {
        if (std::get<QString>(type) != entry.name)
            continue;
        FieldReader reader(object);
        ServerFrame frame = entry.parse(reader);
        if (!reader.ok())
            return ProtocolError{*reader.error(), std::nullopt};
        return frame;
    }
    return ProtocolError{unsupportedType(std::get<QString>(type)), std::nullopt};
}

QByteArray encodeClientFrame(const ClientFrame &frame)
{
    JsonWriter w;
    beginFrame(w, frameType(frame));
    if (const auto id = requestId(frame))
        w.key("id"_L1).integer(*id);
    std::visit([&w](const auto &request) { writeFields(w, request); }, frame);
    w.endObject();
    return w.take();
}

QByteArray encodeServerFrame(const ServerFrame &frame)
{
    return std::visit([](const auto &event) { return encodeEvent(event); }, frame);
}

QByteArray encodeMsgEvent(const Message &message)
{
    // Size the buffer once for the whole frame: the fixed text plus each string and number
    // at most, so that encoding allocates exactly once.
    constexpr qsizetype fixedBytes = sizeof(R"({"t":"msg","channel":,"seq":,"mid":,"cid":,)"
                                            R"("from":,"ts":,"text":})");
    constexpr qsizetype numberBytes = 2 * 20;
    JsonWriter w(fixedBytes + numberBytes + JsonWriter::quotedLength(message.channel) +
                 JsonWriter::quotedLength(message.mid) + JsonWriter::quotedLength(message.cid) +
                 JsonWriter::quotedLength(message.from) + JsonWriter::quotedLength(message.text));
    beginFrame(w, serverFrameName<MsgEvent>());
    writeMessageFields(w, message);
    w.endObject();
    return w.take();
}

QByteArray encodeReplyOk(RequestId id, const QJsonObject &ok)
{
    JsonWriter w;
    beginReply(w, id);
    w.key("ok"_L1).json(ok);
    w.endObject();
    return w.take();
}

QByteArray encodePublishOk(RequestId id, qint64 seq, const QString &mid, qint64 ts, bool dup)
{
    // Keys in QJsonObject's (sorted) order, so the bytes match the generic encoder's.
    constexpr qsizetype fixedBytes =
        sizeof(R"({"t":"reply","id":,"ok":{"dup":false,"mid":,"seq":,"ts":}})");
    constexpr qsizetype numberBytes = 3 * 20;
    JsonWriter w(fixedBytes + numberBytes + JsonWriter::quotedLength(mid));
    beginReply(w, id);
    w.key("ok"_L1).beginObject();
    w.key("dup"_L1).boolean(dup);
    w.key("mid"_L1).string(mid);
    w.key("seq"_L1).integer(seq);
    w.key("ts"_L1).integer(ts);
    w.endObject();
    w.endObject();
    return w.take();
}

QByteArray encodeReplyError(RequestId id, const Error &error)
{
    JsonWriter w;
    beginReply(w, id);
    w.key("error"_L1).beginObject();
    w.key("code"_L1).string(errorCodeName(error.code));
    w.key("message"_L1).string(error.message);
    if (error.retryMs)
        w.key("retry_ms"_L1).integer(*error.retryMs);
    w.endObject();
    w.endObject();
    return w.take();
}

QByteArray encodeReplyError(const ProtocolError &error)
{
    return encodeReplyError(error.id.value_or(0), error.error);
}

} // namespace confab
