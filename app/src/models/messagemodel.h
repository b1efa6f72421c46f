// SPDX-License-Identifier: Apache-2.0
#pragma once

// The messages of one channel, oldest first: a window onto the local cache, followed by the
// user's pending and failed messages from the outbox. Opening shows the newest page from
// the cache only (fast however long the history); scrolling up (canFetchMore/fetchMore)
// loads older pages from the cache, and where the cache has a hole (a gap announced by
// `synced.first_seq`, or trimmed history) fetches it from the server with `history`.
//
// A pending message becomes a sent one in place (or moves up to its seq position) when its
// message arrives; every message appears once. Changes are incremental: one new message is
// one row inserted, never a reset. It follows the cache (messagesStored, wiped) and the
// outbox (added, changed, removed) by their signals; the owner connects the channel's gap
// (ChannelSync::gapFound) to gapBefore(). Used on one thread.

#include "messagecache.h"
#include "outbox.h"

#include <QAbstractListModel>

#include <functional>

namespace confab::client {

class MessageModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(QString channel READ channel CONSTANT)
    Q_PROPERTY(bool fetching READ isFetching NOTIFY fetchingChanged)
public:
    enum Role {
        SeqRole = Qt::UserRole + 1, /**< qint64: the server's seq (0 while pending) */
        AuthorRole,                 /**< QString: author's user name */
        AuthorDisplayRole,          /**< QString: author's display name */
        TextRole,                   /**< QString: the text, byte-exact */
        TimeRole,                   /**< QDateTime: server time (local time while pending) */
        StateRole,                  /**< DeliveryState: Sent, Pending or Failed */
        FailReasonRole,             /**< QString: why a Failed message was refused */
        CidRole,                    /**< QString: the client id */
        OwnRole,                    /**< bool: written by the signed-in user */
        FirstOfGroupRole, /**< bool: first of a run by one author (new author, day or 5 min gap) */
        DayBreakRole,     /**< bool: first message of its local day */
    };
    Q_ENUM(Role)
    enum class DeliveryState { Sent, Pending, Failed };
    Q_ENUM(DeliveryState)

    static constexpr int pageSize = 100;
    static constexpr qint64 groupGapMs = 5 * 60 * 1000;

    /// Fetches `limit` messages before `before` from the server; calls `done` with them
    /// (ascending) or with nullopt on failure. Returns false when it cannot try now.
    using HistoryFetcher = std::function<bool(const QString &channel, qint64 before, int limit,
                                              std::function<void(std::optional<QList<Message>>)>)>;
    using DisplayNameFn = std::function<QString(const QString &user)>;

    MessageModel(MessageCache *cache, Outbox *outbox, const QString &channel,
                 QObject *parent = nullptr);

    QString channel() const { return m_channel; }
    bool isFetching() const { return m_fetching; }
    void setOwnUser(const QString &user) { m_me = user; }
    void setHistoryFetcher(HistoryFetcher fetcher) { m_fetcher = std::move(fetcher); }
    void setDisplayNames(DisplayNameFn names) { m_names = std::move(names); }
    void setHistoryPage(int limit) { m_historyPage = limit; }
    /// Row of the message with `seq`, or of the pending message with `cid` (-1 if absent).
    int rowOfSeq(qint64 seq) const;
    int rowOfCid(const QString &cid) const;
    int sentCount() const { return m_sentCount; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    // ---- followed from the cache and the outbox (public for tests) ----
    /// Messages newly stored in the cache (live, caught up, or acknowledged).
    void messagesStored(const QList<Message> &messages);
    void pendingAdded(const OutboxEntry &entry);
    void pendingChanged(const OutboxEntry &entry);
    void pendingRemoved(const QString &cid);
    /// A join's catch-up skipped seqs below `firstSeq`: rows below it leave the window
    /// (the hole is fetched when scrolled to).
    void gapBefore(qint64 firstSeq);
    /// The cache was wiped: show only what is pending.
    void reload();

Q_SIGNALS:
    void fetchingChanged(bool fetching);

private:
    struct Row
    {
        Message message;
        DeliveryState state = DeliveryState::Sent;
        QString failReason;
    };
    static Row pendingRow(const OutboxEntry &entry);
    void insertSent(const Message &message);
    void insertOlder(const QList<Message> &messages);
    void touchRow(int row);
    qint64 topSeq() const;
    bool isFirstOfGroup(int row) const;
    bool isDayBreak(int row) const;
    void setFetching(bool fetching);

    MessageCache *m_cache;
    Outbox *m_outbox;
    QString m_channel;
    QString m_me;
    QList<Row> m_rows; ///< [0, m_sentCount) sent by seq; then pending/failed in outbox order
    int m_sentCount = 0;
    bool m_fetching = false;
    bool m_changing = false; ///< inside a row change notification: no nested fetch
    int m_historyPage = 200;
    HistoryFetcher m_fetcher;
    DisplayNameFn m_names;
};

} // namespace confab::client
