// SPDX-License-Identifier: Apache-2.0
#pragma once

// The real confabd and confabctl binaries for end-to-end tests: confabd spawned with
// QProcess on a free port and a temporary data directory, accounts made with confabctl.
// Shared by the daemon tests and the hostile-client (security) tests.

#include "confabprocess.h"
#include "testclient.h"

#include <QJsonArray>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>

namespace confab::test {

using namespace Qt::StringLiterals;

inline const QString password = u"password1"_s;

/// One confabd (ConfabdProcess) with the daemon tests' defaults: a short group commit.
class Daemon : public ConfabdProcess
{
public:
    /// Starts confabd and waits for its `listening on` line. Use with ASSERT_NO_FATAL_FAILURE.
    void start(const QString &dataDir, const QStringList &extraArgs = {})
    {
        setDataDir(dataDir);
        setExtraArgs(QStringList{u"--timing-group-commit-ms"_s, u"2"_s} + extraArgs);
        QString error;
        ASSERT_TRUE(ConfabdProcess::start(0, &error)) << error.toStdString();
    }
};

class DaemonTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(dataDir.isValid());
        addUser(u"alice"_s);
    }

    void addUser(const QString &name, bool admin = false)
    {
        QStringList args{u"--data"_s, dataDir.path(), u"user"_s, u"add"_s, name};
        if (admin)
            args << u"--admin"_s;
        QString output;
        ASSERT_EQ(runConfabctl(args << u"--password-stdin"_s, password.toUtf8() + "\n", &output), 0)
            << "confabctl: " << output.toStdString();
    }

    std::unique_ptr<TestClient> signIn(const QUrl &url, const QString &user = u"alice"_s)
    {
        auto client = std::make_unique<TestClient>();
        if (!client->open(url)) {
            ADD_FAILURE() << "cannot connect to " << url.toString().toStdString();
            return nullptr;
        }
        const auto reply = client->hello(user, password);
        if (!reply || !isOk(*reply)) {
            ADD_FAILURE() << "hello failed: "
                          << (reply ? dump(*reply).toStdString() : std::string("no reply"));
            return nullptr;
        }
        return client;
    }

    /// Every message of `channel` via history, paging forward.
    static QList<QJsonObject> fullHistory(TestClient *client, const QString &channel)
    {
        QList<QJsonObject> all;
        qint64 after = 0;
        for (int page = 0; page < 100; ++page) {
            const auto reply = client->request(QJsonObject{{"t"_L1, "history"_L1},
                                                           {"channel"_L1, channel},
                                                           {"after"_L1, after},
                                                           {"limit"_L1, 200}});
            if (!reply || !isOk(*reply)) {
                ADD_FAILURE() << "history failed: "
                              << (reply ? dump(*reply).toStdString() : std::string("no reply"));
                return all;
            }
            const QJsonObject ok = reply->value("ok"_L1).toObject();
            for (const QJsonValue &v : ok.value("messages"_L1).toArray())
                all.append(v.toObject());
            if (!ok.value("more"_L1).toBool() || all.isEmpty())
                return all;
            after = all.last().value("seq"_L1).toInteger();
        }
        return all;
    }

    /// Flags that let a test pipeline hundreds of publishes.
    static QStringList noRateLimit()
    {
        return {u"--limits-rate-per-s"_s, u"100000"_s, u"--limits-burst"_s, u"100000"_s};
    }

    QTemporaryDir dataDir;
};

} // namespace confab::test
