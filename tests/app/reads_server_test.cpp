// SPDX-License-Identifier: Apache-2.0
// Read positions synced between devices (protocol 1.2, issue 14), against the real confabd:
// the same user on two ChatClients with data folders of their own. Reading on one clears the
// badge on the other live, and after the other reconnects (the catch-up of messages already
// read elsewhere arrives with lastReadSeq already raised); a read made offline is sent after
// the reconnection.

#include "clientdevices.h"
#include "confabprocess.h"
#include "testclient.h"

#include "channellistmodel.h"
#include "chatclient.h"

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
const QString general = u"general"_s;

class ReadsServerTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(serverDir.isValid());
        for (const QString &user : {u"alice"_s, u"bob"_s}) {
            QString output;
            ASSERT_EQ(confab::test::runConfabctl({u"--data"_s, serverDir.path(), u"user"_s,
                                                  u"add"_s, user, u"--password-stdin"_s},
                                                 password.toUtf8() + '\n', &output),
                      0)
                << output.toStdString();
        }
        server = std::make_unique<ConfabdProcess>(
            serverDir.path(), QStringList{u"--timing-heartbeat-ms"_s, u"1000"_s});
        QString error;
        ASSERT_TRUE(server->start(0, &error)) << error.toStdString();
        ASSERT_TRUE(bob.open(server->url()));
        const auto hello = bob.hello(u"bob"_s, password);
        ASSERT_TRUE(hello && confab::test::isOk(*hello));
        laptop = devices.signedIn(server->url(), u"alice"_s, password);
        phone = devices.signedIn(server->url(), u"alice"_s, password);
        ASSERT_TRUE(laptop && phone);
    }

    /// bob says `text` in general (a member from the start; no join needed).
    void bobSays(const QString &text)
    {
        const auto reply = bob.publish(general, text);
        ASSERT_TRUE(reply && confab::test::isOk(*reply));
    }

    static QModelIndex row(const ChatClient &client, const QString &channel)
    {
        const ChannelListModel *list = client.channelListModel();
        return list->index(list->rowOf(channel));
    }
    static int unread(const ChatClient &client, const QString &channel = general)
    {
        return row(client, channel).data(ChannelListModel::UnreadCountRole).toInt();
    }
    static bool mentioned(const ChatClient &client, const QString &channel = general)
    {
        return row(client, channel).data(ChannelListModel::MentionedRole).toBool();
    }

    QTemporaryDir serverDir;
    std::unique_ptr<ConfabdProcess> server;
    confab::test::TestClient bob;
    ClientDevices devices;
    std::unique_ptr<ChatClient> laptop;
    std::unique_ptr<ChatClient> phone;
};

} // namespace

TEST_F(ReadsServerTest, ReadingOnOneDeviceClearsTheBadgeOnTheOtherAtOnce)
{
    ASSERT_NO_FATAL_FAILURE(bobSays(u"one"_s));
    ASSERT_NO_FATAL_FAILURE(bobSays(u"two @alice"_s));
    ASSERT_NO_FATAL_FAILURE(bobSays(u"three"_s));
    for (ChatClient *device : {laptop.get(), phone.get()}) {
        ASSERT_TRUE(waitUntil([&] { return unread(*device) == 3; })) << unread(*device);
        EXPECT_TRUE(mentioned(*device));
    }
    QSignalSpy phoneMoved(phone.get(), &ChatClient::readPositionChanged);
    QSignalSpy laptopMoved(laptop.get(), &ChatClient::readPositionChanged);

    laptop->markRead(general);
    EXPECT_EQ(unread(*laptop), 0);
    ASSERT_EQ(laptopMoved.size(), 1);
    EXPECT_EQ(laptopMoved[0], (QVariantList{general, qint64(3)}));

    ASSERT_TRUE(waitUntil([&] { return !phoneMoved.isEmpty(); })) << "the phone never heard";
    EXPECT_EQ(phoneMoved[0], (QVariantList{general, qint64(3)}));
    EXPECT_EQ(phone->lastReadSeq(general), 3);
    EXPECT_EQ(unread(*phone), 0);
    EXPECT_FALSE(mentioned(*phone));

    // A newer message is unread again on both; the old ones stay read.
    ASSERT_NO_FATAL_FAILURE(bobSays(u"four"_s));
    for (ChatClient *device : {laptop.get(), phone.get()})
        ASSERT_TRUE(waitUntil([&] { return unread(*device) == 1; })) << unread(*device);
    EXPECT_EQ(laptopMoved.size(), 1) << "the laptop's own read came back to it";
}

TEST_F(ReadsServerTest, MessagesReadElsewhereArriveReadAfterAReconnect)
{
    ASSERT_NO_FATAL_FAILURE(bobSays(u"one"_s));
    ASSERT_TRUE(waitUntil([&] { return unread(*phone) == 1; }));
    phone->disconnectFromServer();
    ASSERT_TRUE(waitUntil([&] { return phone->connection()->state() == State::Offline; }));

    ASSERT_NO_FATAL_FAILURE(bobSays(u"two @alice"_s));
    ASSERT_NO_FATAL_FAILURE(bobSays(u"three"_s));
    ASSERT_TRUE(waitUntil([&] { return unread(*laptop) == 3; }));
    laptop->markRead(general);
    ASSERT_EQ(laptop->lastReadSeq(general), 3);
    // The server has it once a later request on the same connection is answered: a fresh
    // connection's join reply tells.
    ASSERT_TRUE(waitUntil([&] {
        confab::test::TestClient probe;
        if (!probe.open(server->url()) || !probe.hello(u"alice"_s, password))
            return false;
        const auto reply = probe.join(general);
        return reply && reply->value("ok"_L1)["read_seq"_L1].toInteger() == 3;
    }));

    // What a notifier would check inside messageReceived: the catch-up is already read.
    QList<std::pair<qint64, qint64>> seen; // (message seq, lastReadSeq then)
    QObject::connect(phone.get(), &ChatClient::messageReceived, phone.get(), [&](const Message &m) {
        seen.append({m.seq, phone->lastReadSeq(m.channel)});
    });
    QSignalSpy phoneMoved(phone.get(), &ChatClient::readPositionChanged);
    ASSERT_TRUE(phone->resumeSession());
    ASSERT_TRUE(waitOnline(*phone));
    ASSERT_EQ(seen.size(), 2);
    EXPECT_EQ(seen[0], (std::pair<qint64, qint64>(2, 3)));
    EXPECT_EQ(seen[1], (std::pair<qint64, qint64>(3, 3)));
    ASSERT_EQ(phoneMoved.size(), 1);
    EXPECT_EQ(phoneMoved[0], (QVariantList{general, qint64(3)}));
    EXPECT_EQ(unread(*phone), 0) << "messages read on the laptop were counted as unread";
    EXPECT_FALSE(mentioned(*phone));
}

TEST_F(ReadsServerTest, AReadMadeOfflineIsSentAfterTheReconnect)
{
    ASSERT_NO_FATAL_FAILURE(bobSays(u"one"_s));
    ASSERT_NO_FATAL_FAILURE(bobSays(u"two"_s));
    for (ChatClient *device : {laptop.get(), phone.get()})
        ASSERT_TRUE(waitUntil([&] { return unread(*device) == 2; }));
    laptop->disconnectFromServer();
    ASSERT_TRUE(waitUntil([&] { return laptop->connection()->state() == State::Offline; }));
    laptop->markRead(general); // on the train
    EXPECT_EQ(laptop->lastReadSeq(general), 2);
    EXPECT_EQ(unread(*laptop), 0);

    QSignalSpy phoneMoved(phone.get(), &ChatClient::readPositionChanged);
    ASSERT_TRUE(laptop->resumeSession());
    ASSERT_TRUE(waitOnline(*laptop));
    ASSERT_TRUE(waitUntil([&] { return !phoneMoved.isEmpty(); })) << "the offline read was lost";
    EXPECT_EQ(phoneMoved[0], (QVariantList{general, qint64(2)}));
    EXPECT_EQ(unread(*phone), 0);
    EXPECT_EQ(laptop->lastReadSeq(general), 2);
}
