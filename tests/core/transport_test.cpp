// SPDX-License-Identifier: Apache-2.0
// The transport writes pre-built frames to the TCP socket that QWebSocket keeps from the
// handshake. That QWebSocket keeps the socket it was given (as its child) is undocumented
// Qt behaviour: these tests fail if a Qt version stops doing it.

#include "connection.h"
#include "transport.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>
#include <gtest/gtest.h>

using namespace Qt::StringLiterals;
using confab::server::Connection;
using confab::server::Transport;

namespace {

class TransportTest : public testing::Test
{
protected:
    void SetUp() override
    {
        Transport::Options options;
        options.address = QHostAddress::LocalHost;
        options.port = 0;
        options.sendBufferBytes = 1 << 20;
        transport = std::make_unique<Transport>(options);
        QString error;
        ASSERT_TRUE(transport->listen(&error)) << error.toStdString();
        QObject::connect(transport.get(), &Transport::connected,
                         [this](Connection *c) { server = c; });
    }

    void connectClient()
    {
        QWebSocketHandshakeOptions handshake;
        handshake.setSubprotocols({u"confab.v1"_s});
        QSignalSpy connected(&client, &QWebSocket::connected);
        client.open(transport->url(), handshake);
        ASSERT_TRUE(connected.wait(5000));
        ASSERT_TRUE(QTest::qWaitFor([this] { return !server.isNull(); }, 5000));
    }

    std::unique_ptr<Transport> transport;
    QPointer<Connection> server;
    QWebSocket client;
};

} // namespace

TEST_F(TransportTest, AcceptsTheSubprotocolAndKeepsTheTcpSocket)
{
    connectClient();
    EXPECT_EQ(client.subprotocol(), u"confab.v1"_s);
    EXPECT_FALSE(server->isClosing()) << "the upgraded QWebSocket lost its TCP socket";
}

TEST_F(TransportTest, PreBuiltFramesOfEverySizeArriveIntact)
{
    connectClient();
    QStringList received;
    QObject::connect(&client, &QWebSocket::textMessageReceived,
                     [&](const QString &text) { received.append(text); });
    // 7-bit, 16-bit and 64-bit payload lengths, with multi-byte UTF-8.
    const QStringList sent = {u"{\"t\":\"x\"}"_s, QString(300, u'é'), QString(70000, u'z')};
    for (const QString &text : sent)
        server->sendJson(text.toUtf8());
    ASSERT_TRUE(QTest::qWaitFor([&] { return received.size() >= sent.size(); }, 5000));
    EXPECT_EQ(received, sent);
}

TEST_F(TransportTest, ABurstKeepsItsOrderWhenTheSocketBuffers)
{
    connectClient();
    QStringList received;
    QObject::connect(&client, &QWebSocket::textMessageReceived,
                     [&](const QString &text) { received.append(text); });
    QStringList sent;
    const QString filler(4000, u'x');
    for (int i = 0; i < 500; ++i) { // ~2 MB: more than the kernel takes at once
        sent.append(QString::number(i) + filler);
        server->sendJson(sent.last().toUtf8());
    }
    ASSERT_TRUE(QTest::qWaitFor([&] { return received.size() >= sent.size(); }, 10000));
    EXPECT_EQ(received, sent);
}

TEST_F(TransportTest, ReceivedTextLandsInTheInbox)
{
    connectClient();
    QSignalSpy grew(server.data(), &Connection::inboxGrew);
    client.sendTextMessage(u"{\"t\":\"channels\",\"id\":1}"_s);
    ASSERT_TRUE(grew.wait(5000));
    ASSERT_EQ(server->inbox.size(), 1u);
    EXPECT_EQ(server->inbox.front(), "{\"t\":\"channels\",\"id\":1}");
}

TEST_F(TransportTest, BinaryFrameClosesWith1003)
{
    connectClient();
    QSignalSpy disconnected(&client, &QWebSocket::disconnected);
    client.sendBinaryMessage("\x01\x02");
    ASSERT_TRUE(disconnected.wait(5000));
    EXPECT_EQ(int(client.closeCode()), 1003);
}

TEST_F(TransportTest, RepliesLeaveInSlotOrder)
{
    connectClient();
    QStringList received;
    QObject::connect(&client, &QWebSocket::textMessageReceived,
                     [&](const QString &text) { received.append(text); });
    const quint64 first = server->reserveReply();
    const quint64 second = server->reserveReply();
    server->fulfilReply(second, "2");
    EXPECT_TRUE(server->hasPendingReplies());
    server->fulfilReply(first, "1");
    ASSERT_TRUE(QTest::qWaitFor([&] { return received.size() >= 2; }, 5000));
    EXPECT_EQ(received, (QStringList{u"1"_s, u"2"_s}));
    EXPECT_FALSE(server->hasPendingReplies());
}
