// SPDX-License-Identifier: Apache-2.0
#pragma once

// The real confabd and confabctl binaries for end-to-end tests: confabd spawned with
// QProcess on a free port and a temporary data directory, accounts made with confabctl.
// Shared by the daemon tests and the hostile-client (security) tests.

#include "testclient.h"

#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>

namespace confab::test {

using namespace Qt::StringLiterals;

inline const QString password = u"password1"_s;

inline QProcessEnvironment fastKdfEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"CONFAB_KDF_MEMORY_KIB"_s, u"64"_s);
    env.insert(u"CONFAB_KDF_ITERATIONS"_s, u"1"_s);
    return env;
}

/// Runs confabctl to completion; returns its exit code (-1 when it did not finish).
inline int runCtl(const QStringList &args, const QByteArray &stdinData, QString *output)
{
    QProcess ctl;
    ctl.setProcessEnvironment(fastKdfEnvironment());
    ctl.start(QStringLiteral(CONFABCTL_PATH), args);
    if (!ctl.waitForStarted(5000))
        return -1;
    ctl.write(stdinData);
    ctl.closeWriteChannel();
    if (!ctl.waitForFinished(15000)) {
        ctl.kill();
        ctl.waitForFinished(2000);
        return -1;
    }
    if (output)
        *output = QString::fromUtf8(ctl.readAllStandardOutput() + ctl.readAllStandardError());
    return ctl.exitStatus() == QProcess::NormalExit ? ctl.exitCode() : -1;
}

/// One confabd process. Killed (SIGKILL) on destruction if still running.
class Daemon
{
public:
    ~Daemon()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    /// Starts confabd and waits for its `listening on` line. Use with ASSERT_NO_FATAL_FAILURE.
    void start(const QString &dataDir, const QStringList &extraArgs = {})
    {
        QStringList args{u"--listen"_s,
                         u"127.0.0.1:0"_s,
                         u"--data"_s,
                         dataDir,
                         u"--auth-kdf-memory-kib"_s,
                         u"64"_s,
                         u"--auth-kdf-iterations"_s,
                         u"1"_s,
                         u"--timing-group-commit-ms"_s,
                         u"2"_s};
        args += extraArgs;
        m_stdout.clear();
        m_stderr.clear();
        QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process,
                         [this] { m_stdout += m_process.readAllStandardOutput(); });
        QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process,
                         [this] { m_stderr += m_process.readAllStandardError(); });
        m_process.setProcessEnvironment(fastKdfEnvironment());
        m_process.start(QStringLiteral(CONFABD_PATH), args);
        ASSERT_TRUE(m_process.waitForStarted(5000)) << m_process.errorString().toStdString();
        ASSERT_TRUE(waitUntil(
            [this] { return m_stdout.contains('\n') || m_process.state() == QProcess::NotRunning; },
            15000))
            << "confabd printed no line; stderr: " << errorOutput().toStdString();
        const QString line = QString::fromUtf8(m_stdout.left(m_stdout.indexOf('\n')));
        static const QRegularExpression re(u"^listening on (wss?://[^/\\s]+/ws)$"_s);
        const auto match = re.match(line);
        ASSERT_TRUE(match.hasMatch()) << "first line: '" << line.toStdString()
                                      << "'; stderr: " << errorOutput().toStdString();
        m_url = QUrl(match.captured(1));
        ASSERT_TRUE(m_url.isValid());
        ASSERT_NE(m_url.port(), 0);
    }

    QUrl url() const { return m_url; }
    QProcess &process() { return m_process; }
    QString stdoutText() const { return QString::fromUtf8(m_stdout); }
    QString errorOutput() const { return QString::fromUtf8(m_stderr); }

    bool waitForExit(int timeoutMs)
    {
        return waitUntil([this] { return m_process.state() == QProcess::NotRunning; }, timeoutMs);
    }

private:
    QProcess m_process;
    QByteArray m_stdout;
    QByteArray m_stderr;
    QUrl m_url;
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
        ASSERT_EQ(runCtl(args << u"--password-stdin"_s, password.toUtf8() + "\n", &output), 0)
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
