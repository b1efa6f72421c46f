// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "connection.h"
#include "fingerprint.h"

#include <QObject>
#include <QUrl>

#include <chrono>
#include <optional>

namespace confab::ctl {

/// Where and as whom confabctl signs in to a running server.
struct ServerTarget
{
    QUrl url;
    QString user;
    QString password; ///< empty when signing in with `token`
    QString token;
    QList<QByteArray> pinnedSha256;        ///< --trust-fingerprint
    QList<QSslCertificate> caCertificates; ///< --ca
};

/// confabctl's signed-in connection to a running confabd, through the desktop app's own
/// client engine (client::Connection: the same sign-in, TLS checks and error sentences).
///
/// signIn() waits, in a local event loop, until the engine is signed in, the server refuses
/// the credentials, the engine stops on an error, or the deadline passes; it returns the
/// exit code confabctl ends with in each case (ExitOk when signed in). call() then sends a
/// request and waits for its reply. After signIn() the engine keeps reconnecting on its own
/// (the --watch console relies on that); events arrive through connection().
class ServerLink : public QObject
{
    Q_OBJECT
public:
    explicit ServerLink(ServerTarget target, QObject *parent = nullptr);

    int signIn(std::chrono::milliseconds deadline);
    /// The reply to `frame`, or nullopt with `*error` when the connection ended first.
    std::optional<Reply> call(ClientFrame frame, QString *error);
    /// The sentence that goes with signIn()'s failure code.
    QString error() const { return m_error; }

    client::Connection &connection() { return m_connection; }
    const ServerTarget &target() const { return m_target; }

private:
    ServerTarget m_target;
    client::Connection m_connection;
    QString m_error;
};

} // namespace confab::ctl
