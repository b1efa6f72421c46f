// SPDX-License-Identifier: Apache-2.0
// Lists that stay true (issue 13), against the scripted FakeServer: the edge cases of the
// 1.1 `channel` and `member` events (added twice, removed for an unknown channel, a member
// event for a channel not joined), reconciling the sidebar with `hello`, leaving, inviting,
// browsing public channels page by page, and the people to start a conversation with.

#include "fakeserver.h"
#include "waituntil.h"

#include "channellistmodel.h"
#include "channelsync.h"
#include "chatclient.h"
#include "membermodel.h"
#include "messagecache.h"
#include "peoplemodel.h"
#include "presenceroster.h"
#include "publicchannelsmodel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>

using namespace Qt::StringLiterals;
using namespace confab::client;
using namespace confab::client::test;
using State = Connection::State;

namespace {

QJsonObject channelJson(const QString &name, bool isPrivate = false, const QString &topic = {})
{
    return {{"name"_L1, name}, {"topic"_L1, topic}, {"private"_L1, isPrivate}, {"last_seq"_L1, 0}};
}

QJsonObject channelEvent(const QString &event, const QJsonObject &channel)
{
    return {{"t"_L1, u"channel"_s}, {"event"_L1, event}, {"channel"_L1, channel}};
}

QJsonObject memberEvent(const QString &channel, const QString &event, const QString &user,
                        const QString &display = {})
{
    QJsonObject frame{
        {"t"_L1, u"member"_s}, {"channel"_L1, channel}, {"event"_L1, event}, {"user"_L1, user}};
    if (!display.isEmpty())
        frame.insert("display"_L1, display);
    return frame;
}

class ListsTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(dir.isValid());
        server.helloExtra = {{"protocol"_L1, u"1.1"_s}};
        makeClient();
    }
    void makeClient()
    {
        ChatClientOptions options;
        options.connection.watchReachability = false;
        options.connection.backoff = {100, 800, 60000};
        client.reset();
        client = std::make_unique<ChatClient>(dir.path(), options);
        ASSERT_TRUE(client->start());
        testers.clear();
        for (QAbstractItemModel *model : QList<QAbstractItemModel *>{
                 client->channelListModel(), client->publicChannelsModel(), client->peopleModel()})
            testers.push_back(std::make_unique<QAbstractItemModelTester>(
                model, QAbstractItemModelTester::FailureReportingMode::Warning));
    }
    void signIn()
    {
        client->signIn(server.url(), u"alice"_s, u"password1"_s);
        ASSERT_TRUE(waitUntil([&] { return state() == State::Online; }, 5000));
    }
    State state() const { return client->connection()->state(); }
    QStringList sidebar() const { return client->channelListModel()->names(); }
    int joinsOf(const QString &channel) const
    {
        int joins = 0;
        for (const QJsonObject &join : server.receivedOfType(u"join"_s))
            joins += join.value("channel"_L1).toString() == channel ? 1 : 0;
        return joins;
    }
    /// Answers `leave`, `invite` and `channels` with `ok` {} beside the default answers.
    void answerListRequests()
    {
        server.onFrame = [this](const QJsonObject &frame) {
            const QString type = frame.value("t"_L1).toString();
            if (type == "leave"_L1 || type == "invite"_L1)
                server.reply(frame, {});
            else
                server.answerDefault(frame);
        };
    }

    QTemporaryDir dir;
    FakeServer server;
    std::unique_ptr<ChatClient> client;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> testers;
};

} // namespace

TEST_F(ListsTest, AddedTwiceIsOneRowAndOneJoin)
{
    signIn();
    for (int i = 0; i < 2; ++i) {
        server.send(channelEvent(u"added"_s, channelJson(u"design"_s, true, u"Pixels"_s)));
        server.send(channelEvent(u"added"_s, channelJson(u"dm:alice:bob"_s, true)));
    }
    ASSERT_TRUE(waitUntil([&] { return client->channelSync()->isJoined(u"dm:alice:bob"_s); }));
    ASSERT_TRUE(waitUntil([&] { return joinsOf(u"dm:alice:bob"_s) == 1; }));
    EXPECT_EQ(sidebar(), (QStringList{u"design"_s, u"dm:alice:bob"_s, u"general"_s}));
    EXPECT_EQ(joinsOf(u"design"_s), 1);
    const ChannelListModel *list = client->channelListModel();
    const QModelIndex dm = list->index(list->rowOf(u"dm:alice:bob"_s));
    EXPECT_TRUE(dm.data(ChannelListModel::IsDirectRole).toBool());
    EXPECT_EQ(dm.data(ChannelListModel::OtherUserRole).toString(), u"bob"_s);
    EXPECT_EQ(dm.data(ChannelListModel::TitleRole).toString(), u"bob"_s);
    // Neither is browsable: private and direct channels are the sidebar's only.
    EXPECT_EQ(client->publicChannelsModel()->rowCount(), 0);
    // The same `added` once more, after all that: still nothing new.
    server.send(channelEvent(u"added"_s, channelJson(u"design"_s, true, u"Pixels"_s)));
    // Frames are handled in order: once this marker is, the `added` before it was too.
    server.send(memberEvent(u"general"_s, u"joined"_s, u"zed"_s, u"Zed"_s));
    ASSERT_TRUE(
        waitUntil([&] { return client->presenceRoster()->displayName(u"zed"_s) == u"Zed"_s; }));
    EXPECT_EQ(joinsOf(u"design"_s), 1);
}

TEST_F(ListsTest, PublicAddedIsBrowsableNotJoinedUntilTheUserJoins)
{
    signIn();
    QSignalSpy inserted(client->publicChannelsModel(), &QAbstractItemModel::rowsInserted);
    server.send(channelEvent(u"added"_s, channelJson(u"random"_s, false, u"Anything"_s)));
    ASSERT_TRUE(inserted.wait(5000));
    const PublicChannelsModel *browse = client->publicChannelsModel();
    EXPECT_EQ(browse->names(), QStringList{u"random"_s});
    const QModelIndex row = browse->index(0);
    EXPECT_FALSE(row.data(PublicChannelsModel::JoinedRole).toBool());
    EXPECT_EQ(row.data(PublicChannelsModel::TopicRole).toString(), u"Anything"_s);
    EXPECT_EQ(sidebar(), QStringList{u"general"_s}); // not a member: not joined
    EXPECT_EQ(joinsOf(u"random"_s), 0);

    // `updated` changes the topic where it is shown.
    server.send(channelEvent(u"updated"_s, channelJson(u"random"_s, false, u"Cats"_s)));
    ASSERT_TRUE(waitUntil([&] { return row.data(PublicChannelsModel::TopicRole) == u"Cats"_s; }));

    client->joinChannel(u"random"_s);
    EXPECT_TRUE(row.data(PublicChannelsModel::JoinedRole).toBool());
    EXPECT_EQ(sidebar(), (QStringList{u"general"_s, u"random"_s}));
    EXPECT_TRUE(client->channelSync()->isJoined(u"random"_s));
    ASSERT_TRUE(waitUntil([&] { return joinsOf(u"random"_s) == 1; }));
}

TEST_F(ListsTest, RemovedForAnUnknownChannelChangesNothingAndForAKnownOneDropsIt)
{
    signIn();
    QSignalSpy removed(client->channelListModel(), &QAbstractItemModel::rowsRemoved);
    server.send(channelEvent(u"removed"_s, channelJson(u"nowhere"_s, true)));
    server.send(channelEvent(u"removed"_s, channelJson(u"general"_s)));
    ASSERT_TRUE(removed.wait(5000));
    EXPECT_EQ(removed.size(), 1);
    EXPECT_TRUE(sidebar().isEmpty());
    EXPECT_FALSE(client->cache()->channel(u"general"_s).has_value());
    EXPECT_FALSE(client->cache()->channel(u"nowhere"_s).has_value());
    EXPECT_FALSE(client->channelSync()->isJoined(u"general"_s));
    // Still a public channel the user may join again: browsable, not joined.
    const PublicChannelsModel *browse = client->publicChannelsModel();
    EXPECT_EQ(browse->names(), QStringList{u"general"_s});
    EXPECT_FALSE(browse->index(0).data(PublicChannelsModel::JoinedRole).toBool());
}

TEST_F(ListsTest, MemberEventsUpdateJoinedChannelsOnly)
{
    signIn();
    MemberModel *members = client->memberModel(u"general"_s);
    QAbstractItemModelTester tester(members,
                                    QAbstractItemModelTester::FailureReportingMode::Warning);
    QSignalSpy inserted(members, &QAbstractItemModel::rowsInserted);
    // Not joined here: nothing to update (its join would bring the whole list).
    server.send(memberEvent(u"design"_s, u"joined"_s, u"dave"_s));
    server.send(memberEvent(u"general"_s, u"joined"_s, u"carol"_s, u"Carol D."_s));
    ASSERT_TRUE(inserted.wait(5000));
    EXPECT_TRUE(client->presenceRoster()->members(u"design"_s).isEmpty());
    ASSERT_EQ(members->rowCount(), 1);
    EXPECT_EQ(members->index(0).data(MemberModel::UserRole).toString(), u"carol"_s);
    EXPECT_EQ(members->index(0).data(MemberModel::DisplayNameRole).toString(), u"Carol D."_s);
    EXPECT_EQ(members->index(0).data(MemberModel::StatusRole).toString(), u"offline"_s);
    // Her presence follows as usual.
    server.send({{"t"_L1, u"presence"_s}, {"user"_L1, u"carol"_s}, {"status"_L1, u"online"_s}});
    ASSERT_TRUE(
        waitUntil([&] { return members->index(0).data(MemberModel::StatusRole) == u"online"_s; }));
    // She is someone to talk to.
    const PeopleModel *people = client->peopleModel();
    ASSERT_GE(people->rowOf(u"carol"_s), 0);
    EXPECT_EQ(people->index(people->rowOf(u"carol"_s)).data(PeopleModel::DisplayNameRole),
              u"Carol D."_s);
    EXPECT_LT(people->rowOf(u"alice"_s), 0); // never oneself

    QSignalSpy removed(members, &QAbstractItemModel::rowsRemoved);
    server.send(memberEvent(u"general"_s, u"joined"_s, u"carol"_s)); // again: no change
    server.send(memberEvent(u"general"_s, u"left"_s, u"carol"_s));
    ASSERT_TRUE(removed.wait(5000));
    EXPECT_EQ(members->rowCount(), 0);
    EXPECT_EQ(inserted.size(), 1);
}

TEST_F(ListsTest, SignInReconcilesTheSidebarWithHello)
{
    // Cached from an earlier session: "stale" was left on another device meanwhile. Joined
    // here while offline: "fresh" must survive until its join is answered.
    client->cache()->addChannel(u"stale"_s);
    client->joinChannel(u"fresh"_s);
    server.helloExtra.insert(
        "channels"_L1, QJsonArray{channelJson(u"general"_s), channelJson(u"dm:alice:bob"_s, true)});
    signIn();
    EXPECT_EQ(sidebar(), (QStringList{u"dm:alice:bob"_s, u"fresh"_s, u"general"_s}));
    EXPECT_EQ(joinsOf(u"stale"_s), 0);
    EXPECT_EQ(joinsOf(u"fresh"_s), 1);
    EXPECT_EQ(joinsOf(u"dm:alice:bob"_s), 1);
}

TEST_F(ListsTest, APlainOneServerOnlyAddsToTheSidebar)
{
    server.helloExtra = {};
    client->cache()->addChannel(u"kept"_s);
    signIn();
    EXPECT_EQ(sidebar(), (QStringList{u"general"_s, u"kept"_s}));
}

TEST_F(ListsTest, LeaveAndInvite)
{
    answerListRequests();
    signIn();
    QSignalSpy left(client.get(), &ChatClient::channelLeft);
    QSignalSpy leaveFailed(client.get(), &ChatClient::leaveFailed);
    client->leaveChannel(u"dm:alice:bob"_s);
    ASSERT_EQ(leaveFailed.size(), 1); // at once, without asking
    EXPECT_EQ(leaveFailed.at(0).at(1).toString(), u"A direct conversation cannot be left."_s);
    client->leaveChannel(u"general"_s);
    ASSERT_TRUE(left.wait(5000));
    EXPECT_TRUE(sidebar().isEmpty());
    EXPECT_EQ(server.receivedOfType(u"leave"_s).size(), 1);

    QSignalSpy invited(client.get(), &ChatClient::invited);
    client->invite(u"design"_s, u" Bob "_s);
    ASSERT_TRUE(invited.wait(5000));
    EXPECT_EQ(invited.at(0).at(1).toString(), u"bob"_s);
    const QJsonObject sent = server.receivedOfType(u"invite"_s).constLast();
    EXPECT_EQ(sent.value("user"_L1).toString(), u"bob"_s);

    server.onFrame = [this](const QJsonObject &frame) {
        if (frame.value("t"_L1).toString() == "invite"_L1)
            server.replyError(frame, u"not_found"_s);
        else
            server.answerDefault(frame);
    };
    QSignalSpy inviteFailed(client.get(), &ChatClient::inviteFailed);
    client->invite(u"design"_s, u"nobody"_s);
    ASSERT_TRUE(inviteFailed.wait(5000));
    EXPECT_EQ(inviteFailed.at(0).at(2).toString(), u"There is no channel named “design”."_s);
}

TEST_F(ListsTest, PublicChannelsAreListedPageByPage)
{
    server.onFrame = [this](const QJsonObject &frame) {
        if (frame.value("t"_L1).toString() != "channels"_L1) {
            server.answerDefault(frame);
            return;
        }
        if (frame.value("after"_L1).toString().isEmpty())
            server.reply(frame, {{"channels"_L1, QJsonArray{channelJson(u"alpha"_s),
                                                            channelJson(u"dm:alice:bob"_s, true)}},
                                 {"more"_L1, true}});
        else
            server.reply(frame, {{"channels"_L1, QJsonArray{channelJson(u"general"_s),
                                                            channelJson(u"hidden"_s, true)}},
                                 {"more"_L1, false}});
    };
    signIn();
    QSignalSpy refreshed(client.get(), &ChatClient::publicChannelsRefreshed);
    client->refreshPublicChannels();
    ASSERT_TRUE(refreshed.wait(5000));
    const auto pages = server.receivedOfType(u"channels"_s);
    ASSERT_EQ(pages.size(), 2);
    EXPECT_EQ(pages.at(1).value("after"_L1).toString(), u"dm:alice:bob"_s);
    const PublicChannelsModel *browse = client->publicChannelsModel();
    EXPECT_EQ(browse->names(), (QStringList{u"alpha"_s, u"general"_s}));
    EXPECT_FALSE(browse->index(0).data(PublicChannelsModel::JoinedRole).toBool());
    EXPECT_TRUE(browse->index(1).data(PublicChannelsModel::JoinedRole).toBool());
    EXPECT_EQ(sidebar(), QStringList{u"general"_s}); // listing joins nothing

    // Offline: said at once.
    client->disconnectFromServer();
    QSignalSpy failed(client.get(), &ChatClient::publicChannelsRefreshFailed);
    client->refreshPublicChannels();
    EXPECT_EQ(failed.size(), 1);
}

TEST_F(ListsTest, OpenDirectJoinsTheSortedNameAndRefusesOneself)
{
    signIn();
    QSignalSpy failed(client.get(), &ChatClient::directFailed);
    EXPECT_TRUE(client->openDirect(u"alice"_s).isEmpty());
    EXPECT_TRUE(client->openDirect(u"not a name"_s).isEmpty());
    EXPECT_EQ(failed.size(), 2);
    EXPECT_EQ(client->openDirect(u"Aaron"_s), u"dm:aaron:alice"_s);
    EXPECT_GE(client->channelListModel()->rowOf(u"dm:aaron:alice"_s), 0); // at once
    ASSERT_TRUE(waitUntil([&] { return joinsOf(u"dm:aaron:alice"_s) == 1; }));
}

TEST_F(ListsTest, ARefusedJoinLeavesTheSidebarAndSaysWhy)
{
    server.onFrame = [this](const QJsonObject &frame) {
        if (frame.value("t"_L1).toString() == "join"_L1 &&
            frame.value("channel"_L1).toString() == "secret"_L1)
            server.replyError(frame, u"forbidden"_s);
        else
            server.answerDefault(frame);
    };
    signIn();
    QSignalSpy failed(client.get(), &ChatClient::joinFailed);
    client->joinChannel(u"secret"_s);
    ASSERT_TRUE(failed.wait(5000));
    EXPECT_EQ(failed.at(0).at(1).toString(),
              u"“secret” is private; ask one of its members to invite you."_s);
    EXPECT_EQ(sidebar(), QStringList{u"general"_s});
}

TEST_F(ListsTest, OpenDirectWithSomeoneTheServerDoesNotKnowSaysSo)
{
    server.onFrame = [this](const QJsonObject &frame) {
        if (frame.value("t"_L1).toString() == "join"_L1 &&
            frame.value("channel"_L1).toString().startsWith("dm:"_L1))
            server.replyError(frame, u"not_found"_s);
        else
            server.answerDefault(frame);
    };
    signIn();
    QSignalSpy failed(client.get(), &ChatClient::directFailed);
    EXPECT_EQ(client->openDirect(u"nobody"_s), u"dm:alice:nobody"_s);
    ASSERT_TRUE(failed.wait(5000));
    EXPECT_EQ(failed.at(0).at(0).toString(), u"nobody"_s);
    EXPECT_EQ(failed.at(0).at(1).toString(), u"There is no user named “nobody”."_s);
    EXPECT_EQ(sidebar(), QStringList{u"general"_s});
}
