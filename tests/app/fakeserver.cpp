// SPDX-License-Identifier: Apache-2.0
#include "fakeserver.h"

#include "maskedframes.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtEndian>

using namespace Qt::StringLiterals;

namespace confab::client::test {

FakeServer::FakeServer()
{
    m_server.listen(QHostAddress::LocalHost, 0);
    connect(&m_server, &QTcpServer::newConnection, this, &FakeServer::onNewConnection);
    onFrame = [this](const QJsonObject &frame) { answerDefault(frame); };
}

QUrl FakeServer::url() const
{
    return QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(m_server.serverPort()));
}

QList<QJsonObject> FakeServer::receivedOfType(const QString &type) const
{
    QList<QJsonObject> result;
    for (const QJsonObject &frame : m_received) {
        if (frame.value("t"_L1).toString() == type)
            result.append(frame);
    }
    return result;
}

void FakeServer::onNewConnection()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        if (m_socket)
            m_socket->deleteLater();
        m_socket = socket;
        m_buffer.clear();
        m_handshakeDone = false;
        connect(socket, &QTcpSocket::readyRead, this, &FakeServer::onReadyRead);
    }
}

void FakeServer::onReadyRead()
{
    auto *socket = qobject_cast<QTcpSocket *>(sender());
    if (socket != m_socket)
        return;
    m_buffer += socket->readAll();
    if (!m_handshakeDone) {
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QByteArray request = m_buffer.left(end);
        m_buffer.remove(0, end + 4);
        QByteArray key;
        for (const QByteArray &line : request.split('\n')) {
            if (line.toLower().startsWith("sec-websocket-key:"))
                key = line.mid(18).trimmed();
        }
        const QByteArray accept =
            QCryptographicHash::hash(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11",
                                     QCryptographicHash::Sha1)
                .toBase64();
        socket->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                      "Connection: Upgrade\r\nSec-WebSocket-Accept: " +
                      accept + "\r\nSec-WebSocket-Protocol: confab.v1\r\n\r\n");
        m_handshakeDone = true;
        ++m_connections;
    }
    while (const auto masked = confab::test::takeMaskedFrame(m_buffer)) {
        const quint8 opcode = masked->opcode;
        const QByteArray &payload = masked->payload;
        if (opcode == 0x1) {
            const QJsonObject frame = QJsonDocument::fromJson(payload).object();
            m_received.append(frame);
            if (onFrame)
                onFrame(frame);
        } else if (opcode == 0x8) {
            sendFrame(0x8, payload.left(2));
            socket->disconnectFromHost();
            return;
        }
        // Pings (0x9) are deliberately never answered.
    }
}

void FakeServer::answerDefault(const QJsonObject &frame)
{
    const QString type = frame.value("t"_L1).toString();
    if (type == "hello"_L1) {
        QJsonObject ok{
            {"user"_L1,
             QJsonObject{{"name"_L1,
                          frame.value("auth"_L1).toObject().value("user"_L1).toString(u"alice"_s)},
                         {"display"_L1, u"Alice"_s},
                         {"role"_L1, u"user"_s}}},
            {"token"_L1, u"fake-token"_s},
            {"session"_L1, u"s1"_s},
            {"heartbeat_ms"_L1, heartbeatMs},
            {"limits"_L1, QJsonObject{{"frame"_L1, 65536},
                                      {"text"_L1, 16384},
                                      {"rate_per_s"_L1, 20},
                                      {"burst"_L1, 50},
                                      {"catchup"_L1, 1000},
                                      {"history_page"_L1, 200}}},
            {"server"_L1, u"fake/1"_s},
            {"channels"_L1,
             QJsonArray{
                 QJsonObject{{"name"_L1, u"general"_s}, {"topic"_L1, u""_s}, {"last_seq"_L1, 0}}}}};
        for (auto it = helloExtra.constBegin(); it != helloExtra.constEnd(); ++it)
            ok.insert(it.key(), it.value());
        reply(frame, ok);
    } else if (type == "join"_L1) {
        const QString channel = frame.value("channel"_L1).toString();
        reply(frame, {{"channel"_L1, QJsonObject{{"name"_L1, channel},
                                                 {"topic"_L1, u""_s},
                                                 {"private"_L1, false},
                                                 {"last_seq"_L1, nextSeq - 1}}},
                      {"last_seq"_L1, nextSeq - 1},
                      {"members"_L1, QJsonArray{}},
                      {"typing"_L1, QJsonArray{}}});
        send({{"t"_L1, u"synced"_s},
              {"channel"_L1, channel},
              {"first_seq"_L1, nextSeq},
              {"last_seq"_L1, nextSeq - 1}});
    } else if (type == "publish"_L1) {
        reply(frame, {{"seq"_L1, nextSeq++},
                      {"mid"_L1, u"mid-%1"_s.arg(nextSeq)},
                      {"ts"_L1, qint64(1'700'000'000'000)},
                      {"dup"_L1, false}});
    }
}

void FakeServer::send(const QJsonObject &frame)
{
    sendFrame(0x1, QJsonDocument(frame).toJson(QJsonDocument::Compact));
}

void FakeServer::reply(const QJsonObject &request, const QJsonObject &ok)
{
    send({{"t"_L1, u"reply"_s}, {"id"_L1, request.value("id"_L1)}, {"ok"_L1, ok}});
}

void FakeServer::replyError(const QJsonObject &request, const QString &code, qint64 retryMs)
{
    QJsonObject error{{"code"_L1, code}, {"message"_L1, u"scripted"_s}};
    QJsonObject frame{{"t"_L1, u"reply"_s}, {"id"_L1, request.value("id"_L1)}};
    if (retryMs >= 0)
        error.insert("retry_ms"_L1, retryMs);
    frame.insert("error"_L1, error);
    send(frame);
}

void FakeServer::close(quint16 code)
{
    if (!m_socket)
        return;
    QByteArray payload(2, 0);
    qToBigEndian<quint16>(code, payload.data());
    sendFrame(0x8, payload);
    m_socket->flush();
    m_socket->disconnectFromHost();
}

void FakeServer::sendFrame(quint8 opcode, const QByteArray &payload)
{
    if (!m_socket)
        return;
    QByteArray header;
    header.append(char(0x80 | opcode));
    if (payload.size() < 126) {
        header.append(char(payload.size()));
    } else if (payload.size() < 65536) {
        header.append(char(126));
        QByteArray length(2, 0);
        qToBigEndian<quint16>(quint16(payload.size()), length.data());
        header.append(length);
    } else {
        header.append(char(127));
        QByteArray length(8, 0);
        qToBigEndian<quint64>(quint64(payload.size()), length.data());
        header.append(length);
    }
    m_socket->write(header + payload);
}

} // namespace confab::client::test
