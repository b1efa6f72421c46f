// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "closecode.h"
#include "ratelimiter.h"
#include "types.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <QTcpSocket>

#include <functional>
#include <optional>

class QWebSocket;

namespace confab::server {

class FrameFlusher;

/// A plain TCP socket that sends what it is given straight to its descriptor while nothing is
/// queued, and buffers only what the kernel does not take. Memory: QAbstractSocket keeps the
/// 32 KiB write-buffer chunk of its first buffered write for the socket's whole life (the
/// handshake reply that QWebSocketServer writes, later pongs and close frames), and the pages
/// it touched stay resident: about a third of an idle connection's RSS. Writes are ordered as
/// before: direct only while Qt's buffer is empty, else appended behind it. Errors are left
/// to Qt: a failed send goes through the buffer, where QAbstractSocket finds and reports it.
/// (QWebSocket::bytesWritten is not emitted for the direct part; Confab does not use it.)
/// Counts the bytes it ever gave Qt's buffer, so that a Connection can tell which of its
/// frames are still there (see Connection::closeSlowConsumer).
class DirectWriteSocket : public QTcpSocket
{
public:
    using QTcpSocket::QTcpSocket;
    /// Bytes ever appended to Qt's write buffer; minus bytesToWrite(): those sent from it.
    qint64 bufferedTotal() const { return m_bufferedTotal; }

protected:
    qint64 writeData(const char *data, qint64 size) override;

private:
    qint64 bufferWrite(const char *data, qint64 size);

    qint64 m_bufferedTotal = 0;
};

/// A connection's session once signed in: who (name, display, role), with which token,
/// from which client.
struct SessionUser
{
    qint64 id = 0;
    UserInfo info;
    QString token;  ///< the token this session holds (revoked by logout); empty if none
    QString client; ///< free-form client name from `hello`, e.g. "confab-desktop/0.3"
};

/// One client connection: its WebSocket, its ordered output and its per-connection state.
///
/// Output: `sendFrame` queues pre-built WebSocket frames (the same bytes can go to many
/// connections); at the end of the event-loop turn the FrameFlusher writes everything queued
/// in one `writev` straight to the socket's descriptor while Qt has nothing buffered for it
/// (no write notifier is armed), else through the socket's buffer, so frames never
/// interleave. Replies keep request order: a request reserves a slot when it is read, and
/// replies leave in slot order whenever they are filled. Unsent bytes over the cap (or the
/// server's send budget, see FrameFlusher) close the connection with 4008: its backlog is
/// freed at once, and the rest of the frame on its way plus the close frame finish the
/// stream on their own (Lingerer). Nothing is written once the socket has closed. Input: text
/// frames are queued in `inbox` for the RequestDispatcher, which drains it (it may pause while a
/// sign-in or a barrier request is pending).
class Connection : public QObject
{
    Q_OBJECT
public:
    Connection(QWebSocket *socket, QTcpSocket *tcp, QString session, qint64 sendBufferCap,
               const Limits &limits, qint64 wallNowMs, FrameFlusher *flusher,
               QObject *parent = nullptr);
    /// A connection without a socket, for in-process drivers (the fuzz target): the peer's
    /// text frames come in through receiveText(), its close frame through receivePeerClose(),
    /// and every WebSocket frame it would write goes to `tap` instead (at once, in order).
    Connection(QString session, const Limits &limits, qint64 nowMs,
               std::function<void(const QByteArray &frame)> tap, QObject *parent = nullptr);
    ~Connection() override;

    /// Socketless connections: a text frame from the peer, as the socket would deliver it.
    void receiveText(const QString &text) { onText(text); }
    /// Socketless connections: the peer's close frame with `code`; the connection closes.
    void receivePeerClose(int code);

    const QString &session() const { return m_session; }
    /// The client's address: the peer's, or X-Forwarded-For's behind a trusted proxy.
    QHostAddress peerAddress() const { return m_peerAddress; }
    /// "address:port", or only the address when it came from X-Forwarded-For.
    QString peerText() const;
    /// The client is at `address` (reported by a trusted reverse proxy), not at the peer.
    void setForwardedFor(const QHostAddress &address);
    /// When it was accepted, wall clock (shown to admins).
    qint64 connectedSinceMs() const { return m_connectedSinceMs; }
    /// When it was accepted, monotonic clock (the hello timeout runs from here).
    qint64 openedAtMs() const { return m_openedAtMs; }
    /// The client came over TLS (wss:// to this server; not known behind a TLS proxy).
    bool isEncrypted() const { return m_encrypted; }
    /// The last frame or pong from the peer, monotonic clock (idle and heartbeat).
    qint64 lastActivityMs() const { return m_lastActivityMs; }

    // ---- session state, owned by the request handlers ----
    std::optional<SessionUser> user;
    QSet<QString> joined; ///< channels subscribed on this connection
    bool helloPending = false;
    int failedHellos = 0;
    RateLimiter publishLimiter;
    RateLimiter typingLimiter;
    RateLimiter requestLimiter{1, 1}; ///< every request but publish; set by the RequestDispatcher
    int framesThisTurn = 0;           ///< frames handled since this connection last yielded
    bool pumpScheduled = false;
    // QList, not std::deque: libstdc++'s deque allocates a 512-byte block and its map even
    // when empty, ~1.7 KiB for the three per idle connection; these are nearly always empty.
    QList<qint64> badFrameTimes; ///< ms of recent bad frames
    QList<QByteArray> inbox;     ///< received text frames not yet handled
    bool isSignedIn() const { return user.has_value(); }
    bool isAdmin() const { return user && user->info.role == Role::Admin; }
    const QString &userName() const;

    // ---- output ----
    /// Queues one pre-built WebSocket frame; it leaves at the end of this event-loop turn.
    void sendFrame(const QByteArray &frame);
    /// Writes every queued frame now.
    void flush();
    /// Frames and sends one JSON text.
    void sendJson(QByteArrayView json);
    /// Reserves the next reply slot (in request order).
    quint64 reserveReply();
    /// Fills a slot with a reply's JSON; sends every filled slot at the front.
    void fulfilReply(quint64 slot, const QByteArray &json);
    bool hasPendingReplies() const { return !m_slots.empty(); }
    qint64 unsentBytes() const;

    /// Starts a close handshake with `code`; sends nothing more. Aborts if the peer has not
    /// completed it within `graceMs`.
    void closeWith(CloseCode code, const QString &reason, int graceMs = 2000);
    /// Closes with 4008 because of `why` (over the per-connection cap or the server's send
    /// budget), then drops the connection after a short wait, freeing its buffers.
    void closeSlowConsumer(const QString &why);
    /// Drops the TCP connection at once (dead peer).
    void abort();
    /// Closing or closed: nothing more is sent or read.
    bool isClosing() const { return m_closing; }
    /// How the connection ended or is ending: the code the server closed it with, the code
    /// of the peer's close frame, or 1006 (abnormal) when it was dropped without one.
    int closeCode() const { return m_closeCode.value_or(1006); }
    /// Sends a WebSocket ping (heartbeat).
    void ping();

signals:
    void inboxGrew(confab::server::Connection *connection);
    void repliesDrained(confab::server::Connection *connection);
    void closed(confab::server::Connection *connection, int code);

private:
    void onText(const QString &text);
    void onBinary();
    qint64 writeDirect();
    void closeIfOverCap();
    bool isOpen() const;
    /// Drops what Qt buffers for this connection but the rest of the frame being sent, and
    /// hands that and a close frame to a Lingerer. False when it cannot tell where that frame
    /// ends (TLS, or a control frame of QWebSocket's in the way).
    bool abandonBacklog(CloseCode code, const QString &reason);
    void pruneBuffered();
    void emitClosed();
    friend class FrameFlusher;

    struct ReplySlot
    {
        quint64 number;
        QByteArray json;
        bool ready = false;
    };

    QWebSocket *m_socket; ///< null for a socketless connection
    QTcpSocket *m_tcp;
    std::function<void(const QByteArray &)> m_tap; ///< a socketless connection's output
    QString m_session;
    QHostAddress m_peerAddress;
    quint16 m_peerPort = 0;
    qint64 m_sendBufferCap;
    qint64 m_connectedSinceMs;
    qint64 m_openedAtMs;
    qint64 m_lastActivityMs;
    QList<ReplySlot> m_slots; ///< QList: allocates nothing while empty (see inbox)
    quint64 m_nextSlot = 1;
    bool m_closing = false;
    bool m_encrypted = false;
    std::optional<int> m_closeCode;              ///< set when the close starts; none: dropped
    bool m_direct = false;                       ///< plain TCP: may write to the descriptor itself
    DirectWriteSocket *m_directSocket = nullptr; ///< m_tcp, when it is one
    struct BufferedFrame
    {
        QByteArray frame; ///< shared with the other recipients
        qint64 start;     ///< where its buffered part starts, in bufferedTotal() terms
        qint64 end;
    };
    QList<BufferedFrame> m_buffered; ///< our frames (or their tails) still in Qt's buffer
    FrameFlusher *m_flusher;
    QList<QByteArray> m_queued; ///< frames waiting for the end of the turn
    qint64 m_queuedBytes = 0;
    bool m_closedEmitted = false;
    bool m_backlogTracked = false; ///< in the FrameFlusher's list of connections with a backlog
};

} // namespace confab::server
