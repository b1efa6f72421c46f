// SPDX-License-Identifier: Apache-2.0
#include "userrepository.h"

#include "database.h"
#include "sqlutil.h"
#include "storelog.h"

using namespace Qt::StringLiterals;

namespace confab::store {

namespace {

const QString kColumns = u"id, name, display, role, pw_hash, disabled, created_ms"_s;

UserRecord recordFrom(const QSqlQuery &query)
{
    UserRecord record;
    record.id = query.value(0).toLongLong();
    record.info.name = query.value(1).toString();
    record.info.display = query.value(2).toString();
    record.info.role = roleFromName(query.value(3).toString()).value_or(Role::User);
    record.passwordHash = query.value(4).toString();
    record.disabled = query.value(5).toBool();
    record.createdMs = query.value(6).toLongLong();
    return record;
}

} // namespace

std::optional<UserRecord> UserRepository::add(const UserInfo &info, const QString &passwordHash,
                                              QString *error)
{
    if (find(info.name)) {
        *error = u"user '%1' already exists"_s.arg(info.name);
        return std::nullopt;
    }
    UserRecord record;
    record.info = info;
    record.passwordHash = passwordHash;
    record.createdMs = sql::nowMs();
    QSqlQuery query(m_db.sql());
    QString why;
    if (!sql::exec(query,
                   u"INSERT INTO users(name, display, role, pw_hash, disabled, created_ms) "
                   u"VALUES (?, ?, ?, ?, 0, ?)"_s,
                   {info.name, sql::notNull(info.display), QString(roleName(info.role)),
                    sql::notNull(passwordHash), record.createdMs},
                   &why)) {
        // A concurrent writer (confabctl) may have taken the name since find().
        *error = find(info.name) ? u"user '%1' already exists"_s.arg(info.name)
                                 : u"cannot add user '%1': %2"_s.arg(info.name, why);
        return std::nullopt;
    }
    record.id = query.lastInsertId().toLongLong();
    // Everyone starts in `general`, the one channel every server has (as in most chat
    // tools): the sign-in reply lists only the user's own channels.
    if (!sql::exec(query,
                   u"INSERT OR IGNORE INTO members(channel_id, user_name) "
                   u"SELECT id, ? FROM channels WHERE name = 'general'"_s,
                   {info.name}, &why))
        qCWarning(lcStore) << "new user" << info.name << "is not in general:" << why;
    return record;
}

std::optional<UserRecord> UserRepository::find(const QString &name) const
{
    return findWhere(u"name"_s, name);
}

std::optional<UserRecord> UserRepository::findById(qint64 id) const
{
    return findWhere(u"id"_s, id);
}

std::optional<UserRecord> UserRepository::findWhere(const QString &column,
                                                    const QVariant &value) const
{
    QSqlQuery query(m_db.sql());
    QString why;
    if (!sql::exec(query, u"SELECT %1 FROM users WHERE %2 = ?"_s.arg(kColumns, column), {value},
                   &why)) {
        qCWarning(lcStore) << "reading users failed:" << why;
        return std::nullopt;
    }
    if (!query.next())
        return std::nullopt;
    return recordFrom(query);
}

QList<UserRecord> UserRepository::list() const
{
    QList<UserRecord> users;
    QSqlQuery query(m_db.sql());
    QString why;
    if (!sql::exec(query, u"SELECT %1 FROM users ORDER BY name"_s.arg(kColumns), {}, &why)) {
        qCWarning(lcStore) << "reading users failed:" << why;
        return users;
    }
    while (query.next())
        users.append(recordFrom(query));
    return users;
}

bool UserRepository::setDisabled(const QString &name, bool disabled, QString *error)
{
    return update(name, u"disabled"_s, disabled ? 1 : 0, error);
}

bool UserRepository::setRole(const QString &name, Role role, QString *error)
{
    return update(name, u"role"_s, QString(roleName(role)), error);
}

bool UserRepository::setPasswordHash(const QString &name, const QString &passwordHash,
                                     QString *error)
{
    return update(name, u"pw_hash"_s, passwordHash, error);
}

qint64 UserRepository::count() const
{
    QSqlQuery query(m_db.sql());
    if (!sql::exec(query, u"SELECT count(*) FROM users"_s) || !query.next())
        return 0;
    return query.value(0).toLongLong();
}

bool UserRepository::update(const QString &name, const QString &column, const QVariant &value,
                            QString *error)
{
    QSqlQuery query(m_db.sql());
    QString why;
    // `column` is one of our own literals, never user input.
    if (!sql::exec(query, u"UPDATE users SET %1 = ? WHERE name = ?"_s.arg(column), {value, name},
                   &why)) {
        *error = u"cannot update user '%1': %2"_s.arg(name, why);
        return false;
    }
    if (query.numRowsAffected() == 0) {
        *error = u"no user '%1'"_s.arg(name);
        return false;
    }
    return true;
}

} // namespace confab::store
