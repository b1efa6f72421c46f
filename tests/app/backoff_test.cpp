// SPDX-License-Identifier: Apache-2.0
// Reconnect backoff: doubling from 0.5 s to 30 s, jitter within [base/2, base], reset
// after a session that stayed up a minute. Driven by a manual clock and fixed randomness.

#include "backoff.h"
#include "testclock.h"

#include <QList>

#include <gtest/gtest.h>

using namespace confab::client;
using confab::client::test::ManualClock;

TEST(Backoff, DoublesFromHalfASecondUpToThirtySeconds)
{
    ManualClock clock;
    Backoff backoff({}, clock.fn(), [] { return 1.0; });
    const QList<qint64> expected{500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000};
    for (qint64 delay : expected)
        EXPECT_EQ(backoff.nextDelayMs(), delay);
}

TEST(Backoff, JitterStaysBetweenHalfAndFullBase)
{
    ManualClock clock;
    Backoff low({}, clock.fn(), [] { return 0.0; });
    EXPECT_EQ(low.nextDelayMs(), 250);
    EXPECT_EQ(low.nextDelayMs(), 500);
    double r = 0.5;
    Backoff mid({}, clock.fn(), [&r] { return r; });
    EXPECT_EQ(mid.nextDelayMs(), 375);
    for (int i = 0; i < 20; ++i)
        mid.nextDelayMs();
    const qint64 capped = mid.nextDelayMs();
    EXPECT_GE(capped, 15000);
    EXPECT_LE(capped, 30000);
}

TEST(Backoff, StableMinuteResetsTheSequence)
{
    ManualClock clock;
    Backoff backoff({}, clock.fn(), [] { return 1.0; });
    backoff.nextDelayMs();
    backoff.nextDelayMs();
    backoff.nextDelayMs();
    EXPECT_EQ(backoff.currentBaseMs(), 4000);

    // A session that dies after 59 s does not reset.
    backoff.sessionStarted();
    clock.advance(59'000);
    backoff.sessionEnded();
    EXPECT_EQ(backoff.nextDelayMs(), 4000);

    // One that lasted a minute does.
    backoff.sessionStarted();
    clock.advance(60'000);
    backoff.sessionEnded();
    EXPECT_EQ(backoff.nextDelayMs(), 500);
}

TEST(Backoff, ResetStartsOver)
{
    ManualClock clock;
    Backoff backoff({}, clock.fn(), [] { return 1.0; });
    for (int i = 0; i < 10; ++i)
        backoff.nextDelayMs();
    backoff.reset();
    EXPECT_EQ(backoff.attempts(), 0);
    EXPECT_EQ(backoff.nextDelayMs(), 500);
}

TEST(Backoff, CustomPolicy)
{
    ManualClock clock;
    Backoff backoff({100, 350, 1000}, clock.fn(), [] { return 1.0; });
    EXPECT_EQ(backoff.nextDelayMs(), 100);
    EXPECT_EQ(backoff.nextDelayMs(), 200);
    EXPECT_EQ(backoff.nextDelayMs(), 350);
    EXPECT_EQ(backoff.nextDelayMs(), 350);
}
