// SPDX-License-Identifier: Apache-2.0
#pragma once

// The naming and size rules of protocol v1. Pure functions.

#include "errorcode.h"

#include <QString>

#include <optional>
#include <utility>

namespace confab::rules {

inline constexpr qint64 maxRequestId = (qint64(1) << 53) - 1; ///< largest exact JSON integer
inline constexpr int maxChannelNameChars = 64;
/// The longest channel name in bytes: a `dm:` name of two longest user names.
inline constexpr int maxChannelNameBytes = 3 + 32 + 1 + 32;
inline constexpr int maxChannelsPage = 200; ///< channels in one `channels` reply at most
inline constexpr int maxUserNameChars = 32;
inline constexpr int maxCidBytes = 64;
inline constexpr int maxTopicBytes = 256;
inline constexpr int maxPresenceTextBytes = 256;
inline constexpr int maxDisplayChars = 64;
inline constexpr int minPasswordBytes = 8; ///< for new passwords (register, admin, confabctl)
inline constexpr int maxPasswordBytes = 1024;
inline constexpr int maxTokenBytes = 256;
inline constexpr int maxClientNameBytes = 128;
inline constexpr int maxKickReasonBytes = 256;

/// 1–64 chars of [a-z0-9_-], or a valid direct-conversation name.
bool isValidChannelName(QStringView name);
/// 1–32 chars of [a-z0-9_.-].
bool isValidUserName(QStringView name);
/// `dm:a:b` where a and b are valid, different user names in sorted order.
bool isDirectChannelName(QStringView name);
/// The direct-conversation channel of two users, names in sorted order.
QString directChannelName(QStringView userA, QStringView userB);
/// The two members of a direct-conversation channel; nullopt when `name` is not one.
std::optional<std::pair<QString, QString>> directChannelMembers(QStringView name);

/// Length of `text` encoded as UTF-8, in bytes (lone surrogates count as U+FFFD's 3 bytes).
qsizetype utf8Length(QStringView text);

/// A message text: empty is `bad_request`, over `maxBytes` UTF-8 bytes is `too_large`.
std::optional<Error> validateText(QStringView text, int maxBytes);
/// A new password: `minPasswordBytes`..`maxPasswordBytes` UTF-8 bytes, and not `user`'s
/// own name (in any case, spaces around it ignored), the first guess of anyone.
std::optional<Error> validateNewPassword(QStringView password, QStringView user = {});
/// Why confabctl refuses `password` for `user`, as a sentence; empty when it is fine.
QString newPasswordProblem(QStringView password, QStringView user);
/// A display name: 1–64 characters, no control characters.
bool isValidDisplayName(QStringView display);

} // namespace confab::rules
