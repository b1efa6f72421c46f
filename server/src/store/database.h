// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QSqlDatabase>
#include <QString>

namespace confab::store {

/// One SQLite connection to the server's database file, for the thread that opens it
/// (Qt SQL connections are per thread). Opening applies WAL, synchronous=FULL, foreign keys,
/// a busy timeout, and the ordered schema migrations (PRAGMA user_version), and makes sure
/// the channel `general` exists. A file that is not a Confab database, or is corrupt, or is
/// newer than this build, fails to open with a clear error and is left untouched; so does a
/// file or directory this process may not write (the error says who may). A new database
/// file is created with mode 0600 (SQLite gives -wal and -shm the same), whatever the umask.
/// Startup checks stay cheap: damage inside the file is found by the reads that meet it
/// (markDamaged) or on request by checkIntegrity().
class Database
{
public:
    Database() = default;
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    /// Makes sure the data directory `dir` exists: created (with missing parents) mode 0700
    /// whatever the umask. An existing one is left as it is, with a warning in the log when
    /// other users can read it. On failure returns false and sets `error`.
    static bool prepareDirectory(const QString &dir, QString *error);

    /// Opens (creating when missing) `path`. On failure returns false and sets `error`.
    bool open(const QString &path, QString *error);
    void close();
    bool isOpen() const;

    QSqlDatabase &sql() { return m_db; }
    QString path() const { return m_path; }
    /// Size of the database file plus its WAL, in bytes.
    qint64 sizeBytes() const;

    /// Records that a read found the file damaged (a page SQLite cannot read, or a gap in a
    /// channel's gapless seqs). Logged loudly the first time; kept for a health report.
    void markDamaged(const QString &reason);
    bool isDamaged() const { return !m_damage.isEmpty(); }
    /// What the first damage found was ("" while none was found).
    QString damage() const { return m_damage; }

    /// Runs `PRAGMA integrity_check` on the database at `path`, opened read-only: nothing is
    /// created, migrated or written. True when SQLite answers "ok"; `*report` holds its
    /// answer, or why the check could not run. Reads the whole file: not for every start.
    static bool checkIntegrity(const QString &path, QString *report);

    /// The schema version this build writes.
    static int schemaVersion();
    /// How long a connection waits for another one's write lock before failing.
    static constexpr int busyTimeoutMs = 5000;

private:
    static bool checkHeader(const QString &path, QString *error);
    /// Refuses another application's file or a newer schema from the header alone.
    static bool checkIdentity(const QString &path, QString *error);
    /// True when `path` has a non-empty write-ahead log beside it.
    static bool hasWal(const QString &path);
    bool configureAndMigrate(QString *error);
    bool migrate(int fromVersion, QString *error);
    bool ensureGeneralChannel(QString *error);

    QSqlDatabase m_db;
    QString m_connectionName;
    QString m_path;
    QString m_registeredFile; // absolute path counted in the process's open files
    QString m_damage;
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
