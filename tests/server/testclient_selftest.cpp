// SPDX-License-Identifier: Apache-2.0
// Checks the test clients themselves against a plain QWebSocketServer, so a failure in the
// server tests points at the server, not at the hand-rolled client.

#include "rawwsclient.h"
#include "testclient.h"

#include <QJsonDocument>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#include <gtest/gtest.h>

#include <memory>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

class EchoServer
{
public:
    EchoServer()
        : m_server(u"echo"_s, QWebSocketServer::NonSecureMode)
    {
        m_server.setSupportedSubprotocols({u"confab.v1"_s});
        QObject::connect(&m_server, &QWebSocketServer::newConnection, &m_server, [this] {
            QWebSocket *socket = m_server.nextPendingConnection();
            socket->setParent(&m_server); // freed with the server
            last = socket;
            QObject::connect(socket, &QWebSocket::textMessageReceived, socket,
                             [this, socket](const QString &text) {
                                 received.append(text);
                                 if (text == "close-4008"_L1)
                                     socket->close(QWebSocketProtocol::CloseCode(4008));
                                 else
                                     socket->sendTextMessage(text);
                             });
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QUrl url() const
    {
        QUrl url = m_server.serverUrl();
        url.setPath(u"/ws"_s);
        return url;
    }

    QWebSocketServer m_server;
    QWebSocket *last = nullptr;
    QStringList received;
};

TEST(TestClientSelfTest, RequestMatchesTheReplyById)
{
    EchoServer echo;
    ASSERT_TRUE(echo.listen());
    TestClient client;
    ASSERT_TRUE(client.open(echo.url()));
    EXPECT_EQ(client.acceptedSubprotocol(), u"confab.v1"_s);
    // The echo server sends the request back: it is a "reply" only by id, so craft one.
    client.sendText(uR"({"t":"reply","id":1,"ok":{}})"_s);
    const auto reply = client.waitForReply(1);
    ASSERT_TRUE(reply);
    EXPECT_TRUE(isOk(*reply));
    EXPECT_FALSE(client.waitForReply(2, 50));
    client.close(1000);
    EXPECT_TRUE(client.waitForDisconnected());
}

TEST(TestClientSelfTest, WaitForLosesNothingWhenFramesArriveInABurst)
{
    EchoServer echo;
    ASSERT_TRUE(echo.listen());
    TestClient client;
    ASSERT_TRUE(client.open(echo.url()));
    ASSERT_TRUE(waitUntil([&] { return echo.last != nullptr; }));
    // Start waiting before the burst arrives, so the frames land inside waitFor's loop.
    QTimer::singleShot(20, echo.last, [&] {
        for (int i = 1; i <= 200; ++i)
            echo.last->sendTextMessage(uR"({"t":"msg","seq":%1})"_s.arg(i));
    });
    for (int i = 1; i <= 200; ++i) {
        const auto msg = client.waitFor(u"msg"_s);
        ASSERT_TRUE(msg) << "lost at " << i;
        ASSERT_EQ(msg->value("seq"_L1).toInteger(), i);
    }
}

TEST(TestClientSelfTest, TextSurvivesTheClientRoundTripByteExact)
{
    EchoServer echo;
    ASSERT_TRUE(echo.listen());
    TestClient client;
    ASSERT_TRUE(client.open(echo.url()));
    const QString text = u"\uFEFFBOM first, NUL \0, emoji 😀, RTL שלום, LS \u2028"_s;
    client.send(QJsonObject{{"t"_L1, "msg"_L1}, {"text"_L1, text}});
    const auto echoed = client.waitFor(u"msg"_s);
    ASSERT_TRUE(echoed);
    EXPECT_EQ(echoed->value("text"_L1).toString().toUtf8().toHex(), text.toUtf8().toHex());
    ASSERT_EQ(echo.received.size(), 1);
    EXPECT_TRUE(echo.received.first().contains(u"\uFEFFBOM"_s)) << "sent without the BOM";
}

TEST(TestClientSelfTest, RawClientHandshakesExchangesTextAndReadsCloseCodes)
{
    EchoServer echo;
    ASSERT_TRUE(echo.listen());
    RawWsClient raw;
    ASSERT_TRUE(raw.open(echo.url()));
    raw.sendJson(QJsonObject{{"t"_L1, "reply"_L1}, {"id"_L1, 7}, {"ok"_L1, QJsonObject{}}});
    const auto reply = raw.waitForReply(7);
    ASSERT_TRUE(reply);
    // A long (16-bit length) and a very long (64-bit length) frame.
    const QString mid = uR"({"t":"reply","id":8,"ok":{"pad":"%1"}})"_s.arg(u"p"_s.repeated(300));
    raw.sendFrame(RawWsClient::Text, mid.toUtf8());
    ASSERT_TRUE(raw.waitForReply(8));
    const QString big = uR"({"t":"reply","id":9,"ok":{"pad":"%1"}})"_s.arg(u"p"_s.repeated(70000));
    raw.sendFrame(RawWsClient::Text, big.toUtf8());
    ASSERT_TRUE(raw.waitForReply(9));
    ASSERT_EQ(echo.received.size(), 3);
    EXPECT_EQ(echo.received.at(2).size(), big.size());

    raw.sendFrame(RawWsClient::Text, "close-4008");
    ASSERT_TRUE(raw.waitForDisconnected(5000));
    EXPECT_EQ(raw.closeCode(), 4008);
}

TEST(TestClientSelfTest, RawClientInvalidUtf8IsRejectedByQtWith1007)
{
    EchoServer echo;
    ASSERT_TRUE(echo.listen());
    RawWsClient raw;
    ASSERT_TRUE(raw.open(echo.url()));
    raw.sendFrame(RawWsClient::Text, QByteArray("{\"x\":\"\xC3\x28\xFF\"}"));
    ASSERT_TRUE(raw.waitForClosed(5000));
    EXPECT_EQ(raw.closeCode(), 1007);
}

TEST(TestClientSelfTest, RawClientAnswersPingsUnlessToldNotTo)
{
    EchoServer echo;
    ASSERT_TRUE(echo.listen());
    RawWsClient raw;
    ASSERT_TRUE(raw.open(echo.url()));
    ASSERT_TRUE(waitUntil([&] { return echo.last != nullptr; }));
    int pongs = 0;
    QObject::connect(echo.last, &QWebSocket::pong, echo.last, [&] { ++pongs; });
    echo.last->ping("a");
    ASSERT_TRUE(waitUntil([&] { return pongs == 1; }));
    raw.setAnswerPings(false);
    echo.last->ping("b");
    ASSERT_TRUE(waitUntil([&] { return raw.pingsReceived() == 2; }));
    // The next ping after a barrier still got no pong.
    raw.sendFrame(RawWsClient::Text, "barrier");
    ASSERT_TRUE(waitUntil([&] { return echo.received.size() == 1; }));
    EXPECT_EQ(pongs, 1);
}

} // namespace
