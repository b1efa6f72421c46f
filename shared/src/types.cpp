// SPDX-License-Identifier: Apache-2.0
#include "types.h"

namespace confab {

using namespace Qt::StringLiterals;

QLatin1StringView roleName(Role role)
{
    return role == Role::Admin ? "admin"_L1 : "user"_L1;
}

std::optional<Role> roleFromName(QStringView name)
{
    if (name == "user"_L1)
        return Role::User;
    if (name == "admin"_L1)
        return Role::Admin;
    return std::nullopt;
}

QLatin1StringView presenceStatusName(PresenceStatus status)
{
    switch (status) {
    case PresenceStatus::Online:
        return "online"_L1;
    case PresenceStatus::Away:
        return "away"_L1;
    case PresenceStatus::Dnd:
        return "dnd"_L1;
    case PresenceStatus::Offline:
        break;
    }
    return "offline"_L1;
}

std::optional<PresenceStatus> presenceStatusFromName(QStringView name)
{
    for (auto status : {PresenceStatus::Online, PresenceStatus::Away, PresenceStatus::Dnd,
                        PresenceStatus::Offline}) {
        if (name == presenceStatusName(status))
            return status;
    }
    return std::nullopt;
}

} // namespace confab
