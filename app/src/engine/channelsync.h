// SPDX-License-Identifier: Apache-2.0
#pragma once

// Keeps the local cache of each joined channel in step with the server across
// reconnections: `join` with `since`, the catch-up and live `msg`s, `synced`, and `history`
// for gaps.
//
// Contract:
// - join() sends `join` with `since` = the channel's synced seq: the highest seq the live
//   stream delivered (every `msg` event raises it). The catch-up then delivers every
//   message after it exactly once, ending with `synced`.
// - Every `msg` event is stored in the MessageCache (which drops duplicates).
// - When `synced.first_seq` shows that the catch-up skipped messages (more were missed than
//   the server's catch-up cap), gapFound() names the first seq after the hole; the hole is
//   filled with fetchHistory() (`history`) when a view scrolls to it.
// - After joinAll() (a new session), Connection::setOnline() is called once every join of
//   that session ended with `synced` or an error; at once when there is none.
// - A lost session forgets the joins in flight: the next session joins again.
// - One join per channel per session: join() of a channel joined (or being joined) in this
//   session does nothing, so a `channel` `added` for a channel being joined (a direct
//   conversation opened here) or one joined already costs nothing. forget() (the user left,
//   or lost access) lets a later join() send again. A refused join is joinFailed().

#include "frames.h"
#include "replies.h"

#include <QHash>
#include <QObject>
#include <QSet>

#include <functional>
#include <optional>

namespace confab::client {

class Connection;
class MessageCache;

class ChannelSync : public QObject
{
    Q_OBJECT
public:
    using HistoryDone = std::function<void(std::optional<QList<Message>>)>;

    ChannelSync(Connection *connection, MessageCache *cache, QObject *parent = nullptr);

    /// Joins every cached channel (a new session); Online once they all caught up.
    void joinAll();
    /// Joins one channel now (no effect unless signed in, or when joined in this session).
    void join(const QString &channel);
    /// True when this session's join of `channel` succeeded (or is under way).
    bool isJoined(const QString &channel) const
    {
        return m_joined.contains(channel) || m_syncing.contains(channel);
    }
    /// The channel is no longer joined (left, or access lost): no longer counted as joined.
    void forget(const QString &channel);
    /// True while a join of this session has not ended yet.
    bool isSyncing() const { return !m_syncing.isEmpty(); }
    /// Fetches up to `limit` messages before `before` (`history`); `done` gets them
    /// ascending, or nullopt on failure. False when it cannot try now (offline).
    bool fetchHistory(const QString &channel, qint64 before, int limit, HistoryDone done);

Q_SIGNALS:
    /// The join reply came (the channel is in the cache with its topic).
    void joined(const QString &channel, const confab::JoinOk &reply);
    /// The join reply's members carried display names (`display` beside `user`, 1.1 servers;
    /// the shared Member type does not read it yet): user -> display.
    void displayNamesSeen(const QHash<QString, QString> &displayNames);
    /// The catch-up skipped the seqs below `firstSeq` (down to the `since` of the join).
    void gapFound(const QString &channel, qint64 firstSeq);
    /// The channel's catch-up ended.
    void synced(const QString &channel);
    /// The server refused to join `channel` (e.g. `forbidden`: not a member of it).
    void joinFailed(const QString &channel, const confab::Error &error);

private:
    void onEvent(const ServerFrame &frame);
    void onSynced(const SyncedEvent &event);
    void finish(const QString &channel);

    Connection *m_connection;
    MessageCache *m_cache;
    QHash<QString, qint64> m_joinSince; ///< channel -> since of the join in progress
    QSet<QString> m_syncing;            ///< joins whose catch-up has not ended yet
    QSet<QString> m_joined;             ///< channels this session joined
};

} // namespace confab::client
