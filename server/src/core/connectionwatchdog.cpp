// SPDX-License-Identifier: Apache-2.0
#include "connectionwatchdog.h"

#include "clock.h"
#include "connection.h"
#include "hub.h"
#include "logging.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace confab::server {

ConnectionWatchdog::ConnectionWatchdog(Hub &hub, int helloTimeoutMs, int heartbeatMs,
                                       QObject *parent)
    : QObject(parent)
    , m_hub(hub)
    , m_helloTimeoutMs(helloTimeoutMs)
    , m_heartbeatMs(heartbeatMs)
{
    m_clock.setInterval(std::clamp(std::min(helloTimeoutMs, heartbeatMs) / 4, 20, 1000));
    connect(&m_clock, &QTimer::timeout, this, &ConnectionWatchdog::tick);
    m_clock.start();
}

void ConnectionWatchdog::tick()
{
    const qint64 now = clock::monotonicMs();
    const bool pingNow = now - m_lastPingMs >= m_heartbeatMs;
    if (pingNow)
        m_lastPingMs = now;
    const QList<Connection *> connections = m_hub.connections();
    for (Connection *c : connections) {
        if (c->isClosing())
            continue;
        if (!c->isSignedIn() && !c->helloPending && now - c->openedAtMs() > m_helloTimeoutMs) {
            qCInfo(lcNet) << c->session() << "sent no hello in time - closing 4001";
            c->closeWith(CloseCode::NoHello, u"no hello in time"_s);
            continue;
        }
        if (now - c->lastActivityMs() > 2LL * m_heartbeatMs) {
            qCInfo(lcNet) << c->session() << "is silent - closing as dead";
            c->abort();
            continue;
        }
        if (pingNow)
            c->ping();
    }
}

} // namespace confab::server
