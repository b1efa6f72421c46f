// SPDX-License-Identifier: Apache-2.0
#include "socketswarm.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QtEndian>

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace confab::test {

int openDescriptors(qint64 pid)
{
    QDir dir(u"/proc/%1/fd"_s.arg(pid));
    if (!dir.exists())
        return -1;
    return int(dir.entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System).size());
}

qint64 residentKiB(qint64 pid)
{
    QFile status(u"/proc/%1/status"_s.arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

qint64 raiseDescriptorLimit()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return -1;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
        ::getrlimit(RLIMIT_NOFILE, &limit);
    }
    return qint64(limit.rlim_cur);
}

qint64 monotonicMs()
{
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return qint64(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

SocketSwarm::SocketSwarm(quint16 port, QObject *parent)
    : QObject(parent)
    , m_port(port)
    , m_epoll(::epoll_create1(EPOLL_CLOEXEC))
{
    m_notifier = std::make_unique<QSocketNotifier>(m_epoll, QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &SocketSwarm::poll);
}

SocketSwarm::~SocketSwarm()
{
    clear();
    m_notifier.reset();
    ::close(m_epoll);
}

int SocketSwarm::open(int count, bool upgrade)
{
    const int first = size();
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(m_port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < count; ++i) {
        Socket &s = m_sockets.emplace_back();
        const int index = size() - 1;
        s.upgrade = upgrade;
        s.startedMs = monotonicMs();
        s.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (s.fd < 0) {
            finish(index, false, errno);
            continue;
        }
        if (::connect(s.fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0 &&
            errno != EINPROGRESS) {
            finish(index, false, errno);
            continue;
        }
        watch(index, EPOLLOUT | EPOLLIN | EPOLLRDHUP, EPOLL_CTL_ADD);
    }
    return first;
}

void SocketSwarm::watch(int index, quint32 events, int op)
{
    epoll_event event{};
    event.events = events;
    event.data.u32 = quint32(index);
    ::epoll_ctl(m_epoll, op, m_sockets[size_t(index)].fd, &event);
}

int SocketSwarm::count(State state) const
{
    int n = 0;
    for (const Socket &s : m_sockets)
        n += s.state == state ? 1 : 0;
    return n;
}

void SocketSwarm::poll()
{
    epoll_event events[256];
    for (;;) {
        const int n = ::epoll_wait(m_epoll, events, 256, 0);
        if (n <= 0)
            return;
        for (int i = 0; i < n; ++i) {
            const int index = int(events[i].data.u32);
            if (m_sockets[size_t(index)].state == State::Closed)
                continue;
            if (events[i].events & EPOLLOUT)
                onWritable(index);
            if (m_sockets[size_t(index)].state != State::Closed &&
                (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
                onReadable(index);
        }
        if (n < 256)
            return;
    }
}

void SocketSwarm::onWritable(int index)
{
    Socket &s = m_sockets[size_t(index)];
    if (s.state != State::Connecting)
        return;
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) {
        finish(index, false, error);
        return;
    }
    s.connectedMs = monotonicMs();
    watch(index, EPOLLIN | EPOLLRDHUP, EPOLL_CTL_MOD); // no more writability wake-ups
    if (!s.upgrade) {
        s.state = State::Open;
        return;
    }
    s.state = State::Upgrading;
    QByteArray key(16, Qt::Uninitialized);
    for (char &c : key)
        c = char(QRandomGenerator::global()->bounded(256));
    writeAll(index, "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(m_port) +
                        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " +
                        key.toBase64() +
                        "\r\nSec-WebSocket-Version: 13\r\n"
                        "Sec-WebSocket-Protocol: confab.v1\r\n\r\n");
}

void SocketSwarm::onReadable(int index)
{
    char buffer[65536];
    for (;;) {
        Socket &s = m_sockets[size_t(index)];
        const ssize_t n = ::read(s.fd, buffer, sizeof buffer);
        if (n > 0) {
            s.in.append(buffer, n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        // Parse what came before the end (the close frame, typically).
        const int error = n < 0 ? errno : 0;
        parseFrames(index);
        finish(index, true, error);
        return;
    }
    parseFrames(index);
}

void SocketSwarm::parseFrames(int index)
{
    for (;;) {
        Socket &s = m_sockets[size_t(index)];
        if (s.state == State::Closed)
            return;
        if (s.state == State::Upgrading) {
            const qsizetype end = s.in.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            if (!s.in.startsWith("HTTP/1.1 101")) {
                finish(index, false, EPROTO);
                return;
            }
            s.in.remove(0, end + 4);
            s.state = State::Open;
            s.upgradedMs = monotonicMs();
            if (onOpen)
                onOpen(index);
            continue;
        }
        if (s.state != State::Open || s.in.size() < 2)
            return;
        const auto *bytes = reinterpret_cast<const uchar *>(s.in.constData());
        const int opcode = bytes[0] & 0x0F;
        qint64 length = bytes[1] & 0x7F;
        qsizetype header = 2;
        if (length == 126) {
            if (s.in.size() < 4)
                return;
            length = qFromBigEndian<quint16>(bytes + 2);
            header = 4;
        } else if (length == 127) {
            if (s.in.size() < 10)
                return;
            length = qint64(qFromBigEndian<quint64>(bytes + 2));
            header = 10;
        }
        if (s.in.size() < header + length)
            return;
        const QByteArray payload = s.in.mid(header, length);
        s.in.remove(0, header + length);
        if (opcode == 0x8 && payload.size() >= 2)
            s.closeCode = qFromBigEndian<quint16>(payload.constData());
        else if (opcode == 0x9)
            sendFrame(index, 0xA, payload);
        else if (opcode == 0x1 && onText)
            onText(index, payload);
    }
}

bool SocketSwarm::sendText(int index, const QByteArray &payload)
{
    return sendFrame(index, 0x1, payload);
}

bool SocketSwarm::sendFrame(int index, int opcode, const QByteArray &payload)
{
    QByteArray frame;
    frame.append(char(0x80 | opcode));
    if (payload.size() < 126) {
        frame.append(char(0x80 | payload.size()));
    } else {
        frame.append(char(0x80 | 126));
        uchar length[2];
        qToBigEndian(quint16(payload.size()), length);
        frame.append(reinterpret_cast<const char *>(length), 2);
    }
    uchar mask[4];
    qToBigEndian(QRandomGenerator::global()->generate(), mask);
    frame.append(reinterpret_cast<const char *>(mask), 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        frame.append(char(uchar(payload[i]) ^ mask[i % 4]));
    return writeAll(index, frame);
}

bool SocketSwarm::writeAll(int index, const QByteArray &bytes)
{
    Socket &s = m_sockets[size_t(index)];
    if (s.state == State::Closed)
        return false;
    // Small writes to an idle socket: the kernel takes them whole.
    const ssize_t n = ::send(s.fd, bytes.constData(), size_t(bytes.size()), MSG_NOSIGNAL);
    if (n == bytes.size())
        return true;
    finish(index, false, n < 0 ? errno : EMSGSIZE);
    return false;
}

void SocketSwarm::reset(int index)
{
    Socket &s = m_sockets[size_t(index)];
    if (s.fd < 0)
        return;
    const linger hard{1, 0};
    ::setsockopt(s.fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    ::close(s.fd); // also leaves the epoll set
    s.fd = -1;
    if (s.state != State::Closed) {
        s.state = State::Closed;
        s.closedMs = monotonicMs();
    }
    s.in.clear();
    s.in.squeeze();
}

void SocketSwarm::finish(int index, bool byPeer, int error)
{
    Socket &s = m_sockets[size_t(index)];
    if (s.state == State::Closed)
        return;
    s.state = State::Closed;
    s.closedMs = monotonicMs();
    s.closedByPeer = byPeer;
    s.error = error;
    if (s.fd >= 0) {
        ::close(s.fd);
        s.fd = -1;
    }
    s.in.clear();
    s.in.squeeze();
    if (onClosed)
        onClosed(index);
}

void SocketSwarm::clear()
{
    for (int i = 0; i < size(); ++i)
        reset(i);
    m_sockets.clear();
}

} // namespace confab::test
