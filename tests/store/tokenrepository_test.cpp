// SPDX-License-Identifier: Apache-2.0
// Session tokens: random, hashed at rest, expiring, revocable.

#include "storetest.h"
#include "tokenrepository.h"
#include "userrepository.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace confab::store::testing {
namespace {

constexpr qint64 kNow = 1'700'000'000'000;
constexpr qint64 kDay = 24 * 3600 * 1000;

class TokenRepositoryTest : public StoreTest
{
protected:
    void SetUp() override
    {
        open(m_db);
        QString error;
        m_alice =
            UserRepository(m_db).add({u"alice"_s, u"Alice"_s, Role::User}, u"h"_s, &error)->id;
        m_bob = UserRepository(m_db).add({u"bob"_s, u"Bob"_s, Role::User}, u"h"_s, &error)->id;
    }

    QString issue(qint64 user, qint64 ttl = 30 * kDay)
    {
        QString error;
        const auto token = TokenRepository(m_db).issue(user, kNow, ttl, &error);
        EXPECT_TRUE(token) << error.toStdString();
        return token.value_or(QString());
    }

    Database m_db;
    qint64 m_alice = 0;
    qint64 m_bob = 0;
};

TEST_F(TokenRepositoryTest, IssuesRandomBase64UrlTokensOf256Bits)
{
    const QString a = issue(m_alice);
    const QString b = issue(m_alice);
    EXPECT_NE(a, b);
    EXPECT_EQ(a.size(), 43); // 32 bytes, base64url without padding
    EXPECT_TRUE(QRegularExpression(u"^[A-Za-z0-9_-]{43}$"_s).match(a).hasMatch());
    EXPECT_EQ(QByteArray::fromBase64(a.toLatin1(), QByteArray::Base64UrlEncoding).size(), 32);

    TokenRepository tokens(m_db);
    EXPECT_EQ(tokens.userFor(a, kNow), m_alice);
    EXPECT_EQ(tokens.userFor(b, kNow + 1), m_alice);
    EXPECT_FALSE(tokens.userFor(u"not-a-token"_s, kNow));
}

TEST_F(TokenRepositoryTest, ExpiresAndPurges)
{
    const QString token = issue(m_alice, kDay);
    const QString longer = issue(m_alice, 2 * kDay);
    TokenRepository tokens(m_db);
    EXPECT_EQ(tokens.userFor(token, kNow + kDay - 1), m_alice);
    EXPECT_FALSE(tokens.userFor(token, kNow + kDay));
    EXPECT_EQ(tokens.purgeExpired(kNow + kDay), 1);
    EXPECT_EQ(tokens.userFor(longer, kNow + kDay), m_alice);
    EXPECT_EQ(tokens.purgeExpired(kNow + kDay), 0);
}

TEST_F(TokenRepositoryTest, RevokesOneOrAll)
{
    const QString a1 = issue(m_alice);
    const QString a2 = issue(m_alice);
    const QString b1 = issue(m_bob);
    TokenRepository tokens(m_db);
    EXPECT_TRUE(tokens.revoke(a1));
    EXPECT_FALSE(tokens.revoke(a1));
    EXPECT_FALSE(tokens.userFor(a1, kNow));
    EXPECT_EQ(tokens.userFor(a2, kNow), m_alice);
    issue(m_alice);
    EXPECT_EQ(tokens.revokeAll(m_alice), 2);
    EXPECT_FALSE(tokens.userFor(a2, kNow));
    EXPECT_EQ(tokens.userFor(b1, kNow), m_bob);
}

TEST_F(TokenRepositoryTest, RejectsATokenOfADisabledUser)
{
    const QString token = issue(m_alice);
    QString error;
    ASSERT_TRUE(UserRepository(m_db).setDisabled(u"alice"_s, true, &error));
    EXPECT_FALSE(TokenRepository(m_db).userFor(token, kNow));
}

TEST_F(TokenRepositoryTest, KeepsOnlyTheHashOnDisk)
{
    const QString token = issue(m_alice);
    const QByteArray hash = TokenRepository::hash(token);
    EXPECT_EQ(hash.size(), 32);
    m_db.close(); // checkpoints the WAL into the main file
    QByteArray disk = readFile(dbPath()) + readFile(dbPath() + u"-wal"_s);
    EXPECT_TRUE(disk.contains(hash)) << "the test reads the wrong file";
    EXPECT_FALSE(disk.contains(token.toLatin1()));
    EXPECT_FALSE(
        disk.contains(QByteArray::fromBase64(token.toLatin1(), QByteArray::Base64UrlEncoding)));
}

} // namespace
} // namespace confab::store::testing
