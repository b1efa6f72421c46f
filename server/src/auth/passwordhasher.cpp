// SPDX-License-Identifier: Apache-2.0
#include "passwordhasher.h"

#include <QByteArray>
#include <QLoggingCategory>
#include <QRandomGenerator>

#include <argon2.h>

#include <array>
#include <optional>

namespace confab::auth {

// In the namespace: confab_server has a global lcAuth of its own for the same category.
Q_LOGGING_CATEGORY(lcAuth, "confab.auth", QtInfoMsg)

namespace {

constexpr int kSaltBytes = 16;
constexpr int kHashBytes = 32;

/// Overwrites a buffer that held a password, so it does not linger on the heap.
void wipe(QByteArray &bytes)
{
    volatile char *p = bytes.data();
    for (qsizetype i = 0; i < bytes.size(); ++i)
        p[i] = 0;
}

/// A positive integer from the environment within [min, max], or nullopt.
std::optional<quint32> envValue(const char *name, quint32 min, quint32 max)
{
    if (!qEnvironmentVariableIsSet(name))
        return std::nullopt;
    bool ok = false;
    const qulonglong value = qEnvironmentVariable(name).trimmed().toULongLong(&ok);
    if (!ok || value < min || value > max) {
        qCWarning(lcAuth, "ignoring %s: not an integer in %u..%u", name, min, max);
        return std::nullopt;
    }
    return quint32(value);
}

} // namespace

KdfCost kdfCostFromEnvironment()
{
    KdfCost cost;
    // Argon2 needs at least 8 KiB per lane; 4 GiB is far beyond any sane server setting.
    if (auto memory = envValue("CONFAB_KDF_MEMORY_KIB", 8 * cost.parallelism, 4u * 1024 * 1024))
        cost.memoryKiB = *memory;
    if (auto iterations = envValue("CONFAB_KDF_ITERATIONS", ARGON2_MIN_TIME, 1000))
        cost.iterations = *iterations;
    return cost;
}

QString PasswordHasher::hash(const QString &password, const KdfCost &cost)
{
    std::array<quint32, kSaltBytes / sizeof(quint32)> salt;
    QRandomGenerator::system()->fillRange(salt.data(), salt.size());

    QByteArray pwd = password.toUtf8();
    const size_t encodedLength = argon2_encodedlen(
        cost.iterations, cost.memoryKiB, cost.parallelism, kSaltBytes, kHashBytes, Argon2_id);
    QByteArray encoded(qsizetype(encodedLength), '\0');
    const int rc = argon2id_hash_encoded(cost.iterations, cost.memoryKiB, cost.parallelism,
                                         pwd.constData(), size_t(pwd.size()), salt.data(),
                                         kSaltBytes, kHashBytes, encoded.data(), encodedLength);
    wipe(pwd);
    if (rc != ARGON2_OK) {
        qCWarning(lcAuth, "argon2id hashing failed: %s", argon2_error_message(rc));
        return {};
    }
    // The buffer is sized for the worst case; the string ends at its NUL.
    return QString::fromLatin1(encoded.constData());
}

bool PasswordHasher::verify(const QString &password, const QString &encodedHash)
{
    if (!encodedHash.startsWith(QLatin1StringView("$argon2id$")))
        return false;
    QByteArray pwd = password.toUtf8();
    const QByteArray encoded = encodedHash.toLatin1();
    const int rc = argon2id_verify(encoded.constData(), pwd.constData(), size_t(pwd.size()));
    wipe(pwd);
    if (rc != ARGON2_OK && rc != ARGON2_VERIFY_MISMATCH)
        qCWarning(lcAuth, "argon2id verification failed: %s", argon2_error_message(rc));
    return rc == ARGON2_OK;
}

} // namespace confab::auth
