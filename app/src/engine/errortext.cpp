// SPDX-License-Identifier: Apache-2.0
#include "errortext.h"

#include "fingerprint.h"

using namespace Qt::StringLiterals;

namespace confab::client::errortext {

namespace {
QString hostPort(const QUrl &url)
{
    return url.port() > 0 ? u"%1:%2"_s.arg(url.host()).arg(url.port()) : url.host();
}
} // namespace

QString unreachable(const QUrl &url)
{
    return u"Cannot reach the server at %1. Check the address and your network."_s.arg(
        hostPort(url));
}

QString wrongUrl(const QUrl &url)
{
    return u"“%1” is not a Confab server address. It looks like wss://host:port/ws."_s.arg(
        url.toDisplayString());
}

QString versionMismatch()
{
    return u"The server speaks a different protocol version. Update the app or the server."_s;
}

QString badCredentials()
{
    return u"The user name or password is wrong."_s;
}

QString sessionExpired()
{
    return u"Your session has ended. Sign in again."_s;
}

QString certificate(const QString &detail)
{
    return u"The server's certificate is not trusted: %1. The app did not connect; ask the "
           u"server's administrator, or trust that certificate on this computer."_s.arg(detail);
}

QString certificateNeedsTrust(const QUrl &url, const QByteArray &sha256, const QString &detail)
{
    // Starts as certificate() does: the same problem, with what the user can do about it.
    return u"The server's certificate is not trusted: %1. Its fingerprint is %2. If the host "
           u"of %3 tells you the same fingerprint, trust it; until then the app does not "
           u"connect."_s.arg(detail.isEmpty() ? u"not signed by an authority this computer "
                                                u"trusts"_s
                                              : detail,
                             fingerprintText(sha256), hostPort(url));
}

QString certificateChanged(const QUrl &url, const QByteArray &trustedSha256,
                           const QByteArray &actualSha256)
{
    return u"Warning: the certificate of %1 changed since you trusted it. Someone may be "
           u"intercepting the connection, or the host made a new certificate. The app did not "
           u"connect. Trusted fingerprint: %2. Fingerprint now: %3. Ask the host which one "
           u"is right before you trust the new one."_s.arg(
               hostPort(url), fingerprintText(trustedSha256), fingerprintText(actualSha256));
}

QString kicked(const QString &message)
{
    // Without a reason it may be a disabled account (confabd sends none then): no promise
    // that signing in again works; a refused retry says what happened (revokedAfterKick()).
    if (message.trimmed().isEmpty())
        return u"An administrator disconnected you."_s;
    return u"An administrator disconnected you: %1. You can sign in again."_s.arg(
        message.trimmed());
}

QString accountDisabled()
{
    return u"Your account was disabled by an administrator."_s;
}

QString revokedAfterKick()
{
    return u"An administrator signed you out: your account was disabled or its password was "
           u"changed. Sign in with your password, or ask them."_s;
}

QString noAnswer(const QUrl &url)
{
    return u"The server at %1 did not answer. Check the address, or try again later."_s.arg(
        hostPort(url));
}

QString registrationClosed()
{
    return u"This server does not let people create accounts; ask its administrator for one."_s;
}

QString registerFailed(const QString &user, const Error &error)
{
    switch (error.code) {
    case ErrorCode::Forbidden:
        return registrationClosed();
    case ErrorCode::Conflict:
        return u"There is already a user named “%1”; choose another name."_s.arg(user);
    default:
        break;
    }
    return error.message.isEmpty()
               ? u"The server could not create the account."_s
               : u"The server could not create the account: %1."_s.arg(error.message);
}

QString invalidUserName()
{
    return u"A user name is 1 to 32 lower-case letters, digits, “_”, “.” or “-”."_s;
}

QString passwordIsUserName()
{
    return u"Choose a password other than your user name."_s;
}

QString passwordTooShort(int minBytes)
{
    return u"A password needs at least %1 characters."_s.arg(minBytes);
}

QString textTooLong(qsizetype bytes, int maxBytes)
{
    return u"The message is too long: %1 bytes, and this server takes at most %2."_s.arg(bytes).arg(
        maxBytes);
}

QString serverStopped()
{
    return u"The host stopped the server. Confab reconnects when it is back."_s;
}

QString socketError(const QUrl &url, QAbstractSocket::SocketError error, const QString &detail)
{
    switch (error) {
    case QAbstractSocket::ConnectionRefusedError:
    case QAbstractSocket::HostNotFoundError:
    case QAbstractSocket::NetworkError:
    case QAbstractSocket::SocketTimeoutError:
    case QAbstractSocket::RemoteHostClosedError:
    case QAbstractSocket::TemporaryError:
        return unreachable(url);
    case QAbstractSocket::SslHandshakeFailedError:
        // Certificate problems arrive through sslErrors (see certificate()); this is TLS
        // itself failing, e.g. wss:// to a server that speaks plain ws://.
        return u"The secure connection to %1 failed: %2."_s.arg(hostPort(url), detail);
    default:
        return u"The connection to %1 failed: %2."_s.arg(hostPort(url), detail);
    }
}

QString sendFailed(const Error &error)
{
    switch (error.code) {
    case ErrorCode::Forbidden:
        return u"You may not write in this channel."_s;
    case ErrorCode::TooLarge:
        return u"The message is too long."_s;
    case ErrorCode::BadRequest:
        return u"The server refused this message as malformed."_s;
    case ErrorCode::NotFound:
        return u"The channel no longer exists."_s;
    default:
        return error.message.isEmpty() ? u"The message could not be sent."_s : error.message;
    }
}

QString createFailed(const QString &channel, const Error &error)
{
    if (error.code == ErrorCode::Conflict)
        return u"A channel named “%1” already exists."_s.arg(channel);
    return error.message;
}

QString createWhileOffline()
{
    return u"You are offline; channels can be created when online."_s;
}

QString connectionLost()
{
    return u"The connection was lost; try again."_s;
}

} // namespace confab::client::errortext
