// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace confab::store {
class Database;
}

namespace confab::ctl {

/// confabctl's exit codes.
enum ExitCode : int {
    ExitOk = 0,
    ExitFailed = 1, ///< not done: refused by the server, or a missing user, a taken name, …
    ExitUsage = 2,  ///< the command line is wrong (unknown command, invalid name or password)
    ExitCannotConnect = 3, ///< no server at the URL answered in time, or TLS refused it
    ExitUnauthorized = 4,  ///< a wrong password, an expired sign-in, or not an admin
};

/// One parsed command line: `group command operands…` plus the options that apply to it.
struct Request
{
    QString group;
    QString command;
    QStringList operands;
    bool admin = false;
    bool passwordStdin = false;
    bool isPrivate = false;
    std::optional<QString> display;
    std::optional<QString> topic;
};

/// The offline admin commands, applied directly to the database. Each prints what it did
/// on stdout, or one line "confabctl: …" on stderr, and returns an ExitCode.
class Commands
{
public:
    explicit Commands(store::Database &db)
        : m_db(db)
    {}

    int run(const Request &request);

private:
    int userAdd(const Request &request);
    int userList();
    int userSetDisabled(const QString &name, bool disabled);
    int userPasswd(const Request &request);
    int userRole(const QString &name, const QString &role);
    int channelCreate(const Request &request);
    int channelList();

    /// Reads and checks a new password for `user`; nullopt after printing why.
    std::optional<QString> newPassword(const QString &user, bool forceStdin, int *exitCode);
    /// newPassword(), hashed with Argon2id; nullopt with `*exitCode` set on failure.
    std::optional<QString> newPasswordHash(const QString &user, bool forceStdin, int *exitCode);

    store::Database &m_db;
};

/// Prints "confabctl: <message>" on stderr and returns `code`.
int fail(int code, const QString &message);
/// Prints `text` and a newline on stdout.
void say(const QString &text);

} // namespace confab::ctl
