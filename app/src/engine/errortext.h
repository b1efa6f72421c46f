// SPDX-License-Identifier: Apache-2.0
#pragma once

// Plain sentences for the errors people see (sign-in, connection, sending). One place so
// the wording stays consistent; never includes secrets.

#include "errorcode.h"

#include <QAbstractSocket>
#include <QString>
#include <QUrl>

namespace confab::client::errortext {

QString unreachable(const QUrl &url);
QString wrongUrl(const QUrl &url);
QString versionMismatch();
QString badCredentials();
QString sessionExpired();
/// The server's certificate failed verification; `detail` lists Qt's reasons.
QString certificate(const QString &detail);
/// An untrusted certificate with no pin for this server: shows its fingerprint, for the
/// user to compare with the host's and trust (trust on first use).
QString certificateNeedsTrust(const QUrl &url, const QByteArray &sha256, const QString &detail);
/// The certificate differs from the one the user trusted for this server: a warning.
QString certificateChanged(const QUrl &url, const QByteArray &trustedSha256,
                           const QByteArray &actualSha256);
QString kicked();
/// The server said `bye` `shutdown`: the engine keeps trying.
QString serverStopped();
QString socketError(const QUrl &url, QAbstractSocket::SocketError error, const QString &detail);
/// Why a message could not be sent, from the server's error.
QString sendFailed(const Error &error);
/// Why a channel could not be created, from the server's error.
QString createFailed(const QString &channel, const Error &error);
/// A request that needs the connection was made while offline.
QString createWhileOffline();
/// The connection ended before the server answered.
QString connectionLost();

} // namespace confab::client::errortext
