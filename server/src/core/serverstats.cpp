// SPDX-License-Identifier: Apache-2.0
#include "serverstats.h"

#include "hub.h"
#include "presencetracker.h"

#include <QDateTime>

namespace confab::server {

ServerStats::ServerStats(Hub &hub, PresenceTracker &presence, DatabaseBytes databaseBytes,
                         QObject *parent)
    : QObject(parent)
    , m_hub(hub)
    , m_presence(presence)
    , m_databaseBytes(std::move(databaseBytes))
{
    m_uptime.start();
    m_sampler.setInterval(1000);
    connect(&m_sampler, &QTimer::timeout, this, &ServerStats::sample);
    m_sampler.start();
    sample();
}

void ServerStats::sample()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_samples.emplace_back(now, m_hub.messagesBroadcast());
    while (m_samples.size() > 2 && m_samples.front().first < now - 10000)
        m_samples.pop_front();
}

ServerStatistics ServerStats::snapshot() const
{
    ServerStatistics ok;
    ok.connections = int(m_hub.connections().size());
    ok.usersOnline = m_presence.onlineUsers();
    // The newest figure counts too, so a burst shows before the next sample.
    auto samples = m_samples;
    samples.emplace_back(QDateTime::currentMSecsSinceEpoch(), m_hub.messagesBroadcast());
    const auto &[t0, n0] = samples.front();
    const auto &[t1, n1] = samples.back();
    if (t1 > t0)
        ok.messagesPerSecond = double(n1 - n0) * 1000.0 / double(t1 - t0);
    ok.uptimeMs = m_uptime.elapsed();
    ok.databaseBytes = m_databaseBytes ? m_databaseBytes() : 0;
    return ok;
}

} // namespace confab::server
