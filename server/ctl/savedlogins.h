// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>
#include <QUrl>

#include <optional>

namespace confab::ctl {

/// The sign-ins `confabctl login` keeps, one per server URL: the user name and a token
/// (never a password), in $XDG_CONFIG_HOME/confab/confabctl-logins.json (or ~/.config),
/// a file only its owner may read (0600, in a 0700 folder). `logout` forgets one.
class SavedLogins
{
public:
    struct Login
    {
        QString user;
        QString token;
    };

    /// The default file, or `path` (tests).
    explicit SavedLogins(QString path = defaultPath());

    static QString defaultPath();

    std::optional<Login> find(const QUrl &server) const;
    /// Replaces the server's login; false with `*error` when the file cannot be written.
    bool save(const QUrl &server, const Login &login, QString *error);
    /// True when there was one.
    bool forget(const QUrl &server, QString *error);

private:
    QString m_path;
};

} // namespace confab::ctl
