// SPDX-License-Identifier: Apache-2.0
#include "secretcompare.h"

#include <openssl/crypto.h>

namespace confab::auth {

bool secretsEqual(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    return a.isEmpty() || CRYPTO_memcmp(a.data(), b.data(), size_t(a.size())) == 0;
}

bool secretsEqual(QStringView a, QStringView b)
{
    if (a.size() != b.size())
        return false;
    return a.isEmpty() || CRYPTO_memcmp(a.data(), b.data(), size_t(a.size()) * sizeof(QChar)) == 0;
}

} // namespace confab::auth
