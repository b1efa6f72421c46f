// SPDX-License-Identifier: Apache-2.0
#include "serverstats.h"
#include "version.h"

#include "hub.h"
#include "presencetracker.h"
#include "publishpipeline.h"

#include <algorithm>

namespace confab::server {

namespace {
constexpr qint64 shortWindowMs = 10'000;
constexpr qint64 longWindowMs = 60'000;

/// Messages per second between the oldest sample inside `windowMs` before `now` and `now`.
/// Over at least a second, so that the first moments after start do not show a burst as
/// thousands per second.
double rate(const std::deque<std::pair<qint64, qint64>> &samples, qint64 windowMs)
{
    const auto [t1, n1] = samples.back();
    const qint64 from = t1 - windowMs;
    const auto first =
        std::find_if(samples.cbegin(), samples.cend(),
                     [from](const std::pair<qint64, qint64> &s) { return s.first >= from; });
    const auto [t0, n0] = *first;
    return double(n1 - n0) * 1000.0 / double(std::max<qint64>(t1 - t0, 1000));
}
} // namespace

ServerStats::ServerStats(Sources sources, QObject *parent)
    : QObject(parent)
    , m_sources(std::move(sources))
{
    m_uptime.start();
    m_sampler.setInterval(1000);
    connect(&m_sampler, &QTimer::timeout, this, &ServerStats::sample);
    m_sampler.start();
    sample();
}

void ServerStats::sample()
{
    const qint64 now = m_uptime.elapsed();
    m_samples.emplace_back(now, m_sources.hub.messagesBroadcast());
    while (m_samples.size() > 2 && m_samples.front().first < now - longWindowMs)
        m_samples.pop_front();
}

void ServerStats::accountAdded()
{
    if (m_accounts)
        ++*m_accounts;
}

void ServerStats::setAccountCount(qint64 count)
{
    m_accounts = count;
}

ServerStatistics ServerStats::snapshot() const
{
    const PresenceTracker &presence = m_sources.presence;
    ServerStatistics stats;
    stats.connections = m_sources.hub.connections().size();
    stats.usersOnline = presence.usersWith(PresenceStatus::Online);
    stats.usersAway = presence.usersWith(PresenceStatus::Away);
    stats.usersDnd = presence.usersWith(PresenceStatus::Dnd);
    if (!m_accounts && m_sources.countAccounts) {
        if (const qint64 accounts = m_sources.countAccounts(); accounts > 0)
            m_accounts = accounts; // (0: the read failed; counted again next time)
    }
    stats.usersOffline = std::max<qint64>(0, m_accounts.value_or(0) - stats.usersOnline -
                                                 stats.usersAway - stats.usersDnd);
    // The newest figure counts too, so a burst shows before the next sample.
    auto samples = m_samples;
    samples.emplace_back(m_uptime.elapsed(), m_sources.hub.messagesBroadcast());
    stats.messagesPerSecond = rate(samples, shortWindowMs);
    stats.messagesPerSecondMinute = rate(samples, longWindowMs);
    stats.refusedRateLimited = m_sources.publishing.refusedRateLimited();
    stats.uptimeMs = m_uptime.elapsed();
    stats.databaseBytes = m_sources.databaseBytes ? m_sources.databaseBytes() : 0;
    stats.version = QString::fromLatin1(confab::version);
    return stats;
}

} // namespace confab::server
