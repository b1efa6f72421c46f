// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the host chose for the server the app runs (issue 12): the port, who can reach it,
// who can sign up, and its name. A plain value; load()/save() keep it as a small JSON file
// (host.json by default) next to the server's data, so the data folder stays laid out like
// a `confabd --data` directory with one extra file confabd ignores.
//
// Contract:
// - load() of a missing file gives the defaults (port 8765, LocalOnly, InviteOnly, no name)
//   and true; an unreadable or malformed file gives the defaults and false with the reason.
// - Unknown or out-of-range values in the file fall back to their defaults one by one.
// - serverName goes to confabd's `server.name`, which the hello reply carries to people
//   who join.
// - certificateFile/keyFile replace the self-signed certificate (confabd --tls-cert/key).

#include <QString>

namespace confab::client {

struct HostSettings
{
    enum class Scope { LocalOnly, Network };
    enum class Registration { Open, InviteOnly };

    static constexpr int defaultPort = 8765;

    int port = defaultPort;
    Scope scope = Scope::LocalOnly;
    Registration registration = Registration::InviteOnly;
    QString serverName;
    /// A certificate and key of the host's own (PEM files) instead of the one the server
    /// makes for itself; both or neither. They give wss:// in either scope.
    QString certificateFile;
    QString keyFile;

    bool hasOwnCertificate() const { return !certificateFile.isEmpty() && !keyFile.isEmpty(); }

    /// The file the settings live in inside the host's data folder.
    static QString defaultFilePath(const QString &dataDir);

    static HostSettings load(const QString &filePath, bool *ok = nullptr, QString *error = nullptr);
    bool save(const QString &filePath, QString *error = nullptr) const;

    friend bool operator==(const HostSettings &, const HostSettings &) = default;
};

} // namespace confab::client
