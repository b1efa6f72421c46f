// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QTimer>

namespace confab::server {

class Hub;

/// The per-connection clocks: closes a connection that has not signed in within
/// `helloTimeoutMs` (4001), pings every connection each `heartbeatMs`, and drops one that
/// has been silent (no frame, no pong) for twice that. Late by at most a quarter of the
/// shortest period it watches (and 1 s).
class ConnectionWatchdog : public QObject
{
    Q_OBJECT
public:
    ConnectionWatchdog(Hub &hub, int helloTimeoutMs, int heartbeatMs, QObject *parent = nullptr);

private:
    void tick();

    Hub &m_hub;
    int m_helloTimeoutMs;
    int m_heartbeatMs;
    QTimer m_clock;
    qint64 m_lastPingMs = 0;
};

} // namespace confab::server
