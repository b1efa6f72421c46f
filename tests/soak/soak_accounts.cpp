// SPDX-License-Identifier: Apache-2.0
// confab-soak-accounts DATA_DIR COUNT PASSWORD: the soak's accounts (u00000… and the admin
// root, one fast-KDF hash shared by all) written straight into a data directory before
// confabd starts on it. Open registration is rate-limited per address, and a thousand
// `confabctl user add` runs would spend minutes hashing: see tests/soak/soak.sh.
#include "bulkaccounts.h"

#include <QCoreApplication>
#include <QString>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    bool ok = false;
    const int count = args.size() == 4 ? args[2].toInt(&ok) : 0;
    if (!ok || count < 1) {
        std::fputs("usage: confab-soak-accounts DATA_DIR COUNT PASSWORD\n", stderr);
        return 2;
    }
    QString error;
    if (!confab::test::makeBulkAccounts(args[1], count, args[3], &error)) {
        std::fprintf(stderr, "confab-soak-accounts: %s\n", qPrintable(error));
        return 1;
    }
    return 0;
}
