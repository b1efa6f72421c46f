// SPDX-License-Identifier: Apache-2.0
#pragma once

// Typed frames of protocol v1 (docs/protocol.md). Requests carry `id`, a positive integer
// unique on its connection; notifications and events carry none. The list of frame types is
// append-only: new types go at the end of each variant.

#include "errorcode.h"
#include "types.h"

#include <QJsonObject>

#include <optional>
#include <variant>

namespace confab {

using RequestId = qint64; ///< 1 .. 2^53-1 (exactly representable in JSON numbers)

// ---- client -> server --------------------------------------------------------------------

/// `hello`: sign in with a token, or with user + password.
struct HelloRequest
{
    RequestId id = 0;
    int version = 1;
    QString token; ///< set for token sign-in
    QString user;  ///< set with password for password sign-in
    QString password;
    QString client; ///< free-form client name, e.g. "confab-desktop/0.3"
    friend bool operator==(const HelloRequest &, const HelloRequest &) = default;
};

struct RegisterRequest
{
    RequestId id = 0;
    QString user;
    QString password;
    QString display;
    friend bool operator==(const RegisterRequest &, const RegisterRequest &) = default;
};

struct LogoutRequest
{
    RequestId id = 0;
    friend bool operator==(const LogoutRequest &, const LogoutRequest &) = default;
};

/// `join`: at most one of `since`, `rewindCount`, `rewindSeconds` is set.
struct JoinRequest
{
    RequestId id = 0;
    QString channel;
    std::optional<qint64> since;
    std::optional<qint64> rewindCount;
    std::optional<qint64> rewindSeconds;
    friend bool operator==(const JoinRequest &, const JoinRequest &) = default;
};

struct LeaveRequest
{
    RequestId id = 0;
    QString channel;
    friend bool operator==(const LeaveRequest &, const LeaveRequest &) = default;
};

struct PublishRequest
{
    RequestId id = 0;
    QString channel;
    QString cid;
    QString text;
    friend bool operator==(const PublishRequest &, const PublishRequest &) = default;
};

/// `history`: exactly one of `before` / `after` is set.
struct HistoryRequest
{
    RequestId id = 0;
    QString channel;
    std::optional<qint64> before;
    std::optional<qint64> after;
    int limit = 50;
    friend bool operator==(const HistoryRequest &, const HistoryRequest &) = default;
};

/// `channels`: one page of the visible channels, by name, after `after` ("": from the start).
struct ChannelsRequest
{
    RequestId id = 0;
    QString after;
    int limit = 0; ///< 0: the server's page size
    friend bool operator==(const ChannelsRequest &, const ChannelsRequest &) = default;
};

struct CreateRequest
{
    RequestId id = 0;
    QString channel;
    QString topic;
    bool isPrivate = false;
    friend bool operator==(const CreateRequest &, const CreateRequest &) = default;
};

struct InviteRequest
{
    RequestId id = 0;
    QString channel;
    QString user;
    friend bool operator==(const InviteRequest &, const InviteRequest &) = default;
};

/// `typing` from a client: a notification, no id and no reply.
struct TypingNotice
{
    QString channel;
    bool active = false;
    friend bool operator==(const TypingNotice &, const TypingNotice &) = default;
};

/// `presence` from a client: sets the user's own status (`offline` is not settable).
struct PresenceRequest
{
    RequestId id = 0;
    PresenceStatus status = PresenceStatus::Online;
    QString text;
    friend bool operator==(const PresenceRequest &, const PresenceRequest &) = default;
};

/// Which users an `admin.watch` covers; an empty field does not filter. The server applies
/// it to the snapshot, and to the events as described in docs/protocol.md.
struct AdminWatchFilter
{
    QList<PresenceStatus> statuses;
    QString userGlob;                 ///< `*` and `?` wildcards, case-insensitive
    QString channel;                  ///< members of this channel
    std::optional<qint64> idleOverMs; ///< connected users idle longer than this (snapshot)
    friend bool operator==(const AdminWatchFilter &, const AdminWatchFilter &) = default;
};

struct AdminWatchRequest
{
    RequestId id = 0;
    AdminWatchFilter filter;
    friend bool operator==(const AdminWatchRequest &, const AdminWatchRequest &) = default;
};

struct AdminUnwatchRequest
{
    RequestId id = 0;
    friend bool operator==(const AdminUnwatchRequest &, const AdminUnwatchRequest &) = default;
};

struct AdminStatsRequest
{
    RequestId id = 0;
    friend bool operator==(const AdminStatsRequest &, const AdminStatsRequest &) = default;
};

/// `admin.kick`: exactly one of `user` / `session` is set.
struct AdminKickRequest
{
    RequestId id = 0;
    QString user;
    QString session;
    QString reason; ///< optional; told to the kicked user in `bye`
    friend bool operator==(const AdminKickRequest &, const AdminKickRequest &) = default;
};

enum class AdminUserAction { Add, Disable, Enable, SetRole, ResetPassword };
QLatin1StringView adminUserActionName(AdminUserAction action);
std::optional<AdminUserAction> adminUserActionFromName(QStringView name);

/// `admin.user`: `action` says which of the optional fields are required
/// (add: password, display optional, role optional; role: role; password: password).
struct AdminUserRequest
{
    RequestId id = 0;
    AdminUserAction action = AdminUserAction::Add;
    QString user;
    QString password;
    QString display;
    std::optional<Role> role;
    friend bool operator==(const AdminUserRequest &, const AdminUserRequest &) = default;
};

/// `read` (1.2): the user has read `channel` up to `seq`. The server keeps the highest
/// position (clamped to the channel's last seq) and tells the user's other connections.
struct ReadRequest
{
    RequestId id = 0;
    QString channel;
    qint64 seq = 0; ///< >= 0
    friend bool operator==(const ReadRequest &, const ReadRequest &) = default;
};

using ClientFrame =
    std::variant<HelloRequest, RegisterRequest, LogoutRequest, JoinRequest, LeaveRequest,
                 PublishRequest, HistoryRequest, ChannelsRequest, CreateRequest, InviteRequest,
                 TypingNotice, PresenceRequest, AdminWatchRequest, AdminUnwatchRequest,
                 AdminStatsRequest, AdminKickRequest, AdminUserRequest, ReadRequest>;

/// Who may send a frame type.
enum class FrameAccess {
    Anyone,   ///< before `hello` too (`hello`, `register`)
    SignedIn, ///< after a successful `hello`; else `not_ready`
    Admin,    ///< a signed-in user with the admin role; else `forbidden`
};

/// One client frame type: its wire name and what it needs.
struct ClientFrameRule
{
    QLatin1StringView name;
    bool needsId; ///< a request (answered once); false for a notification (`typing`)
    FrameAccess access;
};

/// The rule of a ClientFrame alternative (variant index), or of a frame.
const ClientFrameRule &clientFrameRule(std::size_t index);
const ClientFrameRule &clientFrameRule(const ClientFrame &frame);

/// The `id` of a request frame; nullopt for a notification (`typing`).
std::optional<RequestId> requestId(const ClientFrame &frame);
/// The wire type of a frame, e.g. "admin.kick".
QLatin1StringView frameType(const ClientFrame &frame);
/// The ClientFrame alternative (variant index) of a wire type; nullopt for an unknown type.
std::optional<std::size_t> clientFrameIndex(QStringView type);

// ---- server -> client --------------------------------------------------------------------

/// `reply`: exactly one of `ok` (an object, possibly empty) or `error`.
/// Typed views of the `ok` objects are in replies.h.
struct Reply
{
    RequestId id = 0;
    QJsonObject ok;
    std::optional<Error> error;
    friend bool operator==(const Reply &, const Reply &) = default;
};

/// `msg`: a message of a joined channel.
struct MsgEvent
{
    Message message;
    friend bool operator==(const MsgEvent &, const MsgEvent &) = default;
};

/// `synced`: the end of a join's catch-up. Messages from `firstSeq` to `lastSeq` were sent;
/// `firstSeq` = `lastSeq` + 1 when none were.
struct SyncedEvent
{
    QString channel;
    qint64 firstSeq = 0;
    qint64 lastSeq = 0;
    friend bool operator==(const SyncedEvent &, const SyncedEvent &) = default;
};

struct TypingEvent
{
    TypingState state;
    friend bool operator==(const TypingEvent &, const TypingEvent &) = default;
};

struct PresenceEvent
{
    Presence presence;
    friend bool operator==(const PresenceEvent &, const PresenceEvent &) = default;
};

enum class AdminPresenceKind { Connect, Disconnect, Status };
QLatin1StringView adminPresenceKindName(AdminPresenceKind kind);
std::optional<AdminPresenceKind> adminPresenceKindFromName(QStringView name);

/// `admin.presence`: a connect, disconnect or status change, to admin watchers.
/// `connection` is set for connect and disconnect.
struct AdminPresenceEvent
{
    AdminPresenceKind kind = AdminPresenceKind::Status;
    Presence presence;
    std::optional<ConnectionInfo> connection;
    std::optional<int> closeCode; ///< disconnect: the WebSocket close code, when known
    friend bool operator==(const AdminPresenceEvent &, const AdminPresenceEvent &) = default;
};

enum class ByeReason { Shutdown, Kicked, Replaced };
QLatin1StringView byeReasonName(ByeReason reason);
std::optional<ByeReason> byeReasonFromName(QStringView name);

/// `bye`: sent right before a planned close.
struct ByeEvent
{
    ByeReason reason = ByeReason::Shutdown;
    std::optional<qint64> retryMs;
    QString message; ///< optional, e.g. the admin's reason for a kick
    friend bool operator==(const ByeEvent &, const ByeEvent &) = default;
};

enum class ChannelEventKind { Added, Updated, Removed };
QLatin1StringView channelEventKindName(ChannelEventKind kind);
std::optional<ChannelEventKind> channelEventKindFromName(QStringView name);

/// `channel` (1.1): a channel came into or went out of the user's sight, or changed.
struct ChannelEvent
{
    ChannelEventKind kind = ChannelEventKind::Added;
    Channel channel;
    /// `added`: the receiving user is a member (created, invited, joined, a conversation);
    /// `"member":true` on the wire, absent otherwise (docs/protocol.md).
    bool member = false;
    friend bool operator==(const ChannelEvent &, const ChannelEvent &) = default;
};

enum class MemberEventKind { Joined, Left };
QLatin1StringView memberEventKindName(MemberEventKind kind);
std::optional<MemberEventKind> memberEventKindFromName(QStringView name);

/// `member` (1.1): a user became or stopped being a member of a channel, to the connections
/// joined to it.
struct MemberEvent
{
    QString channel;
    MemberEventKind kind = MemberEventKind::Joined;
    QString user;
    QString display{}; ///< optional (empty: not given)
    friend bool operator==(const MemberEvent &, const MemberEvent &) = default;
};

/// `admin.stats` event: the server's figures, to admin watchers about once a second while
/// they change, with the backlog of every connection that has one.
struct AdminStatsEvent
{
    ServerStatistics stats;
    QList<std::pair<QString, qint64>> unsentBytes; ///< (session, bytes), largest first
    friend bool operator==(const AdminStatsEvent &, const AdminStatsEvent &) = default;
};

/// `read` (1.2): the user's read position in `channel` moved to `seq` on another of their
/// connections. Sent to that user's other connections only.
struct ReadEvent
{
    QString channel;
    qint64 seq = 0;
    friend bool operator==(const ReadEvent &, const ReadEvent &) = default;
};

using ServerFrame =
    std::variant<Reply, MsgEvent, SyncedEvent, TypingEvent, PresenceEvent, AdminPresenceEvent,
                 ByeEvent, ChannelEvent, AdminStatsEvent, MemberEvent, ReadEvent>;

} // namespace confab
