// SPDX-License-Identifier: Apache-2.0
// Lists that stay true and direct messages (issue 13), against the real confabd: channels
// and conversations made while the app runs appear at once (and after a restart), public
// ones are browsed, not joined; leaving on one device drops the channel on the other; member
// lists grow at once; a fresh sign-in makes the user a member of nothing new.

#include "clientdevices.h"
#include "confabprocess.h"
#include "testclient.h"

#include "channellistmodel.h"
#include "channelsync.h"
#include "chatclient.h"
#include "membermodel.h"
#include "messagecache.h"
#include "peoplemodel.h"
#include "publicchannelsmodel.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::client;
using namespace confab::client::test;
using confab::test::ConfabdProcess;
using State = Connection::State;

namespace {

const QString password = u"password1"_s;

class ListsServerTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(serverDir.isValid());
        const struct
        {
            QString name;
            QString display;
        } users[] = {
            {u"alice"_s, u"Alice A."_s}, {u"bob"_s, u"Bob B."_s}, {u"carol"_s, u"Carol C."_s}};
        for (const auto &user : users) {
            QString output;
            ASSERT_EQ(confab::test::runConfabctl({u"--data"_s, serverDir.path(), u"user"_s,
                                                  u"add"_s, user.name, u"--display"_s, user.display,
                                                  u"--password-stdin"_s},
                                                 password.toUtf8() + '\n', &output),
                      0)
                << output.toStdString();
        }
        server = std::make_unique<ConfabdProcess>(
            serverDir.path(), QStringList{u"--timing-heartbeat-ms"_s, u"1000"_s});
        QString error;
        ASSERT_TRUE(server->start(0, &error)) << error.toStdString();
    }

    /// A device of its own, signed in as `user`.
    std::unique_ptr<ChatClient> signedIn(const QString &user)
    {
        return devices.signedIn(server->url(), user, password);
    }

    static QStringList sidebar(const ChatClient &client)
    {
        return client.channelListModel()->names();
    }

    /// The members of `channel` as the server lists them in a join reply to `user`.
    std::optional<QStringList> serverMembers(const QString &user, const QString &channel)
    {
        confab::test::TestClient raw;
        if (!raw.open(server->url()) || !raw.hello(user, password))
            return std::nullopt;
        const auto reply = raw.join(channel);
        if (!reply || !confab::test::isOk(*reply))
            return std::nullopt;
        QStringList members;
        for (const QJsonValue &m : reply->value("ok"_L1)["members"_L1].toArray())
            members.append(m["user"_L1].toString());
        members.sort();
        return members;
    }

    QTemporaryDir serverDir;
    ClientDevices devices;
    std::unique_ptr<ConfabdProcess> server;
};

} // namespace

TEST_F(ListsServerTest, AChannelSomeoneCreatesIsListedAtOnceNotJoined)
{
    auto alice = signedIn(u"alice"_s);
    auto bob = signedIn(u"bob"_s);
    QSignalSpy created(alice.get(), &ChatClient::channelCreated);
    alice->createChannel(u"design"_s, u"Pixels"_s);
    ASSERT_TRUE(created.wait(5000));
    EXPECT_EQ(sidebar(*alice), (QStringList{u"design"_s, u"general"_s}));

    const PublicChannelsModel *browse = bob->publicChannelsModel();
    ASSERT_TRUE(waitUntil([&] { return browse->rowOf(u"design"_s) >= 0; }));
    const QModelIndex row = browse->index(browse->rowOf(u"design"_s));
    EXPECT_FALSE(row.data(PublicChannelsModel::JoinedRole).toBool());
    EXPECT_EQ(row.data(PublicChannelsModel::TopicRole).toString(), u"Pixels"_s);
    EXPECT_EQ(sidebar(*bob), QStringList{u"general"_s});
    EXPECT_EQ(serverMembers(u"alice"_s, u"design"_s), QStringList{u"alice"_s});

    // Bob joins it himself: in his sidebar, a member on the server.
    bob->joinChannel(u"design"_s);
    EXPECT_TRUE(row.data(PublicChannelsModel::JoinedRole).toBool());
    ASSERT_TRUE(waitUntil([&] { return bob->channelSync()->isJoined(u"design"_s); }));
    EXPECT_EQ(serverMembers(u"alice"_s, u"design"_s), (QStringList{u"alice"_s, u"bob"_s}));
}

TEST_F(ListsServerTest, ADirectConversationAppearsAtOnceOnTheOtherSide)
{
    auto alice = signedIn(u"alice"_s);
    auto bob = signedIn(u"bob"_s);
    const QString dm = alice->openDirect(u"bob"_s);
    EXPECT_EQ(dm, u"dm:alice:bob"_s);
    EXPECT_GE(alice->channelListModel()->rowOf(dm), 0);

    const ChannelListModel *list = bob->channelListModel();
    ASSERT_TRUE(waitUntil([&] { return list->rowOf(dm) >= 0; }));
    EXPECT_TRUE(list->index(list->rowOf(dm)).data(ChannelListModel::IsDirectRole).toBool());
    EXPECT_EQ(list->otherUser(dm), u"alice"_s);
    ASSERT_TRUE(waitUntil([&] { return list->title(dm) == u"Alice A."_s; }))
        << list->title(dm).toStdString();
    ASSERT_TRUE(waitUntil([&] { return bob->channelSync()->isJoined(dm); }));

    QSignalSpy received(bob.get(), &ChatClient::messageReceived);
    ASSERT_TRUE(waitUntil([&] { return alice->channelSync()->isJoined(dm); }));
    alice->sendMessage(dm, u"hi Bob"_s);
    ASSERT_TRUE(waitUntil([&] { return bob->cache()->count(dm) == 1; }));
    EXPECT_EQ(bob->cache()->last(dm).value_or(Message{}).text, u"hi Bob"_s);
    EXPECT_EQ(list->index(list->rowOf(dm)).data(ChannelListModel::UnreadCountRole).toInt(), 1);
    // Alice is someone Bob can talk to.
    EXPECT_GE(bob->peopleModel()->rowOf(u"alice"_s), 0);
}

TEST_F(ListsServerTest, AChannelMadeOrJoinedOnOneDeviceIsInTheSidebarOfTheOther)
{
    auto laptop = signedIn(u"alice"_s);
    auto phone = signedIn(u"alice"_s);
    auto bob = signedIn(u"bob"_s);
    QSignalSpy created(laptop.get(), &ChatClient::channelCreated);
    laptop->createChannel(u"design"_s, u"Pixels"_s);
    ASSERT_TRUE(created.wait(5000));
    ASSERT_TRUE(waitUntil([&] { return sidebar(*phone).contains(u"design"_s); }))
        << "made on the laptop, a member: the phone's sidebar has it at once";
    ASSERT_TRUE(waitUntil([&] { return phone->channelSync()->isJoined(u"design"_s); }));

    // Bob, not a member, only sees it to browse; he joins on one device, the other follows.
    auto bobsPhone = signedIn(u"bob"_s);
    ASSERT_TRUE(waitUntil([&] { return bob->publicChannelsModel()->rowOf(u"design"_s) >= 0; }));
    EXPECT_FALSE(sidebar(*bob).contains(u"design"_s));
    bob->joinChannel(u"design"_s);
    ASSERT_TRUE(waitUntil([&] { return sidebar(*bobsPhone).contains(u"design"_s); }));
}

TEST_F(ListsServerTest, LeavingOnOneDeviceDropsTheChannelOnTheOther)
{
    auto laptop = signedIn(u"bob"_s);
    auto phone = signedIn(u"bob"_s);
    ASSERT_EQ(sidebar(*phone), QStringList{u"general"_s});
    QSignalSpy left(laptop.get(), &ChatClient::channelLeft);
    laptop->leaveChannel(u"general"_s);
    ASSERT_TRUE(left.wait(5000));
    EXPECT_TRUE(sidebar(*laptop).isEmpty());
    ASSERT_TRUE(waitUntil([&] { return sidebar(*phone).isEmpty(); }));
    const auto members = serverMembers(u"alice"_s, u"general"_s);
    ASSERT_TRUE(members);
    EXPECT_FALSE(members->contains(u"bob"_s));
}

TEST_F(ListsServerTest, SomeoneJoiningGrowsTheMemberListAtOnce)
{
    auto alice = signedIn(u"alice"_s);
    QSignalSpy created(alice.get(), &ChatClient::channelCreated);
    alice->createChannel(u"design"_s, QString());
    ASSERT_TRUE(created.wait(5000));
    MemberModel *members = alice->memberModel(u"design"_s);
    ASSERT_TRUE(waitUntil([&] { return members->rowCount() == 1; }));

    auto carol = signedIn(u"carol"_s);
    carol->joinChannel(u"design"_s);
    ASSERT_TRUE(waitUntil([&] { return members->rowCount() == 2; }));
    const QModelIndex row = members->index(members->rowOf(u"carol"_s));
    EXPECT_EQ(row.data(MemberModel::DisplayNameRole).toString(), u"Carol C."_s);

    QSignalSpy left(carol.get(), &ChatClient::channelLeft);
    carol->leaveChannel(u"design"_s);
    ASSERT_TRUE(left.wait(5000));
    ASSERT_TRUE(waitUntil([&] { return members->rowCount() == 1; }));
}

TEST_F(ListsServerTest, AFreshSignInJoinsOnlyTheUsersMemberships)
{
    auto alice = signedIn(u"alice"_s);
    QSignalSpy created(alice.get(), &ChatClient::channelCreated);
    alice->createChannel(u"design"_s, QString());
    alice->createChannel(u"secret"_s, QString(), true);
    ASSERT_TRUE(waitUntil([&] { return created.size() == 2; }));

    auto bob = signedIn(u"bob"_s); // a new data folder
    EXPECT_EQ(sidebar(*bob), QStringList{u"general"_s});
    QSignalSpy refreshed(bob.get(), &ChatClient::publicChannelsRefreshed);
    bob->refreshPublicChannels();
    ASSERT_TRUE(refreshed.wait(5000));
    EXPECT_EQ(bob->publicChannelsModel()->names(), (QStringList{u"design"_s, u"general"_s}));
    // On the server: Bob did not become a member of the public channel he never joined.
    EXPECT_EQ(serverMembers(u"alice"_s, u"design"_s), QStringList{u"alice"_s});
    // A second device of his, and a reconnect of the first: still not.
    auto phone = signedIn(u"bob"_s);
    EXPECT_EQ(sidebar(*phone), QStringList{u"general"_s});
    bob->disconnectFromServer();
    bob->retryNow();
    ASSERT_TRUE(waitOnline(*bob));
    EXPECT_EQ(sidebar(*bob), QStringList{u"general"_s});
    EXPECT_EQ(serverMembers(u"alice"_s, u"design"_s), QStringList{u"alice"_s});
}

TEST_F(ListsServerTest, ARestartShowsWhatChangedWhileTheAppWasClosed)
{
    const QString dataDir = [&] {
        auto bob = signedIn(u"bob"_s);
        return bob->dataDir();
    }(); // Bob closes the app
    auto phone = signedIn(u"bob"_s);
    auto alice = signedIn(u"alice"_s);
    QSignalSpy created(alice.get(), &ChatClient::channelCreated);
    alice->createChannel(u"design"_s, QString());
    alice->createChannel(u"secret"_s, u"Hush"_s, true);
    ASSERT_TRUE(waitUntil([&] { return created.size() == 2; }));
    QSignalSpy invited(alice.get(), &ChatClient::invited);
    alice->invite(u"secret"_s, u"bob"_s);
    ASSERT_TRUE(invited.wait(5000));
    const QString dm = alice->openDirect(u"bob"_s);
    ASSERT_TRUE(waitUntil([&] { return alice->channelSync()->isJoined(dm); }));
    alice->sendMessage(dm, u"while you were away"_s);
    QSignalSpy left(phone.get(), &ChatClient::channelLeft);
    phone->leaveChannel(u"general"_s); // on his other device
    ASSERT_TRUE(left.wait(5000));
    ASSERT_TRUE(waitUntil([&] { return alice->outbox()->count() == 0; }));

    auto bob = devices.make(dataDir);
    EXPECT_EQ(sidebar(*bob), QStringList{u"general"_s}); // the cache, before any answer
    ASSERT_TRUE(bob->resumeSession());
    ASSERT_TRUE(waitOnline(*bob));
    EXPECT_EQ(sidebar(*bob), (QStringList{dm, u"secret"_s}));
    EXPECT_EQ(bob->cache()->last(dm).value_or(Message{}).text, u"while you were away"_s);
    EXPECT_EQ(bob->channelListModel()->title(dm), u"Alice A."_s);
    QSignalSpy refreshed(bob.get(), &ChatClient::publicChannelsRefreshed);
    bob->refreshPublicChannels();
    ASSERT_TRUE(refreshed.wait(5000));
    EXPECT_EQ(bob->publicChannelsModel()->names(), (QStringList{u"design"_s, u"general"_s}));
    EXPECT_FALSE(bob->publicChannelsModel()->isJoined(u"design"_s));
}
