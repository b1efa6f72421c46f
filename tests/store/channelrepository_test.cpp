// SPDX-License-Identifier: Apache-2.0
// Channels, members, visibility and direct conversations.

#include "channelrepository.h"
#include "storetest.h"

using namespace Qt::StringLiterals;

namespace confab::store::testing {
namespace {

class ChannelRepositoryTest : public StoreTest
{
protected:
    void SetUp() override { open(m_db); }

    static QStringList names(const QList<ChannelRecord> &records)
    {
        QStringList result;
        for (const auto &record : records)
            result.append(record.channel.name);
        return result;
    }

    Database m_db;
};

TEST_F(ChannelRepositoryTest, CreatesWithTheCreatorAsMember)
{
    ChannelRepository channels(m_db);
    QString error;
    bool conflict = true;
    const auto design =
        channels.create(u"design"_s, u"Pixels"_s, false, u"alice"_s, &error, &conflict);
    ASSERT_TRUE(design) << error.toStdString();
    EXPECT_FALSE(conflict);
    EXPECT_GT(design->id, 0);
    EXPECT_EQ(design->channel, (Channel{u"design"_s, u"Pixels"_s, false, 0}));
    EXPECT_EQ(channels.members(design->id), QStringList{u"alice"_s});

    const auto found = channels.find(u"design"_s);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->id, design->id);
    EXPECT_EQ(found->channel, design->channel);
    EXPECT_EQ(found->createdMs, design->createdMs);

    const auto ops = channels.create(u"ops"_s, QString(), true, QString(), &error);
    ASSERT_TRUE(ops);
    EXPECT_TRUE(ops->channel.isPrivate);
    EXPECT_TRUE(channels.members(ops->id).isEmpty());
    EXPECT_EQ(names(channels.all()), (QStringList{u"design"_s, u"general"_s, u"ops"_s}));
}

TEST_F(ChannelRepositoryTest, RefusesATakenNameAsConflict)
{
    ChannelRepository channels(m_db);
    QString error;
    bool conflict = false;
    EXPECT_FALSE(channels.create(u"general"_s, u"x"_s, false, u"bob"_s, &error, &conflict));
    EXPECT_TRUE(conflict);
    EXPECT_EQ(error, u"channel 'general' already exists"_s);
    EXPECT_TRUE(channels.members(channels.find(u"general"_s)->id).isEmpty());
}

TEST_F(ChannelRepositoryTest, ShowsPrivateChannelsOnlyToMembers)
{
    ChannelRepository channels(m_db);
    QString error;
    const auto secret = channels.create(u"secret"_s, QString(), true, u"alice"_s, &error);
    ASSERT_TRUE(secret);
    ASSERT_TRUE(channels.create(u"lobby"_s, QString(), false, u"alice"_s, &error));

    EXPECT_EQ(names(channels.visibleTo(u"alice"_s)),
              (QStringList{u"general"_s, u"lobby"_s, u"secret"_s}));
    EXPECT_EQ(names(channels.visibleTo(u"bob"_s)), (QStringList{u"general"_s, u"lobby"_s}));
    ASSERT_TRUE(channels.addMember(secret->id, u"bob"_s, &error));
    EXPECT_EQ(names(channels.visibleTo(u"bob"_s)),
              (QStringList{u"general"_s, u"lobby"_s, u"secret"_s}));
}

TEST_F(ChannelRepositoryTest, AddsAndRemovesMembers)
{
    ChannelRepository channels(m_db);
    QString error;
    const qint64 general = channels.find(u"general"_s)->id;
    EXPECT_TRUE(channels.addMember(general, u"bob"_s, &error));
    EXPECT_TRUE(channels.addMember(general, u"bob"_s, &error)); // idempotent
    EXPECT_TRUE(channels.addMember(general, u"alice"_s, &error));
    EXPECT_EQ(channels.members(general), (QStringList{u"alice"_s, u"bob"_s}));
    EXPECT_TRUE(channels.isMember(general, u"bob"_s));
    EXPECT_EQ(channels.channelsOf(u"bob"_s), QStringList{u"general"_s});

    EXPECT_TRUE(channels.removeMember(general, u"bob"_s, &error));
    EXPECT_FALSE(channels.isMember(general, u"bob"_s));
    EXPECT_TRUE(channels.channelsOf(u"bob"_s).isEmpty());
    EXPECT_TRUE(channels.removeMember(general, u"bob"_s, &error)); // nothing to do is fine

    EXPECT_FALSE(channels.addMember(9999, u"bob"_s, &error)); // foreign key
    EXPECT_FALSE(error.isEmpty());
}

TEST_F(ChannelRepositoryTest, EnsuresADirectChannelOnce)
{
    ChannelRepository channels(m_db);
    QString error;
    const auto dm = channels.ensureDirect(u"dm:alice:bob"_s, &error);
    ASSERT_TRUE(dm) << error.toStdString();
    EXPECT_TRUE(dm->channel.isPrivate);
    EXPECT_EQ(channels.members(dm->id), (QStringList{u"alice"_s, u"bob"_s}));

    const auto again = channels.ensureDirect(u"dm:alice:bob"_s, &error);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->id, dm->id);

    EXPECT_TRUE(names(channels.visibleTo(u"bob"_s)).contains(u"dm:alice:bob"_s));
    EXPECT_FALSE(names(channels.visibleTo(u"carol"_s)).contains(u"dm:alice:bob"_s));

    EXPECT_FALSE(channels.ensureDirect(u"dm:bob:alice"_s, &error)); // not in sorted order
    EXPECT_FALSE(channels.ensureDirect(u"design"_s, &error));
    EXPECT_FALSE(channels.find(u"dm:bob:alice"_s));
}

} // namespace
} // namespace confab::store::testing
