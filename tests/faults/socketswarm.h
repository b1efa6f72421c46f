// SPDX-License-Identifier: Apache-2.0
#pragma once

// Thousands of raw TCP connections to a local confabd from one test process, for the
// resource fault tests (half-open floods, connection churn). Plain non-blocking POSIX
// sockets on an epoll set of their own, driven from Qt's event loop through one
// QSocketNotifier, so TestClient waits elsewhere in the test keep the swarm moving. Each
// socket may stop after TCP connect, or do a minimal WebSocket upgrade; the server's frames
// are parsed (text frames to a callback, the close frame's code, pings answered).

#include <QByteArray>
#include <QObject>
#include <QSocketNotifier>

#include <deque>
#include <functional>
#include <memory>

namespace confab::test {

/// The descriptors process `pid` has open (/proc/PID/fd); -1 when it cannot be read.
int openDescriptors(qint64 pid);
/// Its resident memory (VmRSS of /proc/PID/status) in KiB; -1 when it cannot be read.
qint64 residentKiB(qint64 pid);
/// Raises this process's RLIMIT_NOFILE soft limit to its hard one; the new soft limit.
qint64 raiseDescriptorLimit();
/// Milliseconds on a monotonic clock.
qint64 monotonicMs();

class SocketSwarm : public QObject
{
    Q_OBJECT
public:
    enum class State { Connecting, Upgrading, Open, Closed };

    struct Socket
    {
        int fd = -1;
        State state = State::Connecting;
        bool upgrade = false;   ///< send the WebSocket upgrade once connected
        qint64 startedMs = 0;   ///< connect() called
        qint64 connectedMs = 0; ///< TCP established
        qint64 upgradedMs = 0;  ///< 101 received
        qint64 closedMs = 0;    ///< the peer ended it (or we did)
        bool closedByPeer = false;
        int closeCode = -1; ///< the server's close frame, if one came
        int error = 0;      ///< errno that ended it, if any
        QByteArray in;      ///< bytes not yet parsed
    };

    explicit SocketSwarm(quint16 port, QObject *parent = nullptr);
    ~SocketSwarm() override;

    /// Starts `count` non-blocking connects to 127.0.0.1:port; each sends the WebSocket
    /// upgrade (subprotocol confab.v1) once connected when `upgrade`. The first new index.
    int open(int count, bool upgrade);
    /// Sends a masked text frame on an open socket (small frames: written at once).
    bool sendText(int index, const QByteArray &payload);
    /// Ends the connection with a TCP RST (SO_LINGER 0, then close).
    void reset(int index);
    /// Closes every socket still open (RST) and forgets them all.
    void clear();

    /// Called when a socket's upgrade got its 101, and for each text frame it received.
    std::function<void(int index)> onOpen;
    std::function<void(int index, const QByteArray &payload)> onText;
    /// Called once when a socket ends (by the peer, or an error).
    std::function<void(int index)> onClosed;

    const Socket &at(int index) const { return m_sockets[size_t(index)]; }
    int size() const { return int(m_sockets.size()); }
    int count(State state) const;
    /// Handles whatever the kernel has for us now (also done by the notifier).
    void poll();

private:
    void onReadable(int index);
    void onWritable(int index);
    void parseFrames(int index);
    void finish(int index, bool byPeer, int error);
    bool sendFrame(int index, int opcode, const QByteArray &payload);
    bool writeAll(int index, const QByteArray &bytes);
    void watch(int index, quint32 events, int op);

    quint16 m_port;
    int m_epoll = -1;
    std::unique_ptr<QSocketNotifier> m_notifier;
    std::deque<Socket> m_sockets; // a deque: references stay valid while callbacks open more
};

} // namespace confab::test
