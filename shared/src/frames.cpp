// SPDX-License-Identifier: Apache-2.0
#include "frames.h"

#include <array>

namespace confab {

using namespace Qt::StringLiterals;

namespace {

using enum FrameAccess;

// What each request type is called on the wire and what it needs. Indexed by the
// ClientFrame alternative: keep in the variant's order.
constexpr std::array<ClientFrameRule, std::variant_size_v<ClientFrame>> clientFrameRules = {{
    {"hello"_L1, true, Anyone},
    {"register"_L1, true, Anyone},
    {"logout"_L1, true, SignedIn},
    {"join"_L1, true, SignedIn},
    {"leave"_L1, true, SignedIn},
    {"publish"_L1, true, SignedIn},
    {"history"_L1, true, SignedIn},
    {"channels"_L1, true, SignedIn},
    {"create"_L1, true, SignedIn},
    {"invite"_L1, true, SignedIn},
    {"typing"_L1, false, SignedIn},
    {"presence"_L1, true, SignedIn},
    {"admin.watch"_L1, true, Admin},
    {"admin.unwatch"_L1, true, Admin},
    {"admin.stats"_L1, true, Admin},
    {"admin.kick"_L1, true, Admin},
    {"admin.user"_L1, true, Admin},
    {"read"_L1, true, SignedIn},
}};

constexpr std::array<QLatin1StringView, 5> adminUserActions = {
    "add"_L1, "disable"_L1, "enable"_L1, "role"_L1, "password"_L1,
};
constexpr std::array<QLatin1StringView, 3> adminPresenceKinds = {
    "connect"_L1,
    "disconnect"_L1,
    "status"_L1,
};
constexpr std::array<QLatin1StringView, 3> byeReasons = {
    "shutdown"_L1,
    "kicked"_L1,
    "replaced"_L1,
};

constexpr std::array<QLatin1StringView, 3> channelEventKinds = {
    "added"_L1,
    "updated"_L1,
    "removed"_L1,
};

constexpr std::array<QLatin1StringView, 2> memberEventKinds = {
    "joined"_L1,
    "left"_L1,
};

template <typename Enum, std::size_t N>
std::optional<Enum> enumFromName(const std::array<QLatin1StringView, N> &names, QStringView name)
{
    for (std::size_t i = 0; i < N; ++i) {
        if (name == names[i])
            return static_cast<Enum>(i);
    }
    return std::nullopt;
}

} // namespace

std::optional<RequestId> requestId(const ClientFrame &frame)
{
    return std::visit(
        [](const auto &request) -> std::optional<RequestId> {
            if constexpr (requires { request.id; })
                return request.id;
            else
                return std::nullopt;
        },
        frame);
}

QLatin1StringView frameType(const ClientFrame &frame)
{
    return clientFrameRules[frame.index()].name;
}

const ClientFrameRule &clientFrameRule(std::size_t index)
{
    return clientFrameRules[index];
}

const ClientFrameRule &clientFrameRule(const ClientFrame &frame)
{
    return clientFrameRules[frame.index()];
}

std::optional<std::size_t> clientFrameIndex(QStringView type)
{
    for (std::size_t i = 0; i < clientFrameRules.size(); ++i) {
        if (type == clientFrameRules[i].name)
            return i;
    }
    return std::nullopt;
}

QLatin1StringView adminUserActionName(AdminUserAction action)
{
    return adminUserActions[static_cast<std::size_t>(action)];
}

std::optional<AdminUserAction> adminUserActionFromName(QStringView name)
{
    return enumFromName<AdminUserAction>(adminUserActions, name);
}

QLatin1StringView adminPresenceKindName(AdminPresenceKind kind)
{
    return adminPresenceKinds[static_cast<std::size_t>(kind)];
}

std::optional<AdminPresenceKind> adminPresenceKindFromName(QStringView name)
{
    return enumFromName<AdminPresenceKind>(adminPresenceKinds, name);
}

QLatin1StringView byeReasonName(ByeReason reason)
{
    return byeReasons[static_cast<std::size_t>(reason)];
}

std::optional<ByeReason> byeReasonFromName(QStringView name)
{
    return enumFromName<ByeReason>(byeReasons, name);
}

QLatin1StringView channelEventKindName(ChannelEventKind kind)
{
    return channelEventKinds[static_cast<std::size_t>(kind)];
}

std::optional<ChannelEventKind> channelEventKindFromName(QStringView name)
{
    return enumFromName<ChannelEventKind>(channelEventKinds, name);
}

QLatin1StringView memberEventKindName(MemberEventKind kind)
{
    return memberEventKinds[static_cast<std::size_t>(kind)];
}

std::optional<MemberEventKind> memberEventKindFromName(QStringView name)
{
    return enumFromName<MemberEventKind>(memberEventKinds, name);
}

} // namespace confab
