// SPDX-License-Identifier: Apache-2.0
// Accounts.

#include "storetest.h"
#include "userrepository.h"

using namespace Qt::StringLiterals;

namespace confab::store::testing {
namespace {

class UserRepositoryTest : public StoreTest
{
protected:
    void SetUp() override { open(m_db); }
    Database m_db;
};

TEST_F(UserRepositoryTest, AddsFindsAndLists)
{
    UserRepository users(m_db);
    QString error;
    const auto bob = users.add({u"bob"_s, u"Bob B"_s, Role::User}, u"$argon2id$bob"_s, &error);
    ASSERT_TRUE(bob) << error.toStdString();
    EXPECT_GT(bob->id, 0);
    EXPECT_GT(bob->createdMs, 0);
    ASSERT_TRUE(users.add({u"alice"_s, u"Alice 🌷"_s, Role::Admin}, u"$argon2id$alice"_s, &error));

    const auto found = users.find(u"bob"_s);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->id, bob->id);
    EXPECT_EQ(found->info, (UserInfo{u"bob"_s, u"Bob B"_s, Role::User}));
    EXPECT_EQ(found->passwordHash, u"$argon2id$bob"_s);
    EXPECT_FALSE(found->disabled);
    EXPECT_FALSE(users.find(u"carol"_s));

    const auto all = users.list();
    ASSERT_EQ(all.size(), 2);
    EXPECT_EQ(all[0].info.name, u"alice"_s); // by name
    EXPECT_EQ(all[0].info.display, u"Alice 🌷"_s);
    EXPECT_EQ(all[0].info.role, Role::Admin);
    EXPECT_EQ(users.count(), 2);
}

TEST_F(UserRepositoryTest, RefusesATakenName)
{
    UserRepository users(m_db);
    QString error;
    ASSERT_TRUE(users.add({u"alice"_s, u"Alice"_s, Role::User}, u"h1"_s, &error));
    EXPECT_FALSE(users.add({u"alice"_s, u"Other"_s, Role::Admin}, u"h2"_s, &error));
    EXPECT_EQ(error, u"user 'alice' already exists"_s);
    EXPECT_EQ(users.find(u"alice"_s)->passwordHash, u"h1"_s);
}

TEST_F(UserRepositoryTest, ChangesDisabledRoleAndPassword)
{
    UserRepository users(m_db);
    QString error;
    ASSERT_TRUE(users.add({u"alice"_s, u"Alice"_s, Role::User}, u"h1"_s, &error));
    EXPECT_TRUE(users.setDisabled(u"alice"_s, true, &error));
    EXPECT_TRUE(users.find(u"alice"_s)->disabled);
    EXPECT_TRUE(users.setDisabled(u"alice"_s, false, &error));
    EXPECT_FALSE(users.find(u"alice"_s)->disabled);
    EXPECT_TRUE(users.setRole(u"alice"_s, Role::Admin, &error));
    EXPECT_EQ(users.find(u"alice"_s)->info.role, Role::Admin);
    EXPECT_TRUE(users.setPasswordHash(u"alice"_s, u"h2"_s, &error));
    EXPECT_EQ(users.find(u"alice"_s)->passwordHash, u"h2"_s);
}

TEST_F(UserRepositoryTest, ReportsAnUnknownUser)
{
    UserRepository users(m_db);
    QString error;
    EXPECT_FALSE(users.setDisabled(u"ghost"_s, true, &error));
    EXPECT_EQ(error, u"no user 'ghost'"_s);
    EXPECT_FALSE(users.setRole(u"ghost"_s, Role::Admin, &error));
    EXPECT_FALSE(users.setPasswordHash(u"ghost"_s, u"h"_s, &error));
}

} // namespace
} // namespace confab::store::testing
