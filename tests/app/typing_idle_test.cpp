// SPDX-License-Identifier: Apache-2.0
// Typing (outgoing throttle and idle stop, incoming expiry) and idle -> away, all on a
// manual clock: no sleeps.

#include "idlemonitor.h"
#include "testclock.h"
#include "typingboard.h"
#include "typingnotifier.h"

#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace Qt::StringLiterals;
using namespace confab::client;
using confab::client::test::ManualClock;

namespace {
QList<bool> actives(const QSignalSpy &spy)
{
    QList<bool> result;
    for (const auto &args : spy)
        result.append(args.at(1).toBool());
    return result;
}
} // namespace

TEST(TypingNotifier, SendsAtMostEveryThreeSecondsWhileTheDraftChanges)
{
    ManualClock clock;
    TypingNotifier notifier(clock.fn());
    QSignalSpy spy(&notifier, &TypingNotifier::notice);
    notifier.draftChanged(u"general"_s, u"h"_s);
    for (int i = 0; i < 5; ++i) {
        clock.advance(500);
        notifier.draftChanged(u"general"_s, u"he"_s);
    }
    EXPECT_EQ(actives(spy), QList<bool>{true}); // 2.5 s: still one
    clock.advance(500);
    notifier.draftChanged(u"general"_s, u"hel"_s);
    EXPECT_EQ(actives(spy), (QList<bool>{true, true})); // 3 s: refreshed
    EXPECT_EQ(spy.at(0).at(0).toString(), u"general"_s);
}

TEST(TypingNotifier, StopsOnSendClearAndFiveSecondsIdle)
{
    ManualClock clock;
    TypingNotifier notifier(clock.fn());
    QSignalSpy spy(&notifier, &TypingNotifier::notice);

    notifier.draftChanged(u"a"_s, u"x"_s);
    notifier.draftSent(u"a"_s);
    EXPECT_EQ(actives(spy), (QList<bool>{true, false}));

    notifier.draftChanged(u"a"_s, u"x"_s);
    notifier.draftChanged(u"a"_s, QString());
    EXPECT_EQ(actives(spy), (QList<bool>{true, false, true, false}));

    spy.clear();
    notifier.draftChanged(u"a"_s, u"x"_s);
    clock.advance(4999);
    notifier.tick();
    EXPECT_EQ(actives(spy), QList<bool>{true});
    clock.advance(1);
    notifier.tick();
    EXPECT_EQ(actives(spy), (QList<bool>{true, false}));
    // Nothing more once stopped.
    notifier.draftSent(u"a"_s);
    clock.advance(10000);
    notifier.tick();
    EXPECT_EQ(spy.size(), 2);
}

TEST(TypingBoard, ActiveStateExpiresAfterSixSecondsWithoutRefresh)
{
    ManualClock clock;
    TypingBoard board(clock.fn());
    QSignalSpy spy(&board, &TypingBoard::changed);
    board.apply(u"general"_s, u"bob"_s, true);
    board.apply(u"general"_s, u"carol"_s, true);
    EXPECT_EQ(board.typing(u"general"_s), (QStringList{u"bob"_s, u"carol"_s}));

    clock.advance(3000);
    board.apply(u"general"_s, u"carol"_s, true); // refresh: no change signal
    EXPECT_EQ(spy.size(), 2);
    clock.advance(2999);
    board.tick();
    EXPECT_TRUE(board.isTyping(u"general"_s, u"bob"_s));
    clock.advance(1);
    board.tick();
    EXPECT_FALSE(board.isTyping(u"general"_s, u"bob"_s));
    EXPECT_TRUE(board.isTyping(u"general"_s, u"carol"_s));
    clock.advance(3000);
    board.tick();
    EXPECT_TRUE(board.typing(u"general"_s).isEmpty());
    ASSERT_EQ(spy.size(), 4);
    EXPECT_FALSE(spy.at(3).at(2).toBool());
}

TEST(TypingBoard, ExplicitStopAndReset)
{
    ManualClock clock;
    TypingBoard board(clock.fn());
    board.apply(u"c"_s, u"bob"_s, true);
    board.apply(u"c"_s, u"bob"_s, false);
    EXPECT_TRUE(board.typing(u"c"_s).isEmpty());
    board.resetChannel(u"c"_s, {u"dave"_s});
    EXPECT_EQ(board.typing(u"c"_s), QStringList{u"dave"_s});
    board.clear();
    EXPECT_TRUE(board.typing(u"c"_s).isEmpty());
}

TEST(IdleMonitor, AwayAfterFiveMinutesAndBackOnInput)
{
    ManualClock clock;
    IdleMonitor idle(clock.fn());
    QSignalSpy spy(&idle, &IdleMonitor::awayChanged);
    clock.advance(4 * 60 * 1000);
    idle.tick();
    EXPECT_FALSE(idle.isAway());
    idle.activity(); // resets the five minutes
    clock.advance(4 * 60 * 1000 + 59 * 1000);
    idle.tick();
    EXPECT_FALSE(idle.isAway());
    clock.advance(1000);
    idle.tick();
    EXPECT_TRUE(idle.isAway());
    idle.tick();
    EXPECT_EQ(spy.size(), 1);
    idle.activity();
    EXPECT_FALSE(idle.isAway());
    ASSERT_EQ(spy.size(), 2);
    EXPECT_FALSE(spy.at(1).at(0).toBool());
}
