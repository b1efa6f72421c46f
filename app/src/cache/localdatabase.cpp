// SPDX-License-Identifier: Apache-2.0
#include "localdatabase.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

#include <array>

using namespace Qt::StringLiterals;

namespace confab::client {

Q_LOGGING_CATEGORY(lcDb, "confab.client.db")

namespace {

// Append-only: each entry upgrades user_version N to N+1.
const std::array<QLatin1StringView, 4> migrationV1 = {
    "CREATE TABLE channels(name TEXT PRIMARY KEY, topic TEXT NOT NULL DEFAULT '',"
    " synced_seq INTEGER NOT NULL DEFAULT 0, last_read_seq INTEGER NOT NULL DEFAULT 0)"_L1,
    "CREATE TABLE messages(channel TEXT NOT NULL, seq INTEGER NOT NULL, mid TEXT NOT NULL,"
    " cid TEXT NOT NULL, author TEXT NOT NULL, ts INTEGER NOT NULL, text TEXT NOT NULL,"
    " PRIMARY KEY(channel, seq)) WITHOUT ROWID"_L1,
    "CREATE TABLE outbox(id INTEGER PRIMARY KEY AUTOINCREMENT, cid TEXT NOT NULL UNIQUE,"
    " channel TEXT NOT NULL, text TEXT NOT NULL, created INTEGER NOT NULL,"
    " failed_reason TEXT)"_L1,
    "CREATE INDEX messages_cid ON messages(channel, cid)"_L1,
};
// v2: the composer's unsent text per channel (DraftStore).
const std::array<QLatin1StringView, 1> migrationV2 = {
    "CREATE TABLE drafts(channel TEXT PRIMARY KEY, text TEXT NOT NULL) WITHOUT ROWID"_L1,
};
const std::array<const QLatin1StringView *, 2> migrations = {migrationV1.data(),
                                                             migrationV2.data()};
const std::array<std::size_t, 2> migrationSizes = {migrationV1.size(), migrationV2.size()};
static_assert(migrations.size() == LocalDatabase::schemaVersion,
              "one migration per schema version");

} // namespace

LocalDatabase::LocalDatabase(const QString &filePath)
    : m_path(filePath)
    , m_connectionName(u"confab-client-"_s + QUuid::createUuid().toString(QUuid::WithoutBraces))
{}

LocalDatabase::~LocalDatabase()
{
    closeConnection();
}

QSqlDatabase LocalDatabase::database() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

bool LocalDatabase::open(QString *error)
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    m_movedAside.clear();
    if (openConnection(error) && isHealthy())
        return migrate(error);
    qCWarning(lcDb) << "the local database is damaged; moving it aside and starting over";
    closeConnection();
    moveAside();
    return openConnection(error) && migrate(error);
}

bool LocalDatabase::openConnection(QString *error)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
    db.setDatabaseName(m_path);
    if (!db.open()) {
        if (error)
            *error = db.lastError().text();
        return false;
    }
    QSqlQuery query(db);
    for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
                               "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=2000"}) {
        if (!query.exec(QString::fromLatin1(pragma))) {
            if (error)
                *error = query.lastError().text();
            qCWarning(lcDb) << "cannot set up the database:" << query.lastError().text();
            return false;
        }
    }
    return true;
}

bool LocalDatabase::isHealthy()
{
    QSqlQuery query(database());
    if (!query.exec(u"PRAGMA quick_check"_s) || !query.next())
        return false;
    const QString verdict = query.value(0).toString();
    if (verdict != "ok"_L1) {
        qCWarning(lcDb) << "quick_check:" << verdict.left(200);
        return false;
    }
    return true;
}

bool LocalDatabase::migrate(QString *error)
{
    QSqlDatabase db = database();
    QSqlQuery query(db);
    if (!query.exec(u"PRAGMA user_version"_s) || !query.next()) {
        if (error)
            *error = query.lastError().text();
        return false;
    }
    int version = query.value(0).toInt();
    if (version > schemaVersion) {
        if (error)
            *error = u"The local database was written by a newer version of the app."_s;
        return false;
    }
    for (; version < schemaVersion; ++version) {
        db.transaction();
        const QLatin1StringView *steps = migrations[std::size_t(version)];
        for (std::size_t i = 0; i < migrationSizes[std::size_t(version)]; ++i) {
            if (!query.exec(QString(steps[i]))) {
                if (error)
                    *error = query.lastError().text();
                db.rollback();
                return false;
            }
        }
        query.exec(u"PRAGMA user_version=%1"_s.arg(version + 1));
        if (!db.commit()) {
            if (error)
                *error = db.lastError().text();
            return false;
        }
    }
    return true;
}

void LocalDatabase::closeConnection()
{
    if (!QSqlDatabase::contains(m_connectionName))
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

void LocalDatabase::moveAside()
{
    const QString stamp = QDateTime::currentDateTime().toString(u"yyyyMMdd-hhmmss"_s);
    QString target = m_path + u".corrupt-"_s + stamp;
    for (int n = 1; QFile::exists(target); ++n)
        target = m_path + u".corrupt-"_s + stamp + u'-' + QString::number(n);
    if (QFile::exists(m_path) && !QFile::rename(m_path, target)) {
        qCWarning(lcDb) << "cannot move the damaged database aside; deleting it";
        QFile::remove(m_path);
        target.clear();
    }
    for (const QString &suffix : {u"-wal"_s, u"-shm"_s}) {
        if (QFile::exists(m_path + suffix) &&
            (target.isEmpty() || !QFile::rename(m_path + suffix, target + suffix)))
            QFile::remove(m_path + suffix);
    }
    m_movedAside = target;
    qCWarning(lcDb) << "damaged database moved to" << target;
}

} // namespace confab::client
