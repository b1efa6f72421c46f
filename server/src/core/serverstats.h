// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "types.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <deque>
#include <functional>
#include <optional>

namespace confab::server {

class Hub;
class PresenceTracker;
class PublishPipeline;

/// The server's figures for `admin.stats`, the `admin.watch` snapshot and the `admin.stats`
/// event: connections; users by status (online, away, dnd, and offline: every other
/// account); messages per second over the last 10 s and over the last minute (sampled each
/// second); publishes refused by the rate limit; uptime, database size and version.
///
/// Every figure is kept current or read in constant time, so a snapshot costs the same with
/// 10 users or 10,000 (it is taken every second while an admin watches): the presence
/// tracker counts users per status, and the number of accounts is counted once (on the
/// first snapshot) and then kept current by accountAdded() and setAccountCount().
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
    /// Counts the accounts (a full listing): called on the first snapshot (and on the next
    /// ones while it gives 0, a failed read).
    using CountAccounts = std::function<qint64()>;

    struct Sources
    {
        Hub &hub;
        PresenceTracker &presence;
        const PublishPipeline &publishing;
        DatabaseBytes databaseBytes;
        CountAccounts countAccounts;
    };

    explicit ServerStats(Sources sources, QObject *parent = nullptr);

    ServerStatistics snapshot() const;

    /// An account was made through this server (`register`, `admin.user` `add`).
    void accountAdded();
    /// The number of accounts, as a full listing just found it (the admin snapshot, the
    /// SessionWatcher after a change beside the server): corrects the kept count.
    void setAccountCount(qint64 count);

private:
    void sample();

    Sources m_sources;
    QElapsedTimer m_uptime;
    QTimer m_sampler;
    std::deque<std::pair<qint64, qint64>> m_samples; ///< (uptime ms, messages broadcast)
    mutable std::optional<qint64> m_accounts;        ///< counted on first use, then kept
};

} // namespace confab::server
