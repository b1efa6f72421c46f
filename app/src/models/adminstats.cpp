// SPDX-License-Identifier: Apache-2.0
#include "adminstats.h"

using namespace Qt::StringLiterals;

namespace confab::client {

AdminStats::AdminStats(ClockFn wallClock, QObject *parent)
    : QObject(parent)
    , m_clock(std::move(wallClock))
{}

qint64 AdminStats::uptimeMs() const
{
    if (!m_fromServer)
        return 0;
    return m_stats.uptimeMs + std::max<qint64>(0, m_clock() - m_readAtMs);
}

QString AdminStats::version() const
{
    if (!m_stats.version.isEmpty())
        return m_stats.version;
    // "confabd/0.3" → "0.3"; another server's name as it is.
    const qsizetype slash = m_serverName.indexOf(u'/');
    return slash >= 0 ? m_serverName.mid(slash + 1) : m_serverName;
}

void AdminStats::setServerFigures(const ServerStatistics &stats)
{
    if (m_ready && m_fromServer && stats == m_stats)
        return;
    m_stats = stats;
    m_readAtMs = m_clock();
    m_ready = true;
    m_fromServer = true;
    Q_EMIT changed();
    Q_EMIT uptimeChanged();
}

void AdminStats::setCountedFigures(const ServerStatistics &stats)
{
    ServerStatistics counted;
    counted.usersOnline = stats.usersOnline;
    counted.usersAway = stats.usersAway;
    counted.usersDnd = stats.usersDnd;
    counted.usersOffline = stats.usersOffline;
    counted.connections = stats.connections;
    if (m_ready && !m_fromServer && counted == m_stats)
        return;
    m_stats = counted;
    m_ready = true;
    m_fromServer = false;
    Q_EMIT changed();
}

void AdminStats::setServerName(const QString &name)
{
    if (name == m_serverName)
        return;
    m_serverName = name;
    Q_EMIT changed();
}

void AdminStats::clear()
{
    if (!m_ready)
        return;
    m_stats = {};
    m_ready = false;
    m_fromServer = false;
    Q_EMIT changed();
    Q_EMIT uptimeChanged();
}

void AdminStats::tick()
{
    if (m_fromServer)
        Q_EMIT uptimeChanged();
}

} // namespace confab::client
