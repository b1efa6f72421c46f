// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "types.h"

#include <QList>
#include <QString>
#include <QVariant>

#include <optional>

namespace confab::store {

class Database;

/// A stored account. `passwordHash` is an encoded KDF string (see auth/passwordhasher.h).
struct UserRecord
{
    qint64 id = 0;
    UserInfo info;
    QString passwordHash;
    bool disabled = false;
    qint64 createdMs = 0;
};

/// Accounts. Calls run on the thread that owns the Database; errors come back as false /
/// nullopt with a sentence in `error` (an unknown name: "no user 'x'").
class UserRepository
{
public:
    explicit UserRepository(Database &db)
        : m_db(db)
    {}

    /// Adds a user. Fails (returns nullopt, error "user 'x' already exists") on a taken name.
    std::optional<UserRecord> add(const UserInfo &info, const QString &passwordHash,
                                  QString *error);
    std::optional<UserRecord> find(const QString &name) const;
    std::optional<UserRecord> findById(qint64 id) const;
    QList<UserRecord> list() const;
    bool setDisabled(const QString &name, bool disabled, QString *error);
    bool setRole(const QString &name, Role role, QString *error);
    bool setPasswordHash(const QString &name, const QString &passwordHash, QString *error);
    qint64 count() const;

private:
    std::optional<UserRecord> findWhere(const QString &column, const QVariant &value) const;
    bool update(const QString &name, const QString &column, const QVariant &value, QString *error);

    Database &m_db;
};

} // namespace confab::store
