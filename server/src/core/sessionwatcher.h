// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QTimer>

#include <chrono>

namespace confab::store {
class Database;
}

namespace confab::server {

class Connection;
class Hub;

/// Applies account changes made behind the server's back. confabctl works on the database
/// file while confabd runs: `user disable` and `user passwd` revoke the user's tokens, and
/// `user role` changes a role. Without this a disabled user kept chatting on the
/// connections they had open until those ended.
///
/// Every `interval` it asks SQLite whether any other connection committed since the last
/// look (PRAGMA data_version, one cheap statement); only then does it read the live token
/// hashes and the users' roles. A signed-in connection whose token is gone is reported by
/// `revoked` (the server ends it as `admin.user` would); a changed role applies at once.
class SessionWatcher : public QObject
{
    Q_OBJECT
public:
    SessionWatcher(store::Database &db, Hub &hub, std::chrono::milliseconds interval,
                   QObject *parent = nullptr);

    void start();
    /// Looks now (also when nothing seems to have changed).
    void checkNow();

signals:
    void revoked(confab::server::Connection *connection);

private:
    void checkIfChanged();
    qint64 dataVersion() const;

    store::Database &m_db;
    Hub &m_hub;
    QTimer m_timer;
    qint64 m_lastVersion = -1;
};

} // namespace confab::server
