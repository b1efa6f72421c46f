// SPDX-License-Identifier: Apache-2.0
#include "messagemodel.h"

#include "mentions.h"
#include "safemarkdown.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QPointer>
#include <QScopedValueRollback>

#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace confab::client {

Q_LOGGING_CATEGORY(lcMessages, "confab.client.model.messages")

namespace {
constexpr qint64 noTop = std::numeric_limits<qint64>::max();
}

MessageModel::MessageModel(MessageCache *cache, Outbox *outbox, const QString &channel,
                           QObject *parent)
    : QAbstractListModel(parent)
    , m_cache(cache)
    , m_outbox(outbox)
    , m_channel(channel)
{
    const QList<Message> newest = m_cache->newest(m_channel, pageSize);
    m_rows.reserve(newest.size());
    for (const Message &m : newest)
        m_rows.append(Row{m, DeliveryState::Sent, {}, {}});
    m_sentCount = int(m_rows.size());
    for (const OutboxEntry &entry : m_outbox->entries(m_channel))
        m_rows.append(pendingRow(entry));
    if (const auto cached = m_cache->channel(m_channel))
        m_readMarker = cached->lastReadSeq;

    connect(cache, &MessageCache::messagesStored, this, &MessageModel::messagesStored);
    connect(cache, &MessageCache::wiped, this, &MessageModel::reload);
    connect(outbox, &Outbox::added, this, &MessageModel::pendingAdded);
    connect(outbox, &Outbox::changed, this, &MessageModel::pendingChanged);
    connect(outbox, &Outbox::removed, this, [this](const QString &cid, const QString &channel) {
        if (channel == m_channel)
            pendingRemoved(cid);
    });
}

MessageModel::Row MessageModel::pendingRow(const OutboxEntry &entry)
{
    Row row;
    row.message.channel = entry.channel;
    row.message.cid = entry.cid;
    row.message.text = entry.text;
    row.message.ts = entry.created;
    row.state = entry.isFailed() ? DeliveryState::Failed : DeliveryState::Pending;
    row.failReason = entry.failedReason;
    return row;
}

int MessageModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant MessageModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int i = index.row();
    const Row &row = m_rows.at(i);
    const bool pending = i >= m_sentCount;
    const QString author = pending ? m_me : row.message.from;
    const bool own = pending || (!m_me.isEmpty() && row.message.from == m_me);
    switch (role) {
    case Qt::DisplayRole:
    case TextRole:
        return row.message.text;
    case SeqRole:
        return row.message.seq;
    case AuthorRole:
        return author;
    case AuthorDisplayRole:
        return m_names ? m_names(author) : author;
    case TimeRole:
        return QDateTime::fromMSecsSinceEpoch(row.message.ts);
    case StateRole:
        return QVariant::fromValue(row.state);
    case FailReasonRole:
        return row.failReason;
    case CidRole:
        return row.message.cid;
    case OwnRole:
        return own;
    case FirstOfGroupRole:
        return isFirstOfGroup(i);
    case DayBreakRole:
        return isDayBreak(i);
    case MarkdownRole:
        if (!row.markdown)
            row.markdown = safeMarkdown(row.message.text);
        return *row.markdown;
    case MentionsMeRole:
        return mentionsMe(row, own);
    case FirstUnreadRole:
        return !pending && m_firstUnreadSeq > 0 && row.message.seq == m_firstUnreadSeq;
    case FormattedRole:
        return hasMarkdown(row.message.text);
    default:
        return {};
    }
}

QHash<int, QByteArray> MessageModel::roleNames() const
{
    return {{SeqRole, "seq"},
            {AuthorRole, "author"},
            {AuthorDisplayRole, "authorDisplay"},
            {TextRole, "text"},
            {TimeRole, "time"},
            {StateRole, "deliveryState"},
            {FailReasonRole, "failReason"},
            {CidRole, "cid"},
            {OwnRole, "own"},
            {FirstOfGroupRole, "firstOfGroup"},
            {DayBreakRole, "dayBreak"},
            {MarkdownRole, "markdown"},
            {FormattedRole, "formatted"},
            {MentionsMeRole, "mentionsMe"},
            {FirstUnreadRole, "firstUnread"}};
}

// The sidebar's rule (mentionsUser()), for someone else's message.
void MessageModel::displayNameChanged(const QString &user)
{
    int first = -1, last = -1;
    for (int i = 0; i < rowCount(); ++i) {
        const bool pending = i >= m_sentCount;
        if ((pending ? m_me : m_rows.at(i).message.from) != user)
            continue;
        if (first < 0)
            first = i;
        last = i;
    }
    if (first >= 0)
        Q_EMIT dataChanged(index(first), index(last), {AuthorDisplayRole});
}

bool MessageModel::mentionsMe(const Row &row, bool own) const
{
    return !own && mentionsUser(row.message.text, m_me);
}

void MessageModel::setReadMarker(qint64 seq)
{
    // Older unread messages may be in the cache but not yet in the window: load them (the
    // window must join them without a hole, as when scrolling up).
    int loaded = 0;
    while (m_sentCount > 0 && topSeq() > seq + 1 && loaded < maxUnreadLoad) {
        const qint64 top = topSeq();
        const auto below = m_cache->highestBelow(m_channel, top);
        if (!below || *below != top - 1)
            break;
        const int before = m_sentCount;
        fetchMore({});
        if (m_sentCount == before)
            break;
        loaded += m_sentCount - before;
    }
    qint64 first = 0;
    for (int i = 0; i < m_sentCount && first == 0; ++i) {
        const Message &m = m_rows.at(i).message;
        if (m.seq > seq && m.from != m_me)
            first = m.seq;
    }
    const int oldRow = firstUnreadRow();
    const bool changed = m_readMarker != seq || m_firstUnreadSeq != first;
    m_readMarker = seq;
    m_firstUnreadSeq = first;
    const int newRow = firstUnreadRow();
    for (const int row : {oldRow, newRow}) {
        if (row >= 0)
            Q_EMIT dataChanged(index(row), index(row), {FirstUnreadRole});
    }
    if (changed)
        Q_EMIT readMarkerChanged();
}

void MessageModel::moveReadMarkerToEnd()
{
    setReadMarker(m_sentCount > 0 ? std::max(m_readMarker, m_rows.at(m_sentCount - 1).message.seq)
                                  : m_readMarker);
}

int MessageModel::firstUnreadRow() const
{
    return m_firstUnreadSeq > 0 ? rowOfSeq(m_firstUnreadSeq) : -1;
}

bool MessageModel::isDayBreak(int row) const
{
    if (row == 0)
        return true;
    return QDateTime::fromMSecsSinceEpoch(m_rows.at(row).message.ts).date() !=
           QDateTime::fromMSecsSinceEpoch(m_rows.at(row - 1).message.ts).date();
}

bool MessageModel::isFirstOfGroup(int row) const
{
    if (row == 0 || isDayBreak(row))
        return true;
    const QString author = row >= m_sentCount ? m_me : m_rows.at(row).message.from;
    const QString previous = row - 1 >= m_sentCount ? m_me : m_rows.at(row - 1).message.from;
    return author != previous ||
           m_rows.at(row).message.ts - m_rows.at(row - 1).message.ts > groupGapMs;
}

int MessageModel::rowOfSeq(qint64 seq) const
{
    const auto end = m_rows.cbegin() + m_sentCount;
    const auto it = std::lower_bound(m_rows.cbegin(), end, seq,
                                     [](const Row &r, qint64 s) { return r.message.seq < s; });
    return it != end && it->message.seq == seq ? int(it - m_rows.cbegin()) : -1;
}

int MessageModel::rowOfCid(const QString &cid) const
{
    for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
        if (m_rows.at(i).message.cid == cid)
            return i;
    }
    return -1;
}

qint64 MessageModel::topSeq() const
{
    return m_sentCount > 0 ? m_rows.first().message.seq : noTop;
}

// Views (and QAbstractItemModelTester) may call canFetchMore/fetchMore from inside a row
// change notification, when the cache already holds rows the window does not yet: every
// mutation sets m_changing so such a nested fetch does nothing.
bool MessageModel::canFetchMore(const QModelIndex &parent) const
{
    if (parent.isValid() || m_fetching || m_changing)
        return false;
    const qint64 top = topSeq();
    if (m_cache->highestBelow(m_channel, top))
        return true;
    return top != noTop && top > 1 && bool(m_fetcher);
}

void MessageModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || m_fetching || m_changing)
        return;
    const qint64 top = topSeq();
    const auto below = m_cache->highestBelow(m_channel, top);
    if (below && (top == noTop || *below == top - 1)) {
        QList<Message> page = m_cache->before(m_channel, top, pageSize);
        // Keep only the run that joins the window without a hole.
        qsizetype start = page.size() - 1;
        while (start > 0 && page.at(start - 1).seq == page.at(start).seq - 1)
            --start;
        insertOlder(page.mid(start));
        return;
    }
    if (top == noTop || top <= 1 || !m_fetcher)
        return;
    const qint64 from = below ? *below + 1 : 1;
    const int limit = int(std::min<qint64>(m_historyPage, top - from));
    setFetching(true);
    QPointer<MessageModel> self(this);
    const bool started =
        m_fetcher(m_channel, top, limit, [self, top](std::optional<QList<Message>> messages) {
            if (!self)
                return;
            self->setFetching(false);
            if (!messages)
                return;
            self->m_cache->backfill(*messages);
            if (self->topSeq() != top)
                return; // the window moved meanwhile; the cache has them for the next fetch
            QList<Message> older;
            for (const Message &m : std::as_const(*messages)) {
                if (m.seq < top)
                    older.append(m);
            }
            // Only a run ending right below the window joins it.
            if (older.isEmpty() || older.last().seq != top - 1)
                return;
            qsizetype start = older.size() - 1;
            while (start > 0 && older.at(start - 1).seq == older.at(start).seq - 1)
                --start;
            self->insertOlder(older.mid(start));
        });
    if (!started)
        setFetching(false);
}

void MessageModel::insertOlder(const QList<Message> &messages)
{
    if (messages.isEmpty())
        return;
    const int n = int(messages.size());
    const QScopedValueRollback guard(m_changing, true);
    beginInsertRows({}, 0, n - 1);
    // QList keeps free space at the front: prepending is amortised O(1) per row.
    for (qsizetype i = messages.size() - 1; i >= 0; --i)
        m_rows.prepend(Row{messages.at(i), DeliveryState::Sent, {}, {}});
    m_sentCount += n;
    endInsertRows();
    touchRow(n);
    // Older unread messages reached by scrolling (or past maxUnreadLoad): the line goes up
    // to the first of them.
    for (const Message &m : messages) {
        if (m.seq > m_readMarker && m.from != m_me &&
            (m_firstUnreadSeq == 0 || m.seq < m_firstUnreadSeq)) {
            const int oldRow = firstUnreadRow();
            m_firstUnreadSeq = m.seq;
            if (oldRow >= 0)
                Q_EMIT dataChanged(index(oldRow), index(oldRow), {FirstUnreadRole});
            Q_EMIT dataChanged(index(firstUnreadRow()), index(firstUnreadRow()), {FirstUnreadRole});
            Q_EMIT readMarkerChanged();
            break;
        }
    }
}

void MessageModel::messagesStored(const QList<Message> &messages)
{
    for (const Message &m : messages) {
        if (m.channel == m_channel)
            insertSent(m);
    }
}

void MessageModel::insertSent(const Message &message)
{
    const QScopedValueRollback guard(m_changing, true);
    if (m_sentCount > 0 && message.seq < m_rows.first().message.seq)
        return; // older than the window: cached, reached by scrolling
    const auto sentEnd = m_rows.begin() + m_sentCount;
    const auto it = std::lower_bound(m_rows.begin(), sentEnd, message.seq,
                                     [](const Row &r, qint64 s) { return r.message.seq < s; });
    if (it != sentEnd && it->message.seq == message.seq)
        return;
    const int pos = int(it - m_rows.begin());

    int pendingIndex = -1;
    if (!m_me.isEmpty() && message.from == m_me) {
        for (int i = m_sentCount; i < m_rows.size(); ++i) {
            if (m_rows.at(i).message.cid == message.cid) {
                pendingIndex = i;
                break;
            }
        }
    }
    if (pendingIndex < 0) {
        beginInsertRows({}, pos, pos);
        m_rows.insert(pos, Row{message, DeliveryState::Sent, {}, {}});
        ++m_sentCount;
        endInsertRows();
        touchRow(pos + 1);
        return;
    }
    if (pendingIndex != pos) {
        beginMoveRows({}, pendingIndex, pendingIndex, {}, pos);
        m_rows.move(pendingIndex, pos);
        endMoveRows();
    }
    m_rows[pos] = Row{message, DeliveryState::Sent, {}, {}};
    ++m_sentCount;
    Q_EMIT dataChanged(index(pos), index(pos));
    touchRow(pos + 1);
    if (pendingIndex != pos)
        touchRow(pendingIndex + 1);
}

void MessageModel::pendingAdded(const OutboxEntry &entry)
{
    const QScopedValueRollback guard(m_changing, true);
    if (entry.channel != m_channel || rowOfCid(entry.cid) >= 0)
        return;
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.append(pendingRow(entry));
    endInsertRows();
}

void MessageModel::pendingChanged(const OutboxEntry &entry)
{
    const int row = rowOfCid(entry.cid);
    if (row < m_sentCount)
        return;
    Row &r = m_rows[row];
    r.state = entry.isFailed() ? DeliveryState::Failed : DeliveryState::Pending;
    r.failReason = entry.failedReason;
    Q_EMIT dataChanged(index(row), index(row), {StateRole, FailReasonRole});
}

void MessageModel::pendingRemoved(const QString &cid)
{
    const QScopedValueRollback guard(m_changing, true);
    const int row = rowOfCid(cid);
    if (row < m_sentCount)
        return; // already shown as sent (or not here)
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
    touchRow(row);
}

void MessageModel::gapBefore(qint64 firstSeq)
{
    const QScopedValueRollback guard(m_changing, true);
    const auto sentEnd = m_rows.cbegin() + m_sentCount;
    const auto it = std::lower_bound(m_rows.cbegin(), sentEnd, firstSeq,
                                     [](const Row &r, qint64 s) { return r.message.seq < s; });
    const int k = int(it - m_rows.cbegin());
    if (k == 0 || k == m_sentCount)
        return; // nothing below the gap, or nothing above it yet: the window stays whole
    qCDebug(lcMessages) << m_channel << "gap below" << firstSeq << "; dropping" << k << "rows";
    beginRemoveRows({}, 0, k - 1);
    m_rows.remove(0, k);
    m_sentCount -= k;
    endRemoveRows();
    touchRow(0);
}

void MessageModel::reload()
{
    const QScopedValueRollback guard(m_changing, true);
    beginResetModel();
    m_rows.clear();
    for (const Message &m : m_cache->newest(m_channel, pageSize))
        m_rows.append(Row{m, DeliveryState::Sent, {}, {}});
    m_sentCount = int(m_rows.size());
    for (const OutboxEntry &entry : m_outbox->entries(m_channel))
        m_rows.append(pendingRow(entry));
    endResetModel();
}

void MessageModel::touchRow(int row)
{
    if (row >= 0 && row < m_rows.size())
        Q_EMIT dataChanged(index(row), index(row), {FirstOfGroupRole, DayBreakRole});
}

void MessageModel::setFetching(bool fetching)
{
    if (m_fetching == fetching)
        return;
    m_fetching = fetching;
    Q_EMIT fetchingChanged(fetching);
}

} // namespace confab::client
