// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the TokenStore tests share (with a keyring and without one): reading session.json,
// waiting for the keyring, an old-format file, and (with confabd) a server to sign in to.

#include "tokenstore.h"
#include "waituntil.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include "chatclient.h"
#include "clientdevices.h"
#include "fastclientoptions.h"
#ifdef CONFAB_TEST_WITH_CONFABD
#include "confabprocess.h"
#endif

#include <optional>

namespace confab::client::test {

inline const QUrl serverUrl{QStringLiteral("ws://127.0.0.1:1/ws")};

/// Until the store's keyring jobs are done.
inline bool waitSettled(const TokenStore &store)
{
    return QTest::qWaitFor([&] { return !store.busy(); }, 10000);
}

inline QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

inline QJsonObject readJson(const QString &path)
{
    return QJsonDocument::fromJson(readAll(path)).object();
}

inline bool isOwnerOnly(const QString &path)
{
    const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                                            QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                            QFileDevice::WriteOther | QFileDevice::ExeOther |
                                            QFileDevice::ExeOwner;
    const QFileDevice::Permissions perms = QFile::permissions(path);
    return perms.testFlag(QFileDevice::ReadOwner) && !(perms & others);
}

inline void writeJson(const QString &dataDir, const QJsonObject &object)
{
    QSaveFile file(QDir(dataDir).filePath(QStringLiteral("session.json")));
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(object).toJson());
    ASSERT_TRUE(file.commit());
}

/// session.json as every install wrote it before the keyring: the token in the file.
inline void writeOldSessionFile(const QString &dataDir, const QString &token)
{
    writeJson(dataDir, QJsonObject{{QLatin1String("url"), serverUrl.toString()},
                                   {QLatin1String("user"), QStringLiteral("alice")},
                                   {QLatin1String("token"), token}});
}

/// fetch(), waited for.
inline std::optional<SavedSession> fetchNow(TokenStore &store)
{
    bool called = false;
    std::optional<SavedSession> result;
    store.fetch([&](const std::optional<SavedSession> &session) {
        called = true;
        result = session;
    });
    if (!QTest::qWaitFor([&] { return called; }, 10000))
        ADD_FAILURE() << "fetch() never answered";
    return result;
}

inline std::unique_ptr<ChatClient> makeStartedClient(const QString &dataDir)
{
    auto client = std::make_unique<ChatClient>(dataDir, confab::test::fastClientOptions());
    QString error;
    EXPECT_TRUE(client->start(&error)) << error.toStdString();
    return client;
}

#ifdef CONFAB_TEST_WITH_CONFABD
inline const QString signInPassword = QStringLiteral("password1");

/// confabd with the account alice.
struct SignInServer
{
    bool start()
    {
        if (!dir.isValid() || !confab::test::addUser(dir.path(), QStringLiteral("alice"),
                                                     signInPassword, false, &error))
            return false;
        process = std::make_unique<confab::test::ConfabdProcess>(dir.path());
        return process->start(0, &error);
    }
    QUrl url() const { return process->url(); }

    QTemporaryDir dir;
    std::unique_ptr<confab::test::ConfabdProcess> process;
    QString error;
};

#endif

} // namespace confab::client::test
