// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

#include <optional>

namespace confab::ctl {

/// Reads a password for confabctl. From a terminal (and without --password-stdin) it
/// prompts on stderr with echo off (a new password twice); otherwise it reads one line of
/// stdin, so scripts can pipe it in. The password never reaches argv, the environment or a
/// log.
class PasswordInput
{
public:
    enum class Confirm { Twice, Once };
    /// `prompt` names what the password is for. nullopt with `*error` on EOF, a mismatch,
    /// or bytes that are not UTF-8. Once: a password to sign in with.
    static std::optional<QString> read(const QString &prompt, bool forceStdin, QString *error,
                                       Confirm confirm = Confirm::Twice);

private:
    static std::optional<QByteArray> readLine(bool *sawEof);
    static std::optional<QByteArray> readHidden(const QString &prompt);
};

} // namespace confab::ctl
