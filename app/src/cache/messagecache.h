// SPDX-License-Identifier: Apache-2.0
#pragma once

// The local copy of each channel's messages and the list of channels the user is in, in
// the local database. Keyed by (channel, seq): storing a message twice is a no-op, so
// catch-up, history and publish replies may overlap freely. A hole in a channel's seqs is
// a gap still to be filled from the server (seqs are gapless on the server).
//
// `syncedSeq` is the seq up to which the live stream delivered the channel: the next `join`
// asks for `since` = syncedSeq. Each channel keeps at most `maxPerChannel` messages (the
// oldest go first). Used on one thread.
//
// Signals: messagesStored() names the messages store() added (live, caught up or
// acknowledged: news for every view of their channel); backfill() stores older messages
// fetched to fill a hole and announces nothing (the view that asked inserts them); wiped()
// follows wipe(); channelAdded() and channelRemoved() follow the channel list.

#include "types.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QSqlDatabase>

#include <optional>
#include <utility>

namespace confab::client {

struct CachedChannel
{
    QString name;
    QString topic;
    qint64 syncedSeq = 0;
    qint64 lastReadSeq = 0;
};

class MessageCache : public QObject
{
    Q_OBJECT
public:
    static constexpr int defaultMaxPerChannel = 20000;
    static constexpr int trimEvery = 100;

    explicit MessageCache(QSqlDatabase db, int maxPerChannel = defaultMaxPerChannel,
                          QObject *parent = nullptr);

    void setMaxPerChannel(int max) { m_maxPerChannel = max; }
    int maxPerChannel() const { return m_maxPerChannel; }

    // ---- channels ----
    QList<CachedChannel> channels() const;
    std::optional<CachedChannel> channel(const QString &name) const;
    /// Adds the channel (or updates its topic).
    void addChannel(const QString &name, const QString &topic = {});
    void removeChannel(const QString &name);
    /// Raises the channel's synced seq (never lowers it).
    void setSyncedSeq(const QString &channel, qint64 seq);
    void setLastReadSeq(const QString &channel, qint64 seq);

    // ---- messages ----
    /// Stores messages (one transaction); returns those that were not cached yet and
    /// announces them with messagesStored().
    QList<Message> store(const QList<Message> &messages);
    /// Stores older messages fetched with `history`; returns the new ones, announces nothing.
    QList<Message> backfill(const QList<Message> &messages);
    /// The newest `limit` messages, ascending seq.
    QList<Message> newest(const QString &channel, int limit) const;
    /// Up to `limit` messages with seq < `before`, the closest first, returned ascending.
    QList<Message> before(const QString &channel, qint64 before, int limit) const;
    /// The highest cached seq below `seq` (nullopt when none).
    std::optional<qint64> highestBelow(const QString &channel, qint64 seq) const;
    std::optional<Message> last(const QString &channel) const;
    qint64 count(const QString &channel) const;
    /// Cached messages after `afterSeq` not written by `me`, and whether one mentions `@me`.
    std::pair<int, bool> unread(const QString &channel, qint64 afterSeq, const QString &me) const;
    /// True when a message with this client id is cached in `channel`.
    bool containsCid(const QString &channel, const QString &cid) const;
    /// Drops the oldest messages of `channel` beyond `maxPerChannel`. store() calls it once
    /// per `trimEvery` new messages of a channel, so the bound may be exceeded by that much.
    void trim(const QString &channel);
    /// Deletes every cached message (the channel list stays; synced seqs restart at 0).
    void wipe();

Q_SIGNALS:
    /// Messages store() added, in the order given (ascending seq per channel).
    void messagesStored(const QList<confab::Message> &messages);
    void wiped();
    /// addChannel() added the channel or set its topic.
    void channelAdded(const QString &name, const QString &topic);
    void channelRemoved(const QString &name);

private:
    QList<Message> insert(const QList<Message> &messages);

    QSqlDatabase m_db;
    int m_maxPerChannel;
    QHash<QString, int> m_sinceTrim; ///< new messages per channel since its last trim
};

} // namespace confab::client
