// SPDX-License-Identifier: Apache-2.0
#pragma once

// A scripted stand-in for confabd, for engine behaviours the real server cannot be made to
// show on demand: a connection that goes silent (no pongs), `bye` with `retry_ms` or
// `kicked`, `rate_limited` and permanent publish errors. Raw TCP on a free loopback port:
// it does the WebSocket handshake itself and never answers pings, so silence is real.
// Frames from the client reach `onFrame`; the test answers with send().

#include <QJsonObject>
#include <QList>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>

#include <functional>

namespace confab::client::test {

class FakeServer : public QObject
{
    Q_OBJECT
public:
    FakeServer();

    QUrl url() const;
    /// Connections accepted so far (each completed a handshake).
    int connectionCount() const { return m_connections; }
    /// Every JSON frame received, in order, across connections.
    const QList<QJsonObject> &received() const { return m_received; }
    QList<QJsonObject> receivedOfType(const QString &type) const;

    /// Called for each frame; the default answers hello (heartbeat `heartbeatMs`),
    /// join (empty channel, then synced) and publish (ok with increasing seq).
    std::function<void(const QJsonObject &)> onFrame;
    void answerDefault(const QJsonObject &frame);

    void send(const QJsonObject &frame);
    void reply(const QJsonObject &request, const QJsonObject &ok);
    void replyError(const QJsonObject &request, const QString &code, qint64 retryMs = -1);
    /// Sends a close frame with `code` and drops the TCP connection.
    void close(quint16 code);

    int heartbeatMs = 15000;
    /// Fields merged into (and replacing those of) the default `hello` reply, e.g.
    /// `protocol` or `channels`.
    QJsonObject helloExtra;
    qint64 nextSeq = 1;

private:
    void onNewConnection();
    void onReadyRead();
    void sendFrame(quint8 opcode, const QByteArray &payload);

    QTcpServer m_server;
    QTcpSocket *m_socket = nullptr;
    QByteArray m_buffer;
    bool m_handshakeDone = false;
    int m_connections = 0;
    QList<QJsonObject> m_received;
};

} // namespace confab::client::test
