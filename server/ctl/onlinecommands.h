// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "frames.h"
#include "presencetext.h"
#include "serverlink.h"

#include <QStringList>

#include <optional>

namespace confab::ctl {

class SavedLogins;

/// One online command line (`confabctl --url … COMMAND`), parsed.
struct OnlineRequest
{
    QStringList words; ///< the command and its operands: {"kick", "alice"}
    // presence
    AdminWatchFilter filter;
    QList<Column> columns = allColumns();
    bool json = false;
    bool watch = false;
    // kick
    QString reason;
    // user add / passwd
    bool admin = false;
    bool passwordStdin = false;
    std::optional<QString> display;
};

/// The commands that speak the protocol's admin frames to a running confabd: presence,
/// stats, kick, login, logout and the `user` commands through `admin.user`. Each prints its
/// result on stdout (or "confabctl: …" on stderr) and returns an ExitCode.
class OnlineCommands
{
public:
    /// `target` says where and as whom; its password is asked for when needed.
    OnlineCommands(ServerTarget target, SavedLogins &logins);

    int run(const OnlineRequest &request);

private:
    int login(const OnlineRequest &request);
    int logout();
    int presence(const OnlineRequest &request);
    int stats();
    int kick(const OnlineRequest &request);
    int user(const OnlineRequest &request);

    /// Signs in (saved token, or the password asked for); ExitOk or the code to end with.
    int connect(ServerLink &link);
    /// The reply's ok object; else prints why and sets `*exitCode`.
    std::optional<QJsonObject> ask(ServerLink &link, ClientFrame frame, int *exitCode);
    /// Prints the plain-text or JSON lines of a --watch that is not a full-screen console.
    int watchAsLines(ServerLink &link, const OnlineRequest &request);

    ServerTarget m_target;
    SavedLogins &m_logins;
};

/// Is `text` a session id as the server makes them ("s1a-k3j9x")?
bool looksLikeSession(const QString &text);

} // namespace confab::ctl
