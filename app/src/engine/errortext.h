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
QString kicked();
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
