// SPDX-License-Identifier: Apache-2.0
// Day-one defects of the client engine (issue 13), without a server: server addresses as
// people type them, "last seen …" texts, drafts per channel that survive a restart, the
// text limit and taking a failed message back, display names and titles in the models.

#include "testclock.h"

#include "channellistmodel.h"
#include "chatclient.h"
#include "draftstore.h"
#include "lastseen.h"
#include "localdatabase.h"
#include "membermodel.h"
#include "messagemodel.h"
#include "outbox.h"
#include "presenceroster.h"
#include "serveraddress.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <memory>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::client;

namespace {

const QString example = u"use e.g. ws://chat.example.org:8765/ws."_s;

} // namespace

TEST(ServerAddress, NormalizesWhatPeopleType)
{
    const struct
    {
        QString typed;
        QString url;
    } accepted[] = {
        {u"localhost:8899"_s, u"ws://localhost:8899/ws"_s},
        {u"chat.example.org"_s, u"ws://chat.example.org/ws"_s},
        {u"  chat.example.org:8765  "_s, u"ws://chat.example.org:8765/ws"_s},
        {u"http://h:8080"_s, u"ws://h:8080/ws"_s},
        {u"https://h"_s, u"wss://h/ws"_s},
        {u"HTTPS://Chat.Example.org/"_s, u"wss://chat.example.org/ws"_s},
        {u"ws://h:9000"_s, u"ws://h:9000/ws"_s},
        {u"wss://h/ws"_s, u"wss://h/ws"_s},
        {u"wss://h/chat/ws"_s, u"wss://h/chat/ws"_s},
        {u"127.0.0.1:8765"_s, u"ws://127.0.0.1:8765/ws"_s},
        {u"[::1]:8765"_s, u"ws://[::1]:8765/ws"_s},
    };
    for (const auto &row : accepted) {
        SCOPED_TRACE(row.typed.toStdString());
        QString error = u"stale"_s;
        const auto url = normalizeServerUrl(row.typed, &error);
        ASSERT_TRUE(url.has_value()) << error.toStdString();
        EXPECT_EQ(url->toString(), row.url);
        EXPECT_TRUE(error.isEmpty());
    }
    const QString refused[] = {
        u"ftp://h"_s, u"mailto:bob@example.org"_s, u"chat example"_s, u"ws://"_s, u"h:notaport"_s,
        u"h:99999"_s, u"ws://bob@h/ws"_s,          u"://h"_s};
    for (const QString &typed : refused) {
        SCOPED_TRACE(typed.toStdString());
        QString error;
        EXPECT_FALSE(normalizeServerUrl(typed, &error).has_value());
        EXPECT_EQ(error, u"“%1” is not a server address; %2"_s.arg(typed, example));
    }
    QString error;
    EXPECT_FALSE(normalizeServerUrl(u"  "_s, &error).has_value());
    EXPECT_EQ(error, u"Enter the server's address, e.g. ws://chat.example.org:8765/ws."_s);
    QTemporaryDir dir;
    const ChatClient client(dir.path());
    EXPECT_EQ(client.addressProblem(u"gopher://h"_s),
              u"“gopher://h” is not a server address; %1"_s.arg(example));
    EXPECT_TRUE(client.addressProblem(u"h:1"_s).isEmpty());
}

TEST(LastSeen, Table)
{
    const QTimeZone utc = QTimeZone::utc();
    // Thursday 3 December 2026, 14:00 UTC.
    const qint64 now = QDateTime(QDate(2026, 12, 3), QTime(14, 0), utc).toMSecsSinceEpoch();
    const qint64 min = 60'000;
    const qint64 hour = 60 * min;
    const struct
    {
        qint64 seen;
        QString text;
    } table[] = {
        {0, QString()},
        {now, u"last seen just now"_s},
        {now + 5 * min, u"last seen just now"_s}, // another device's clock runs ahead
        {now - 59'000, u"last seen just now"_s},
        {now - 5 * min, u"last seen 5 min ago"_s},
        {now - 59 * min, u"last seen 59 min ago"_s},
        {now - 2 * hour, u"last seen 2 h ago"_s},
        {now - 13 * hour - 59 * min, u"last seen 13 h ago"_s}, // 00:01 today
        {now - 14 * hour - min, u"last seen yesterday"_s},     // 23:59 yesterday
        {now - 37 * hour, u"last seen yesterday"_s},
        {now - 39 * hour, u"last seen 1 Dec"_s},
        {QDateTime(QDate(2026, 1, 9), QTime(8, 0), utc).toMSecsSinceEpoch(), u"last seen 9 Jan"_s},
        {QDateTime(QDate(2025, 12, 3), QTime(8, 0), utc).toMSecsSinceEpoch(),
         u"last seen 3 Dec 2025"_s},
    };
    for (const auto &row : table) {
        SCOPED_TRACE(row.text.toStdString());
        EXPECT_EQ(lastSeenText(row.seen, now, utc), row.text);
    }
    // Shortly after midnight, a few hours ago is still "h ago", not "yesterday".
    const qint64 justAfterMidnight =
        QDateTime(QDate(2026, 12, 3), QTime(1, 0), utc).toMSecsSinceEpoch();
    EXPECT_EQ(lastSeenText(justAfterMidnight - 3 * hour, justAfterMidnight, utc),
              u"last seen 3 h ago"_s);
}

TEST(DraftStore, DebouncedWritesThatSurviveReopening)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"client.sqlite"_s);
    {
        LocalDatabase db(path);
        ASSERT_TRUE(db.open());
        DraftStore drafts(db.database(), 50);
        drafts.setDraft(u"general"_s, u"hello wor"_s);
        drafts.setDraft(u"random"_s, u"other text"_s);
        EXPECT_EQ(drafts.draft(u"general"_s), u"hello wor"_s);
        EXPECT_EQ(drafts.draft(u"random"_s), u"other text"_s);
        EXPECT_TRUE(drafts.draft(u"design"_s).isEmpty());
        // Nothing on disk yet: keystrokes are not each a write.
        QSqlQuery count(db.database());
        ASSERT_TRUE(count.exec(u"SELECT COUNT(*) FROM drafts"_s) && count.next());
        EXPECT_EQ(count.value(0).toInt(), 0);
        // Written once typing pauses.
        ASSERT_TRUE(QTest::qWaitFor(
            [&] {
                QSqlQuery q(db.database());
                return q.exec(u"SELECT COUNT(*) FROM drafts"_s) && q.next() &&
                       q.value(0).toInt() == 2;
            },
            5000));
        drafts.setDraft(u"general"_s, u"hello world"_s);
        drafts.setDraft(u"random"_s, u"   "_s); // whitespace only: no draft
        EXPECT_TRUE(drafts.draft(u"random"_s).isEmpty());
    } // destroyed before its timer fired: it writes on the way out
    LocalDatabase db(path);
    ASSERT_TRUE(db.open());
    DraftStore drafts(db.database());
    EXPECT_EQ(drafts.draft(u"general"_s), u"hello world"_s);
    EXPECT_TRUE(drafts.draft(u"random"_s).isEmpty());
}

TEST(LocalDatabase, MigratesAVersion1FileAndKeepsItsRows)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"client.sqlite"_s);
    {
        // A database as version 1 of the app left it (its schema, by hand).
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"v1-fixture"_s);
        db.setDatabaseName(path);
        ASSERT_TRUE(db.open());
        QSqlQuery q(db);
        for (const QString &sql :
             {u"CREATE TABLE channels(name TEXT PRIMARY KEY, topic TEXT NOT NULL DEFAULT '',"
              u" synced_seq INTEGER NOT NULL DEFAULT 0, last_read_seq INTEGER NOT NULL "
              u"DEFAULT 0)"_s,
              u"CREATE TABLE messages(channel TEXT NOT NULL, seq INTEGER NOT NULL, mid TEXT NOT "
              u"NULL, cid TEXT NOT NULL, author TEXT NOT NULL, ts INTEGER NOT NULL, text TEXT "
              u"NOT NULL, PRIMARY KEY(channel, seq)) WITHOUT ROWID"_s,
              u"CREATE TABLE outbox(id INTEGER PRIMARY KEY AUTOINCREMENT, cid TEXT NOT NULL "
              u"UNIQUE, channel TEXT NOT NULL, text TEXT NOT NULL, created INTEGER NOT NULL,"
              u" failed_reason TEXT)"_s,
              u"CREATE INDEX messages_cid ON messages(channel, cid)"_s,
              u"INSERT INTO channels(name) VALUES('general')"_s,
              u"INSERT INTO messages VALUES('general', 1, 'm1', 'c1', 'bob', 1, 'kept')"_s,
              u"INSERT INTO outbox(cid, channel, text, created) VALUES('c2', 'general', "
              u"'queued', 2)"_s,
              u"PRAGMA user_version=1"_s})
            ASSERT_TRUE(q.exec(sql)) << sql.toStdString();
        db.close();
    }
    QSqlDatabase::removeDatabase(u"v1-fixture"_s);

    LocalDatabase db(path);
    ASSERT_TRUE(db.open());
    EXPECT_TRUE(db.movedAsidePath().isEmpty());
    QSqlQuery q(db.database());
    ASSERT_TRUE(q.exec(u"PRAGMA user_version"_s) && q.next());
    EXPECT_EQ(q.value(0).toInt(), LocalDatabase::schemaVersion);
    ASSERT_TRUE(q.exec(u"SELECT text FROM messages"_s) && q.next());
    EXPECT_EQ(q.value(0).toString(), u"kept"_s);
    ASSERT_TRUE(q.exec(u"SELECT text FROM outbox"_s) && q.next());
    EXPECT_EQ(q.value(0).toString(), u"queued"_s);
    DraftStore drafts(db.database(), 0);
    drafts.setDraft(u"general"_s, u"new in v2"_s);
    EXPECT_TRUE(drafts.flush());
}

TEST(ChatClientDrafts, OnePerChannelAcrossRestartsClearedWhenSent)
{
    QTemporaryDir dir;
    {
        ChatClient client(dir.path());
        ASSERT_TRUE(client.start());
        client.setDraft(u"general"_s, u"for general"_s);
        client.saveDraft(u"random"_s, u"for random"_s);
        EXPECT_EQ(client.draft(u"general"_s), u"for general"_s);
        EXPECT_EQ(client.draft(u"random"_s), u"for random"_s);
        EXPECT_TRUE(client.draft(u"design"_s).isEmpty()); // does not follow into another
    }
    ChatClient client(dir.path());
    ASSERT_TRUE(client.start());
    EXPECT_EQ(client.draft(u"general"_s), u"for general"_s);
    EXPECT_EQ(client.draft(u"random"_s), u"for random"_s);
    EXPECT_FALSE(client.sendMessage(u"general"_s, u"for general"_s).isEmpty()); // queued offline
    EXPECT_TRUE(client.draft(u"general"_s).isEmpty());
    EXPECT_EQ(client.draft(u"random"_s), u"for random"_s);
}

TEST(ChatClientSend, RefusesTextOverTheLimitAndTakesBackFailedMessages)
{
    QTemporaryDir dir;
    ChatClient client(dir.path());
    ASSERT_TRUE(client.start());
    EXPECT_EQ(client.maxTextBytes(), 16384);
    const QString longest(16384, u'x');
    EXPECT_EQ(client.bytesLeft(longest), 0);
    EXPECT_EQ(client.bytesLeft(longest + u"é"_s), -2);
    QSignalSpy errorChanged(&client, &ChatClient::sendErrorChanged);
    EXPECT_TRUE(client.sendMessage(u"general"_s, longest + u"é"_s).isEmpty());
    EXPECT_EQ(client.sendError(),
              u"The message is too long: 16386 bytes, and this server takes at most 16384."_s);
    EXPECT_EQ(errorChanged.count(), 1);
    EXPECT_EQ(client.outbox()->count(), 0);

    const QString cid = client.sendMessage(u"general"_s, u"will fail"_s);
    ASSERT_FALSE(cid.isEmpty());
    EXPECT_TRUE(client.sendError().isEmpty());
    MessageModel *model = client.messageModel(u"general"_s);
    ASSERT_EQ(model->rowCount(), 1);
    // Pending (maybe on the wire): not taken back.
    EXPECT_TRUE(client.takeBackFailed(cid).isEmpty());
    ASSERT_TRUE(client.outbox()->markFailed(cid, u"You may not write in this channel."_s));
    EXPECT_EQ(client.takeBackFailed(cid), u"will fail"_s);
    EXPECT_EQ(client.outbox()->count(), 0);
    EXPECT_EQ(model->rowCount(), 0);
    EXPECT_TRUE(client.takeBackFailed(cid).isEmpty()); // once
}

TEST(MemberModel, DisplayNamesAndLastSeenText)
{
    client::test::ManualClock wall;
    const qint64 now = 1'764'770'400'000; // 3 Dec 2025, 14:00 UTC
    wall.advance(now - wall.now());
    PresenceRoster roster;
    MemberModel model(u"general"_s);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setWallClock(wall.fn());
    roster.setDisplayName(u"bob"_s, u"Bob Builder"_s);
    model.setMembers({{u"bob"_s, PresenceStatus::Online}, {u"carol"_s, PresenceStatus::Offline}});
    model.setDisplayName(u"bob"_s, roster.displayName(u"bob"_s));
    auto data = [&](const QString &user, int role) {
        return model.index(model.rowOf(user)).data(role).toString();
    };
    EXPECT_EQ(data(u"bob"_s, MemberModel::DisplayNameRole), u"Bob Builder"_s);
    EXPECT_EQ(data(u"carol"_s, MemberModel::DisplayNameRole), u"carol"_s); // the fallback
    EXPECT_EQ(roster.displayName(u"carol"_s), u"carol"_s);
    EXPECT_TRUE(data(u"bob"_s, MemberModel::LastSeenTextRole).isEmpty());   // online
    EXPECT_TRUE(data(u"carol"_s, MemberModel::LastSeenTextRole).isEmpty()); // unknown
    model.applyPresence({u"carol"_s, PresenceStatus::Offline, {}, 0, now - 5 * 60'000});
    EXPECT_EQ(data(u"carol"_s, MemberModel::LastSeenTextRole), u"last seen 5 min ago"_s);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    wall.advance(60 * 60'000);
    model.refreshLastSeen();
    EXPECT_EQ(changed.count(), 1); // carol's row only
    EXPECT_EQ(data(u"carol"_s, MemberModel::LastSeenTextRole), u"last seen 1 h ago"_s);
    EXPECT_EQ(model.roleNames().value(MemberModel::DisplayNameRole), "displayName");
    EXPECT_EQ(model.roleNames().value(MemberModel::LastSeenTextRole), "lastSeenText");
}

TEST(ChannelListModel, DirectConversationsAreTitledWithTheOtherPerson)
{
    ChannelListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QHash<QString, QString> names{{u"alice"_s, u"Alice"_s}};
    model.setDisplayNames([&names](const QString &user) { return names.value(user, user); });
    model.setOwnUser(u"bob"_s);
    model.upsert(u"general"_s, {});
    model.upsert(u"dm:alice:bob"_s, {});
    model.upsert(u"dm:bob:carol"_s, {});
    auto row = [&](const QString &channel) { return model.index(model.rowOf(channel)); };
    EXPECT_EQ(row(u"general"_s).data(ChannelListModel::TitleRole).toString(), u"general"_s);
    EXPECT_FALSE(row(u"general"_s).data(ChannelListModel::IsDirectRole).toBool());
    EXPECT_TRUE(row(u"general"_s).data(ChannelListModel::OtherUserRole).toString().isEmpty());
    EXPECT_EQ(row(u"dm:alice:bob"_s).data(ChannelListModel::TitleRole).toString(), u"Alice"_s);
    EXPECT_EQ(row(u"dm:alice:bob"_s).data(ChannelListModel::OtherUserRole).toString(), u"alice"_s);
    EXPECT_TRUE(row(u"dm:alice:bob"_s).data(ChannelListModel::IsDirectRole).toBool());
    EXPECT_EQ(row(u"dm:bob:carol"_s).data(ChannelListModel::TitleRole).toString(), u"carol"_s);

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    names.insert(u"carol"_s, u"Carol D."_s);
    model.displayNameChanged(u"carol"_s);
    ASSERT_EQ(changed.count(), 1);
    EXPECT_EQ(changed.at(0).at(0).value<QModelIndex>().row(), model.rowOf(u"dm:bob:carol"_s));
    EXPECT_EQ(row(u"dm:bob:carol"_s).data(ChannelListModel::TitleRole).toString(), u"Carol D."_s);
    // Signed in as alice on this device later: the same conversation is titled with bob.
    model.setOwnUser(u"alice"_s);
    EXPECT_EQ(row(u"dm:alice:bob"_s).data(ChannelListModel::TitleRole).toString(), u"bob"_s);
    EXPECT_EQ(model.roleNames().value(ChannelListModel::TitleRole), "title");
    EXPECT_EQ(model.roleNames().value(ChannelListModel::OtherUserRole), "otherUser");
}
