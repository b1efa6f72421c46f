// SPDX-License-Identifier: Apache-2.0
// No keyring service: a private session bus on which nothing serves org.freedesktop.secrets
// (and nothing can be activated). The token stays in session.json, 0600, as before the
// keyring. Own executable: the session bus is process-wide.

#include "keyringsandbox.h"
#include "tokenstore_testing.h"

#include <gtest/gtest.h>

using namespace Qt::StringLiterals;
using namespace confab::client;
using namespace confab::client::test;

namespace {

[[maybe_unused]] const bool installed = installKeyringSandbox(KeyringSandbox::Mode::BusOnly);

class NoKeyringTokenTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        if (!keyringSandbox() || !keyringSandbox()->whyNot().isEmpty())
            GTEST_SKIP()
                << "no private session bus: "
                << (keyringSandbox() ? keyringSandbox()->whyNot() : u"not started"_s).toStdString();
        ASSERT_TRUE(dir.isValid());
    }

    QTemporaryDir dir;
};

} // namespace

TEST_F(NoKeyringTokenTest, TokenStaysInTheFileOwnerOnly)
{
    {
        TokenStore store(dir.path());
        ASSERT_TRUE(store.save({serverUrl, u"alice"_s, u"token-1"_s}));
        EXPECT_TRUE(store.hasSession());
        ASSERT_TRUE(waitSettled(store)); // the keyring was asked, and did not answer
        EXPECT_EQ(store.tokenPlace(), TokenStore::Place::File);
        EXPECT_EQ(readJson(store.filePath()).value("token"_L1).toString(), u"token-1"_s);
        EXPECT_TRUE(isOwnerOnly(store.filePath()));
    }
    TokenStore store(dir.path());
    ASSERT_TRUE(store.hasSession());
    std::optional<SavedSession> got;
    store.fetch([&](const std::optional<SavedSession> &session) { got = session; });
    ASSERT_TRUE(got); // at once, from the file
    EXPECT_EQ(got->token, u"token-1"_s);
    ASSERT_TRUE(waitSettled(store)); // the move to a keyring failed: still in the file
    EXPECT_EQ(store.tokenPlace(), TokenStore::Place::File);
    EXPECT_TRUE(isOwnerOnly(store.filePath()));

    EXPECT_TRUE(store.remove());
    EXPECT_FALSE(QFile::exists(store.filePath()));
    ASSERT_TRUE(waitSettled(store));
    EXPECT_FALSE(TokenStore(dir.path()).hasSession());
}

TEST_F(NoKeyringTokenTest, OldFileStillSignsIn)
{
    writeOldSessionFile(dir.path(), u"old-token"_s);
    TokenStore store(dir.path());
    const auto fetched = fetchNow(store);
    ASSERT_TRUE(fetched);
    EXPECT_EQ(fetched->token, u"old-token"_s);
    EXPECT_EQ(fetched->user, u"alice"_s);
    ASSERT_TRUE(waitSettled(store));
    EXPECT_EQ(readJson(store.filePath()).value("token"_L1).toString(), u"old-token"_s);
}

TEST_F(NoKeyringTokenTest, UnreadableFileIsNoSession)
{
    writeJson(dir.path(), QJsonObject{{"url"_L1, serverUrl.toString()}, {"user"_L1, u"alice"_s}});
    TokenStore store(dir.path());
    EXPECT_FALSE(store.hasSession());
    EXPECT_FALSE(fetchNow(store));
}

#ifdef CONFAB_TEST_WITH_CONFABD
TEST_F(NoKeyringTokenTest, ChatClientSignsInResumesAndSignsOut)
{
    SignInServer server;
    ASSERT_TRUE(server.start()) << server.error.toStdString();
    TokenStore probe(dir.path());
    {
        auto client = makeStartedClient(dir.path());
        client->signIn(server.url(), u"alice"_s, signInPassword);
        ASSERT_TRUE(waitOnline(*client));
        EXPECT_TRUE(client->hasSavedSession());
        ASSERT_TRUE(waitUntil([&] { return probe.tokenPlace() == TokenStore::Place::File; }));
        EXPECT_TRUE(isOwnerOnly(probe.filePath()));
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
}
#endif
