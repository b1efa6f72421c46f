// SPDX-License-Identifier: Apache-2.0
#include "testclient.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkRequest>
#include <QTimer>
#include <QUuid>
#include <QWebSocketHandshakeOptions>

using namespace Qt::StringLiterals;

namespace confab::test {

bool waitUntil(const std::function<bool()> &predicate, int timeoutMs)
{
    if (predicate())
        return true;
    QEventLoop loop;
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    // The poll only re-checks the predicate; events are handled as they come in between.
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (predicate())
            loop.quit();
    });
    deadline.start(timeoutMs);
    poll.start(5);
    loop.exec();
    return predicate();
}

QString errorCode(const QJsonObject &reply)
{
    return reply.value("error"_L1).toObject().value("code"_L1).toString();
}

bool isOk(const QJsonObject &reply)
{
    return reply.value("t"_L1).toString() == "reply"_L1 && reply.value("ok"_L1).isObject() &&
           !reply.contains("error"_L1);
}

QString dump(const QJsonObject &frame)
{
    return QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact));
}

QString newCid()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

TestClient::TestClient(QObject *parent)
    : QObject(parent)
{
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &TestClient::onText);
    connect(&m_socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &data) {
        m_garbage.append(u"<binary frame of %1 bytes>"_s.arg(data.size()));
        emit frameReceived();
    });
    connect(&m_socket, &QWebSocket::disconnected, this, [this] {
        m_disconnected = true;
        m_closeCode = int(m_socket.closeCode());
        m_closeReason = m_socket.closeReason();
        emit frameReceived();
    });
}

TestClient::~TestClient()
{
    m_socket.abort();
}

void TestClient::setSslConfiguration(const QSslConfiguration &config)
{
    m_socket.setSslConfiguration(config);
}

void TestClient::setIgnoredSslErrors(const QList<QSslError> &errors)
{
    m_socket.ignoreSslErrors(errors);
}

bool TestClient::open(const QUrl &url, int timeoutMs)
{
    return open(QNetworkRequest(url), timeoutMs);
}

bool TestClient::open(const QNetworkRequest &request, int timeoutMs)
{
    QWebSocketHandshakeOptions options;
    options.setSubprotocols({u"confab.v1"_s});
    m_disconnected = false;
    m_closeCode = -1;
    bool connected = false;
    auto conn = connect(&m_socket, &QWebSocket::connected, this, [&] { connected = true; });
    m_socket.open(request, options);
    waitUntil([&] { return connected || m_disconnected; }, timeoutMs);
    disconnect(conn);
    return connected && !m_disconnected;
}

bool TestClient::isConnected() const
{
    return !m_disconnected && m_socket.state() == QAbstractSocket::ConnectedState;
}

bool TestClient::waitForDisconnected(int timeoutMs)
{
    return waitUntil([this] { return m_disconnected; }, timeoutMs);
}

QString TestClient::acceptedSubprotocol() const
{
    return m_socket.subprotocol();
}

void TestClient::onText(const QString &text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        m_garbage.append(text);
    } else {
        const QJsonObject frame = doc.object();
        if (m_recordAll)
            m_received.append(frame);
        m_inbox.append(frame);
    }
    emit frameReceived();
}

void TestClient::sendText(const QString &text)
{
    m_socket.sendTextMessage(text);
}

void TestClient::sendBinary(const QByteArray &data)
{
    m_socket.sendBinaryMessage(data);
}

void TestClient::send(const QJsonObject &frame)
{
    m_socket.sendTextMessage(
        QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
}

qint64 TestClient::sendRequest(QJsonObject frame)
{
    const qint64 id = m_nextId++;
    frame.insert("id"_L1, id);
    send(frame);
    return id;
}

std::optional<QJsonObject> TestClient::request(const QJsonObject &frame, int timeoutMs)
{
    return waitForReply(sendRequest(frame), timeoutMs);
}

std::optional<QJsonObject> TestClient::takeFirst(const FramePredicate &pred, int timeoutMs)
{
    std::optional<QJsonObject> found;
    auto scan = [&] {
        for (qsizetype i = 0; i < m_inbox.size(); ++i) {
            if (pred(m_inbox.at(i))) {
                found = m_inbox.takeAt(i);
                return true;
            }
        }
        return false;
    };
    if (scan())
        return found;
    QEventLoop loop;
    QTimer deadline;
    deadline.setSingleShot(true);
    connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    auto conn = connect(this, &TestClient::frameReceived, &loop, [&] {
        // Several frames can arrive before the loop returns: take only the first match.
        if (found || scan() || m_disconnected)
            loop.quit();
    });
    deadline.start(timeoutMs);
    loop.exec();
    disconnect(conn);
    if (!found)
        scan(); // frames that arrived together with the disconnect
    return found;
}

std::optional<QJsonObject> TestClient::waitForReply(qint64 id, int timeoutMs)
{
    return takeFirst(
        [id](const QJsonObject &f) {
            return f.value("t"_L1).toString() == "reply"_L1 && f.contains("id"_L1) &&
                   f.value("id"_L1).toInteger(-1) == id;
        },
        timeoutMs);
}

std::optional<QJsonObject> TestClient::waitFor(const QString &type, const FramePredicate &pred,
                                               int timeoutMs)
{
    return takeFirst(
        [&](const QJsonObject &f) {
            return f.value("t"_L1).toString() == type && (!pred || pred(f));
        },
        timeoutMs);
}

QList<QJsonObject> TestClient::take(const QString &type, const FramePredicate &pred)
{
    QList<QJsonObject> out;
    for (qsizetype i = 0; i < m_inbox.size();) {
        const QJsonObject &f = m_inbox.at(i);
        if (f.value("t"_L1).toString() == type && (!pred || pred(f)))
            out.append(m_inbox.takeAt(i));
        else
            ++i;
    }
    return out;
}

bool TestClient::has(const QString &type, const FramePredicate &pred) const
{
    for (const QJsonObject &f : m_inbox) {
        if (f.value("t"_L1).toString() == type && (!pred || pred(f)))
            return true;
    }
    return false;
}

QList<QJsonObject> TestClient::receivedOf(const QString &type, const FramePredicate &pred) const
{
    QList<QJsonObject> out;
    for (const QJsonObject &f : m_received) {
        if (f.value("t"_L1).toString() == type && (!pred || pred(f)))
            out.append(f);
    }
    return out;
}

void TestClient::rememberHello(const std::optional<QJsonObject> &reply)
{
    if (!reply || !isOk(*reply))
        return;
    m_helloOk = reply->value("ok"_L1).toObject();
    m_session = m_helloOk.value("session"_L1).toString();
    if (m_helloOk.contains("token"_L1))
        m_token = m_helloOk.value("token"_L1).toString();
}

std::optional<QJsonObject> TestClient::hello(const QString &user, const QString &password,
                                             const QString &client)
{
    const auto reply = request(QJsonObject{
        {"t"_L1, "hello"_L1},
        {"v"_L1, 1},
        {"auth"_L1, QJsonObject{{"user"_L1, user}, {"password"_L1, password}}},
        {"client"_L1, client},
    });
    rememberHello(reply);
    return reply;
}

std::optional<QJsonObject> TestClient::helloToken(const QString &token, const QString &client)
{
    const auto reply = request(QJsonObject{
        {"t"_L1, "hello"_L1},
        {"v"_L1, 1},
        {"auth"_L1, QJsonObject{{"token"_L1, token}}},
        {"client"_L1, client},
    });
    rememberHello(reply);
    return reply;
}

std::optional<QJsonObject> TestClient::join(const QString &channel, const QJsonObject &extra)
{
    QJsonObject frame = extra;
    frame.insert("t"_L1, "join"_L1);
    frame.insert("channel"_L1, channel);
    return request(frame);
}

std::optional<QJsonObject> TestClient::joinSynced(const QString &channel, const QJsonObject &extra,
                                                  int timeoutMs)
{
    const auto reply = join(channel, extra);
    if (!reply || !isOk(*reply))
        return std::nullopt;
    return waitFor(
        u"synced"_s,
        [channel](const QJsonObject &f) { return f.value("channel"_L1).toString() == channel; },
        timeoutMs);
}

qint64 TestClient::sendPublish(const QString &channel, const QString &text, const QString &cid)
{
    return sendRequest(QJsonObject{
        {"t"_L1, "publish"_L1},
        {"channel"_L1, channel},
        {"cid"_L1, cid.isEmpty() ? newCid() : cid},
        {"text"_L1, text},
    });
}

std::optional<QJsonObject> TestClient::publish(const QString &channel, const QString &text,
                                               const QString &cid)
{
    return waitForReply(sendPublish(channel, text, cid));
}

void TestClient::typing(const QString &channel, bool active)
{
    send(QJsonObject{{"t"_L1, "typing"_L1}, {"channel"_L1, channel}, {"active"_L1, active}});
}

void TestClient::close(int code)
{
    m_socket.close(QWebSocketProtocol::CloseCode(code));
}

void TestClient::abort()
{
    m_socket.abort();
}

} // namespace confab::test
