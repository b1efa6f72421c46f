// SPDX-License-Identifier: Apache-2.0
// The session token in a real Secret Service: gnome-keyring-daemon on a private session bus
// (KeyringSandbox), read back with secret-tool. Own executable: the session bus is
// process-wide. Skipped, saying why, where the keyring daemon cannot run.

#include "keyringsandbox.h"
#include "tokenstore_testing.h"

#include <gtest/gtest.h>

using namespace Qt::StringLiterals;
using namespace confab::client;
using namespace confab::client::test;

namespace {

[[maybe_unused]] const bool installed = installKeyringSandbox(KeyringSandbox::Mode::SecretService);

class KeyringTokenTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        if (!keyringSandbox() || !keyringSandbox()->whyNot().isEmpty())
            GTEST_SKIP()
                << "no private Secret Service: "
                << (keyringSandbox() ? keyringSandbox()->whyNot() : u"not started"_s).toStdString();
        ASSERT_TRUE(dir.isValid());
    }

    std::optional<QString> inKeyring(const TokenStore &store, const QString &user = u"alice"_s)
    {
        return keyringSandbox()->lookup(TokenStore::keyringService(),
                                        store.keyringKey(serverUrl, user));
    }

    QTemporaryDir dir;
};

} // namespace

TEST_F(KeyringTokenTest, TokenGoesToTheKeyringAndTheFileKeepsTheRest)
{
    {
        TokenStore store(dir.path());
        ASSERT_TRUE(store.save({serverUrl, u"alice"_s, u"token-1"_s}));
        EXPECT_TRUE(store.hasSession()); // at once, before the keyring answers
        ASSERT_TRUE(waitSettled(store));
        EXPECT_EQ(inKeyring(store), u"token-1"_s);
        EXPECT_EQ(store.tokenPlace(), TokenStore::Place::Keyring);
        const QJsonObject file = readJson(store.filePath());
        EXPECT_FALSE(file.contains("token"_L1));
        EXPECT_EQ(file.value("user"_L1).toString(), u"alice"_s);
        EXPECT_EQ(file.value("url"_L1).toString(), serverUrl.toString());
        EXPECT_FALSE(readAll(store.filePath()).contains("token-1"));
        EXPECT_TRUE(isOwnerOnly(store.filePath()));
    }
    // The next run: the token comes back from the keyring.
    TokenStore store(dir.path());
    ASSERT_TRUE(store.hasSession());
    EXPECT_TRUE(store.load()->token.isEmpty());
    const auto fetched = fetchNow(store);
    ASSERT_TRUE(fetched);
    EXPECT_EQ(fetched->token, u"token-1"_s);
    EXPECT_EQ(fetched->user, u"alice"_s);
    EXPECT_EQ(fetched->url, serverUrl);

    // Signing out removes both.
    EXPECT_TRUE(store.remove());
    EXPECT_FALSE(QFile::exists(store.filePath()));
    EXPECT_FALSE(store.hasSession());
    ASSERT_TRUE(waitSettled(store));
    EXPECT_EQ(inKeyring(store), std::nullopt);
}

TEST_F(KeyringTokenTest, TwoDataDirectoriesKeepTwoEntries)
{
    QTemporaryDir other;
    TokenStore first(dir.path());
    TokenStore second(other.path());
    ASSERT_NE(first.keyringKey(serverUrl, u"alice"_s), second.keyringKey(serverUrl, u"alice"_s));
    first.save({serverUrl, u"alice"_s, u"token-a"_s});
    second.save({serverUrl, u"alice"_s, u"token-b"_s});
    ASSERT_TRUE(waitSettled(first));
    ASSERT_TRUE(waitSettled(second));
    EXPECT_EQ(inKeyring(first), u"token-a"_s);
    EXPECT_EQ(inKeyring(second), u"token-b"_s);

    first.remove();
    ASSERT_TRUE(waitSettled(first));
    EXPECT_EQ(inKeyring(first), std::nullopt);
    EXPECT_EQ(inKeyring(second), u"token-b"_s);
    TokenStore again(other.path());
    const auto fetched = fetchNow(again);
    ASSERT_TRUE(fetched);
    EXPECT_EQ(fetched->token, u"token-b"_s);
}

TEST_F(KeyringTokenTest, AnotherAccountReplacesTheEntry)
{
    TokenStore store(dir.path());
    store.save({serverUrl, u"alice"_s, u"token-a"_s});
    ASSERT_TRUE(waitSettled(store));
    store.save({serverUrl, u"bob"_s, u"token-b"_s});
    ASSERT_TRUE(waitSettled(store));
    EXPECT_EQ(inKeyring(store, u"bob"_s), u"token-b"_s);
    EXPECT_EQ(inKeyring(store, u"alice"_s), std::nullopt); // not left behind
    EXPECT_EQ(store.load()->user, u"bob"_s);
}

TEST_F(KeyringTokenTest, SignOutWhileSavingLeavesNothing)
{
    TokenStore store(dir.path());
    store.save({serverUrl, u"alice"_s, u"token-1"_s});
    ASSERT_TRUE(store.busy());
    store.remove(); // before the keyring answered the save
    ASSERT_TRUE(waitSettled(store));
    EXPECT_EQ(inKeyring(store), std::nullopt);
    EXPECT_FALSE(QFile::exists(store.filePath()));
    EXPECT_FALSE(store.hasSession());
}

TEST_F(KeyringTokenTest, OldFileSignsInAndMovesToTheKeyring)
{
    writeOldSessionFile(dir.path(), u"old-token"_s);
    TokenStore store(dir.path());
    std::optional<SavedSession> got;
    store.fetch([&](const std::optional<SavedSession> &session) { got = session; });
    ASSERT_TRUE(got); // at once: the token was in the file
    EXPECT_EQ(got->token, u"old-token"_s);
    ASSERT_TRUE(waitSettled(store));
    EXPECT_EQ(inKeyring(store), u"old-token"_s);
    EXPECT_EQ(store.tokenPlace(), TokenStore::Place::Keyring);
    EXPECT_FALSE(readAll(store.filePath()).contains("old-token"));

    TokenStore next(dir.path());
    const auto fetched = fetchNow(next);
    ASSERT_TRUE(fetched);
    EXPECT_EQ(fetched->token, u"old-token"_s);
}

TEST_F(KeyringTokenTest, TokenDeletedFromTheKeyringEndsTheSession)
{
    {
        TokenStore store(dir.path());
        store.save({serverUrl, u"alice"_s, u"token-1"_s});
        ASSERT_TRUE(waitSettled(store));
        store.remove();
        ASSERT_TRUE(waitSettled(store));
    }
    // session.json naming an entry the keyring no longer has (deleted in the keyring's UI).
    writeJson(dir.path(), QJsonObject{{"url"_L1, serverUrl.toString()},
                                      {"user"_L1, u"alice"_s},
                                      {"keyring"_L1,
                                       TokenStore(dir.path()).keyringKey(serverUrl, u"alice"_s)}});
    TokenStore store(dir.path());
    ASSERT_TRUE(store.hasSession());
    bool called = false;
    std::optional<SavedSession> got;
    store.fetch([&](const std::optional<SavedSession> &session) {
        called = true;
        got = session;
    });
    ASSERT_TRUE(QTest::qWaitFor([&] { return called; }, 10000));
    EXPECT_FALSE(got);
    EXPECT_FALSE(store.hasSession());
}

TEST_F(KeyringTokenTest, ChatClientWhoseTokenTheKeyringLostSignsOut)
{
    writeJson(dir.path(), QJsonObject{{"url"_L1, serverUrl.toString()},
                                      {"user"_L1, u"alice"_s},
                                      {"keyring"_L1,
                                       TokenStore(dir.path()).keyringKey(serverUrl, u"alice"_s)}});
    auto client = makeStartedClient(dir.path());
    QSignalSpy signedOut(client.get(), &ChatClient::signedOut);
    ASSERT_TRUE(client->resumeSession()); // at once: the keyring answers later
    ASSERT_TRUE(signedOut.wait(10000));
    EXPECT_FALSE(client->hasSavedSession());
    EXPECT_EQ(client->connection()->state(), Connection::State::Offline);
}

#ifdef CONFAB_TEST_WITH_CONFABD
TEST_F(KeyringTokenTest, ChatClientSignsInResumesAndSignsOut)
{
    SignInServer server;
    ASSERT_TRUE(server.start()) << server.error.toStdString();
    TokenStore probe(dir.path());
    {
        auto client = makeStartedClient(dir.path());
        client->signIn(server.url(), u"alice"_s, signInPassword);
        ASSERT_TRUE(waitOnline(*client));
        EXPECT_TRUE(client->hasSavedSession());
        ASSERT_TRUE(waitUntil([&] { return probe.tokenPlace() == TokenStore::Place::Keyring; }));
        const auto token = keyringSandbox()->lookup(TokenStore::keyringService(),
                                                    probe.keyringKey(server.url(), u"alice"_s));
        ASSERT_TRUE(token);
        EXPECT_FALSE(token->isEmpty());
        EXPECT_FALSE(readAll(probe.filePath()).contains(token->toUtf8()));
    }
    auto client = makeStartedClient(dir.path());
    ASSERT_TRUE(client->resumeSession());
    ASSERT_TRUE(waitOnline(*client)) << client->connection()->errorString().toStdString();
    EXPECT_EQ(client->user(), u"alice"_s);

    QSignalSpy signedOut(client.get(), &ChatClient::signedOut);
    client->logout();
    ASSERT_TRUE(signedOut.wait(5000));
    EXPECT_FALSE(client->hasSavedSession());
    EXPECT_FALSE(QFile::exists(probe.filePath()));
    EXPECT_TRUE(waitUntil([&] {
        return !keyringSandbox()->lookup(TokenStore::keyringService(),
                                         probe.keyringKey(server.url(), u"alice"_s));
    }));
}
#endif
