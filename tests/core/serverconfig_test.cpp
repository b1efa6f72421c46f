// SPDX-License-Identifier: Apache-2.0
#include "serverconfig.h"

#include <QFile>
#include <QTemporaryDir>
#include <gtest/gtest.h>

using namespace Qt::StringLiterals;
using confab::server::ServerConfig;
using confab::server::ServerConfigLoader;

TEST(ServerConfig, DefaultsAreTheProtocolDefaults)
{
    const ServerConfig config;
    EXPECT_EQ(config.listenPort, 8765);
    EXPECT_EQ(config.limits.frame, 65536);
    EXPECT_EQ(config.limits.text, 16384);
    EXPECT_EQ(config.limits.catchup, 1000);
    EXPECT_EQ(config.heartbeatMs, 15000);
    EXPECT_EQ(config.presenceGraceMs, 10000);
    EXPECT_EQ(config.typingExpiryMs, 6000);
    EXPECT_EQ(config.helloTimeoutMs, 10000);
    EXPECT_EQ(config.sendBufferBytes, 8 * 1024 * 1024);
}

TEST(ServerConfig, FileSetsEverySection)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"confabd.ini"_s);
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write("[server]\nlisten = 0.0.0.0:9000\nopen_registration = true\n"
               "[limits]\ncatchup = 10\n[timing]\nheartbeat_ms = 500\n[auth]\nmax_failures = 3\n");
    file.close();
    ServerConfig config;
    QString error;
    ASSERT_TRUE(ServerConfigLoader::loadFile(path, &config, &error)) << error.toStdString();
    EXPECT_EQ(config.listenAddress, QHostAddress(u"0.0.0.0"_s));
    EXPECT_EQ(config.listenPort, 9000);
    EXPECT_TRUE(config.openRegistration);
    EXPECT_EQ(config.limits.catchup, 10);
    EXPECT_EQ(config.heartbeatMs, 500);
    EXPECT_EQ(config.maxFailures, 3);
}

TEST(ServerConfig, BadValuesAndUnknownKeysAreNamed)
{
    ServerConfig config;
    QString error;
    EXPECT_FALSE(ServerConfigLoader::apply(u"timing.heartbeat_ms"_s, u"soon"_s, &config, &error));
    EXPECT_TRUE(error.contains(u"timing.heartbeat_ms"_s)) << error.toStdString();
    EXPECT_FALSE(ServerConfigLoader::apply(u"timing.nope"_s, u"1"_s, &config, &error));
    EXPECT_TRUE(error.contains(u"timing.nope"_s));
    EXPECT_FALSE(ServerConfigLoader::apply(u"server.listen"_s, u"localhost"_s, &config, &error));
    EXPECT_EQ(config.heartbeatMs, 15000) << "a bad value changed the config";
}

TEST(ServerConfig, FlagNamesFollowTheKeys)
{
    EXPECT_EQ(ServerConfigLoader::flagName(u"timing.heartbeat_ms"_s), u"timing-heartbeat-ms"_s);
    ServerConfig config;
    QString error;
    ASSERT_TRUE(ServerConfigLoader::apply(u"timing-heartbeat-ms"_s, u"700"_s, &config, &error));
    EXPECT_EQ(config.heartbeatMs, 700);
}

TEST(ServerConfig, MissingFileIsAnError)
{
    ServerConfig config;
    QString error;
    EXPECT_FALSE(ServerConfigLoader::loadFile(u"/nonexistent/confabd.ini"_s, &config, &error));
    EXPECT_FALSE(error.isEmpty());
}

TEST(ServerConfig, OriginsAreNormalisedAndBadOnesRefused)
{
    using confab::server::normalizeOrigin;
    EXPECT_EQ(normalizeOrigin(u"https://Chat.Example.COM"_s), u"https://chat.example.com"_s);
    EXPECT_EQ(normalizeOrigin(u"HTTPS://chat.example.com:443"_s), u"https://chat.example.com"_s);
    EXPECT_EQ(normalizeOrigin(u"http://localhost:8080/"_s), u"http://localhost:8080"_s);
    EXPECT_EQ(normalizeOrigin(u"http://[::1]:3000"_s), u"http://[::1]:3000"_s);
    for (const QString &bad :
         {u"null"_s, u"chat.example.com"_s, u"https://"_s, u"https://a.example/path"_s,
          u"https://user@a.example"_s, u"https://a.example?x=1"_s, u""_s})
        EXPECT_FALSE(normalizeOrigin(bad)) << bad.toStdString();

    ServerConfig config;
    QString error;
    ASSERT_TRUE(ServerConfigLoader::apply(u"server.allowed_origins"_s,
                                          u" https://A.example , http://b.example:81"_s, &config,
                                          &error))
        << error.toStdString();
    EXPECT_EQ(config.allowedOrigins,
              QStringList({u"https://a.example"_s, u"http://b.example:81"_s}));
    EXPECT_FALSE(ServerConfigLoader::apply(u"server.allowed_origins"_s, u"https://ok, bad"_s,
                                           &config, &error));
    EXPECT_TRUE(error.contains(u"server.allowed_origins"_s));
    EXPECT_EQ(config.allowedOrigins.size(), 2) << "a bad value changed the config";
}

TEST(ServerConfig, TlsOnlyRefusesPlainWsOffLoopbackOnly)
{
    ServerConfig config;
    config.listenAddress = QHostAddress::Any;
    EXPECT_TRUE(config.tlsOnlyViolation().isEmpty()) << "off by default";
    QString error;
    ASSERT_TRUE(ServerConfigLoader::apply(u"server.tls_only"_s, u"true"_s, &config, &error));
    EXPECT_TRUE(config.tlsOnlyViolation().contains(u"0.0.0.0"_s));
    for (const auto &address : {QHostAddress(QHostAddress::AnyIPv6), QHostAddress(u"10.0.0.5"_s)})
        EXPECT_FALSE(config.tlsOnlyViolation().isEmpty()) << address.toString().toStdString();
    for (const auto &address :
         {QHostAddress(QHostAddress::LocalHost), QHostAddress(QHostAddress::LocalHostIPv6),
          QHostAddress(u"127.0.0.2"_s)}) {
        config.listenAddress = address;
        EXPECT_TRUE(config.tlsOnlyViolation().isEmpty()) << address.toString().toStdString();
    }
    config.listenAddress = QHostAddress::Any;
    config.tlsCertificate = u"cert.pem"_s;
    config.tlsKey = u"key.pem"_s;
    EXPECT_TRUE(config.tlsOnlyViolation().isEmpty()) << "TLS anywhere is fine";
}
