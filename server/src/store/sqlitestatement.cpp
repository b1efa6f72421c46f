// SPDX-License-Identifier: Apache-2.0
#include "sqlitestatement.h"

#include "database.h"

#include <QSqlDriver>
#include <QVariant>

#include <sqlite3.h>

namespace confab::store {

sqlite3 *sqliteHandle(Database &db)
{
    // The documented way to reach the driver's handle (QSqlDriver::handle()).
    const QVariant handle = db.sql().driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(handle.constData());
}

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_statement);
}

bool SqliteStatement::prepare(sqlite3 *db, const char *sql, QString *error)
{
    sqlite3_finalize(m_statement);
    m_statement = nullptr;
    m_db = db;
    if (!db) {
        *error = QStringLiteral("no SQLite connection");
        return false;
    }
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_statement, nullptr) !=
        SQLITE_OK) {
        *error = QString::fromUtf8(sqlite3_errmsg(db));
        return false;
    }
    return true;
}

void SqliteStatement::bindInt(int index, qint64 value)
{
    sqlite3_bind_int64(m_statement, index, value);
}

void SqliteStatement::bindText(int index, QByteArrayView utf8)
{
    // A null view would bind SQL NULL; text columns here are NOT NULL, so bind "".
    sqlite3_bind_text(m_statement, index, utf8.data() ? utf8.data() : "", int(utf8.size()),
                      SQLITE_STATIC);
}

void SqliteStatement::bindBlob(int index, QByteArrayView bytes)
{
    // A zero-length blob, never NULL (sqlite3_bind_blob binds NULL for a null pointer).
    sqlite3_bind_blob(m_statement, index, bytes.data() ? bytes.data() : "", int(bytes.size()),
                      SQLITE_STATIC);
}

bool SqliteStatement::step()
{
    const int rc = sqlite3_step(m_statement);
    m_ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
    return rc == SQLITE_ROW;
}

QString SqliteStatement::errorText() const
{
    return QString::fromUtf8(sqlite3_errmsg(m_db));
}

int SqliteStatement::changes() const
{
    return sqlite3_changes(m_db);
}

qint64 SqliteStatement::columnInt(int column) const
{
    return sqlite3_column_int64(m_statement, column);
}

QString SqliteStatement::columnText(int column) const
{
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(m_statement, column));
    return QString::fromUtf8(text, sqlite3_column_bytes(m_statement, column));
}

QByteArray SqliteStatement::columnBlob(int column) const
{
    const auto *bytes = static_cast<const char *>(sqlite3_column_blob(m_statement, column));
    const int size = sqlite3_column_bytes(m_statement, column);
    return bytes ? QByteArray(bytes, size) : QByteArray("", 0);
}

void SqliteStatement::reset()
{
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
    m_ok = true;
}

bool SqliteStatement::run(QString *error)
{
    step();
    const bool succeeded = m_ok;
    if (!succeeded)
        *error = errorText();
    reset();
    return succeeded;
}

} // namespace confab::store
