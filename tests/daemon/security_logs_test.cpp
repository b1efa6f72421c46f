// SPDX-License-Identifier: Apache-2.0
// Log hygiene (issue 15): the real confabd with every logging category at debug level
// (QT_LOGGING_RULES="*.debug=true", Qt's own categories too) through a whole session:
// registration, password and token sign-ins, messages in a channel and a direct
// conversation, typing, a status text, an admin's password change over the protocol and one
// by `confabctl user passwd`, a failed sign-in with a wrong password, a sign-out. Then every
// password, token and message text used is looked for in all confabd wrote (stdout and
// stderr) and in all confabctl wrote: none may be there.

#include "daemonfixture.h"

#include <QProcess>
#include <QRegularExpression>
#include <QUuid>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

/// A marker no log line could hold by chance.
QString marker(const QString &what)
{
    return what + u'-' + QUuid::createUuid().toString(QUuid::Id128).left(16);
}

QProcessEnvironment debugEverywhere(const QString &home)
{
    QProcessEnvironment env = fastKdfEnvironment();
    env.insert(u"QT_LOGGING_RULES"_s, u"*.debug=true"_s);
    env.insert(u"HOME"_s, home); // confabctl keeps nothing of the test's user
    return env;
}

} // namespace

class LogHygiene : public DaemonTest
{
protected:
    void TearDown() override
    {
        if (m_confabd.state() != QProcess::NotRunning) {
            m_confabd.kill();
            m_confabd.waitForFinished(5000);
        }
    }

    void startConfabd()
    {
        m_confabd.setProcessEnvironment(debugEverywhere(dataDir.path()));
        m_confabd.start(confabdPath(),
                        {u"--listen"_s, u"127.0.0.1:0"_s, u"--data"_s, dataDir.path(),
                         u"--open-registration"_s, u"--timing-group-commit-ms"_s, u"2"_s});
        ASSERT_TRUE(m_confabd.waitForStarted(5000));
        static const QRegularExpression listening(u"listening on (ws://[^/\\s]+/ws)"_s);
        QRegularExpressionMatch match;
        ASSERT_TRUE(waitUntil(
            [&] {
                m_out += m_confabd.readAllStandardOutput();
                match = listening.match(QString::fromUtf8(m_out));
                return match.hasMatch() || m_confabd.state() == QProcess::NotRunning;
            },
            15000));
        ASSERT_TRUE(match.hasMatch()) << m_confabd.readAllStandardError().toStdString();
        m_url = QUrl(match.captured(1));
    }

    /// confabctl at debug level too; returns its exit code, keeps what it wrote.
    int confabctl(const QStringList &args, const QByteArray &input)
    {
        QProcess ctl;
        ctl.setProcessEnvironment(debugEverywhere(dataDir.path()));
        ctl.start(confabctlPath(), args);
        if (!ctl.waitForStarted(5000))
            return -1;
        ctl.write(input);
        ctl.closeWriteChannel();
        if (!ctl.waitForFinished(15000))
            return -1;
        m_ctlOutput += ctl.readAllStandardOutput() + ctl.readAllStandardError();
        return ctl.exitCode();
    }

    QProcess m_confabd;
    QByteArray m_out;
    QByteArray m_ctlOutput;
    QUrl m_url;
};

TEST_F(LogHygiene, AFullSessionAtDebugLevelLogsNoPasswordTokenOrMessageText)
{
    const QString rootPassword = marker(u"rootpw"_s);
    ASSERT_EQ(confabctl({u"--data"_s, dataDir.path(), u"user"_s, u"add"_s, u"root"_s, u"--admin"_s,
                         u"--password-stdin"_s},
                        rootPassword.toUtf8() + "\n"),
              0)
        << m_ctlOutput.toStdString();
    ASSERT_NO_FATAL_FAILURE(startConfabd());

    QStringList secrets{rootPassword, password}; // alice's is the fixture's
    QStringList texts;

    // Registration, a password sign-in on two connections, a token sign-in.
    const QString erinPassword = marker(u"erinpw"_s);
    secrets << erinPassword;
    TestClient erin1;
    ASSERT_TRUE(erin1.open(m_url));
    const auto registered = erin1.request(QJsonObject{{"t"_L1, "register"_L1},
                                                      {"user"_L1, "erin"_L1},
                                                      {"password"_L1, erinPassword},
                                                      {"display"_L1, "Erin"_L1}});
    ASSERT_TRUE(registered && isOk(*registered));
    const auto erinHello = erin1.hello(u"erin"_s, erinPassword);
    ASSERT_TRUE(erinHello && isOk(*erinHello));
    TestClient erin2;
    ASSERT_TRUE(erin2.open(m_url));
    const auto byToken = erin2.helloToken(erin1.token());
    ASSERT_TRUE(byToken && isOk(*byToken));
    auto alice = signIn(m_url);
    ASSERT_TRUE(alice);
    secrets << erin1.token() << alice->token();

    // Messages in a channel and in a direct conversation, typing, a status text.
    for (TestClient *c : {&erin1, &erin2, alice.get()})
        ASSERT_TRUE(c->joinSynced(u"general"_s));
    for (int i = 0; i < 3; ++i) {
        texts << marker(u"channel-text"_s);
        ASSERT_TRUE(erin1.publish(u"general"_s, texts.last()));
    }
    ASSERT_TRUE(alice->joinSynced(u"dm:alice:erin"_s));
    texts << marker(u"dm-text"_s);
    ASSERT_TRUE(alice->publish(u"dm:alice:erin"_s, texts.last()));
    erin1.typing(u"general"_s, true);
    ASSERT_TRUE(alice->waitFor(u"typing"_s));
    texts << marker(u"status-text"_s);
    const auto status = erin2.request(
        QJsonObject{{"t"_L1, "presence"_L1}, {"status"_L1, "away"_L1}, {"text"_L1, texts.last()}});
    ASSERT_TRUE(status && isOk(*status));

    // An admin changes alice's password over the protocol, then confabctl changes erin's.
    TestClient rootClient;
    ASSERT_TRUE(rootClient.open(m_url));
    const auto rootHello = rootClient.hello(u"root"_s, rootPassword);
    ASSERT_TRUE(rootHello && isOk(*rootHello));
    secrets << rootClient.token();
    const QString aliceNewPassword = marker(u"alicenewpw"_s);
    secrets << aliceNewPassword;
    const auto reset = rootClient.request(QJsonObject{{"t"_L1, "admin.user"_L1},
                                                      {"action"_L1, "password"_L1},
                                                      {"user"_L1, "alice"_L1},
                                                      {"password"_L1, aliceNewPassword}});
    ASSERT_TRUE(reset && isOk(*reset)) << (reset ? dump(*reset).toStdString() : "no reply");
    const QString erinNewPassword = marker(u"erinnewpw"_s);
    secrets << erinNewPassword;
    ASSERT_EQ(confabctl({u"--url"_s, m_url.toString(), u"--user"_s, u"root"_s,
                         u"--password-stdin"_s, u"user"_s, u"passwd"_s, u"erin"_s},
                        rootPassword.toUtf8() + "\n" + erinNewPassword.toUtf8() + "\n"),
              0)
        << m_ctlOutput.toStdString();

    // A failed sign-in with a wrong password, a good one with the new password, a sign-out.
    const QString wrongPassword = marker(u"wrongpw"_s);
    secrets << wrongPassword;
    TestClient failing;
    ASSERT_TRUE(failing.open(m_url));
    // Error paths too: a hello holding both kinds of credential, a frame that is not JSON,
    // a publish to a channel that does not exist.
    const QString mixedPassword = marker(u"mixedpw"_s);
    const QString mixedToken = marker(u"mixedtoken"_s);
    const QString brokenText = marker(u"broken-frame-text"_s);
    const QString lostText = marker(u"lost-text"_s);
    secrets << mixedPassword << mixedToken;
    texts << brokenText << lostText;
    const auto mixed =
        failing.request(QJsonObject{{"t"_L1, "hello"_L1},
                                    {"v"_L1, 1},
                                    {"auth"_L1, QJsonObject{{"user"_L1, "erin"_L1},
                                                            {"password"_L1, mixedPassword},
                                                            {"token"_L1, mixedToken}}}});
    ASSERT_TRUE(mixed);
    EXPECT_EQ(errorCode(*mixed), u"bad_request"_s);
    failing.sendText(u"{\"t\":\"publish\",\"id\":5,\"text\":\""_s + brokenText);
    ASSERT_TRUE(failing.waitFor(u"reply"_s));
    const auto lost = rootClient.publish(u"no-such-channel"_s, lostText);
    ASSERT_TRUE(lost);
    EXPECT_EQ(errorCode(*lost), u"not_found"_s);
    const auto failed = failing.hello(u"erin"_s, wrongPassword);
    ASSERT_TRUE(failed);
    EXPECT_EQ(errorCode(*failed), u"unauthorized"_s);
    TestClient erin3;
    ASSERT_TRUE(erin3.open(m_url));
    const auto again = erin3.hello(u"erin"_s, erinNewPassword);
    ASSERT_TRUE(again && isOk(*again));
    secrets << erin3.token();
    const auto logout = erin3.request(QJsonObject{{"t"_L1, "logout"_L1}});
    ASSERT_TRUE(logout && isOk(*logout));

    // All confabd wrote, up to its end.
    m_confabd.terminate();
    ASSERT_TRUE(m_confabd.waitForFinished(15000));
    m_out += m_confabd.readAllStandardOutput();
    const QByteArray log = m_out + m_confabd.readAllStandardError();
    // The log is a full debug log of that session (else the scan proves nothing).
    for (const char *expected : {"confab.auth", "confab.net", "confab.presence", "erin"})
        EXPECT_TRUE(log.contains(expected)) << "no '" << expected << "' in the log";
    std::printf("confabd wrote %lld bytes, confabctl %lld\n", qlonglong(log.size()),
                qlonglong(m_ctlOutput.size()));

    for (const QString &secret : std::as_const(secrets)) {
        ASSERT_FALSE(secret.isEmpty());
        EXPECT_FALSE(log.contains(secret.toUtf8())) << "confabd logged a secret";
        EXPECT_FALSE(m_ctlOutput.contains(secret.toUtf8())) << "confabctl printed a secret";
    }
    for (const QString &text : std::as_const(texts)) {
        EXPECT_FALSE(log.contains(text.toUtf8()))
            << "confabd logged a text: " << text.toStdString();
        EXPECT_FALSE(m_ctlOutput.contains(text.toUtf8()));
    }
}
