// SPDX-License-Identifier: Apache-2.0
#include "database.h"

#include "sqlutil.h"
#include "storelog.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QMutex>
#include <QSqlError>
#include <QSqlQuery>
#include <QtEndian>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <iterator>
#include <pwd.h>
#include <span>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace confab::store {

// Debug output (every open) only on request: QT_LOGGING_RULES="confab.store.debug=true".
Q_LOGGING_CATEGORY(lcStore, "confab.store", QtInfoMsg)

namespace {

/// 'Cnfb': marks the file as Confab's, so another application's SQLite file is refused.
constexpr qint64 kApplicationId = 0x436e6662;

// The ordered schema migrations. Step N brings user_version from N-1 to N. Append only:
// a released step is never edited, a change is a new step.
constexpr const char *kSchemaV1[] = {
    R"(CREATE TABLE users(
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        display TEXT NOT NULL,
        role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
        pw_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_ms INTEGER NOT NULL))",
    // Only the SHA-256 of a token is kept: a leaked database file opens no session.
    R"(CREATE TABLE tokens(
        hash BLOB PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_ms INTEGER NOT NULL,
        expires_ms INTEGER NOT NULL) WITHOUT ROWID)",
    "CREATE INDEX tokens_by_user ON tokens(user_id)",
    R"(CREATE TABLE channels(
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        topic TEXT NOT NULL DEFAULT '',
        private INTEGER NOT NULL DEFAULT 0,
        created_ms INTEGER NOT NULL,
        last_seq INTEGER NOT NULL DEFAULT 0))",
    R"(CREATE TABLE members(
        channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        user_name TEXT NOT NULL,
        PRIMARY KEY (channel_id, user_name)) WITHOUT ROWID)",
    "CREATE INDEX members_by_user ON members(user_name)",
    // The rowid is the global message number the writer turns into `mid`. `text` holds the
    // UTF-8 bytes as a BLOB: byte-exact, a leading BOM included.
    R"(CREATE TABLE messages(
        channel_id INTEGER NOT NULL REFERENCES channels(id),
        seq INTEGER NOT NULL,
        mid TEXT NOT NULL,
        cid TEXT NOT NULL,
        sender TEXT NOT NULL,
        ts INTEGER NOT NULL,
        text BLOB NOT NULL,
        PRIMARY KEY (channel_id, seq)))",
    "CREATE UNIQUE INDEX messages_by_sender_cid ON messages(sender, cid)",
    "CREATE INDEX messages_by_ts ON messages(channel_id, ts)",
};

// Version 2: who created a channel, for the per-user channel quota ('' for direct
// conversations and channels from before).
constexpr const char *kSchemaV2[] = {
    "ALTER TABLE channels ADD COLUMN created_by TEXT NOT NULL DEFAULT ''",
    "CREATE INDEX channels_by_creator ON channels(created_by)",
};

// Version 3 (protocol 1.2): how far each user has read each channel, so that their other
// devices know. Kept by user name, like members; a position outlives a leave (a rejoin finds
// it again, clamped to what exists).
constexpr const char *kSchemaV3[] = {
    R"(CREATE TABLE read_positions(
        channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        user_name TEXT NOT NULL,
        seq INTEGER NOT NULL CHECK (seq >= 0),
        PRIMARY KEY (user_name, channel_id)) WITHOUT ROWID)",
};

struct Migration
{
    std::span<const char *const> statements;
};

constexpr Migration kMigrations[] = {
    {kSchemaV1},
    {kSchemaV2},
    {kSchemaV3},
};
constexpr int kSchemaVersion = 3;
static_assert(std::size(kMigrations) == kSchemaVersion,
              "one migration step per schema version: bump kSchemaVersion with each new step");

QString foreignDatabase(const QString &path)
{
    return u"%1 is a SQLite database of another application, not Confab's; refusing to touch "
           u"it (point --data at another directory)"_s.arg(path);
}

QString newerSchema(const QString &path, qint64 version)
{
    return u"database %1 has schema version %2, newer than this build supports (%3); "
           u"upgrade Confab"_s.arg(path)
               .arg(version)
               .arg(kSchemaVersion);
}

QAtomicInteger<quint64> s_connectionCounter;

/// Reads a single integer (a PRAGMA or a count); nullopt and `*error` on failure.
std::optional<qint64> readInteger(QSqlDatabase &db, const QString &statement, QString *error)
{
    QSqlQuery query(db);
    if (!sql::exec(query, statement, {}, error))
        return std::nullopt;
    if (!query.next()) {
        *error = query.lastError().isValid() ? query.lastError().text() : u"no result"_s;
        return std::nullopt;
    }
    return query.value(0).toLongLong();
}

/// The name of user `uid` ("#998" when it has none).
QString userName(uid_t uid)
{
    passwd entry = {};
    passwd *found = nullptr;
    char buffer[1024];
    if (::getpwuid_r(uid, &entry, buffer, sizeof buffer, &found) == 0 && found)
        return QString::fromLocal8Bit(found->pw_name);
    return u"#%1"_s.arg(uid);
}

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

/// Why this process may not write `path` (the `what`: "data directory", "database file"),
/// naming the user it runs as and the owner; nullopt when it may (or `path` is missing).
std::optional<QString> notWritable(const QString &what, const QString &path)
{
    const QByteArray native = QFile::encodeName(path);
    if (::faccessat(AT_FDCWD, native.constData(), W_OK, AT_EACCESS) == 0)
        return std::nullopt;
    const int error = errno;
    if (error == EROFS)
        return u"%1 %2 is on a read-only file system: it must be writable"_s.arg(what, path);
    if (error != EACCES && error != EPERM)
        return std::nullopt; // missing, say: the open itself reports it
    const uid_t me = ::geteuid();
    const QString user = userName(me);
    QString owner;
    struct stat st = {};
    if (::stat(native.constData(), &st) == 0)
        owner = u"; it is owned by %1 (uid %2)"_s.arg(userName(st.st_uid)).arg(st.st_uid);
    return u"%1 %2 is not writable by user %3 (uid %4)%5: make it writable by %3"_s.arg(
        what, path, user, QString::number(me), owner);
}

/// True when a directory on the way to `path` (`path` excluded) lets neither its group nor
/// others through, so nobody else reaches `path` whatever its mode (systemd's DynamicUser
/// keeps /var/lib/private 0700 for that).
bool hiddenByAncestor(const QString &path)
{
    QString dir = QFileInfo(QFileInfo(path).canonicalFilePath()).absolutePath();
    for (;;) {
        struct stat st = {};
        if (::stat(QFile::encodeName(dir).constData(), &st) == 0 &&
            (st.st_mode & (S_IXGRP | S_IXOTH)) == 0)
            return true;
        const QString parent = QFileInfo(dir).absolutePath();
        if (parent == dir)
            return false;
        dir = parent;
    }
}

/// Logs a warning when others than the owner may use `path` (left as it is: the operator's).
void warnIfOpenToOthers(const QString &what, const QString &path, const char *advice)
{
    struct stat st = {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0 || (st.st_mode & 077) == 0 ||
        hiddenByAncestor(path))
        return;
    qCWarning(lcStore).noquote() << u"%1 %2 has mode 0%3: other local users can read it "
                                    u"(messages and password hashes); it is left as it is: %4"_s
                                        .arg(what, path, QString::number(st.st_mode & 0777, 8),
                                             QString::fromLatin1(advice));
}

/// Creates `path` empty with mode 0600 unless it exists, before SQLite creates it with
/// 0644 & ~umask (and gives its -wal and -shm the same mode).
bool createPrivateFile(const QString &path, QString *error)
{
    const int fd = ::open(QFile::encodeName(path).constData(),
                          O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (fd < 0) {
        if (errno == EEXIST)
            return true;
        *error = u"cannot create database %1: %2"_s.arg(path, errnoText(errno));
        return false;
    }
    const bool ok = ::fchmod(fd, S_IRUSR | S_IWUSR) == 0; // whatever the umask took
    const int savedErrno = errno;
    ::close(fd);
    if (!ok)
        *error = u"cannot make database %1 private: %2"_s.arg(path, errnoText(savedErrno));
    return ok;
}

} // namespace

namespace {

// The files this process has SQLite connections open to, and how many. POSIX advisory locks
// belong to the process, and closing *any* descriptor of a file drops all of them
// (sqlite.org/howtocorrupt.html, 2.2). Reading the header with QFile while another of our
// connections had the file open released that connection's locks: another process (say
// confabctl) closing the database then believed it was the last user, checkpointed and
// deleted the WAL and its index under us, and we went on with a stale view. So only the
// first opener in the process reads the header; later ones know it is SQLite's.
QMutex s_openFilesMutex;
QHash<QString, int> s_openFiles;

} // namespace

Database::~Database()
{
    close();
}

int Database::schemaVersion()
{
    return kSchemaVersion;
}

bool Database::open(const QString &path, QString *error)
{
    close();
    QString why;
    const QString file = QFileInfo(path).absoluteFilePath();
    QMutexLocker openFiles(&s_openFilesMutex); // until registered: no QFile beside SQLite
    if (s_openFiles.value(file) == 0) {
        // Who may not write is said before SQLite turns it into "readonly database".
        const QString dir = QFileInfo(file).absolutePath();
        auto refusal = notWritable(u"data directory"_s, dir);
        for (const QString &suffix : {u""_s, u"-wal"_s, u"-shm"_s}) {
            if (!refusal)
                refusal = notWritable(u"database file"_s, file + suffix);
        }
        if (refusal) {
            *error = *refusal;
            return false;
        }
        if (!checkHeader(path, &why) || !checkIdentity(path, &why) ||
            !createPrivateFile(file, &why)) {
            *error = why;
            return false;
        }
        warnIfOpenToOthers(u"database file"_s, file, "chmod 600 it");
    }
    m_connectionName = u"confab.store.%1"_s.arg(++s_connectionCounter);
    m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
    if (!m_db.isValid()) {
        *error = u"the Qt SQLite driver (QSQLITE) is not available"_s;
        close();
        return false;
    }
    m_db.setDatabaseName(path);
    m_db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=%1"_s.arg(busyTimeoutMs));
    if (!m_db.open()) {
        *error = u"cannot open database %1: %2"_s.arg(path, m_db.lastError().text());
        close();
        return false;
    }
    m_path = path;
    m_registeredFile = file;
    ++s_openFiles[file];
    openFiles.unlock();
    if (!configureAndMigrate(&why)) {
        *error = why;
        close();
        return false;
    }
    qCDebug(lcStore) << "opened" << path << "schema version" << kSchemaVersion;
    return true;
}

bool Database::checkHeader(const QString &path, QString *error)
{
    const QFileInfo info(path);
    if (!info.exists())
        return true; // SQLite creates it
    if (!info.isFile()) {
        *error = u"database %1 is not a regular file"_s.arg(path);
        return false;
    }
    if (info.size() == 0)
        return true; // an empty file is an empty SQLite database
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"cannot read database %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    // Checked before SQLite sees the file, so a stranger's file is never rewritten.
    const QByteArray header = file.read(100);
    if (!header.startsWith(QByteArrayView("SQLite format 3\0", 16)) || header.size() < 100) {
        *error = u"%1 is not a SQLite database (wrong header); refusing to touch it"_s.arg(path);
        return false;
    }
    // The page count in the header is valid when its change counter matches (SQLite 3.7+).
    const auto *h = reinterpret_cast<const uchar *>(header.constData());
    const qint64 pageSize =
        qFromBigEndian<quint16>(h + 16) == 1 ? 65536 : qFromBigEndian<quint16>(h + 16);
    // Fixed values of every valid header: a power-of-two page size, payload fractions 64/32/32.
    const bool sane = pageSize >= 512 && (pageSize & (pageSize - 1)) == 0 && h[21] == 64 &&
                      h[22] == 32 && h[23] == 32;
    if (!sane) {
        *error = u"database %1 is corrupt (damaged header); restore it from a backup"_s.arg(path);
        return false;
    }
    const qint64 pages = qFromBigEndian<quint32>(h + 28);
    const bool countValid = qFromBigEndian<quint32>(h + 24) == qFromBigEndian<quint32>(h + 92);
    if (countValid && pages > 0 && info.size() < pages * pageSize && !hasWal(path)) {
        *error = u"database %1 is truncated (%2 bytes of %3); restore it from a backup"_s.arg(path)
                     .arg(info.size())
                     .arg(pages * pageSize);
        return false;
    }
    return true;
}

bool Database::checkIdentity(const QString &path, QString *error)
{
    // SQLite would make -wal and -shm files beside a WAL database just to read these, so the
    // header is read by hand. With a WAL of its own the file may be stale: SQLite decides.
    QFile file(path);
    if (hasWal(path) || !file.open(QIODevice::ReadOnly))
        return true;
    const QByteArray header = file.read(100);
    if (header.size() < 100)
        return true;
    const auto *h = reinterpret_cast<const uchar *>(header.constData());
    const qint64 version = qFromBigEndian<qint32>(h + 60);
    const qint64 appId = qFromBigEndian<qint32>(h + 68);
    // Tables need pages beyond the first (the schema): a version 0 file with more is used.
    const bool hasTables = qFromBigEndian<quint32>(h + 28) > 1;
    if ((appId != 0 && appId != kApplicationId) || (version == 0 && appId == 0 && hasTables)) {
        *error = foreignDatabase(path);
        return false;
    }
    if (version > kSchemaVersion) {
        *error = newerSchema(path, version);
        return false;
    }
    return true;
}

bool Database::hasWal(const QString &path)
{
    const QFileInfo wal(path + u"-wal"_s);
    return wal.exists() && wal.size() > 0;
}

bool Database::prepareDirectory(const QString &dir, QString *error)
{
    const QFileInfo info(dir);
    if (info.exists()) {
        if (!info.isDir()) {
            *error = u"data directory %1 is not a directory"_s.arg(dir);
            return false;
        }
        warnIfOpenToOthers(u"data directory"_s, info.absoluteFilePath(), "chmod 700 it");
        return true;
    }
    const QString path = info.absoluteFilePath();
    if (!QDir().mkpath(info.absolutePath())) {
        *error =
            u"cannot create data directory %1: cannot create %2"_s.arg(dir, info.absolutePath());
        return false;
    }
    const QByteArray native = QFile::encodeName(path);
    if (::mkdir(native.constData(), S_IRWXU) != 0 && errno != EEXIST) {
        *error = u"cannot create data directory %1: %2"_s.arg(dir, errnoText(errno));
        return false;
    }
    if (::chmod(native.constData(), S_IRWXU) != 0) { // whatever the umask took
        *error = u"cannot make data directory %1 private: %2"_s.arg(dir, errnoText(errno));
        return false;
    }
    qCInfo(lcStore) << "created data directory" << path;
    return true;
}

bool Database::checkIntegrity(const QString &path, QString *report)
{
    const QFileInfo info(path);
    if (!info.isFile()) {
        *report = u"does not exist or is not a file"_s;
        return false;
    }
    if (!checkHeader(path, report))
        return false;
    const QString name = u"confab.store.check.%1"_s.arg(++s_connectionCounter);
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(path);
        db.setConnectOptions(u"QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=%1"_s.arg(busyTimeoutMs));
        QStringList lines;
        if (!db.open()) {
            lines.append(u"cannot open it: %1"_s.arg(db.lastError().text()));
        } else {
            QSqlQuery query(db);
            QString why;
            const bool ran = sql::exec(query, u"PRAGMA integrity_check"_s, {}, &why);
            if (ran) {
                while (query.next())
                    lines.append(query.value(0).toString());
                if (query.lastError().isValid())
                    lines.append(query.lastError().text());
            } else { // e.g. no -shm allowed beside the file: not necessarily damage
                lines.append(u"the check could not run: %1"_s.arg(why));
            }
            ok = lines == QStringList{u"ok"_s};
            if (!ok && ran)
                lines.prepend(
                    u"DAMAGED: restore the last backup; SQLite's integrity check says:"_s);
        }
        *report = lines.join(u'\n');
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

void Database::markDamaged(const QString &reason)
{
    if (!m_damage.isEmpty()) {
        qCDebug(lcStore) << "damage again:" << reason;
        return;
    }
    m_damage = reason;
    qCCritical(lcStore).noquote()
        << u"DATABASE DAMAGED: %1: %2. Reads that meet the damage are answered with an "
           u"'internal' error. Stop confabd, run 'confabd --check', and restore the last "
           u"backup (see Backups in docs/operations.md)."_s.arg(m_path, reason);
}

bool Database::configureAndMigrate(QString *error)
{
    QSqlQuery query(m_db);
    QString why;
    // Read-only checks first: nothing is written to a file we are going to refuse.
    const auto appId = readInteger(m_db, u"PRAGMA application_id"_s, &why);
    const auto version = appId ? readInteger(m_db, u"PRAGMA user_version"_s, &why) : std::nullopt;
    const auto tables =
        version ? readInteger(m_db, u"SELECT count(*) FROM sqlite_master"_s, &why) : std::nullopt;
    if (!tables) {
        *error = u"database %1 is corrupt or unreadable (%2); restore it from a backup"_s.arg(
            m_path, why);
        return false;
    }
    if ((*appId != 0 && *appId != kApplicationId) || (*version == 0 && *tables > 0)) {
        *error = foreignDatabase(m_path);
        return false;
    }
    if (*version > kSchemaVersion) {
        *error = newerSchema(m_path, *version);
        return false;
    }

    const QString pragmas[] = {
        u"PRAGMA busy_timeout = %1"_s.arg(busyTimeoutMs),
        u"PRAGMA foreign_keys = ON"_s,
        u"PRAGMA synchronous = FULL"_s,
    };
    for (const QString &pragma : pragmas) {
        if (!sql::exec(query, pragma, {}, &why)) {
            *error = u"cannot configure database %1: %2"_s.arg(m_path, why);
            return false;
        }
    }
    if (!sql::exec(query, u"PRAGMA journal_mode = WAL"_s, {}, &why) || !query.next() ||
        query.value(0).toString() != u"wal"_s) {
        *error = u"cannot switch database %1 to WAL mode: %2"_s.arg(
            m_path, why.isEmpty() ? u"the file system refuses it"_s : why);
        return false;
    }
    query.finish();
    return migrate(int(*version), error) && ensureGeneralChannel(error);
}

bool Database::migrate(int fromVersion, QString *error)
{
    for (int target = fromVersion + 1; target <= kSchemaVersion; ++target) {
        Transaction tx(*this);
        if (!tx.isActive()) {
            *error = u"cannot migrate database %1: %2"_s.arg(m_path, tx.error());
            return false;
        }
        // Another process (confabctl, a second server) may have migrated meanwhile.
        QString why;
        const auto current = readInteger(m_db, u"PRAGMA user_version"_s, &why);
        if (!current) {
            *error = u"cannot migrate database %1: %2"_s.arg(m_path, why);
            return false;
        }
        if (*current >= target)
            continue;
        QSqlQuery query(m_db);
        for (const char *statement : kMigrations[target - 1].statements) {
            if (!sql::exec(query, QString::fromUtf8(statement), {}, &why)) {
                *error = u"migration to schema version %1 failed: %2"_s.arg(target).arg(why);
                return false;
            }
        }
        // PRAGMA values cannot be bound; these are our own integers.
        if (!sql::exec(query, u"PRAGMA user_version = %1"_s.arg(target), {}, &why) ||
            !sql::exec(query, u"PRAGMA application_id = %1"_s.arg(kApplicationId), {}, &why) ||
            !tx.commit()) {
            *error = u"migration to schema version %1 failed: %2"_s.arg(target).arg(
                why.isEmpty() ? tx.error() : why);
            return false;
        }
        qCInfo(lcStore) << "migrated" << m_path << "to schema version" << target;
    }
    return true;
}

bool Database::ensureGeneralChannel(QString *error)
{
    QSqlQuery query(m_db);
    QString why;
    if (!sql::exec(query, u"SELECT 1 FROM channels WHERE name = 'general'"_s, {}, &why)) {
        *error = u"cannot read channels of %1: %2"_s.arg(m_path, why);
        return false;
    }
    if (query.next())
        return true;
    query.finish();
    if (!sql::exec(query,
                   u"INSERT OR IGNORE INTO channels(name, topic, private, created_ms) "
                   u"VALUES ('general', 'General discussion', 0, ?)"_s,
                   {sql::nowMs()}, &why)) {
        *error = u"cannot create channel general in %1: %2"_s.arg(m_path, why);
        return false;
    }
    return true;
}

void Database::close()
{
    if (m_connectionName.isEmpty())
        return;
    m_db.close();
    m_db = QSqlDatabase(); // the last handle must be gone before removeDatabase()
    QSqlDatabase::removeDatabase(m_connectionName);
    m_connectionName.clear();
    m_path.clear();
    if (!m_registeredFile.isEmpty()) {
        QMutexLocker openFiles(&s_openFilesMutex);
        if (--s_openFiles[m_registeredFile] <= 0)
            s_openFiles.remove(m_registeredFile);
        m_registeredFile.clear();
    }
}

bool Database::isOpen() const
{
    return m_db.isOpen();
}

qint64 Database::sizeBytes() const
{
    if (m_path.isEmpty())
        return 0;
    return QFileInfo(m_path).size() + QFileInfo(m_path + u"-wal"_s).size();
}

Transaction::Transaction(Database &db)
    : m_db(db)
{
    QSqlQuery query(m_db.sql());
    m_active = sql::exec(query, u"BEGIN IMMEDIATE"_s, {}, &m_error);
}

Transaction::~Transaction()
{
    rollback();
}

bool Transaction::commit()
{
    if (!m_active)
        return false;
    QSqlQuery query(m_db.sql());
    if (!sql::exec(query, u"COMMIT"_s, {}, &m_error)) {
        rollback(); // e.g. SQLITE_FULL at commit: the transaction must still end
        return false;
    }
    m_active = false;
    return true;
}

void Transaction::rollback()
{
    if (!m_active)
        return;
    m_active = false;
    QSqlQuery query(m_db.sql());
    QString why;
    // Fails harmlessly when SQLite already rolled back by itself (some I/O errors do).
    if (!sql::exec(query, u"ROLLBACK"_s, {}, &why))
        qCDebug(lcStore) << "rollback:" << why;
}

} // namespace confab::store
