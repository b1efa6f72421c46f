// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "replies.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <deque>

namespace confab::store {
class Database;
}

namespace confab::server {

class Hub;
class PresenceTracker;

/// The server's figures for `admin.stats`: connections, users online, messages per second
/// (over the last 10 s, sampled each second), uptime and database size.
class ServerStats : public QObject
{
    Q_OBJECT
public:
    ServerStats(Hub &hub, PresenceTracker &presence, store::Database &db,
                QObject *parent = nullptr);

    AdminStatsOk snapshot() const;

private:
    void sample();

    Hub &m_hub;
    PresenceTracker &m_presence;
    store::Database &m_db;
    QElapsedTimer m_uptime;
    QTimer m_sampler;
    std::deque<std::pair<qint64, qint64>> m_samples; ///< (ms, messages broadcast)
};

} // namespace confab::server
