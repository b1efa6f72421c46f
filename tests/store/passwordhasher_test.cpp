// SPDX-License-Identifier: Apache-2.0
// Argon2id password hashing and its cost settings.

#include "passwordhasher.h"

#include <gtest/gtest.h>

using namespace Qt::StringLiterals;

namespace confab::auth {
namespace {

const KdfCost kCheap{64, 1, 1}; // tests only: real hashes use the OWASP defaults

/// Sets an environment variable for one scope.
class ScopedEnv
{
public:
    ScopedEnv(const char *name, const QByteArray &value)
        : m_name(name)
    {
        if (qEnvironmentVariableIsSet(name))
            m_old = qgetenv(name);
        qputenv(name, value);
    }
    ~ScopedEnv()
    {
        if (m_old)
            qputenv(m_name, *m_old);
        else
            qunsetenv(m_name);
    }

private:
    const char *m_name;
    std::optional<QByteArray> m_old;
};

TEST(PasswordHasherTest, HashesToAnEncodedArgon2idString)
{
    const QString hash = PasswordHasher::hash(u"correct horse"_s, kCheap);
    EXPECT_TRUE(hash.startsWith(u"$argon2id$v=19$m=64,t=1,p=1$"_s)) << hash.toStdString();
    EXPECT_FALSE(hash.contains(u"correct horse"_s));
    EXPECT_NE(PasswordHasher::hash(u"correct horse"_s, kCheap), hash); // fresh salt each time
}

TEST(PasswordHasherTest, VerifiesOnlyTheRightPassword)
{
    const QString password = u"pässwörd 🔑 with spaces"_s;
    const QString hash = PasswordHasher::hash(password, kCheap);
    EXPECT_TRUE(PasswordHasher::verify(password, hash));
    EXPECT_FALSE(PasswordHasher::verify(u"pässwörd 🔑 with space"_s, hash));
    EXPECT_FALSE(PasswordHasher::verify(QString(), hash));
    EXPECT_FALSE(PasswordHasher::verify(password, QString()));
    EXPECT_FALSE(PasswordHasher::verify(password, u"$argon2id$garbage"_s));
    EXPECT_FALSE(PasswordHasher::verify(password, u"$2b$12$bcryptisnotaccepted"_s));
}

TEST(PasswordHasherTest, KeepsTheCostInTheHash)
{
    const QString hash = PasswordHasher::hash(u"secret-pw"_s, KdfCost{128, 2, 1});
    EXPECT_TRUE(hash.contains(u"m=128,t=2,p=1"_s)) << hash.toStdString();
    EXPECT_TRUE(PasswordHasher::verify(u"secret-pw"_s, hash));
}

TEST(PasswordHasherTest, DefaultsToOwaspCost)
{
    const KdfCost cost;
    EXPECT_EQ(cost.memoryKiB, 19u * 1024);
    EXPECT_EQ(cost.iterations, 2u);
    EXPECT_EQ(cost.parallelism, 1u);
}

TEST(PasswordHasherTest, ReadsTheCostFromTheEnvironment)
{
    {
        ScopedEnv memory("CONFAB_KDF_MEMORY_KIB", "256");
        ScopedEnv iterations("CONFAB_KDF_ITERATIONS", "3");
        const KdfCost cost = kdfCostFromEnvironment();
        EXPECT_EQ(cost.memoryKiB, 256u);
        EXPECT_EQ(cost.iterations, 3u);
    }
    {
        ScopedEnv memory("CONFAB_KDF_MEMORY_KIB", "lots");
        ScopedEnv iterations("CONFAB_KDF_ITERATIONS", "0");
        const KdfCost cost = kdfCostFromEnvironment();
        EXPECT_EQ(cost.memoryKiB, KdfCost().memoryKiB);
        EXPECT_EQ(cost.iterations, KdfCost().iterations);
    }
}

} // namespace
} // namespace confab::auth
