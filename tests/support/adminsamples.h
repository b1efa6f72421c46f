// SPDX-License-Identifier: Apache-2.0
#pragma once

// A sample admin.watch snapshot for the tests of what shows it (the presence board, the
// console's table, the app's admin page): four users, one per status, at a fixed time.

#include "replies.h"

namespace confab::test {

/// The moment the sample is taken, ms since the epoch.
inline constexpr qint64 sampleNowMs = 1'800'000'000'000;

inline ConnectionInfo sampleConnection(const QString &session, qint64 idleMs = 0)
{
    return {session,
            QStringLiteral("confab-desktop/0.3"),
            QStringLiteral("192.0.2.7"),
            sampleNowMs - 3'600'000,
            idleMs,
            {QStringLiteral("general")},
            true,
            0};
}

inline UserActivity sampleUser(const QString &name, PresenceStatus status,
                               QList<ConnectionInfo> connections = {})
{
    return {{name, status, {}, sampleNowMs - 7'200'000, sampleNowMs - 60'000}, connections};
}

/// zoe offline; dan dnd (1 connection); amy away (1, idle 90 s); bob online (2, one idle 5 s).
inline AdminWatchOk sampleSnapshot()
{
    return {
        {sampleUser(QStringLiteral("zoe"), PresenceStatus::Offline),
         sampleUser(QStringLiteral("dan"), PresenceStatus::Dnd,
                    {sampleConnection(QStringLiteral("s1-d"))}),
         sampleUser(QStringLiteral("amy"), PresenceStatus::Away,
                    {sampleConnection(QStringLiteral("s2-a"), 90'000)}),
         sampleUser(QStringLiteral("bob"), PresenceStatus::Online,
                    {sampleConnection(QStringLiteral("s3-b")),
                     sampleConnection(QStringLiteral("s4-b"), 5'000)})},
        ServerStatistics{3, 1, 1, 1, 1, 2.5, 1.0, 0, 3'600'000, 1 << 20, QStringLiteral("0.3.0")}};
}

} // namespace confab::test
