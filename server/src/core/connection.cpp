// SPDX-License-Identifier: Apache-2.0
#include "connection.h"

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
// A slow consumer gets time to read what is queued (bounded by the cap) and then the 4008
// close frame, so it learns why and resumes with `since`.
constexpr int slowConsumerGraceMs = 30000;
} // namespace

Connection::Connection(QWebSocket *socket, QTcpSocket *tcp, QString session, qint64 sendBufferCap,
                       const Limits &limits, qint64 nowMs, QObject *parent)
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
{
    m_socket->setParent(this);
    if (m_tcp)
        m_tcp->setParent(this);
    m_socket->setMaxAllowedIncomingFrameSize(quint64(limits.frame));
    m_socket->setMaxAllowedIncomingMessageSize(quint64(limits.frame));
    m_direct = m_tcp && !qobject_cast<QSslSocket *>(m_tcp) && m_tcp->socketDescriptor() != -1;

    connect(m_socket, &QWebSocket::textMessageReceived, this, &Connection::onText);
    connect(m_socket, &QWebSocket::binaryMessageReceived, this, &Connection::onBinary);
    connect(m_socket, &QWebSocket::pong, this,
            [this] { m_lastActivityMs = QDateTime::currentMSecsSinceEpoch(); });
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
    return m_peerAddress.toString() + u':' + QString::number(m_peerPort);
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
    if (m_closing || !m_tcp)
        return;
    writeRaw(frame);
    if (unsentBytes() > m_sendBufferCap) {
        qCInfo(lcNet) << "slow consumer" << m_session << "has" << unsentBytes()
                      << "unsent bytes - closing 4008";
        closeWith(4008, u"slow consumer: resume with since"_s, slowConsumerGraceMs);
    }
}

void Connection::writeRaw(const QByteArray &frame)
{
    // Straight to the descriptor while Qt has nothing queued: keeps frames in order and
    // arms no write notifier (see PERF-NOTES.md). The rest goes through Qt's buffer.
    if (m_direct && m_tcp->bytesToWrite() == 0) {
        const auto sent = ::send(int(m_tcp->socketDescriptor()), frame.constData(),
                                 size_t(frame.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent == frame.size())
            return;
        if (sent > 0) {
            m_tcp->write(frame.constData() + sent, frame.size() - sent);
            return;
        }
        if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            // A dead peer: let Qt find out and report the disconnect.
            m_tcp->write(frame);
            return;
        }
    }
    m_tcp->write(frame);
}

qint64 Connection::unsentBytes() const
{
    return m_tcp ? m_tcp->bytesToWrite() : 0;
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
    auto index = slot - m_slots.front().number;
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
    m_closing = true;
    inbox.clear();
    m_socket->close(QWebSocketProtocol::CloseCode(code), reason);
    QTimer::singleShot(graceMs, this, [this] {
        if (m_socket->state() != QAbstractSocket::UnconnectedState)
            m_socket->abort();
    });
}

void Connection::abort()
{
    m_closing = true;
    inbox.clear();
    m_socket->abort();
}

void Connection::ping()
{
    if (!m_closing)
        m_socket->ping();
}

} // namespace confab::server
