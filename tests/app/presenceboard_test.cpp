// SPDX-License-Identifier: Apache-2.0
// The admin presence board (confabctl's console and the app's admin page): the snapshot,
// the events that keep it true, and the orders it shows.

#include "adminsamples.h"
#include "presenceboard.h"

#include <gtest/gtest.h>

using namespace Qt::StringLiterals;

namespace confab::client {
namespace {

constexpr qint64 t0 = test::sampleNowMs;
using test::sampleConnection;

QStringList names(const QList<const BoardUser *> &rows)
{
    QStringList out;
    for (const BoardUser *row : rows)
        out.append(row->presence.user);
    return out;
}

TEST(PresenceBoard, RowsComeOnlineAwayDndOfflineThenByName)
{
    PresenceBoard board;
    board.reset(test::sampleSnapshot(), t0);
    EXPECT_EQ(names(board.rows(PresenceBoard::Sort::Status)),
              (QStringList{u"bob"_s, u"amy"_s, u"dan"_s, u"zoe"_s}));
    EXPECT_EQ(names(board.rows(PresenceBoard::Sort::Name)),
              (QStringList{u"amy"_s, u"bob"_s, u"dan"_s, u"zoe"_s}));
    EXPECT_EQ(names(board.rows(PresenceBoard::Sort::Connections)).first(), u"bob"_s);
    EXPECT_EQ(names(board.rows(PresenceBoard::Sort::Idle)),
              (QStringList{u"amy"_s, u"bob"_s, u"dan"_s, u"zoe"_s}))
        << "the most idle connected first, offline last";
    EXPECT_EQ(names(board.rows(PresenceBoard::Sort::Status, u"O"_s)),
              (QStringList{u"bob"_s, u"zoe"_s}));
}

TEST(PresenceBoard, EventsChangeTheRowsInPlace)
{
    PresenceBoard board;
    board.reset(test::sampleSnapshot(), t0);

    Presence zoe{u"zoe"_s, PresenceStatus::Online, {}, t0 + 1000, t0 + 1000};
    const QString connected = board.apply(
        AdminPresenceEvent{AdminPresenceKind::Connect, zoe, sampleConnection(u"s9-z"_s), {}},
        t0 + 1000);
    EXPECT_EQ(connected, u"zoe connected: s9-z, confab-desktop/0.3 from 192.0.2.7"_s);
    ASSERT_TRUE(board.user(u"zoe"_s));
    EXPECT_EQ(board.user(u"zoe"_s)->connections.size(), 1);
    EXPECT_EQ(board.user(u"zoe"_s)->statusChangedAtMs, t0 + 1000);

    Presence bob{u"bob"_s, PresenceStatus::Online, {}, t0 - 7'200'000, t0 + 2000};
    const QString kicked = board.apply(
        AdminPresenceEvent{AdminPresenceKind::Disconnect, bob, sampleConnection(u"s3-b"_s), 4002},
        t0 + 2000);
    EXPECT_EQ(kicked, u"bob disconnected: s3-b (kicked)"_s);
    EXPECT_EQ(board.user(u"bob"_s)->connections.size(), 1);
    EXPECT_EQ(board.user(u"bob"_s)->statusChangedAtMs, 0) << "still online: no highlight";

    Presence away{u"bob"_s, PresenceStatus::Away, u"lunch"_s, t0 + 3000, t0 + 3000};
    EXPECT_EQ(board.apply(AdminPresenceEvent{AdminPresenceKind::Status, away, {}, {}}, t0 + 3000),
              u"bob is away (\"lunch\")"_s);
    EXPECT_EQ(names(board.rows(PresenceBoard::Sort::Status)),
              (QStringList{u"zoe"_s, u"amy"_s, u"bob"_s, u"dan"_s}));

    board.apply(AdminStatsEvent{ServerStatistics{}, {{u"s4-b"_s, 4096}}});
    EXPECT_EQ(board.user(u"bob"_s)->connections.first().unsentBytes, 4096);
    board.apply(AdminStatsEvent{ServerStatistics{}, {}});
    EXPECT_EQ(board.user(u"bob"_s)->connections.first().unsentBytes, 0) << "no backlog now";
}

TEST(PresenceBoard, IdleKeepsCountingBetweenEvents)
{
    PresenceBoard board;
    board.reset(test::sampleSnapshot(), t0);
    const BoardUser &amy = *board.user(u"amy"_s);
    EXPECT_EQ(PresenceBoard::idleMs(amy, amy.connections.first(), t0 + 30'000), 120'000);
}

} // namespace
} // namespace confab::client
