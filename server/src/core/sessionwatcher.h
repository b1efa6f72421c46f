// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QTimer>

#include <chrono>

namespace confab::store {
class AccountStore;
}

namespace confab::server {

class Connection;
class Hub;

/// Applies account changes made behind the server's back. confabctl works on the database
/// file while confabd runs: `user disable` and `user passwd` revoke the user's tokens, and
/// `user role` changes a role. Without this a disabled user kept chatting on the
/// connections they had open until those ended.
///
/// Every `interval` it asks the AccountStore whether anyone else may have changed accounts
/// since the last look (changeMarker(), one cheap statement); only then does it ask which of
/// the open sessions' tokens are still live and read the users' roles. A signed-in
/// connection whose token is gone is reported by `revoked` (the server ends it as
/// `admin.user` would); a changed role applies at once.
class SessionWatcher : public QObject
{
    Q_OBJECT
public:
    SessionWatcher(store::AccountStore &accounts, Hub &hub, std::chrono::milliseconds interval,
                   QObject *parent = nullptr);

    void start();
    /// Looks now (also when nothing seems to have changed).
    void checkNow();

signals:
    void revoked(confab::server::Connection *connection);
    /// The accounts were listed after a change: there are `count` (ServerStats keeps it).
    void accountsCounted(qint64 count);

private:
    void checkIfChanged();

    store::AccountStore &m_accounts;
    Hub &m_hub;
    QTimer m_timer;
    qint64 m_lastMarker = -1;
};

} // namespace confab::server
