// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of the real binaries: confabd spawned with QProcess on a free port and a
// temporary data directory, accounts made with confabctl, clients over real sockets.
// Crash durability (SIGKILL), graceful shutdown (SIGTERM), TLS, and the command line.

#include "daemonfixture.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>

#include <map>

#include <signal.h>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

struct Acked
{
    QString cid;
    QString text;
    qint64 seq = 0;
    QString mid;
    qint64 ts = 0;
};

TEST_F(DaemonTest, EveryAcknowledgedPublishSurvivesSigkill)
{
    std::map<qint64, Acked> acked; // by seq
    QList<Acked> sentOrder;
    {
        Daemon daemon;
        ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path(), noRateLimit()));
        auto alice = signIn(daemon.url());
        ASSERT_TRUE(alice);
        ASSERT_TRUE(alice->joinSynced(u"general"_s));
        std::map<qint64, Acked> byId;
        QList<qint64> ids;
        for (int i = 0; i < 200; ++i) {
            Acked a{newCid(), u"burst message %1 ✓"_s.arg(i), 0, {}, 0};
            const qint64 id = alice->sendPublish(u"general"_s, a.text, a.cid);
            byId[id] = a;
            ids.append(id);
        }
        for (qint64 id : ids) {
            const auto reply = alice->waitForReply(id);
            ASSERT_TRUE(reply) << "no ack for " << id;
            ASSERT_TRUE(isOk(*reply)) << dump(*reply).toStdString();
            const QJsonObject ok = reply->value("ok"_L1).toObject();
            Acked a = byId[id];
            a.seq = ok.value("seq"_L1).toInteger();
            a.mid = ok.value("mid"_L1).toString();
            a.ts = ok.value("ts"_L1).toInteger();
            acked[a.seq] = a;
            sentOrder.append(a);
        }
        // Right after the last ack: no chance for a graceful anything.
        ::kill(daemon.process().processId(), SIGKILL);
        ASSERT_TRUE(daemon.waitForExit(5000));
        EXPECT_EQ(daemon.process().exitStatus(), QProcess::CrashExit);
    }
    ASSERT_EQ(acked.size(), 200u);
    EXPECT_EQ(acked.begin()->first, 1);
    EXPECT_EQ(acked.rbegin()->first, 200);

    Daemon daemon;
    ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path(), noRateLimit()));
    auto alice = signIn(daemon.url());
    ASSERT_TRUE(alice);
    const QList<QJsonObject> history = fullHistory(alice.get(), u"general"_s);
    ASSERT_EQ(history.size(), 200);
    for (const QJsonObject &m : history) {
        const qint64 seq = m.value("seq"_L1).toInteger();
        ASSERT_TRUE(acked.count(seq)) << "unexpected seq " << seq;
        const Acked &a = acked[seq];
        EXPECT_EQ(m.value("mid"_L1).toString(), a.mid) << "seq " << seq;
        EXPECT_EQ(m.value("cid"_L1).toString(), a.cid) << "seq " << seq;
        EXPECT_EQ(m.value("ts"_L1).toInteger(), a.ts) << "seq " << seq;
        EXPECT_EQ(m.value("text"_L1).toString(), a.text) << "seq " << seq;
        EXPECT_EQ(m.value("from"_L1).toString(), u"alice"_s);
    }
    // The sequence continues with no gap, and a resent cid is still a duplicate.
    const auto next = alice->publish(u"general"_s, u"after the crash"_s);
    ASSERT_TRUE(next && isOk(*next)) << (next ? dump(*next).toStdString() : "");
    EXPECT_EQ(next->value("ok"_L1).toObject().value("seq"_L1).toInteger(), 201);
    const Acked &resent = sentOrder.at(57);
    const auto dup = alice->publish(u"general"_s, resent.text, resent.cid);
    ASSERT_TRUE(dup && isOk(*dup));
    EXPECT_TRUE(dup->value("ok"_L1).toObject().value("dup"_L1).toBool());
    EXPECT_EQ(dup->value("ok"_L1).toObject().value("seq"_L1).toInteger(), resent.seq);
    EXPECT_EQ(dup->value("ok"_L1).toObject().value("mid"_L1).toString(), resent.mid);
}

TEST_F(DaemonTest, SigkillWithPublishesInFlightKeepsTheAckedOnesAndAGaplessSequence)
{
    std::map<QString, Acked> ackedByCid;
    {
        Daemon daemon;
        ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path(), noRateLimit()));
        auto alice = signIn(daemon.url());
        ASSERT_TRUE(alice);
        ASSERT_TRUE(alice->joinSynced(u"general"_s));
        std::map<qint64, Acked> byId;
        QList<qint64> ids;
        for (int i = 0; i < 400; ++i) {
            Acked a{newCid(), u"in flight %1"_s.arg(i), 0, {}, 0};
            const qint64 id = alice->sendPublish(u"general"_s, a.text, a.cid);
            byId[id] = a;
            ids.append(id);
        }
        // Kill once the first 100 are acknowledged, the rest still in flight.
        for (int i = 0; i < 100; ++i) {
            const auto reply = alice->waitForReply(ids.at(i));
            ASSERT_TRUE(reply && isOk(*reply))
                << (reply ? dump(*reply).toStdString() : std::string("no reply"));
        }
        ::kill(daemon.process().processId(), SIGKILL);
        // Acks that made it out before the kill count too.
        for (const QJsonObject &f : alice->receivedOf(u"reply"_s)) {
            const qint64 id = f.value("id"_L1).toInteger();
            if (!byId.count(id) || !isOk(f))
                continue;
            Acked a = byId[id];
            a.seq = f.value("ok"_L1).toObject().value("seq"_L1).toInteger();
            a.mid = f.value("ok"_L1).toObject().value("mid"_L1).toString();
            a.ts = f.value("ok"_L1).toObject().value("ts"_L1).toInteger();
            ackedByCid[a.cid] = a;
        }
        ASSERT_TRUE(daemon.waitForExit(5000));
    }
    ASSERT_GE(ackedByCid.size(), 100u);
    RecordProperty("acked_before_kill", int(ackedByCid.size()));

    Daemon daemon;
    ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path(), noRateLimit()));
    auto alice = signIn(daemon.url());
    ASSERT_TRUE(alice);
    const QList<QJsonObject> history = fullHistory(alice.get(), u"general"_s);
    ASSERT_GE(history.size(), qsizetype(ackedByCid.size()));
    for (qsizetype i = 0; i < history.size(); ++i)
        ASSERT_EQ(history.at(i).value("seq"_L1).toInteger(), i + 1) << "gap in the stored seqs";
    std::map<QString, QJsonObject> storedByCid;
    for (const QJsonObject &m : history)
        storedByCid[m.value("cid"_L1).toString()] = m;
    for (const auto &[cid, a] : ackedByCid) {
        ASSERT_TRUE(storedByCid.count(cid)) << "acknowledged message seq " << a.seq << " lost";
        EXPECT_EQ(storedByCid[cid].value("seq"_L1).toInteger(), a.seq);
        EXPECT_EQ(storedByCid[cid].value("mid"_L1).toString(), a.mid);
    }
    const auto next = alice->publish(u"general"_s, u"continues"_s);
    ASSERT_TRUE(next && isOk(*next));
    EXPECT_EQ(next->value("ok"_L1).toObject().value("seq"_L1).toInteger(), history.size() + 1);
}

TEST_F(DaemonTest, SigtermSendsByeShutdownAndExitsZeroWithinFiveSeconds)
{
    Daemon daemon;
    ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path()));
    auto alice = signIn(daemon.url());
    ASSERT_TRUE(alice);
    ASSERT_TRUE(alice->joinSynced(u"general"_s));
    const auto published = alice->publish(u"general"_s, u"before shutdown"_s);
    ASSERT_TRUE(published && isOk(*published));
    QElapsedTimer elapsed;
    elapsed.start();
    daemon.process().terminate();
    const auto bye = alice->waitFor(u"bye"_s, {}, 5000);
    ASSERT_TRUE(bye) << "no bye before the shutdown";
    EXPECT_EQ(bye->value("reason"_L1).toString(), u"shutdown"_s);
    ASSERT_TRUE(daemon.waitForExit(5000)) << "confabd still running 5 s after SIGTERM";
    EXPECT_LE(elapsed.elapsed(), 5000);
    EXPECT_EQ(daemon.process().exitStatus(), QProcess::NormalExit);
    EXPECT_EQ(daemon.process().exitCode(), 0) << daemon.errorOutput().toStdString();
    EXPECT_TRUE(alice->waitForDisconnected(2000));
    // Exactly one line on stdout.
    EXPECT_EQ(daemon.stdoutText().count(u'\n'), 1) << daemon.stdoutText().toStdString();

    // A clean restart keeps the data.
    Daemon again;
    ASSERT_NO_FATAL_FAILURE(again.start(dataDir.path()));
    auto back = signIn(again.url());
    ASSERT_TRUE(back);
    const QList<QJsonObject> history = fullHistory(back.get(), u"general"_s);
    ASSERT_EQ(history.size(), 1);
    EXPECT_EQ(history.first().value("text"_L1).toString(), u"before shutdown"_s);
}

TEST_F(DaemonTest, TlsServesWssWithTheGivenCertificate)
{
    QTemporaryDir certDir;
    ASSERT_TRUE(certDir.isValid());
    const QString cert = certDir.filePath(u"cert.pem"_s);
    const QString key = certDir.filePath(u"key.pem"_s);
    QString error;
    ASSERT_TRUE(makeSelfSignedCertificate(certDir.path(), &error)) << error.toStdString();

    Daemon daemon;
    ASSERT_NO_FATAL_FAILURE(
        daemon.start(dataDir.path(), {u"--tls-cert"_s, cert, u"--tls-key"_s, key}));
    ASSERT_EQ(daemon.url().scheme(), u"wss"_s);

    QFile certFile(cert);
    ASSERT_TRUE(certFile.open(QIODevice::ReadOnly));
    const QList<QSslCertificate> trusted = QSslCertificate::fromData(certFile.readAll());
    ASSERT_EQ(trusted.size(), 1);
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setCaCertificates(trusted); // trust exactly this certificate, verify everything else
    ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);

    TestClient client;
    client.setSslConfiguration(ssl);
    QUrl url = daemon.url();
    url.setHost(u"127.0.0.1"_s);
    ASSERT_TRUE(client.open(url)) << "TLS connection failed; stderr: "
                                  << daemon.errorOutput().toStdString();
    const auto hello = client.hello(u"alice"_s, password);
    ASSERT_TRUE(hello);
    EXPECT_TRUE(isOk(*hello)) << dump(*hello).toStdString();
    const auto synced = client.joinSynced(u"general"_s);
    ASSERT_TRUE(synced);
    const auto published = client.publish(u"general"_s, u"over TLS"_s);
    ASSERT_TRUE(published && isOk(*published));
    EXPECT_TRUE(client.waitFor(u"msg"_s));

    // A client that does not trust the certificate is refused.
    TestClient untrusting;
    EXPECT_FALSE(untrusting.open(url, 5000)) << "the handshake succeeded without trust";
}

TEST_F(DaemonTest, VersionAndHelpExitZero)
{
    QProcess version;
    version.start(confabdPath(), {u"--version"_s});
    ASSERT_TRUE(version.waitForFinished(10000));
    EXPECT_EQ(version.exitStatus(), QProcess::NormalExit);
    EXPECT_EQ(version.exitCode(), 0);
    const QString versionText = QString::fromUtf8(version.readAllStandardOutput());
    EXPECT_TRUE(versionText.contains(u"0.3"_s)) << versionText.toStdString();

    QProcess help;
    help.start(confabdPath(), {u"--help"_s});
    ASSERT_TRUE(help.waitForFinished(10000));
    EXPECT_EQ(help.exitStatus(), QProcess::NormalExit);
    EXPECT_EQ(help.exitCode(), 0);
    const QString helpText = QString::fromUtf8(help.readAllStandardOutput());
    for (const QString &flag : {u"--config"_s, u"--listen"_s, u"--data"_s, u"--open-registration"_s,
                                u"--tls-cert"_s, u"--tls-key"_s, u"--timing-heartbeat-ms"_s,
                                u"--auth-kdf-memory-kib"_s, u"--limits-catchup"_s})
        EXPECT_TRUE(helpText.contains(flag)) << "--help lacks " << flag.toStdString();
}

TEST_F(DaemonTest, BadFlagExitsNonZeroWithAMessage)
{
    for (const QStringList &args :
         {QStringList{u"--no-such-flag"_s}, QStringList{u"--timing-heartbeat-ms"_s, u"soon"_s},
          QStringList{u"--listen"_s, u"not-an-address"_s}}) {
        QProcess bad;
        bad.start(confabdPath(), args + QStringList{u"--data"_s, dataDir.path()});
        ASSERT_TRUE(bad.waitForFinished(10000)) << args.join(u' ').toStdString();
        EXPECT_EQ(bad.exitStatus(), QProcess::NormalExit);
        EXPECT_NE(bad.exitCode(), 0) << args.join(u' ').toStdString();
        const QString err = QString::fromUtf8(bad.readAllStandardError());
        EXPECT_FALSE(err.trimmed().isEmpty()) << "no message for " << args.join(u' ').toStdString();
        EXPECT_FALSE(QString::fromUtf8(bad.readAllStandardOutput()).contains(u"listening on"_s));
    }
}

TEST_F(DaemonTest, AccountMadeWithConfabctlSignsInAndAdminRoleIsKept)
{
    ASSERT_NO_FATAL_FAILURE(addUser(u"boss"_s, true));
    Daemon daemon;
    ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path()));
    auto boss = signIn(daemon.url(), u"boss"_s);
    ASSERT_TRUE(boss);
    EXPECT_EQ(boss->helloOk().value("user"_L1).toObject().value("role"_L1).toString(), u"admin"_s);
    const auto stats = boss->request(QJsonObject{{"t"_L1, "admin.stats"_L1}});
    ASSERT_TRUE(stats);
    EXPECT_TRUE(isOk(*stats)) << dump(*stats).toStdString();
    auto alice = signIn(daemon.url());
    ASSERT_TRUE(alice);
    EXPECT_EQ(alice->helloOk().value("user"_L1).toObject().value("role"_L1).toString(), u"user"_s);
}

TEST_F(DaemonTest, ConfabctlChangesApplyToOpenSessions)
{
    // confabctl works on the database while confabd runs: a role it gives applies to the
    // open session, and `disable` / `passwd` end the user's open sessions, not only later
    // sign-ins.
    ASSERT_NO_FATAL_FAILURE(addUser(u"bob"_s));
    Daemon daemon;
    // The test polls admin.stats every few ms until the role applies: lift the request limit.
    ASSERT_NO_FATAL_FAILURE(
        daemon.start(dataDir.path(), {u"--limits-request-rate-per-s"_s, u"100000"_s}));
    auto alice = signIn(daemon.url());
    auto bob = signIn(daemon.url(), u"bob"_s);
    ASSERT_TRUE(alice && bob);
    const QJsonObject stats{{"t"_L1, "admin.stats"_L1}};
    auto statsAllowed = [&] {
        const auto reply = alice->request(stats);
        return reply && isOk(*reply);
    };
    ASSERT_FALSE(statsAllowed());

    QString output;
    ASSERT_EQ(
        runConfabctl({u"--data"_s, dataDir.path(), u"user"_s, u"role"_s, u"alice"_s, u"admin"_s},
                     {}, &output),
        0)
        << output.toStdString();
    ASSERT_TRUE(waitUntil(statsAllowed, 15000)) << daemon.errorOutput().toStdString();

    ASSERT_EQ(
        runConfabctl({u"--data"_s, dataDir.path(), u"user"_s, u"disable"_s, u"bob"_s}, {}, &output),
        0)
        << output.toStdString();
    const auto bye = bob->waitFor(u"bye"_s, {}, 15000);
    ASSERT_TRUE(bye) << output.toStdString() << daemon.errorOutput().toStdString();
    EXPECT_EQ(bye->value("reason"_L1).toString(), u"kicked"_s);
    ASSERT_TRUE(bob->waitForDisconnected(5000));
    EXPECT_EQ(bob->closeCode(), 4002);
    EXPECT_TRUE(alice->isConnected());
    EXPECT_TRUE(statsAllowed());

    ASSERT_EQ(runConfabctl({u"--data"_s, dataDir.path(), u"user"_s, u"passwd"_s, u"alice"_s,
                            u"--password-stdin"_s},
                           "another-password-2\n", &output),
              0)
        << output.toStdString();
    ASSERT_TRUE(alice->waitForDisconnected(15000));
    EXPECT_EQ(alice->closeCode(), 4002);
}

TEST_F(DaemonTest, ListEventsReachEveryConnectionOfTheUsersConcernedAndNoOneElse)
{
    // Protocol 1.1 through the real binary: `channel` and `member` events with `display`,
    // for accounts made before the server started and one made beside it while it runs.
    const auto makeUser = [this](const QString &name, const QString &display) {
        QString output;
        ASSERT_EQ(runConfabctl({u"--data"_s, dataDir.path(), u"user"_s, u"add"_s, name,
                                u"--display"_s, display, u"--password-stdin"_s},
                               password.toUtf8() + "\n", &output),
                  0)
            << output.toStdString();
    };
    ASSERT_NO_FATAL_FAILURE(makeUser(u"bob"_s, u"Bob B."_s));
    Daemon daemon;
    ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path()));
    auto alice = signIn(daemon.url());
    auto aliceToo = signIn(daemon.url());
    auto bob = signIn(daemon.url(), u"bob"_s);
    ASSERT_TRUE(alice && aliceToo && bob);
    ASSERT_NO_FATAL_FAILURE(makeUser(u"carol"_s, u"Carol C."_s)); // while confabd runs
    auto carol = signIn(daemon.url(), u"carol"_s);
    ASSERT_TRUE(carol);
    EXPECT_EQ(alice->helloOk().value("protocol"_L1).toString(), u"1.2"_s);

    const auto about = [](const QString &type, const QString &event, const QString &channel) {
        return [=](const QJsonObject &f) {
            const QJsonValue name = type == "channel"_L1
                                        ? f.value("channel"_L1).toObject().value("name"_L1)
                                        : f.value("channel"_L1);
            return f.value("event"_L1).toString() == event && name.toString() == channel;
        };
    };
    const auto request = [](TestClient *client, const QJsonObject &frame) {
        const auto reply = client->request(frame);
        ASSERT_TRUE(reply && isOk(*reply)) << (reply ? dump(*reply).toStdString() : "none");
    };

    request(alice.get(), QJsonObject{{"t"_L1, "create"_L1}, {"channel"_L1, "design"_L1}});
    for (TestClient *c : {alice.get(), aliceToo.get(), bob.get(), carol.get()})
        ASSERT_TRUE(c->waitFor(u"channel"_s, about(u"channel"_s, u"added"_s, u"design"_s)));
    ASSERT_TRUE(alice->joinSynced(u"design"_s));
    ASSERT_TRUE(bob->joinSynced(u"design"_s));
    ASSERT_TRUE(carol->joinSynced(u"design"_s));
    for (TestClient *c : {alice.get(), bob.get()}) {
        const auto joined = c->waitFor(u"member"_s, [&](const QJsonObject &f) {
            return about(u"member"_s, u"joined"_s, u"design"_s)(f) && f["user"_L1] == "carol"_L1;
        });
        ASSERT_TRUE(joined);
        EXPECT_EQ(joined->value("display"_L1).toString(), u"Carol C."_s);
    }

    request(alice.get(),
            QJsonObject{{"t"_L1, "create"_L1}, {"channel"_L1, "secret"_L1}, {"private"_L1, true}});
    request(aliceToo.get(),
            QJsonObject{{"t"_L1, "invite"_L1}, {"channel"_L1, "secret"_L1}, {"user"_L1, "bob"_L1}});
    ASSERT_TRUE(bob->waitFor(u"channel"_s, about(u"channel"_s, u"added"_s, u"secret"_s)));

    request(alice.get(), QJsonObject{{"t"_L1, "leave"_L1}, {"channel"_L1, "design"_L1}});
    ASSERT_TRUE(aliceToo->waitFor(u"channel"_s, about(u"channel"_s, u"removed"_s, u"design"_s)));
    for (TestClient *c : {bob.get(), carol.get()}) {
        const auto left = c->waitFor(u"member"_s, about(u"member"_s, u"left"_s, u"design"_s));
        ASSERT_TRUE(left);
        EXPECT_EQ(left->value("user"_L1).toString(), u"alice"_s);
        EXPECT_EQ(left->value("display"_L1).toString(), u"alice"_s); // confabctl's default
    }

    // A marker after everything: carol never heard of the private channel.
    request(bob.get(), QJsonObject{{"t"_L1, "create"_L1}, {"channel"_L1, "marker"_L1}});
    ASSERT_TRUE(carol->waitFor(u"channel"_s, about(u"channel"_s, u"added"_s, u"marker"_s)));
    EXPECT_TRUE(
        carol->receivedOf(u"channel"_s, about(u"channel"_s, u"added"_s, u"secret"_s)).isEmpty());
}

} // namespace
