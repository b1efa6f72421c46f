// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "frames.h"
#include "responder.h"
#include "serverconfig.h"

#include <QObject>

namespace confab::store {
class AccountStore;
}

namespace confab::server {

class AuthService;
class ChannelDirectory;
class Connection;
class Hub;
class PresenceTracker;

/// Sessions: `hello` (token or password), `register` and `logout`, and a session's end
/// (a kick, a revoked token, the connection closing, shutdown). A connection's input is
/// paused while its password is checked off the event loop (`Connection::helloPending`);
/// `inputResumed` says when it may go on. Tells others of sessions that start and end.
class Sessions : public QObject
{
    Q_OBJECT
public:
    Sessions(const ServerConfig &config, store::AccountStore &accounts, AuthService &auth, Hub &hub,
             PresenceTracker &presence, ChannelDirectory &channels, QObject *parent = nullptr);

    void hello(const Responder &reply, const HelloRequest &request);
    void registerUser(const Responder &reply, const RegisterRequest &request);
    void logout(const Responder &reply, const LogoutRequest &request);

    /// Sends `bye` `kicked` (with `message`, e.g. the admin's reason, when not empty) and
    /// closes with 4002 (admin.kick, a disabled account, a revoked token).
    void kick(Connection *connection, const QString &message = {});
    /// Sends `bye` with `reason` to every connection and closes them.
    void closeAll(ByeReason reason, CloseCode closeCode);
    /// The connection has closed: forget it everywhere, then delete it.
    void connectionClosed(Connection *connection);

signals:
    void signedIn(confab::server::Connection *connection);
    /// The connection is forgotten by the Hub and presence; its user and channels are still
    /// readable until the event loop deletes it.
    void closed(confab::server::Connection *connection);
    void inputResumed(confab::server::Connection *connection);
    /// An account was made (register): it is a member of `general` from now on.
    void accountAdded(const QString &user);

private:
    void completeHello(const Responder &reply, bool issuedToken);
    void failHello(const Responder &reply, const Error &error);

    const ServerConfig &m_config;
    store::AccountStore &m_accounts;
    AuthService &m_auth;
    Hub &m_hub;
    PresenceTracker &m_presence;
    ChannelDirectory &m_channels;
};

} // namespace confab::server
