// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

struct sqlite3;
struct sqlite3_stmt;

namespace confab::store {

/// The raw SQLite handle behind a Qt SQL connection opened with the QSQLITE driver, or null.
sqlite3 *sqliteHandle(class Database &db);

/// One prepared statement on a raw SQLite connection, for the writer's hot path: Qt SQL
/// wraps every bound value in a QVariant, names every positional placeholder with
/// QString::arg and converts text to UTF-16 and back, which cost more than the insert itself.
/// Values are bound without copying: they must outlive the step() that uses them.
class SqliteStatement
{
public:
    SqliteStatement() = default;
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement &) = delete;
    SqliteStatement &operator=(const SqliteStatement &) = delete;

    /// Compiles `sql` once, to be run many times. False with `*error` on failure.
    bool prepare(sqlite3 *db, const char *sql, QString *error);

    // Parameters are numbered from 1, as in SQLite.
    void bindInt(int index, qint64 value);
    void bindText(int index, QByteArrayView utf8);
    void bindBlob(int index, QByteArrayView bytes);

    /// Runs until the next row (true) or the end (false, check ok()). Results of a
    /// statement stay readable until reset().
    bool step();
    /// False when the last step() failed; errorText() says why.
    bool ok() const { return m_ok; }
    QString errorText() const;
    /// Rows changed by the last completed INSERT/UPDATE/DELETE on this connection.
    int changes() const;

    qint64 columnInt(int column) const;
    QString columnText(int column) const;
    QByteArray columnBlob(int column) const;

    /// Ready to run again, bindings cleared. Releases the statement's read locks.
    void reset();

    /// step() then reset() for a statement without results; false with `*error` on failure.
    bool run(QString *error);

private:
    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_statement = nullptr;
    bool m_ok = true;
};

} // namespace confab::store
