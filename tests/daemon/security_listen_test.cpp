// SPDX-License-Identifier: Apache-2.0
// What reaches the real confabd (issue 15): `--tls-only` refuses to start serving plain ws://
// anywhere but loopback; the `Origin` allowlist answers a browser's upgrade from another
// origin with HTTP 403 and lets in clients that send no Origin; and sign-in tokens are
// nowhere in the database file in clear.

#include "daemonfixture.h"

#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTcpSocket>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

/// confabd run to its end (it is expected to refuse to start): exit code (-1: it crashed or
/// kept running), stdout, stderr.
struct Exit
{
    int exitCode = -1;
    QString out;
    QString err;
};

Exit runToEnd(const QStringList &args)
{
    QProcess confabd;
    confabd.setProcessEnvironment(fastKdfEnvironment());
    confabd.start(confabdPath(), args);
    Exit result;
    if (!confabd.waitForFinished(15000)) {
        confabd.kill();
        confabd.waitForFinished(5000);
        ADD_FAILURE() << "confabd kept running with " << args.join(u' ').toStdString();
        return result;
    }
    result.exitCode = confabd.exitStatus() == QProcess::NormalExit ? confabd.exitCode() : -1;
    result.out = QString::fromUtf8(confabd.readAllStandardOutput());
    result.err = QString::fromUtf8(confabd.readAllStandardError());
    return result;
}

/// The server's answer to a hand-written WebSocket upgrade: its status code (0: none) and
/// whether the server closed the connection afterwards.
struct Upgrade
{
    int status = 0;
    bool closedByServer = false;
};

/// Sends the HTTP upgrade of RFC 6455 to `url`, with `Origin: origin` unless it is null.
Upgrade upgradeWithOrigin(const QUrl &url, const QString &origin)
{
    QTcpSocket socket;
    socket.connectToHost(u"127.0.0.1"_s, quint16(url.port()));
    Upgrade result;
    if (!socket.waitForConnected(5000))
        return result;
    QByteArray request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(url.port()) +
                         "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                         "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: confab.v1\r\n";
    if (!origin.isNull())
        request += "Origin: " + origin.toUtf8() + "\r\n";
    socket.write(request + "\r\n");
    QByteArray response;
    waitUntil([&] {
        response += socket.readAll();
        return response.contains("\r\n\r\n") || socket.state() == QAbstractSocket::UnconnectedState;
    });
    const QList<QByteArray> statusLine = response.left(response.indexOf("\r\n")).split(' ');
    result.status = statusLine.value(1).toInt();
    if (result.status != 101) {
        result.closedByServer =
            waitUntil([&] { return socket.state() == QAbstractSocket::UnconnectedState; }, 5000);
    }
    return result;
}

} // namespace

class TlsOnly : public DaemonTest
{};

TEST_F(TlsOnly, PlainWsOnAnyAddressRefusesToStartWithASentence)
{
    for (const QString &listen : {u"0.0.0.0:0"_s, u"[::]:0"_s}) {
        const Exit run =
            runToEnd({u"--listen"_s, listen, u"--data"_s, dataDir.path(), u"--tls-only"_s});
        EXPECT_EQ(run.exitCode, 2) << listen.toStdString() << ": " << run.err.toStdString();
        EXPECT_FALSE(run.out.contains(u"listening on"_s)) << run.out.toStdString();
        EXPECT_TRUE(run.err.startsWith(u"confabd: server.tls_only is set, but this would serve "
                                       u"plain ws:// on "_s))
            << run.err.toStdString();
    }
}

TEST_F(TlsOnly, ConfigFileKeyRefusesTheSame)
{
    const QString ini = dataDir.filePath(u"confabd.ini"_s);
    QFile file(ini);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write("[server]\nlisten = 0.0.0.0:0\ntls_only = true\n");
    file.close();
    const Exit run = runToEnd({u"--config"_s, ini, u"--data"_s, dataDir.path()});
    EXPECT_EQ(run.exitCode, 2) << run.err.toStdString();
    EXPECT_TRUE(run.err.contains(u"server.tls_only"_s)) << run.err.toStdString();
    EXPECT_FALSE(run.out.contains(u"listening on"_s));
}

TEST_F(TlsOnly, PlainWsOnLoopbackStartsAndServes)
{
    // 127.0.0.1: a reverse proxy on the same host terminates TLS and forwards here.
    Daemon daemon;
    ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path(), {u"--tls-only"_s}));
    EXPECT_EQ(daemon.url().scheme(), u"ws"_s);
    EXPECT_TRUE(signIn(daemon.url()) != nullptr);
}

TEST_F(TlsOnly, PlainWsOnIpv6LoopbackStarts)
{
    QTcpSocket probe;
    probe.bind(QHostAddress::LocalHostIPv6, 0);
    if (probe.state() != QAbstractSocket::BoundState)
        GTEST_SKIP() << "this machine has no IPv6 loopback (::1) to listen on";
    probe.close();
    Daemon daemon;
    ASSERT_NO_FATAL_FAILURE(
        daemon.start(dataDir.path(), {u"--listen"_s, u"[::1]:0"_s, u"--tls-only"_s}));
    EXPECT_EQ(daemon.url().scheme(), u"ws"_s);
}

TEST_F(TlsOnly, TlsOnAnyAddressStarts)
{
    Daemon daemon;
    ASSERT_NO_FATAL_FAILURE(daemon.start(
        dataDir.path(), {u"--listen"_s, u"0.0.0.0:0"_s, u"--tls-only"_s, u"--tls-self-signed"_s}));
    EXPECT_EQ(daemon.url().scheme(), u"wss"_s);
}

TEST_F(TlsOnly, HelpNamesTheNewSettings)
{
    QProcess confabd;
    confabd.start(confabdPath(), {u"--help"_s});
    ASSERT_TRUE(confabd.waitForFinished(10000));
    const QString help = QString::fromUtf8(confabd.readAllStandardOutput());
    for (const QString &flag : {u"--tls-only"_s, u"--allowed-origins"_s, u"--server-tls-only"_s,
                                u"--server-allowed-origins"_s})
        EXPECT_TRUE(help.contains(flag)) << flag.toStdString();
}

class OriginAllowlist : public DaemonTest
{};

TEST_F(OriginAllowlist, OnlyListedBrowserOriginsAndClientsWithoutOneAreUpgraded)
{
    Daemon daemon;
    ASSERT_NO_FATAL_FAILURE(
        daemon.start(dataDir.path(), {u"--allowed-origins"_s,
                                      u"https://chat.example.com, http://localhost:8080"_s}));
    const QUrl url = daemon.url();

    // Listed, with the host in any case; a default port said out loud is the same origin.
    for (const QString &origin : {u"https://chat.example.com"_s, u"https://Chat.EXAMPLE.com"_s,
                                  u"https://chat.example.com:443"_s, u"http://localhost:8080"_s})
        EXPECT_EQ(upgradeWithOrigin(url, origin).status, 101) << origin.toStdString();
    // No Origin header at all: the desktop app and confabctl.
    EXPECT_EQ(upgradeWithOrigin(url, QString()).status, 101);

    // Anything else: another host, scheme or port, a path, the opaque "null" origin.
    for (const QString &origin :
         {u"https://evil.example.com"_s, u"http://chat.example.com"_s,
          u"https://chat.example.com:8443"_s, u"https://chat.example.com.evil.net"_s,
          u"http://localhost"_s, u"null"_s, u"https://chat.example.com/x"_s}) {
        const Upgrade upgrade = upgradeWithOrigin(url, origin);
        EXPECT_EQ(upgrade.status, 403) << origin.toStdString();
        EXPECT_TRUE(upgrade.closedByServer) << origin.toStdString();
    }
    // Logged once per origin, with the origin, at info.
    const auto refusedLines = [&] {
        return daemon.errorOutput().count(u"refusing upgrades from origin \"https://evil"_s);
    };
    EXPECT_TRUE(waitUntil([&] { return refusedLines() >= 1; }));
    EXPECT_EQ(upgradeWithOrigin(url, u"https://evil.example.com"_s).status, 403);
    EXPECT_EQ(refusedLines(), 1) << daemon.errorOutput().toStdString();

    // A real client without an Origin still signs in: nothing else changed.
    EXPECT_TRUE(signIn(url) != nullptr);
}

TEST_F(OriginAllowlist, OffByDefault)
{
    Daemon daemon;
    ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path()));
    EXPECT_EQ(upgradeWithOrigin(daemon.url(), u"https://evil.example.com"_s).status, 101);
    EXPECT_EQ(upgradeWithOrigin(daemon.url(), QString()).status, 101);
}

TEST_F(OriginAllowlist, BadOriginInTheSettingRefusesToStart)
{
    const Exit run =
        runToEnd({u"--listen"_s, u"127.0.0.1:0"_s, u"--data"_s, dataDir.path(),
                  u"--allowed-origins"_s, u"https://ok.example, chat.example.com/x"_s});
    EXPECT_EQ(run.exitCode, 2);
    EXPECT_TRUE(run.err.contains(u"server.allowed_origins"_s)) << run.err.toStdString();
}
