// SPDX-License-Identifier: Apache-2.0
#pragma once

// The client's local SQLite database (`<dataDir>/client.sqlite`, WAL): the message cache,
// the channel list, the outbox and the drafts. One connection, used on the thread that
// opened it.
//
// Opening never crashes on a damaged file: a file SQLite cannot read, or one that fails
// `PRAGMA quick_check`, is moved aside as `<file>.corrupt-<yyyyMMdd-hhmmss>` (with its WAL
// and SHM files) and a fresh database is built. The schema is an ordered migration list
// tracked by `PRAGMA user_version`.
//
// Durability: WAL with synchronous=NORMAL. A committed transaction survives the process
// being killed at any moment; only a power loss may drop the last commits.

#include <QSqlDatabase>
#include <QString>

namespace confab::client {

class LocalDatabase
{
public:
    static constexpr int schemaVersion = 2;

    explicit LocalDatabase(const QString &filePath);
    ~LocalDatabase();
    LocalDatabase(const LocalDatabase &) = delete;
    LocalDatabase &operator=(const LocalDatabase &) = delete;

    /// Opens (moving a corrupt file aside and rebuilding) and migrates.
    bool open(QString *error = nullptr);
    QSqlDatabase database() const;
    QString filePath() const { return m_path; }
    /// Where a corrupt file was moved by open() (empty when it was fine).
    QString movedAsidePath() const { return m_movedAside; }

private:
    bool openConnection(QString *error);
    bool isHealthy();
    bool migrate(QString *error);
    void closeConnection();
    void moveAside();

    QString m_path;
    QString m_connectionName;
    QString m_movedAside;
};

} // namespace confab::client
