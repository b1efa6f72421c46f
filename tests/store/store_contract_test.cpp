// SPDX-License-Identifier: Apache-2.0
// The store contract (server/src/store/stores.h): one typed suite that every implementation
// of AccountStore, ChannelStore and MessageStore must pass. SQLite is the one today (on a
// connection the caller keeps, and owning its connections as the MessageWriter's store); a
// PostgreSQL store joins by adding its fixture to StoreImplementations.
//
// A fixture has open(error), stores() (a fresh, empty store) and openAnother(error): a
// second store object on the same data, with connections of its own (as confabctl or
// another server node would have), returned as an owner of something with stores().

#include "database.h"
#include "sqlitestores.h"

#include <QSet>
#include <QStringList>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::store;

namespace {

/// A fresh SQLite store in a temporary directory, on a Database the fixture keeps (as the
/// server's event loop has it).
class SqliteFixture
{
public:
    bool open(QString *error)
    {
        return m_db.open(path(), error) && (m_stores = std::make_unique<SqliteStores>(m_db), true);
    }
    Stores stores() { return m_stores->stores(); }
    std::unique_ptr<SqliteStores> openAnother(QString *error)
    {
        return SqliteStores::open(path(), error);
    }

private:
    QString path() const { return m_dir.filePath(u"confab.db"_s); }

    QTemporaryDir m_dir;
    Database m_db;
    std::unique_ptr<SqliteStores> m_stores;
};

/// The same, owning its connections (SqliteStores::open, as the MessageWriter's store).
class OwningSqliteFixture
{
public:
    bool open(QString *error) { return (m_stores = SqliteStores::open(path(), error)) != nullptr; }
    Stores stores() { return m_stores->stores(); }
    std::unique_ptr<SqliteStores> openAnother(QString *error)
    {
        return SqliteStores::open(path(), error);
    }

private:
    QString path() const { return m_dir.filePath(u"confab.db"_s); }

    QTemporaryDir m_dir;
    std::unique_ptr<SqliteStores> m_stores;
};

template <typename Fixture> class StoreContract : public ::testing::Test
{
protected:
    void SetUp() override
    {
        QString error;
        ASSERT_TRUE(fixture.open(&error)) << error.toStdString();
    }

    AccountStore &accounts() { return fixture.stores().accounts; }
    ChannelStore &channels() { return fixture.stores().channels; }
    MessageStore &messages() { return fixture.stores().messages; }

    UserRecord addUser(const QString &name, Role role = Role::User)
    {
        QString error;
        const auto record =
            accounts().addUser(UserInfo{name, name.toUpper(), role}, u"h"_s, &error);
        EXPECT_TRUE(record) << error.toStdString();
        return record.value_or(UserRecord{});
    }

    ChannelRecord createChannel(const QString &name, bool isPrivate = false,
                                const QString &creator = u"alice"_s)
    {
        QString error;
        bool conflict = false;
        const auto record =
            channels().createChannel(name, u"topic"_s, isPrivate, creator, &error, &conflict);
        EXPECT_TRUE(record) << error.toStdString();
        return record.value_or(ChannelRecord{});
    }

    PublishJob job(const ChannelRecord &channel, const QString &from, const QString &cid,
                   quint64 ticket = 0)
    {
        return PublishJob{ticket, channel.id, channel.channel.name, from, cid, u"text "_s + cid};
    }

    static QList<qint64> seqs(const QList<Message> &messages)
    {
        QList<qint64> out;
        for (const Message &m : messages)
            out.append(m.seq);
        return out;
    }

    Fixture fixture;
};

using StoreImplementations = ::testing::Types<SqliteFixture, OwningSqliteFixture>;
TYPED_TEST_SUITE(StoreContract, StoreImplementations);

// ---- accounts and tokens ----------------------------------------------------------------

TYPED_TEST(StoreContract, AccountsAreFoundByNameAndIdAndNamesAreUnique)
{
    const UserRecord alice = this->addUser(u"alice"_s, Role::Admin);
    EXPECT_EQ(this->accounts().findUser(u"alice"_s)->info.role, Role::Admin);
    EXPECT_EQ(this->accounts().findUserById(alice.id)->info.name, u"alice"_s);
    EXPECT_FALSE(this->accounts().findUser(u"nobody"_s));
    QString error;
    EXPECT_FALSE(this->accounts().addUser(UserInfo{u"alice"_s, {}, Role::User}, u"h"_s, &error));
    EXPECT_FALSE(error.isEmpty());
    this->addUser(u"bob"_s);
    EXPECT_EQ(this->accounts().users().size(), 2);
}

TYPED_TEST(StoreContract, AccountChangesAreKept)
{
    this->addUser(u"alice"_s);
    QString error;
    ASSERT_TRUE(this->accounts().setDisabled(u"alice"_s, true, &error));
    ASSERT_TRUE(this->accounts().setRole(u"alice"_s, Role::Admin, &error));
    ASSERT_TRUE(this->accounts().setPasswordHash(u"alice"_s, u"new"_s, &error));
    const auto alice = this->accounts().findUser(u"alice"_s);
    EXPECT_TRUE(alice->disabled);
    EXPECT_EQ(alice->info.role, Role::Admin);
    EXPECT_EQ(alice->passwordHash, u"new"_s);
    EXPECT_FALSE(this->accounts().setRole(u"ghost"_s, Role::Admin, &error));
}

TYPED_TEST(StoreContract, TokensLiveUntilTheyExpireOrAreRevoked)
{
    const UserRecord alice = this->addUser(u"alice"_s);
    QString error;
    const auto first = this->accounts().issueToken(alice.id, 1000, 500, &error);
    const auto second = this->accounts().issueToken(alice.id, 1000, 500, &error);
    ASSERT_TRUE(first && second) << error.toStdString();
    EXPECT_NE(*first, *second);
    EXPECT_EQ(this->accounts().tokenUser(*first, 1200), alice.id);
    EXPECT_FALSE(this->accounts().tokenUser(*first, 1600)); // expired
    EXPECT_FALSE(this->accounts().tokenUser(u"made up"_s, 1200));
    EXPECT_TRUE(this->accounts().revokeToken(*first));
    EXPECT_FALSE(this->accounts().revokeToken(*first));
    EXPECT_FALSE(this->accounts().tokenUser(*first, 1200));
    EXPECT_EQ(this->accounts().revokeTokens(alice.id), 1);
    EXPECT_FALSE(this->accounts().tokenUser(*second, 1200));
}

TYPED_TEST(StoreContract, LiveTokensAreTheOnesIssuedAndNotRevoked)
{
    const UserRecord alice = this->addUser(u"alice"_s);
    const UserRecord bob = this->addUser(u"bob"_s);
    QString error;
    // Long expired by the clock: expiry is not looked at, only revocation ends a session.
    const auto first = this->accounts().issueToken(alice.id, 1000, 500, &error);
    const auto second = this->accounts().issueToken(alice.id, 1000, 500, &error);
    const auto bobs = this->accounts().issueToken(bob.id, 1000, 500, &error);
    ASSERT_TRUE(first && second && bobs) << error.toStdString();
    const QStringList all{*first, *second, *bobs};

    auto live = this->accounts().liveTokens(all + QStringList{u"made up"_s, *first});
    ASSERT_TRUE(live);
    EXPECT_EQ(*live, (QSet<QString>{*first, *second, *bobs}));
    EXPECT_TRUE(this->accounts().revokeToken(*first));
    EXPECT_EQ(this->accounts().liveTokens(all), (QSet<QString>{*second, *bobs}));
    EXPECT_EQ(this->accounts().revokeTokens(alice.id), 1);
    EXPECT_EQ(this->accounts().liveTokens(all), (QSet<QString>{*bobs}));
    EXPECT_EQ(this->accounts().liveTokens({}), QSet<QString>{});

    // Many at once (a server's every open session): the live one is found among them.
    QStringList many;
    for (int i = 0; i < 1500; ++i)
        many.append(u"unknown-%1"_s.arg(i));
    many.insert(1234, *bobs);
    EXPECT_EQ(this->accounts().liveTokens(many), (QSet<QString>{*bobs}));
}

TYPED_TEST(StoreContract, TheChangeMarkerMovesWhenAnotherStoreChangesAccounts)
{
    this->addUser(u"alice"_s);
    const UserRecord bob = this->addUser(u"bob"_s);
    QString error;
    const auto token = this->accounts().issueToken(bob.id, 1000, 500, &error);
    ASSERT_TRUE(token) << error.toStdString();
    auto other = this->fixture.openAnother(&error); // as confabctl, or another node
    ASSERT_TRUE(other) << error.toStdString();
    AccountStore &theirs = other->stores().accounts;

    const qint64 start = this->accounts().changeMarker();
    EXPECT_NE(start, -1);
    // Nothing changed: reads, here or there, leave it where it is.
    EXPECT_EQ(theirs.users().size(), 2);
    EXPECT_TRUE(theirs.findUser(u"bob"_s));
    EXPECT_TRUE(this->accounts().findUser(u"bob"_s));
    EXPECT_EQ(this->accounts().changeMarker(), start);
    EXPECT_EQ(this->accounts().changeMarker(), start);

    // A revocation made through the other store moves it, and then it stays.
    EXPECT_TRUE(theirs.revokeToken(*token));
    const qint64 afterRevoke = this->accounts().changeMarker();
    EXPECT_NE(afterRevoke, start);
    EXPECT_NE(afterRevoke, -1);
    EXPECT_EQ(this->accounts().changeMarker(), afterRevoke);
    EXPECT_EQ(this->accounts().liveTokens({*token}), QSet<QString>{}); // and it is seen here

    // So does a role given there.
    ASSERT_TRUE(theirs.setRole(u"alice"_s, Role::Admin, &error)) << error.toStdString();
    EXPECT_NE(this->accounts().changeMarker(), afterRevoke);
    EXPECT_EQ(this->accounts().findUser(u"alice"_s)->info.role, Role::Admin);
}

// ---- channels and members ---------------------------------------------------------------

TYPED_TEST(StoreContract, NewAccountsStartInGeneral)
{
    this->addUser(u"alice"_s);
    const auto mine = this->channels().memberOf(u"alice"_s);
    ASSERT_EQ(mine.size(), 1);
    EXPECT_EQ(mine.first().channel.name, u"general"_s);
}

TYPED_TEST(StoreContract, ChannelNamesAreUniqueAndTheCreatorIsAMember)
{
    const ChannelRecord design = this->createChannel(u"design"_s);
    EXPECT_EQ(this->channels().findChannel(u"design"_s)->id, design.id);
    EXPECT_EQ(this->channels().members(design.id), QStringList{u"alice"_s});
    EXPECT_EQ(this->channels().createdBy(u"alice"_s), 1);
    QString error;
    bool conflict = false;
    EXPECT_FALSE(
        this->channels().createChannel(u"design"_s, {}, false, u"bob"_s, &error, &conflict));
    EXPECT_TRUE(conflict);
    EXPECT_EQ(this->channels().createdBy(u"bob"_s), 0);
}

TYPED_TEST(StoreContract, PrivateChannelsAreVisibleToMembersOnlyAndListsArePaged)
{
    this->createChannel(u"a-public"_s);
    const ChannelRecord secret = this->createChannel(u"b-secret"_s, true);
    this->createChannel(u"c-public"_s);
    auto names = [](const QList<ChannelRecord> &records) {
        QStringList out;
        for (const auto &r : records)
            out.append(r.channel.name);
        return out;
    };
    EXPECT_EQ(names(this->channels().visibleTo(u"bob"_s, {}, -1)),
              (QStringList{u"a-public"_s, u"c-public"_s, u"general"_s}));
    EXPECT_EQ(names(this->channels().visibleTo(u"alice"_s, {}, 2)),
              (QStringList{u"a-public"_s, u"b-secret"_s}));
    EXPECT_EQ(names(this->channels().visibleTo(u"alice"_s, u"b-secret"_s, 2)),
              (QStringList{u"c-public"_s, u"general"_s}));
    QString error;
    ASSERT_TRUE(this->channels().addMember(secret.id, u"bob"_s, &error));
    ASSERT_TRUE(this->channels().addMember(secret.id, u"bob"_s, &error)); // idempotent
    EXPECT_EQ(this->channels().members(secret.id), (QStringList{u"alice"_s, u"bob"_s}));
    EXPECT_TRUE(names(this->channels().visibleTo(u"bob"_s, {}, -1)).contains(u"b-secret"_s));
    ASSERT_TRUE(this->channels().removeMember(secret.id, u"bob"_s, &error));
    EXPECT_FALSE(names(this->channels().visibleTo(u"bob"_s, {}, -1)).contains(u"b-secret"_s));
}

TYPED_TEST(StoreContract, DirectConversationsHaveTheirTwoMembersAndNoCreator)
{
    QString error;
    const auto dm = this->channels().ensureDirect(u"dm:alice:bob"_s, &error);
    ASSERT_TRUE(dm) << error.toStdString();
    EXPECT_TRUE(dm->channel.isPrivate);
    EXPECT_EQ(this->channels().members(dm->id), (QStringList{u"alice"_s, u"bob"_s}));
    EXPECT_EQ(this->channels().ensureDirect(u"dm:alice:bob"_s, &error)->id, dm->id);
    EXPECT_EQ(this->channels().createdBy(u"alice"_s), 0);
}

// ---- messages ---------------------------------------------------------------------------

TYPED_TEST(StoreContract, AppendAssignsGaplessSeqsPerChannelInOrder)
{
    const ChannelRecord a = this->createChannel(u"a"_s);
    const ChannelRecord b = this->createChannel(u"b"_s);
    const auto outcomes = this->messages().append({this->job(a, u"alice"_s, u"1"_s, 1),
                                                   this->job(b, u"alice"_s, u"2"_s, 2),
                                                   this->job(a, u"bob"_s, u"3"_s, 3)});
    ASSERT_EQ(outcomes.size(), 3);
    EXPECT_EQ(outcomes[0].message.seq, 1);
    EXPECT_EQ(outcomes[1].message.seq, 1);
    EXPECT_EQ(outcomes[2].message.seq, 2);
    EXPECT_EQ(outcomes[2].ticket, 3u);
    EXPECT_NE(outcomes[0].message.mid, outcomes[2].message.mid);
    const auto next = this->messages().append({this->job(a, u"alice"_s, u"4"_s)});
    EXPECT_EQ(next.first().message.seq, 3);
}

TYPED_TEST(StoreContract, ARepeatedCidGetsTheOriginalAndUsesNoSeq)
{
    const ChannelRecord a = this->createChannel(u"a"_s);
    const auto first = this->messages().append({this->job(a, u"alice"_s, u"same"_s)});
    const auto again = this->messages().append(
        {this->job(a, u"alice"_s, u"same"_s), this->job(a, u"bob"_s, u"same"_s)});
    ASSERT_EQ(again.size(), 2);
    EXPECT_TRUE(again[0].dup);
    EXPECT_EQ(again[0].message.seq, first[0].message.seq);
    EXPECT_EQ(again[0].message.mid, first[0].message.mid);
    EXPECT_FALSE(again[1].dup); // another sender's cid is another message
    EXPECT_EQ(again[1].message.seq, 2);
}

TYPED_TEST(StoreContract, AnUnknownChannelIsNotFoundAndStoresNothing)
{
    ChannelRecord ghost;
    ghost.id = 99999;
    ghost.channel.name = u"ghost"_s;
    const auto outcomes = this->messages().append({this->job(ghost, u"alice"_s, u"x"_s)});
    ASSERT_EQ(outcomes.size(), 1);
    ASSERT_TRUE(outcomes[0].error);
    EXPECT_EQ(outcomes[0].error->code, ErrorCode::NotFound);
}

TYPED_TEST(StoreContract, ReadsByRangeBeforeAndAfterAreAscendingAndSayWhetherThereIsMore)
{
    const ChannelRecord a = this->createChannel(u"a"_s);
    std::vector<PublishJob> jobs;
    for (int i = 1; i <= 10; ++i)
        jobs.push_back(this->job(a, u"alice"_s, QString::number(i)));
    ASSERT_EQ(this->messages().append(jobs).size(), 10);
    const QString name = a.channel.name;
    EXPECT_EQ(this->seqs(*this->messages().range(a.id, name, 3, 6, 100)),
              (QList<qint64>{3, 4, 5, 6}));
    EXPECT_EQ(this->seqs(*this->messages().range(a.id, name, 3, 6, 2)), (QList<qint64>{3, 4}));
    bool more = false;
    EXPECT_EQ(this->seqs(*this->messages().before(a.id, name, 8, 3, &more)),
              (QList<qint64>{5, 6, 7}));
    EXPECT_TRUE(more);
    EXPECT_EQ(this->seqs(*this->messages().before(a.id, name, 3, 3, &more)), (QList<qint64>{1, 2}));
    EXPECT_FALSE(more);
    EXPECT_EQ(this->seqs(*this->messages().after(a.id, name, 7, 10, 2, &more)),
              (QList<qint64>{8, 9}));
    EXPECT_TRUE(more);
    EXPECT_EQ(this->seqs(*this->messages().after(a.id, name, 7, 9, 5, &more)),
              (QList<qint64>{8, 9}));
    EXPECT_FALSE(more); // nothing newer than the caller's last seq
    EXPECT_EQ(this->messages().range(a.id, name, 1, 10, 100)->first().text, u"text 1"_s);
}

TYPED_TEST(StoreContract, RewindByTimeFindsTheFirstSeqSinceATime)
{
    const ChannelRecord a = this->createChannel(u"a"_s);
    const auto outcomes = this->messages().append(
        {this->job(a, u"alice"_s, u"1"_s), this->job(a, u"alice"_s, u"2"_s)});
    const qint64 ts = outcomes.first().message.ts;
    EXPECT_EQ(*this->messages().firstSeqSince(a.id, ts, 2), 1);
    EXPECT_EQ(*this->messages().firstSeqSince(a.id, ts + 3600000, 2), 3); // none: toSeq + 1
}

} // namespace
