// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

namespace confab::auth {

/// Argon2id cost. Defaults follow OWASP (19 MiB, 2 passes, 1 lane); tests lower them.
struct KdfCost
{
    quint32 memoryKiB = 19 * 1024;
    quint32 iterations = 2;
    quint32 parallelism = 1;
};

/// The default cost, with `CONFAB_KDF_MEMORY_KIB` / `CONFAB_KDF_ITERATIONS` overriding
/// memory and passes (tests and small machines use small values). A value that is not a
/// positive integer in Argon2's range is ignored with a warning.
KdfCost kdfCostFromEnvironment();

/// Password hashing with Argon2id (libargon2), in the encoded PHC string form
/// ("$argon2id$v=19$m=…,t=…,p=…$salt$hash") so the cost travels with each hash.
/// Pure and thread-safe: callers run it off the event loop (QThreadPool).
class PasswordHasher
{
public:
    /// A new hash with a fresh 16-byte random salt. Empty string on failure.
    static QString hash(const QString &password, const KdfCost &cost);
    /// Constant-time check of `password` against an encoded hash.
    static bool verify(const QString &password, const QString &encodedHash);
};

} // namespace confab::auth
