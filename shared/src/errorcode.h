// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QLatin1StringView>
#include <QString>

#include <optional>

namespace confab {

/// The error codes of PROTOCOL.md, in the order the contract lists them.
enum class ErrorCode {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    TooLarge,
    RateLimited,
    NotReady,
    Unsupported,
    Internal,
};

/// The wire string of a code, e.g. "bad_request".
QLatin1StringView errorCodeName(ErrorCode code);
/// The code for a wire string; nullopt for a string the contract does not define.
std::optional<ErrorCode> errorCodeFromName(QStringView name);

/// An error as the wire carries it: a code, a sentence for people, and for `rate_limited`
/// the time after which a retry may succeed.
struct Error
{
    ErrorCode code = ErrorCode::Internal;
    QString message;
    std::optional<qint64> retryMs;

    friend bool operator==(const Error &, const Error &) = default;
};

} // namespace confab
