// SPDX-License-Identifier: Apache-2.0
#include "ratelimiter.h"

#include <gtest/gtest.h>

using confab::server::RateLimiter;

TEST(RateLimiter, AllowsTheBurstThenAsksToWait)
{
    RateLimiter limiter(20, 5);
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(limiter.take(1000), 0) << "take " << i;
    const qint64 wait = limiter.take(1000);
    EXPECT_GT(wait, 0);
    EXPECT_LE(wait, 50); // one token every 50 ms at 20/s
}

TEST(RateLimiter, RefillsAtTheSustainedRate)
{
    RateLimiter limiter(10, 1);
    EXPECT_EQ(limiter.take(1000), 0);
    EXPECT_GT(limiter.take(1050), 0); // half a token back
    EXPECT_EQ(limiter.take(1100), 0); // a whole token after 100 ms
}

TEST(RateLimiter, NeverHoldsMoreThanTheBurst)
{
    RateLimiter limiter(100, 3);
    EXPECT_EQ(limiter.take(1000), 0);
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(limiter.take(100000), 0);
    EXPECT_GT(limiter.take(100000), 0);
}
