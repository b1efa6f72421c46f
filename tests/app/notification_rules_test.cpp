// SPDX-License-Identifier: Apache-2.0
// The notification rules, the one mention rule, and the user's own status (OwnStatus:
// idleness, limits, keeping it in a real SQLite file, following other devices).

#include "testclock.h"

#include "idlemonitor.h"
#include "localdatabase.h"
#include "mentions.h"
#include "notificationrules.h"
#include "ownstatus.h"
#include "validation.h"

#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::client;
using Verdict = NotificationRules::Verdict;

namespace {

TEST(Mentions, WholeNamesOnly)
{
    EXPECT_TRUE(mentionsUser(u"@alice hi"_s, u"alice"_s));
    EXPECT_TRUE(mentionsUser(u"hi @Alice"_s, u"alice"_s)); // any case
    EXPECT_TRUE(mentionsUser(u"thanks @alice."_s, u"alice"_s));
    EXPECT_TRUE(mentionsUser(u"(@alice), look"_s, u"alice"_s));
    EXPECT_TRUE(mentionsUser(u"@alicex @alice"_s, u"alice"_s)); // the second one counts
    EXPECT_FALSE(mentionsUser(u"@alicex"_s, u"alice"_s));       // another user
    EXPECT_FALSE(mentionsUser(u"@alice.b"_s, u"alice"_s));
    EXPECT_FALSE(mentionsUser(u"@alice-b"_s, u"alice"_s));
    EXPECT_FALSE(mentionsUser(u"@alice_b"_s, u"alice"_s));
    EXPECT_FALSE(mentionsUser(u"mail bob@alice now"_s, u"alice"_s));
    EXPECT_FALSE(mentionsUser(u"alice, hi"_s, u"alice"_s)); // no @
    EXPECT_FALSE(mentionsUser(u"@al"_s, u"alice"_s));
    EXPECT_FALSE(mentionsUser(u"@alice"_s, QString()));
    EXPECT_FALSE(mentionsUser(QString(), u"alice"_s));
    EXPECT_TRUE(mentionsUser(u"@al.ice!"_s, u"al.ice"_s));
}

Message message(const QString &channel, const QString &from, const QString &text, qint64 seq)
{
    Message m;
    m.channel = channel;
    m.from = from;
    m.text = text;
    m.seq = seq;
    return m;
}

class NotificationRulesTest : public ::testing::Test
{
protected:
    void SetUp() override { rules.setOwnUser(u"alice"_s); }
    NotificationRules rules;
    const QString dm = rules::directChannelName(u"alice", u"bob");
};

TEST_F(NotificationRulesTest, DirectMessagesAndMentionsNotify)
{
    EXPECT_EQ(rules.verdict(message(dm, u"bob"_s, u"hi"_s, 5), 4), Verdict::Notify);
    EXPECT_EQ(rules.verdict(message(u"general"_s, u"bob"_s, u"hi @alice"_s, 5), 0),
              Verdict::Notify);
    EXPECT_TRUE(rules.shouldNotify(message(dm, u"bob"_s, u"hi"_s, 1), 0));
}

TEST_F(NotificationRulesTest, OtherChannelMessagesDoNot)
{
    EXPECT_EQ(rules.verdict(message(u"general"_s, u"bob"_s, u"hi all"_s, 5), 0), Verdict::NotForMe);
    EXPECT_EQ(rules.verdict(message(u"general"_s, u"bob"_s, u"hi @alicex"_s, 5), 0),
              Verdict::NotForMe);
}

TEST_F(NotificationRulesTest, OwnMessagesNeverNotify)
{
    EXPECT_EQ(rules.verdict(message(dm, u"alice"_s, u"hi @alice"_s, 5), 0), Verdict::OwnMessage);
    NotificationRules signedOut;
    EXPECT_EQ(signedOut.verdict(message(dm, u"bob"_s, u"hi"_s, 5), 0), Verdict::OwnMessage);
}

TEST_F(NotificationRulesTest, ReadMessagesNeverNotify)
{
    EXPECT_EQ(rules.verdict(message(dm, u"bob"_s, u"hi"_s, 5), 5), Verdict::AlreadyRead);
    EXPECT_EQ(rules.verdict(message(dm, u"bob"_s, u"hi"_s, 5), 9), Verdict::AlreadyRead);
    EXPECT_EQ(rules.verdict(message(dm, u"bob"_s, u"hi"_s, 6), 5), Verdict::Notify);
}

TEST_F(NotificationRulesTest, DoNotDisturbAndFocusSilence)
{
    rules.setWindowFocused(true);
    EXPECT_EQ(rules.verdict(message(dm, u"bob"_s, u"hi"_s, 5), 0), Verdict::WindowFocused);
    rules.setDoNotDisturb(true);
    EXPECT_EQ(rules.verdict(message(dm, u"bob"_s, u"hi"_s, 5), 0), Verdict::DoNotDisturb);
    rules.setWindowFocused(false);
    EXPECT_EQ(rules.verdict(message(u"general"_s, u"bob"_s, u"@alice"_s, 5), 0),
              Verdict::DoNotDisturb);
    rules.setDoNotDisturb(false);
    EXPECT_EQ(rules.verdict(message(dm, u"bob"_s, u"hi"_s, 5), 0), Verdict::Notify);
}

// ---- own status ---------------------------------------------------------------------------

class OwnStatusTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(dir.isValid());
        openDatabase();
    }
    void openDatabase()
    {
        own.reset();
        db = std::make_unique<LocalDatabase>(dir.filePath(u"client.sqlite"_s));
        ASSERT_TRUE(db->open());
        own = std::make_unique<OwnStatus>(&idle);
        own->attach(db->database());
    }
    void goIdle() { clock.advance(IdleMonitor::defaultAwayAfterMs + 1), idle.tick(); }

    QTemporaryDir dir;
    test::ManualClock clock;
    IdleMonitor idle{clock.fn()};
    std::unique_ptr<LocalDatabase> db;
    std::unique_ptr<OwnStatus> own;
};

TEST_F(OwnStatusTest, StartsOnlineAndIsKeptAcrossRestarts)
{
    EXPECT_EQ(own->chosen(), PresenceStatus::Online);
    EXPECT_TRUE(own->set(PresenceStatus::Dnd, u"  in a meeting \n"_s));
    EXPECT_EQ(own->text(), u"in a meeting"_s); // trimmed
    openDatabase();
    EXPECT_EQ(own->chosen(), PresenceStatus::Dnd);
    EXPECT_EQ(own->text(), u"in a meeting"_s);
    own->set(PresenceStatus::Away, QString()); // no text: kept too
    openDatabase();
    EXPECT_EQ(own->chosen(), PresenceStatus::Away);
    EXPECT_TRUE(own->text().isEmpty());
}

TEST_F(OwnStatusTest, OfflineCannotBeChosen)
{
    QSignalSpy changed(own.get(), &OwnStatus::changed);
    EXPECT_FALSE(own->set(PresenceStatus::Offline, u"gone"_s));
    EXPECT_EQ(own->chosen(), PresenceStatus::Online);
    EXPECT_EQ(changed.count(), 0);
}

TEST_F(OwnStatusTest, TextIsCutToTheServersLimitAtACharacter)
{
    const QString longText = QString(300, u'x');
    own->set(PresenceStatus::Away, longText);
    EXPECT_EQ(own->text().size(), rules::maxPresenceTextBytes);
    // 'é' is two bytes: 128 of them fill the limit exactly; 'x' + 128 cuts before the last.
    const QString accents = u"x"_s + QString(128, QChar(0xE9));
    own->set(PresenceStatus::Away, accents);
    EXPECT_LE(rules::utf8Length(own->text()), rules::maxPresenceTextBytes);
    EXPECT_EQ(own->text(), u"x"_s + QString(127, QChar(0xE9)));
    const QString emoji = QString(65, u'x') + QString::fromUtf8("\xF0\x9F\x98\x80").repeated(48);
    own->set(PresenceStatus::Away, emoji); // 65 + 4*48 = 257 bytes: the last one goes whole
    EXPECT_EQ(own->text(), QString(65, u'x') + QString::fromUtf8("\xF0\x9F\x98\x80").repeated(47));
}

TEST_F(OwnStatusTest, IdleShowsAwayOnlyWhileOnline)
{
    QSignalSpy effective(own.get(), &OwnStatus::effectiveChanged);
    goIdle();
    EXPECT_EQ(own->effective(), PresenceStatus::Away);
    EXPECT_EQ(own->chosen(), PresenceStatus::Online);
    EXPECT_EQ(effective.count(), 1);
    idle.activity(); // input returns from the idle away
    EXPECT_EQ(own->effective(), PresenceStatus::Online);
    EXPECT_EQ(effective.count(), 2);

    own->set(PresenceStatus::Dnd, {});
    effective.clear();
    goIdle();
    EXPECT_EQ(own->effective(), PresenceStatus::Dnd); // dnd stays dnd
    idle.activity();
    EXPECT_EQ(effective.count(), 0);

    own->set(PresenceStatus::Away, u"lunch"_s);
    goIdle();
    idle.activity(); // input does not undo a chosen away
    EXPECT_EQ(own->effective(), PresenceStatus::Away);
    EXPECT_EQ(own->chosen(), PresenceStatus::Away);
}

TEST_F(OwnStatusTest, FollowsOtherDevicesButNotEchoesOrTheirIdleness)
{
    QSignalSpy changed(own.get(), &OwnStatus::changed);
    own->noteSent(PresenceStatus::Online, {});
    own->applyRemote(PresenceStatus::Online, {}); // our own echo
    EXPECT_EQ(changed.count(), 0);
    own->applyRemote(PresenceStatus::Away, {}); // another device went idle
    EXPECT_EQ(own->chosen(), PresenceStatus::Online);
    EXPECT_EQ(changed.count(), 0);
    own->applyRemote(PresenceStatus::Offline, {});
    EXPECT_EQ(changed.count(), 0);

    own->applyRemote(PresenceStatus::Dnd, u"focus"_s); // chosen on another device
    EXPECT_EQ(own->chosen(), PresenceStatus::Dnd);
    EXPECT_EQ(own->text(), u"focus"_s);
    EXPECT_EQ(changed.count(), 1);
    own->applyRemote(PresenceStatus::Away, u"lunch"_s);
    EXPECT_EQ(own->chosen(), PresenceStatus::Away);
    openDatabase(); // kept like a choice made here
    EXPECT_EQ(own->chosen(), PresenceStatus::Away);
    EXPECT_EQ(own->text(), u"lunch"_s);
}

TEST_F(OwnStatusTest, AnEchoOfAnEarlierRequestIsNotAChoice)
{
    // dnd then online sent quickly: the dnd echo arrives after online was sent.
    own->set(PresenceStatus::Dnd, {});
    own->noteSent(PresenceStatus::Dnd, {});
    own->set(PresenceStatus::Online, {});
    own->noteSent(PresenceStatus::Online, {});
    own->applyRemote(PresenceStatus::Dnd, {});
    EXPECT_EQ(own->chosen(), PresenceStatus::Online);
    own->noteAnswered();
    own->noteAnswered();
    own->applyRemote(PresenceStatus::Online, {});
    EXPECT_EQ(own->chosen(), PresenceStatus::Online);
}

} // namespace
