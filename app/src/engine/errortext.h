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
/// A `bye` `kicked`; `message` is the administrator's reason, when they gave one.
QString kicked(const QString &message = {});
/// The server refused a sign-in because the account is disabled.
QString accountDisabled();
/// The saved sign-in was refused right after an administrator disconnected the user: the
/// server revoked it (the account was disabled or its password changed; it does not say which).
QString revokedAfterKick();
/// A first sign-in whose server did not answer in time.
QString noAnswer(const QUrl &url);
/// `register` refused: the server does not allow open registration.
QString registrationClosed();
/// `register` refused for another reason.
QString registerFailed(const QString &user, const Error &error);
/// A user name that breaks the protocol's rule (1–32 of [a-z0-9_.-]).
QString invalidUserName();
/// A new password shorter than the server accepts.
QString passwordTooShort(int minBytes);
/// register: the password is the user name (the server refuses it too).
QString passwordIsUserName();
/// A message over the server's `limits.text`.
QString textTooLong(qsizetype bytes, int maxBytes);
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
