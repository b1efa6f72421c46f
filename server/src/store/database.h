// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QSqlDatabase>
#include <QString>

namespace confab::store {

/// One SQLite connection to the server's database file, for the thread that opens it
/// (Qt SQL connections are per thread). Opening applies WAL, synchronous=FULL, foreign keys,
/// a busy timeout, and the ordered schema migrations (PRAGMA user_version), and makes sure
/// the channel `general` exists. A file that is not a Confab database, or is corrupt, or is
/// newer than this build, fails to open with a clear error and is left untouched.
class Database
{
public:
    Database() = default;
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    /// Opens (creating when missing) `path`. On failure returns false and sets `error`.
    bool open(const QString &path, QString *error);
    void close();
    bool isOpen() const;

    QSqlDatabase &sql() { return m_db; }
    QString path() const { return m_path; }
    /// Size of the database file plus its WAL, in bytes.
    qint64 sizeBytes() const;

    /// The schema version this build writes.
    static int schemaVersion();
    /// How long a connection waits for another one's write lock before failing.
    static constexpr int busyTimeoutMs = 5000;

private:
    bool checkHeader(const QString &path, QString *error) const;
    bool configureAndMigrate(QString *error);
    bool migrate(int fromVersion, QString *error);
    bool ensureGeneralChannel(QString *error);

    QSqlDatabase m_db;
    QString m_connectionName;
    QString m_path;
    QString m_registeredFile; // absolute path counted in the process's open files
};

/// A write transaction (BEGIN IMMEDIATE, so it takes the write lock up front and a
/// concurrent writer such as confabctl waits on the busy timeout instead of failing with
/// a stale snapshot). Rolls back unless commit() succeeds.
class Transaction
{
public:
    explicit Transaction(Database &db);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    /// False when BEGIN failed; error() says why.
    bool isActive() const { return m_active; }
    bool commit();
    void rollback();
    QString error() const { return m_error; }

private:
    Database &m_db;
    bool m_active = false;
    QString m_error;
};

} // namespace confab::store
