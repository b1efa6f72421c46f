// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

namespace confab::test {

/// The name of bulk account `i`: u00000, u00001, …
QString bulkUserName(int i);

/// `users` accounts (bulkUserName(0…users-1)) and the admin `root`, all with `password`,
/// written straight into `dataDir`'s database in one transaction with one shared hash of a
/// fast KDF: the benchmarks measure what comes after sign-in, not 10,000 hashes.
bool makeBulkAccounts(const QString &dataDir, int users, const QString &password, QString *error);

} // namespace confab::test
