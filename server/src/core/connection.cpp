// SPDX-License-Identifier: Apache-2.0
#include "connection.h"

#include "clock.h"
#include "frameflusher.h"
#include "logging.h"
#include "wsframe.h"

#include <QSocketNotifier>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>

#include <cerrno>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

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
// A dropped slow consumer's last bytes (the rest of a frame and the close frame) wait this
// long at most for it to read them.
constexpr int lingerMs = 10000;

QByteArray makeCloseFrame(int code, const QString &reason)
{
    QByteArray payload;
    payload.append(char((code >> 8) & 0xFF));
    payload.append(char(code & 0xFF));
    payload.append(reason.toUtf8().left(123)); // a control frame carries 125 bytes at most
    QByteArray frame;
    frame.append(char(0x88)); // FIN + close
    frame.append(char(payload.size()));
    frame.append(payload);
    return frame;
}

/// Finishes the byte stream of a connection whose socket was dropped (with its megabytes of
/// backlog): on a descriptor of its own (a dup, so the TCP connection outlives the socket),
/// it sends the rest of the frame that was on its way and then the close frame, so that a
/// client that reads again sees whole frames and the close code. Then it half-closes, reads
/// until the peer closes too, and closes. Bounded by lingerMs.
class Lingerer : public QObject
{
public:
    Lingerer(int fd, QByteArray pending, QObject *parent)
        : QObject(parent)
        , m_fd(fd)
        , m_pending(std::move(pending))
        , m_writable(new QSocketNotifier(fd, QSocketNotifier::Write, this))
        , m_readable(new QSocketNotifier(fd, QSocketNotifier::Read, this))
    {
        m_readable->setEnabled(false);
        connect(m_writable, &QSocketNotifier::activated, this, &Lingerer::send);
        connect(m_readable, &QSocketNotifier::activated, this, &Lingerer::drain);
        QTimer::singleShot(lingerMs, this, [this] { deleteLater(); });
        send();
    }

    ~Lingerer() override
    {
        delete m_writable; // off the event dispatcher before the descriptor goes
        delete m_readable;
        ::close(m_fd);
    }

private:
    void send()
    {
        while (!m_pending.isEmpty()) {
            const auto sent = ::send(m_fd, m_pending.constData(), size_t(m_pending.size()),
                                     MSG_NOSIGNAL | MSG_DONTWAIT);
            if (sent > 0) {
                m_pending.remove(0, sent);
                continue;
            }
            if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
                return; // the notifier calls again
            finish();
            return;
        }
        m_writable->setEnabled(false);
        ::shutdown(m_fd, SHUT_WR);
        // Closing with unread input would reset the connection, and the peer could lose
        // the close frame: read until it closes too.
        m_readable->setEnabled(true);
    }

    void drain()
    {
        char sink[4096];
        for (;;) {
            const auto got = ::recv(m_fd, sink, sizeof sink, MSG_DONTWAIT);
            if (got > 0)
                continue;
            if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
                return;
            finish(); // end of stream or error
            return;
        }
    }

    void finish()
    {
        m_writable->setEnabled(false);
        m_readable->setEnabled(false);
        deleteLater();
    }

    int m_fd;
    QByteArray m_pending;
    QSocketNotifier *m_writable;
    QSocketNotifier *m_readable;
};

} // namespace

qint64 DirectWriteSocket::writeData(const char *data, qint64 size)
{
    if (size > 0 && bytesToWrite() == 0 && state() == ConnectedState) {
        const auto sent =
            ::send(int(socketDescriptor()), data, size_t(size), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent == size)
            return size;
        if (sent > 0) {
            const qint64 rest = bufferWrite(data + sent, size - sent);
            return rest < 0 ? rest : size;
        }
    }
    return bufferWrite(data, size);
}

qint64 DirectWriteSocket::bufferWrite(const char *data, qint64 size)
{
    const qint64 written = QTcpSocket::writeData(data, size);
    if (written > 0)
        m_bufferedTotal += written;
    return written;
}

Connection::Connection(QWebSocket *socket, QTcpSocket *tcp, QString session, qint64 sendBufferCap,
                       const Limits &limits, qint64 wallNowMs, FrameFlusher *flusher,
                       QObject *parent)
    : QObject(parent)
    , publishLimiter(limits.ratePerSecond, limits.burst)
    , typingLimiter(2, 2)
    , m_socket(socket)
    , m_tcp(tcp)
    , m_session(std::move(session))
    , m_peerAddress(socket->peerAddress())
    , m_peerPort(socket->peerPort())
    , m_sendBufferCap(sendBufferCap)
    , m_connectedSinceMs(wallNowMs)
    , m_openedAtMs(clock::monotonicMs())
    , m_lastActivityMs(m_openedAtMs)
    , m_flusher(flusher)
{
    m_socket->setParent(this);
    if (m_tcp)
        m_tcp->setParent(this);
    m_socket->setMaxAllowedIncomingFrameSize(quint64(limits.frame));
    m_socket->setMaxAllowedIncomingMessageSize(quint64(limits.frame));
    m_encrypted = qobject_cast<QSslSocket *>(m_tcp) != nullptr;
    m_direct = m_tcp && !m_encrypted && m_tcp->socketDescriptor() != -1;
    if (m_direct)
        m_directSocket = dynamic_cast<DirectWriteSocket *>(m_tcp);
    // Frames are coalesced per turn by the flusher, so Nagle's delay would only hold back
    // the last segment of a burst (a join's `synced`) for the peer's delayed ACK.
    if (m_tcp)
        m_tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);

    connect(m_socket, &QWebSocket::textMessageReceived, this, &Connection::onText);
    connect(m_socket, &QWebSocket::binaryMessageReceived, this, &Connection::onBinary);
    connect(m_socket, &QWebSocket::pong, this, [this] { m_lastActivityMs = clock::monotonicMs(); });
    // The peer's close frame (QWebSocket answers it and closes the TCP socket), or the
    // socket closing for any other reason: nothing more is sent, and a peer that does not
    // read the answer is dropped soon, with whatever is still buffered for it.
    connect(m_socket, &QWebSocket::aboutToClose, this, [this] {
        if (m_closing)
            return;
        m_closing = true;
        // QWebSocket closes like this on the peer's close frame (its code) or on a protocol
        // error it found (the code it sent); a dropped TCP connection does not get here.
        m_closeCode = int(m_socket->closeCode());
        m_queued.clear();
        m_queuedBytes = 0;
        QTimer::singleShot(peerCloseGraceMs, this, [this] {
            if (m_socket->state() != QAbstractSocket::UnconnectedState)
                m_socket->abort();
        });
    });
    connect(m_socket, &QWebSocket::disconnected, this, &Connection::emitClosed);
}

Connection::Connection(QString session, const Limits &limits, qint64 nowMs,
                       std::function<void(const QByteArray &)> tap, QObject *parent)
    : QObject(parent)
    , publishLimiter(limits.ratePerSecond, limits.burst)
    , typingLimiter(2, 2)
    , m_socket(nullptr)
    , m_tcp(nullptr)
    , m_tap(std::move(tap))
    , m_session(std::move(session))
    , m_peerAddress(QHostAddress::LocalHost)
    , m_sendBufferCap(0)
    , m_connectedSinceMs(nowMs)
    , m_lastActivityMs(nowMs)
    , m_flusher(nullptr)
{}

Connection::~Connection() = default;

void Connection::receivePeerClose(int code)
{
    if (m_socket || m_closing)
        return;
    // As QWebSocket does on the peer's close frame: nothing more is sent, then it is gone.
    m_closing = true;
    m_closeCode = code;
    emitClosed();
}

void Connection::emitClosed()
{
    if (m_closedEmitted)
        return;
    m_closedEmitted = true;
    m_closing = true; // also when the TCP connection dropped without a close frame
    emit closed(this, closeCode());
}

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
    m_lastActivityMs = clock::monotonicMs();
    inbox.push_back(text.toUtf8());
    emit inboxGrew(this);
}

void Connection::onBinary()
{
    qCInfo(lcNet) << "binary frame from" << m_session << "- closing 1003";
    closeWith(CloseCode::BinaryFrame, u"binary frames are not supported"_s);
}

void Connection::sendJson(QByteArrayView json)
{
    sendFrame(makeTextFrame(json));
}

void Connection::sendFrame(const QByteArray &frame)
{
    // Per delivery: only the cheap checks here; flush() looks at the socket's state.
    if (m_closing)
        return;
    if (m_tap) {
        m_tap(frame);
        return;
    }
    if (!m_tcp)
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
    pruneBuffered();
    // What the kernel did not take goes through Qt's buffer, in order.
    for (const QByteArray &frame : std::as_const(m_queued)) {
        if (done >= frame.size()) {
            done -= frame.size();
            continue;
        }
        const qint64 start = m_directSocket ? m_directSocket->bufferedTotal() : 0;
        m_tcp->write(frame.constData() + done, frame.size() - done);
        // Remembered (shared, not copied) while in Qt's buffer: see abandonBacklog().
        if (m_directSocket && m_directSocket->bufferedTotal() > start)
            m_buffered.append({frame, start, m_directSocket->bufferedTotal()});
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
    const QString reason = u"slow consumer: resume with since"_s;
    if (!abandonBacklog(CloseCode::SlowConsumer, reason))
        closeWith(CloseCode::SlowConsumer, reason, slowConsumerGraceMs);
    if (m_flusher)
        m_flusher->trimSoon();
}

void Connection::pruneBuffered()
{
    if (m_buffered.isEmpty())
        return;
    const qint64 sent = m_directSocket->bufferedTotal() - m_tcp->bytesToWrite();
    qsizetype gone = 0;
    while (gone < m_buffered.size() && m_buffered[gone].end <= sent)
        ++gone;
    m_buffered.remove(0, gone);
}

bool Connection::abandonBacklog(CloseCode code, const QString &reason)
{
    if (!m_directSocket || !isOpen())
        return false;
    pruneBuffered();
    QByteArray rest; // of the frame on its way
    if (m_tcp->bytesToWrite() > 0) {
        const qint64 sent = m_directSocket->bufferedTotal() - m_tcp->bytesToWrite();
        // A control frame of QWebSocket's (a pong) first: where it ends is not known.
        if (m_buffered.isEmpty() || sent < m_buffered.front().start)
            return false;
        const BufferedFrame &first = m_buffered.front();
        rest = first.frame.right(first.end - sent);
    }
    const int fd = ::fcntl(int(m_tcp->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return false;
    new Lingerer(fd, rest + makeCloseFrame(int(code), reason), m_flusher);
    m_closing = true;
    m_closeCode = int(code);
    inbox.clear();
    m_queued.clear(); // never started: whole frames
    m_queuedBytes = 0;
    m_buffered.clear();
    m_socket->abort(); // frees Qt's buffers; the TCP connection lives on in the Lingerer
    return true;
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

void Connection::closeWith(CloseCode code, const QString &reason, int graceMs)
{
    if (m_closing)
        return;
    flush(); // what was sent before the close (a `bye`) goes first
    if (m_closing)
        return; // the flush found a slow consumer and closed it already
    m_closing = true;
    m_closeCode = int(code);
    inbox.clear();
    if (!m_socket) {
        // Socketless: the close frame goes to the tap, and the peer's answer is not awaited.
        if (m_tap)
            m_tap(makeCloseFrame(int(code), reason));
        QTimer::singleShot(0, this, &Connection::emitClosed);
        return;
    }
    if (!isOpen()) {
        m_socket->abort(); // already gone: no close frame to write
        return;
    }
    m_socket->close(QWebSocketProtocol::CloseCode(int(code)), reason);
    QTimer::singleShot(graceMs, this, [this] {
        if (m_socket->state() != QAbstractSocket::UnconnectedState)
            m_socket->abort();
    });
}

void Connection::abort()
{
    if (!m_closeCode)
        m_closeCode = 1006; // dropped: no close frame either way
    m_closing = true;
    m_queued.clear();
    m_queuedBytes = 0;
    m_buffered.clear();
    inbox.clear();
    if (m_socket)
        m_socket->abort();
    else
        emitClosed(); // as the socket's `disconnected` would
}

void Connection::ping()
{
    if (!m_closing && isOpen())
        m_socket->ping();
}

} // namespace confab::server
