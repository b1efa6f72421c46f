// SPDX-License-Identifier: Apache-2.0
// confabctl's parts on their own: the table and duration texts, fingerprints and the kept
// sign-ins.

#include "adminsamples.h"
#include "presencetext.h"
#include "savedlogins.h"
#include "serverlink.h"

#include <QFileInfo>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace Qt::StringLiterals;

namespace confab::ctl {
namespace {

constexpr qint64 t0 = test::sampleNowMs;

TEST(PresenceText, TableShowsUsersAndTheirConnectionsBelow)
{
    PresenceBoard board;
    board.reset(test::sampleSnapshot(), t0);
    const QStringList lines =
        presenceTable(board.rows(PresenceBoard::Sort::Status), allColumns(), t0);
    ASSERT_EQ(lines.size(), 1 + 4 + 4); // heading, users, connections
    EXPECT_TRUE(lines[0].startsWith(u"USER"_s));
    EXPECT_TRUE(lines[1].startsWith(u"bob "_s));
    EXPECT_TRUE(lines[1].contains(u"online 2h"_s)) << lines[1].toStdString();
    EXPECT_TRUE(lines[2].startsWith(u"  s3-b"_s)) << lines[2].toStdString();
    EXPECT_TRUE(lines[2].contains(u"confab-desktop 0.3"_s));
    EXPECT_TRUE(lines[2].contains(u"tls"_s));
    EXPECT_TRUE(lines[2].contains(u"1h ago"_s));
    EXPECT_TRUE(lines[3].contains(u"idle 5s"_s)) << lines[3].toStdString();
    EXPECT_TRUE(lines.last().startsWith(u"zoe "_s));
    EXPECT_TRUE(lines.last().contains(u"1m ago"_s)) << "last seen of an offline user";

    QString why;
    const auto columns = parseColumns(u"user,status"_s, &why);
    ASSERT_TRUE(columns);
    EXPECT_EQ(presenceTable(board.rows(PresenceBoard::Sort::Status), *columns, t0).size(), 5)
        << "no connection columns: no connection lines";
    EXPECT_FALSE(parseColumns(u"user,colour"_s, &why));
    EXPECT_TRUE(why.contains(u"colour"_s));
}

TEST(PresenceText, DurationsAndSizes)
{
    EXPECT_EQ(shortDuration(45'000), u"45s"_s);
    EXPECT_EQ(shortDuration(12 * 60'000), u"12m"_s);
    EXPECT_EQ(shortDuration(2 * 3'600'000 + 1), u"2h"_s);
    EXPECT_EQ(shortDuration(3 * 86'400'000), u"3d"_s);
    EXPECT_EQ(parseDuration(u"10m"_s), 600'000);
    EXPECT_EQ(parseDuration(u"90"_s), 90'000);
    EXPECT_EQ(parseDuration(u"1d"_s), 86'400'000);
    EXPECT_FALSE(parseDuration(u"soon"_s));
    EXPECT_FALSE(parseDuration(u"-5m"_s));
    EXPECT_EQ(bytesText(512), u"512 B"_s);
    EXPECT_EQ(bytesText(4096), u"4 KiB"_s);
    EXPECT_EQ(bytesText(3 * 1024 * 1024 + 400 * 1024), u"3.4 MiB"_s);
}

TEST(Fingerprints, ParseTheFormsPeopleCopy)
{
    const QByteArray digest = QByteArray::fromHex(QByteArray(64, 'a'));
    const QString text = fingerprintText(digest);
    EXPECT_EQ(text.size(), 32 * 3 - 1);
    EXPECT_EQ(parseFingerprint(text), digest);
    EXPECT_EQ(parseFingerprint(QString(64, u'A')), digest);
    EXPECT_EQ(parseFingerprint(u"SHA256:"_s + text.toLower()), digest);
    EXPECT_FALSE(parseFingerprint(QString(63, u'a')));
    EXPECT_FALSE(parseFingerprint(QString(64, u'g')));
}

TEST(SavedLogins, KeepsOneLoginPerServerInAFileOnlyTheOwnerReads)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    SavedLogins logins(dir.filePath(u"confab/logins.json"_s));
    const QUrl a(u"ws://a.example:8765/ws"_s);
    const QUrl b(u"wss://b.example/ws"_s);
    QString why;
    EXPECT_FALSE(logins.find(a));
    ASSERT_TRUE(logins.save(a, {u"root"_s, u"token-a"_s}, &why)) << why.toStdString();
    ASSERT_TRUE(logins.save(b, {u"ops"_s, u"token-b"_s}, &why));
    EXPECT_EQ(logins.find(a)->token, u"token-a"_s);
    EXPECT_EQ(logins.find(QUrl(u"ws://a.example:8765/ws/"_s))->user, u"root"_s)
        << "a trailing slash is the same server";
    EXPECT_EQ(QFileInfo(dir.filePath(u"confab/logins.json"_s)).permissions() &
                  (QFileDevice::ReadGroup | QFileDevice::ReadOther),
              QFileDevice::Permissions());
    EXPECT_TRUE(logins.forget(a, &why));
    EXPECT_FALSE(logins.find(a));
    EXPECT_EQ(logins.find(b)->user, u"ops"_s);
    EXPECT_FALSE(logins.forget(a, &why));
}

} // namespace
} // namespace confab::ctl
