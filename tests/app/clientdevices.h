// SPDX-License-Identifier: Apache-2.0
#pragma once

// Client "devices" for tests against the real confabd: each ChatClient with a data folder of
// its own (kept until the owner goes), or on a given folder (the same device restarted).

#include "fastclientoptions.h"
#include "waituntil.h"

#include "chatclient.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace confab::client::test {

inline bool waitOnline(ChatClient &client, int timeoutMs = 15000)
{
    return waitUntil([&] { return client.connection()->state() == Connection::State::Online; },
                     timeoutMs);
}

class ClientDevices
{
public:
    /// A started client on `dataDir`, or on a fresh temporary folder when empty.
    std::unique_ptr<ChatClient> make(const QString &dataDir = {},
                                     ChatClientOptions options = confab::test::fastClientOptions())
    {
        QString dir = dataDir;
        if (dir.isEmpty()) {
            m_dirs.push_back(std::make_unique<QTemporaryDir>());
            dir = m_dirs.back()->path();
        }
        auto client = std::make_unique<ChatClient>(dir, options);
        QString error;
        EXPECT_TRUE(client->start(&error)) << error.toStdString();
        return client;
    }

    /// A new device signed in as `user` with a password, Online.
    std::unique_ptr<ChatClient>
    signedIn(const QUrl &url, const QString &user, const QString &password,
             ChatClientOptions options = confab::test::fastClientOptions())
    {
        auto client = make({}, options);
        client->signIn(url, user, password);
        EXPECT_TRUE(waitOnline(*client)) << client->connection()->errorString().toStdString();
        return client;
    }

private:
    std::vector<std::unique_ptr<QTemporaryDir>> m_dirs;
};

} // namespace confab::client::test
