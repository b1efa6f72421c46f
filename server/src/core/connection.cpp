// SPDX-License-Identifier: Apache-2.0
#include "connection.h"

#include "frameflusher.h"
#include "logging.h"
#include "wsframe.h"

#include <QDateTime>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>

#include <cerrno>
#include <sys/socket.h>

using namespace Qt::StringLiterals;

namespace confab::server {

namespace {
// A slow consumer's close frame waits behind everything it has not read, up to the cap: a
// client that reads again at once still gets it and learns why, but the buffers (megabytes
// per connection) are freed soon, not after the dead-peer check. Either way the client
// resumes with `since`.
constexpr int slowConsumerGraceMs = 1000;
// After the peer's close frame: time for it to read our answer.
constexpr int peerCloseGraceMs = 2000;
} // namespace

Connection::Connection(QWebSocket *socket, QTcpSocket *tcp, QString session, qint64 sendBufferCap,
                       const Limits &limits, qint64 nowMs, FrameFlusher *flusher, QObject *parent)
    : QObject(parent)
    , publishLimiter(limits.ratePerSecond, limits.burst)
    , typingLimiter(2, 2)
    , m_socket(socket)
    , m_tcp(tcp)
    , m_session(std::move(session))
    , m_peerAddress(socket->peerAddress())
    , m_peerPort(socket->peerPort())
    , m_sendBufferCap(sendBufferCap)
    , m_connectedSinceMs(nowMs)
    , m_lastActivityMs(nowMs)
    , m_flusher(flusher)
{
    m_socket->setParent(this);
    if (m_tcp)
        m_tcp->setParent(this);
    m_socket->setMaxAllowedIncomingFrameSize(quint64(limits.frame));
    m_socket->setMaxAllowedIncomingMessageSize(quint64(limits.frame));
    m_direct = m_tcp && !qobject_cast<QSslSocket *>(m_tcp) && m_tcp->socketDescriptor() != -1;
    // Frames are coalesced per turn by the flusher, so Nagle's delay would only hold back
    // the last segment of a burst (a join's `synced`) for the peer's delayed ACK.
    if (m_tcp)
        m_tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);

    connect(m_socket, &QWebSocket::textMessageReceived, this, &Connection::onText);
    connect(m_socket, &QWebSocket::binaryMessageReceived, this, &Connection::onBinary);
    connect(m_socket, &QWebSocket::pong, this,
            [this] { m_lastActivityMs = QDateTime::currentMSecsSinceEpoch(); });
    // The peer's close frame (QWebSocket answers it and closes the TCP socket), or the
    // socket closing for any other reason: nothing more is sent, and a peer that does not
    // read the answer is dropped soon, with whatever is still buffered for it.
    connect(m_socket, &QWebSocket::aboutToClose, this, [this] {
        if (m_closing)
            return;
        m_closing = true;
        m_queued.clear();
        m_queuedBytes = 0;
        QTimer::singleShot(peerCloseGraceMs, this, [this] {
            if (m_socket->state() != QAbstractSocket::UnconnectedState)
                m_socket->abort();
        });
    });
    connect(m_socket, &QWebSocket::disconnected, this, [this] {
        if (m_closedEmitted)
            return;
        m_closedEmitted = true;
        emit closed(this, int(m_socket->closeCode()));
    });
}

Connection::~Connection() = default;

QString Connection::peerText() const
{
    if (m_peerPort == 0)
        return m_peerAddress.toString();
    return m_peerAddress.toString() + u':' + QString::number(m_peerPort);
}

void Connection::setForwardedFor(const QHostAddress &address)
{
    m_peerAddress = address;
    m_peerPort = 0; // the client's port is not known
}

bool Connection::isOpen() const
{
    return m_tcp && m_tcp->isOpen() && m_tcp->state() == QAbstractSocket::ConnectedState;
}

const QString &Connection::userName() const
{
    static const QString none;
    return user ? user->info.name : none;
}

void Connection::onText(const QString &text)
{
    if (m_closing)
        return;
    m_lastActivityMs = QDateTime::currentMSecsSinceEpoch();
    inbox.push_back(text.toUtf8());
    emit inboxGrew(this);
}

void Connection::onBinary()
{
    qCInfo(lcNet) << "binary frame from" << m_session << "- closing 1003";
    closeWith(1003, u"binary frames are not supported"_s);
}

void Connection::sendJson(QByteArrayView json)
{
    sendFrame(makeTextFrame(json));
}

void Connection::sendFrame(const QByteArray &frame)
{
    // Per delivery: only the cheap checks here; flush() looks at the socket's state.
    if (m_closing || !m_tcp)
        return;
    if (m_queued.isEmpty())
        m_flusher->schedule(this);
    m_queued.append(frame); // shares the bytes: no copy per recipient
    m_queuedBytes += frame.size();
    // The cap is checked after the flush: what the kernel takes at once is not "unsent".
}

void Connection::flush()
{
    if (m_queued.isEmpty())
        return;
    if (!isOpen()) {
        // The peer went away after these were queued (Qt has closed the socket and will
        // report it): writing would only log "device not open".
        m_queued.clear();
        m_queuedBytes = 0;
        return;
    }
    qsizetype done = 0;
    if (m_direct && m_tcp->bytesToWrite() == 0)
        done = writeDirect();
    // What the kernel did not take goes through Qt's buffer, in order.
    for (const QByteArray &frame : std::as_const(m_queued)) {
        if (done >= frame.size()) {
            done -= frame.size();
            continue;
        }
        m_tcp->write(frame.constData() + done, frame.size() - done);
        done = 0;
    }
    m_queued.clear();
    m_queuedBytes = 0;
    if (!m_backlogTracked && m_tcp->bytesToWrite() > 0)
        m_flusher->trackBacklog(this);
    closeIfOverCap();
}

qint64 Connection::writeDirect()
{
    // Straight to the descriptor while Qt has nothing queued: keeps frames in order and arms
    // no write notifier (see PERF-NOTES.md). Returns the bytes the kernel took.
    constexpr int maxIov = 512;
    iovec iov[maxIov];
    qint64 total = 0;
    for (qsizetype first = 0; first < m_queued.size(); first += maxIov) {
        int count = 0;
        qint64 wanted = 0;
        for (qsizetype i = first; i < m_queued.size() && count < maxIov; ++i, ++count) {
            iov[count].iov_base = const_cast<char *>(m_queued[i].constData());
            iov[count].iov_len = size_t(m_queued[i].size());
            wanted += m_queued[i].size();
        }
        msghdr message = {};
        message.msg_iov = iov;
        message.msg_iovlen = size_t(count);
        const auto sent =
            ::sendmsg(int(m_tcp->socketDescriptor()), &message, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent <= 0)
            return total; // full (EAGAIN) or broken: Qt's buffer takes the rest and reports
        total += sent;
        if (sent < wanted)
            return total;
    }
    return total;
}

void Connection::closeIfOverCap()
{
    if (m_closing || unsentBytes() <= m_sendBufferCap)
        return;
    closeSlowConsumer(u"unsent bytes"_s);
}

void Connection::closeSlowConsumer(const QString &why)
{
    if (m_closing)
        return;
    qCInfo(lcNet) << "slow consumer" << m_session << "has" << unsentBytes() << qPrintable(why)
                  << "- closing 4008";
    closeWith(4008, u"slow consumer: resume with since"_s, slowConsumerGraceMs);
    m_flusher->trimSoon();
}

qint64 Connection::unsentBytes() const
{
    return m_queuedBytes + (m_tcp ? m_tcp->bytesToWrite() : 0);
}

quint64 Connection::reserveReply()
{
    m_slots.push_back(ReplySlot{m_nextSlot, {}, false});
    return m_nextSlot++;
}

void Connection::fulfilReply(quint64 slot, const QByteArray &json)
{
    if (m_slots.empty() || slot < m_slots.front().number)
        return;
    const auto index = qsizetype(slot - m_slots.front().number);
    if (index >= m_slots.size())
        return;
    m_slots[index].json = json;
    m_slots[index].ready = true;
    bool sentAny = false;
    while (!m_slots.empty() && m_slots.front().ready) {
        sendJson(m_slots.front().json);
        m_slots.pop_front();
        sentAny = true;
    }
    if (sentAny && m_slots.empty())
        emit repliesDrained(this);
}

void Connection::closeWith(int code, const QString &reason, int graceMs)
{
    if (m_closing)
        return;
    flush(); // what was sent before the close (a `bye`) goes first
    if (m_closing)
        return; // the flush found a slow consumer and closed it already
    m_closing = true;
    inbox.clear();
    if (!isOpen()) {
        m_socket->abort(); // already gone: no close frame to write
        return;
    }
    m_socket->close(QWebSocketProtocol::CloseCode(code), reason);
    QTimer::singleShot(graceMs, this, [this] {
        if (m_socket->state() != QAbstractSocket::UnconnectedState)
            m_socket->abort();
    });
}

void Connection::abort()
{
    m_closing = true;
    m_queued.clear();
    m_queuedBytes = 0;
    inbox.clear();
    m_socket->abort();
}

void Connection::ping()
{
    if (!m_closing && isOpen())
        m_socket->ping();
}

} // namespace confab::server
