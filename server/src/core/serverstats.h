// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "replies.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <deque>
#include <functional>

namespace confab::server {

class Hub;
class PresenceTracker;

/// The server's figures for `admin.stats`: connections, users online, messages per second
/// (over the last 10 s, sampled each second), uptime and database size.
class ServerStats : public QObject
{
    Q_OBJECT
public:
    /// The database's size in bytes, asked on each snapshot (on the event loop).
    ///
    /// A function rather than a method of a store interface: the size is an operator's
    /// figure, not part of what the stores promise, and only whoever makes the store knows
    /// how to get it cheaply (SQLite: the file and its WAL; a database server may need a
    /// query, a cached figure, or nothing). So ServerStats knows no store, and a new store
    /// adds no method every implementation must answer.
    using DatabaseBytes = std::function<qint64()>;

    ServerStats(Hub &hub, PresenceTracker &presence, DatabaseBytes databaseBytes,
                QObject *parent = nullptr);

    ServerStatistics snapshot() const;

private:
    void sample();

    Hub &m_hub;
    PresenceTracker &m_presence;
    const DatabaseBytes m_databaseBytes;
    QElapsedTimer m_uptime;
    QTimer m_sampler;
    std::deque<std::pair<qint64, qint64>> m_samples; ///< (ms, messages broadcast)
};

} // namespace confab::server
