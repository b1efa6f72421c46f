// SPDX-License-Identifier: Apache-2.0
// The user's own status against the real confabd: others see it (status and text) in the
// member list and the people list, the user's other device follows it, and it is kept across
// a restart and sent again after signing in.

#include "clientdevices.h"
#include "confabprocess.h"

#include "chatclient.h"
#include "membermodel.h"
#include "peoplemodel.h"

#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::client;
using namespace confab::client::test;
using confab::test::ConfabdProcess;

namespace {

const QString password = u"password1"_s;

class StatusServerTest : public ::testing::Test
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
        // A short grace: a device that goes is offline within the test's patience.
        server = std::make_unique<ConfabdProcess>(
            serverDir.path(), QStringList{u"--timing-presence-grace-ms"_s, u"300"_s});
        QString error;
        ASSERT_TRUE(server->start(0, &error)) << error.toStdString();
    }

    std::unique_ptr<ChatClient> signedIn(const QString &user)
    {
        return devices.signedIn(server->url(), user, password);
    }

    /// `user`'s status and status text in `viewer`'s member list of general.
    static std::pair<QString, QString> memberStatus(ChatClient &viewer, const QString &user)
    {
        MemberModel *members = viewer.memberModel(u"general"_s);
        const QModelIndex row = members->index(members->rowOf(user));
        return {row.data(MemberModel::StatusRole).toString(),
                row.data(MemberModel::StatusTextRole).toString()};
    }
    static std::pair<QString, QString> personStatus(ChatClient &viewer, const QString &user)
    {
        PeopleModel *people = viewer.peopleModel();
        const QModelIndex row = people->index(people->rowOf(user));
        return {row.data(PeopleModel::StatusRole).toString(),
                row.data(PeopleModel::StatusTextRole).toString()};
    }

    QTemporaryDir serverDir;
    ClientDevices devices;
    std::unique_ptr<ConfabdProcess> server;
};

} // namespace

TEST_F(StatusServerTest, OthersSeeTheStatusAndItsText)
{
    auto alice = signedIn(u"alice"_s);
    auto bob = signedIn(u"bob"_s);
    alice->setStatus(u"dnd"_s, u"  in a meeting "_s);
    EXPECT_EQ(alice->status(), u"dnd"_s);
    EXPECT_EQ(alice->statusText(), u"in a meeting"_s);
    const std::pair<QString, QString> dnd{u"dnd"_s, u"in a meeting"_s};
    ASSERT_TRUE(waitUntil([&] { return memberStatus(*bob, u"alice"_s) == dnd; }));
    ASSERT_TRUE(waitUntil([&] { return personStatus(*bob, u"alice"_s) == dnd; }));

    alice->setStatus(u"online"_s, QString()); // the clear button
    const std::pair<QString, QString> online{u"online"_s, QString()};
    ASSERT_TRUE(waitUntil([&] { return memberStatus(*bob, u"alice"_s) == online; }));
    ASSERT_TRUE(waitUntil([&] { return personStatus(*bob, u"alice"_s) == online; }));
}

TEST_F(StatusServerTest, SomeoneSigningInLaterSeesTheTextFromTheJoinReply)
{
    auto bob = signedIn(u"bob"_s);
    bob->setStatus(u"away"_s, u"lunch"_s);
    const std::pair<QString, QString> lunch{u"away"_s, u"lunch"_s};
    // His own echo: the server holds the status before alice comes.
    ASSERT_TRUE(waitUntil([&] { return memberStatus(*bob, u"bob"_s) == lunch; }));

    // No presence event of bob's reaches alice: only her join reply tells her.
    auto alice = signedIn(u"alice"_s);
    ASSERT_TRUE(waitUntil([&] { return memberStatus(*alice, u"bob"_s) == lunch; }));
    ASSERT_TRUE(waitUntil([&] { return personStatus(*alice, u"bob"_s) == lunch; }));

    // A later presence event still wins.
    bob->setStatus(u"online"_s, QString());
    const std::pair<QString, QString> online{u"online"_s, QString()};
    ASSERT_TRUE(waitUntil([&] { return memberStatus(*alice, u"bob"_s) == online; }));
}

TEST_F(StatusServerTest, NotAStatusChangesNothing)
{
    auto alice = signedIn(u"alice"_s);
    alice->setStatus(u"away"_s, u"lunch"_s);
    alice->setStatus(u"offline"_s, u"gone"_s);
    alice->setStatus(u"busy"_s, u"x"_s);
    EXPECT_EQ(alice->status(), u"away"_s);
    EXPECT_EQ(alice->statusText(), u"lunch"_s);
}

TEST_F(StatusServerTest, TheOtherDeviceFollows)
{
    auto laptop = signedIn(u"alice"_s);
    auto phone = signedIn(u"alice"_s);
    QSignalSpy laptopChanged(laptop.get(), &ChatClient::statusChanged);
    phone->setStatus(u"dnd"_s, u"focus time"_s);
    ASSERT_TRUE(waitUntil([&] { return laptop->status() == u"dnd"_s; }));
    EXPECT_EQ(laptop->statusText(), u"focus time"_s);
    EXPECT_FALSE(laptopChanged.isEmpty());
    // The phone's own echo did not move it anywhere.
    EXPECT_EQ(phone->status(), u"dnd"_s);

    laptop->setStatus(u"away"_s, u"lunch"_s);
    ASSERT_TRUE(waitUntil([&] { return phone->status() == u"away"_s; }));
    EXPECT_EQ(phone->statusText(), u"lunch"_s);
    EXPECT_TRUE(phone->isAway());
    laptop->setStatus(u"online"_s, QString());
    ASSERT_TRUE(waitUntil([&] { return phone->status() == u"online"_s; }));
    EXPECT_TRUE(phone->statusText().isEmpty());
    EXPECT_FALSE(phone->isAway());
}

TEST_F(StatusServerTest, KeptAcrossARestartAndSentAfterSigningIn)
{
    QTemporaryDir device;
    ASSERT_TRUE(device.isValid());
    auto bob = signedIn(u"bob"_s);
    {
        auto alice = devices.make(device.path());
        alice->signIn(server->url(), u"alice"_s, password);
        ASSERT_TRUE(waitOnline(*alice));
        alice->setStatus(u"dnd"_s, u"deep work"_s);
        const std::pair<QString, QString> dnd{u"dnd"_s, u"deep work"_s};
        ASSERT_TRUE(waitUntil([&] { return memberStatus(*bob, u"alice"_s) == dnd; }));
    }
    // Gone: the server shows her offline (after its grace period), text cleared.
    ASSERT_TRUE(waitUntil([&] { return memberStatus(*bob, u"alice"_s).first == u"offline"_s; }));

    auto alice = devices.make(device.path());
    EXPECT_EQ(alice->status(), u"dnd"_s); // before any network answer
    EXPECT_EQ(alice->statusText(), u"deep work"_s);
    ASSERT_TRUE(alice->resumeSession());
    ASSERT_TRUE(waitOnline(*alice));
    const std::pair<QString, QString> dnd{u"dnd"_s, u"deep work"_s};
    ASSERT_TRUE(waitUntil([&] { return memberStatus(*bob, u"alice"_s) == dnd; }));
}
