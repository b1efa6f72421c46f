// SPDX-License-Identifier: Apache-2.0
#include "errorcode.h"

#include <array>

namespace confab {

namespace {

using namespace Qt::StringLiterals;

// Indexed by ErrorCode: keep in the enum's order.
constexpr std::array<QLatin1StringView, 10> errorCodeNames = {
    "bad_request"_L1, "unauthorized"_L1, "forbidden"_L1, "not_found"_L1,   "conflict"_L1,
    "too_large"_L1,   "rate_limited"_L1, "not_ready"_L1, "unsupported"_L1, "internal"_L1,
};

} // namespace

QLatin1StringView errorCodeName(ErrorCode code)
{
    return errorCodeNames[static_cast<std::size_t>(code)];
}

std::optional<ErrorCode> errorCodeFromName(QStringView name)
{
    for (std::size_t i = 0; i < errorCodeNames.size(); ++i) {
        if (name == errorCodeNames[i])
            return static_cast<ErrorCode>(i);
    }
    return std::nullopt;
}

} // namespace confab
