// SPDX-License-Identifier: Apache-2.0
#pragma once

// A WebSocket client done by hand on a QTcpSocket (RFC 6455), for what QWebSocket will not
// do: send invalid UTF-8 or arbitrary opcodes, ignore the server's pings, or stop reading
// altogether (a slow consumer). It parses what the server sends: text frames as JSON, the
// close frame's code, pings.

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QTcpSocket>
#include <QUrl>

#include <optional>

namespace confab::test {

class RawWsClient : public QObject
{
    Q_OBJECT
public:
    enum Opcode : quint8 {
        Continuation = 0x0,
        Text = 0x1,
        Binary = 0x2,
        Close = 0x8,
        Ping = 0x9,
        Pong = 0xA
    };

    explicit RawWsClient(QObject *parent = nullptr);

    /// TCP connect plus the HTTP upgrade (subprotocol confab.v1). True once the server
    /// answered 101.
    bool open(const QUrl &url, int timeoutMs = 5000);
    /// The same without waiting: starts the connect, the upgrade follows on its own. Many
    /// clients open at once this way (isOpen() or isClosed() tells when it is over).
    void openAsync(const QUrl &url);
    bool isOpen() const { return m_handshakeDone && !isClosed(); }
    bool handshakeFailed() const { return m_handshakeFailed; }

    /// Sends one masked frame.
    void sendFrame(quint8 opcode, const QByteArray &payload, bool fin = true);
    void sendJson(const QJsonObject &frame);
    /// Sends a request with the next id, returns the id.
    qint64 sendRequest(QJsonObject frame);
    std::optional<QJsonObject> waitForReply(qint64 id, int timeoutMs = 5000);

    /// Whether to answer the server's pings with pongs (default true, like any client).
    void setAnswerPings(bool answer) { m_answerPings = answer; }
    /// Stops reading from the socket: the kernel buffers fill up and the server's unsent
    /// bytes grow. setReading(true) resumes and processes what is pending.
    void setReading(bool reading);

    /// True once the server's close frame arrived or the TCP connection ended.
    bool isClosed() const { return m_closeCode >= 0 || m_disconnected; }
    bool isDisconnected() const { return m_disconnected; }
    bool waitForClosed(int timeoutMs);
    bool waitForDisconnected(int timeoutMs);
    /// The code of the server's close frame; -1 when none arrived.
    int closeCode() const { return m_closeCode; }
    const QList<QJsonObject> &frames() const { return m_frames; }
    qint64 textBytesReceived() const { return m_textBytes; }
    int pingsReceived() const { return m_pings; }
    QTcpSocket *socket() { return &m_socket; }

signals:
    /// New text frames were appended to frames(); emitted after the batch is parsed.
    void framesArrived();
    /// The upgrade succeeded (after openAsync()).
    void opened();
    /// The TCP connection ended.
    void closed();

public:
    /// The socket error that ended the connection, if any (for failure messages).
    QString socketError() const { return m_socketError; }
    /// Bytes still unparsed (a partial frame) when the connection ended.
    qsizetype pendingBytes() const { return m_buffer.size(); }

private:
    void onReadyRead();
    void sendUpgrade();
    void parseFrames();

    QTcpSocket m_socket;
    QByteArray m_buffer;
    QByteArray m_message; ///< payload of a fragmented message so far
    bool m_handshakeDone = false;
    bool m_handshakeFailed = false;
    bool m_answerPings = true;
    bool m_reading = true;
    bool m_disconnected = false;
    int m_closeCode = -1;
    int m_pings = 0;
    qint64 m_textBytes = 0;
    qint64 m_nextId = 1;
    QList<QJsonObject> m_frames;
    QString m_socketError;
    QUrl m_url;
};

} // namespace confab::test
