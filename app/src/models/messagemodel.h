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
//
// Reading aids: `markdown` is the text made safe for Text.MarkdownText (safeMarkdown(),
// computed when first asked for and kept); `mentionsMe` is the sidebar's mention rule;
// the read marker places a "New messages" line at the first message after it not written by
// the user. The line is placed when the marker is set and then stays put (messages arriving
// while the channel is on screen do not move or add it) until the marker is set again; older
// unread messages loaded later (scrolling up) move it up to the first of them.

#include "messagecache.h"
#include "outbox.h"

#include <QAbstractListModel>

#include <functional>
#include <optional>

namespace confab::client {

class MessageModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(QString channel READ channel CONSTANT)
    Q_PROPERTY(bool fetching READ isFetching NOTIFY fetchingChanged)
    /// The seq read up to when the line was placed (at first: the channel's read position
    /// in the cache when this model was made).
    Q_PROPERTY(qint64 readMarker READ readMarker NOTIFY readMarkerChanged)
    /// The seq of the message under the "New messages" line (0: no line).
    Q_PROPERTY(qint64 firstUnreadSeq READ firstUnreadSeq NOTIFY readMarkerChanged)
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
        MarkdownRole,     /**< QString: the text as Markdown safe to render (safeMarkdown) */
        MentionsMeRole,   /**< bool: someone else's message naming `@user` (the signed-in one) */
        FirstUnreadRole,  /**< bool: the "New messages" line goes above this message */
        FormattedRole,    /**< bool: the text has Markdown to render (hasMarkdown); else plain */
    };
    Q_ENUM(Role)
    enum class DeliveryState { Sent, Pending, Failed };
    Q_ENUM(DeliveryState)

    static constexpr int pageSize = 100;
    static constexpr qint64 groupGapMs = 5 * 60 * 1000;
    /// At most this many rows are loaded from the cache to reach the first unread message.
    static constexpr int maxUnreadLoad = 10 * pageSize;

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
    /// `user`'s display name became known or changed: their rows show it (one dataChanged).
    void displayNameChanged(const QString &user);
    void setHistoryPage(int limit) { m_historyPage = limit; }
    /// Row of the message with `seq`, or of the pending message with `cid` (-1 if absent).
    int rowOfSeq(qint64 seq) const;
    int rowOfCid(const QString &cid) const;
    int sentCount() const { return m_sentCount; }

    qint64 readMarker() const { return m_readMarker; }
    qint64 firstUnreadSeq() const { return m_firstUnreadSeq; }
    /// Places the "New messages" line above the first message with seq > `seq` not written
    /// by the user, loading older cached pages (up to maxUnreadLoad rows) so that it is in
    /// the window; no such message: no line.
    Q_INVOKABLE void setReadMarker(qint64 seq);
    /// Everything in the window counts as read: the marker moves to the newest message and
    /// the line goes (when the user leaves the channel).
    Q_INVOKABLE void moveReadMarkerToEnd();
    /// The row under the "New messages" line, or -1 (no line, or not loaded).
    Q_INVOKABLE int firstUnreadRow() const;

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
    void readMarkerChanged();

private:
    struct Row
    {
        Message message;
        DeliveryState state = DeliveryState::Sent;
        QString failReason;
        mutable std::optional<QString> markdown; ///< safeMarkdown(text), once asked for
    };
    static Row pendingRow(const OutboxEntry &entry);
    void insertSent(const Message &message);
    void insertOlder(const QList<Message> &messages);
    void touchRow(int row);
    qint64 topSeq() const;
    bool isFirstOfGroup(int row) const;
    bool isDayBreak(int row) const;
    bool mentionsMe(const Row &row, bool own) const;
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
    qint64 m_readMarker = 0;
    qint64 m_firstUnreadSeq = 0;
    HistoryFetcher m_fetcher;
    DisplayNameFn m_names;
};

} // namespace confab::client
