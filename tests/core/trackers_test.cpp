// SPDX-License-Identifier: Apache-2.0
#include "clock.h"
#include "presencetracker.h"
#include "typingtracker.h"

#include <QSignalSpy>
#include <gtest/gtest.h>

using namespace Qt::StringLiterals;
using confab::Presence;
using confab::PresenceStatus;
using confab::server::PresenceTracker;
using confab::server::TypingTracker;

namespace {
// Presence dates what people see (wall clock); typing expiry runs on the monotonic clock.
qint64 wallNow()
{
    return confab::server::clock::wallMs();
}
qint64 monotonicNow()
{
    return confab::server::clock::monotonicMs();
}
} // namespace

TEST(PresenceTracker, FirstConnectionGoesOnlineOnce)
{
    PresenceTracker tracker(10000);
    QSignalSpy changed(&tracker, &PresenceTracker::changed);
    tracker.connectionOpened(u"alice"_s, 1000);
    tracker.connectionOpened(u"alice"_s, 1001);
    ASSERT_EQ(changed.size(), 1);
    const auto presence = changed.at(0).at(0).value<Presence>();
    EXPECT_EQ(presence.status, PresenceStatus::Online);
    EXPECT_EQ(presence.since, 1000);
    EXPECT_EQ(tracker.connectionCount(u"alice"_s), 2);
}

TEST(PresenceTracker, GoesOfflineOnlyAfterTheGracePeriod)
{
    PresenceTracker tracker(50);
    QSignalSpy changed(&tracker, &PresenceTracker::changed);
    tracker.connectionOpened(u"bob"_s, wallNow());
    tracker.connectionClosed(u"bob"_s, wallNow());
    EXPECT_EQ(tracker.presence(u"bob"_s).status, PresenceStatus::Online);
    ASSERT_TRUE(changed.wait(2000));
    EXPECT_EQ(changed.last().at(0).value<Presence>().status, PresenceStatus::Offline);
    EXPECT_GT(tracker.presence(u"bob"_s).lastSeen, 0);
}

TEST(PresenceTracker, QuickReconnectDoesNotFlap)
{
    PresenceTracker tracker(100);
    QSignalSpy changed(&tracker, &PresenceTracker::changed);
    tracker.connectionOpened(u"carol"_s, wallNow());
    tracker.connectionClosed(u"carol"_s, wallNow());
    tracker.connectionOpened(u"carol"_s, wallNow());
    // Wait past the grace period: no offline may come.
    EXPECT_FALSE(changed.wait(300));
    EXPECT_EQ(changed.size(), 1);
    EXPECT_EQ(tracker.presence(u"carol"_s).status, PresenceStatus::Online);
}

TEST(PresenceTracker, SetStatusAndTextEmitsOnlyOnChange)
{
    PresenceTracker tracker(100);
    tracker.connectionOpened(u"dave"_s, 1);
    QSignalSpy changed(&tracker, &PresenceTracker::changed);
    tracker.set(u"dave"_s, PresenceStatus::Away, u"lunch"_s, 5);
    tracker.set(u"dave"_s, PresenceStatus::Away, u"lunch"_s, 6);
    ASSERT_EQ(changed.size(), 1);
    const auto presence = changed.at(0).at(0).value<Presence>();
    EXPECT_EQ(presence.status, PresenceStatus::Away);
    EXPECT_EQ(presence.text, u"lunch"_s);
    EXPECT_EQ(presence.since, 5);
    EXPECT_EQ(tracker.onlineUsers(), 1);
}

TEST(TypingTracker, ActiveIsRelayedAndExpires)
{
    TypingTracker tracker(60);
    QSignalSpy expired(&tracker, &TypingTracker::expired);
    EXPECT_TRUE(tracker.update(u"general"_s, u"alice"_s, true, monotonicNow()));
    EXPECT_EQ(tracker.typingIn(u"general"_s), QStringList{u"alice"_s});
    ASSERT_TRUE(expired.wait(2000));
    EXPECT_EQ(expired.at(0).at(0).toString(), u"general"_s);
    EXPECT_EQ(expired.at(0).at(1).toString(), u"alice"_s);
    EXPECT_TRUE(tracker.typingIn(u"general"_s).isEmpty());
}

TEST(TypingTracker, InactiveRelayedOnlyWhenTyping)
{
    TypingTracker tracker(6000);
    EXPECT_FALSE(tracker.update(u"general"_s, u"alice"_s, false, monotonicNow()));
    tracker.update(u"general"_s, u"alice"_s, true, monotonicNow());
    EXPECT_EQ(tracker.channelsOf(u"alice"_s), QStringList{u"general"_s});
    EXPECT_TRUE(tracker.update(u"general"_s, u"alice"_s, false, monotonicNow()));
    EXPECT_FALSE(tracker.stop(u"general"_s, u"alice"_s));
}
