// SPDX-License-Identifier: Apache-2.0
#include "bulkaccounts.h"

#include "database.h"
#include "passwordhasher.h"
#include "userrepository.h"

using namespace Qt::StringLiterals;

namespace confab::test {

QString bulkUserName(int i)
{
    return u"u%1"_s.arg(i, 5, 10, QChar(u'0'));
}

bool makeBulkAccounts(const QString &dataDir, int users, const QString &password, QString *error)
{
    store::Database db;
    if (!store::Database::prepareDirectory(dataDir, error) ||
        !db.open(dataDir + u"/confab.db"_s, error))
        return false;
    const QString hash = auth::PasswordHasher::hash(password, auth::KdfCost{64, 1, 1});
    store::UserRepository repository(db);
    store::Transaction transaction(db);
    if (!transaction.isActive()) {
        *error = transaction.error();
        return false;
    }
    for (int i = 0; i < users; ++i) {
        if (!repository.add(UserInfo{bulkUserName(i), bulkUserName(i), Role::User}, hash, error))
            return false;
    }
    if (!repository.add(UserInfo{u"root"_s, u"Root"_s, Role::Admin}, hash, error))
        return false;
    if (!transaction.commit()) {
        *error = transaction.error();
        return false;
    }
    return true;
}

} // namespace confab::test
