// SPDX-License-Identifier: Apache-2.0
#include "rawwsclient.h"

#include "testclient.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <QtEndian>

using namespace Qt::StringLiterals;

namespace confab::test {

RawWsClient::RawWsClient(QObject *parent)
    : QObject(parent)
{
    connect(&m_socket, &QTcpSocket::readyRead, this, &RawWsClient::onReadyRead);
    connect(&m_socket, &QAbstractSocket::errorOccurred, this,
            [this] { m_socketError = m_socket.errorString(); });
    connect(&m_socket, &QTcpSocket::disconnected, this, [this] {
        // Whatever is still buffered (the close frame, typically) is parsed first.
        if (m_reading)
            onReadyRead();
        if (m_socket.bytesAvailable() > 0)
            m_socketError += u" (%1 bytes left unread)"_s.arg(m_socket.bytesAvailable());
        m_disconnected = true;
        emit closed();
    });
}

bool RawWsClient::open(const QUrl &url, int timeoutMs)
{
    openAsync(url);
    return waitUntil([this] { return m_handshakeDone || m_handshakeFailed || m_disconnected; },
                     timeoutMs) &&
           m_handshakeDone;
}

void RawWsClient::openAsync(const QUrl &url)
{
    m_url = url;
    connect(&m_socket, &QTcpSocket::connected, this, &RawWsClient::sendUpgrade,
            Qt::SingleShotConnection);
    m_socket.connectToHost(url.host(), quint16(url.port()));
}

void RawWsClient::sendUpgrade()
{
    QByteArray key(16, Qt::Uninitialized);
    for (char &c : key)
        c = char(QRandomGenerator::global()->bounded(256));
    const QByteArray path = m_url.path().isEmpty() ? QByteArray("/") : m_url.path().toUtf8();
    const QByteArray request = "GET " + path + " HTTP/1.1\r\nHost: " + m_url.host().toUtf8() + ":" +
                               QByteArray::number(m_url.port()) +
                               "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                               "Sec-WebSocket-Key: " +
                               key.toBase64() +
                               "\r\nSec-WebSocket-Version: 13\r\n"
                               "Sec-WebSocket-Protocol: confab.v1\r\n\r\n";
    m_socket.write(request);
}

void RawWsClient::sendFrame(quint8 opcode, const QByteArray &payload, bool fin)
{
    QByteArray frame;
    frame.append(char((fin ? 0x80 : 0x00) | (opcode & 0x0F)));
    const qint64 len = payload.size();
    if (len < 126) {
        frame.append(char(0x80 | len));
    } else if (len <= 0xFFFF) {
        frame.append(char(0x80 | 126));
        uchar be[2];
        qToBigEndian(quint16(len), be);
        frame.append(reinterpret_cast<const char *>(be), 2);
    } else {
        frame.append(char(0x80 | 127));
        uchar be[8];
        qToBigEndian(quint64(len), be);
        frame.append(reinterpret_cast<const char *>(be), 8);
    }
    const quint32 maskValue = QRandomGenerator::global()->generate();
    uchar mask[4];
    qToBigEndian(maskValue, mask);
    frame.append(reinterpret_cast<const char *>(mask), 4);
    QByteArray masked = payload;
    for (qsizetype i = 0; i < masked.size(); ++i)
        masked[i] = char(uchar(masked[i]) ^ mask[i % 4]);
    frame.append(masked);
    m_socket.write(frame);
}

void RawWsClient::sendJson(const QJsonObject &frame)
{
    sendFrame(Text, QJsonDocument(frame).toJson(QJsonDocument::Compact));
}

qint64 RawWsClient::sendRequest(QJsonObject frame)
{
    const qint64 id = m_nextId++;
    frame.insert("id"_L1, id);
    sendJson(frame);
    return id;
}

std::optional<QJsonObject> RawWsClient::waitForReply(qint64 id, int timeoutMs)
{
    std::optional<QJsonObject> found;
    waitUntil(
        [&] {
            for (const QJsonObject &f : std::as_const(m_frames)) {
                if (f.value("t"_L1).toString() == "reply"_L1 &&
                    f.value("id"_L1).toInteger(-1) == id) {
                    found = f;
                    return true;
                }
            }
            return isClosed();
        },
        timeoutMs);
    return found;
}

void RawWsClient::setReading(bool reading)
{
    m_reading = reading;
    if (reading) {
        m_socket.setReadBufferSize(0);
        onReadyRead();
    } else {
        // Qt stops pulling from the kernel once its own buffer holds this much.
        m_socket.setReadBufferSize(4096);
    }
}

bool RawWsClient::waitForClosed(int timeoutMs)
{
    return waitUntil([this] { return isClosed(); }, timeoutMs);
}

bool RawWsClient::waitForDisconnected(int timeoutMs)
{
    return waitUntil([this] { return m_disconnected; }, timeoutMs);
}

void RawWsClient::onReadyRead()
{
    if (!m_reading)
        return;
    if (m_socket.isReadable())
        m_buffer.append(m_socket.readAll());
    if (!m_handshakeDone) {
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QByteArray head = m_buffer.left(end);
        m_buffer.remove(0, end + 4);
        if (head.startsWith("HTTP/1.1 101"))
            m_handshakeDone = true;
        else
            m_handshakeFailed = true;
        if (m_handshakeDone)
            emit opened();
    }
    const qsizetype before = m_frames.size();
    parseFrames();
    if (m_frames.size() > before)
        emit framesArrived();
}

void RawWsClient::parseFrames()
{
    while (m_handshakeDone && m_buffer.size() >= 2) {
        const auto *p = reinterpret_cast<const uchar *>(m_buffer.constData());
        const bool fin = p[0] & 0x80;
        const quint8 opcode = p[0] & 0x0F;
        const bool masked = p[1] & 0x80;
        quint64 len = p[1] & 0x7F;
        qsizetype header = 2;
        if (len == 126) {
            if (m_buffer.size() < 4)
                return;
            len = qFromBigEndian<quint16>(p + 2);
            header = 4;
        } else if (len == 127) {
            if (m_buffer.size() < 10)
                return;
            len = qFromBigEndian<quint64>(p + 2);
            header = 10;
        }
        if (masked)
            header += 4;
        if (quint64(m_buffer.size()) < quint64(header) + len)
            return;
        QByteArray payload = m_buffer.mid(header, qsizetype(len));
        if (masked) {
            for (qsizetype i = 0; i < payload.size(); ++i)
                payload[i] = char(uchar(payload[i]) ^ p[header - 4 + (i % 4)]);
        }
        m_buffer.remove(0, header + qsizetype(len));

        switch (opcode) {
        case Text:
        case Binary:
        case Continuation:
            m_message.append(payload);
            if (fin) {
                m_textBytes += m_message.size();
                const QJsonDocument doc = QJsonDocument::fromJson(m_message);
                if (doc.isObject())
                    m_frames.append(doc.object());
                m_message.clear();
            }
            break;
        case Ping:
            ++m_pings;
            if (m_answerPings)
                sendFrame(Pong, payload);
            break;
        case Close:
            m_closeCode =
                payload.size() >= 2
                    ? qFromBigEndian<quint16>(reinterpret_cast<const uchar *>(payload.constData()))
                    : 1005;
            // Answer like a well-behaved client, so the server can finish its close.
            if (m_socket.state() == QAbstractSocket::ConnectedState)
                sendFrame(Close, payload.left(2));
            break;
        default:
            break;
        }
    }
}

} // namespace confab::test
