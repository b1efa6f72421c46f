// SPDX-License-Identifier: Apache-2.0
#include "quickswitchermodel.h"

#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace confab::ui {

namespace {

constexpr int PrefixRank = 3;
constexpr int WordStartRank = 2;
constexpr int SubsequenceRank = 1;
// Room for the within-rank penalty below each rank.
constexpr int RankStep = 100000;

/// Reads rows of a model by role name; a missing role reads as an invalid QVariant.
class RoleReader
{
public:
    explicit RoleReader(const QAbstractItemModel *model)
        : m_model(model)
        , m_roles(model->roleNames())
    {}
    QVariant value(int row, const QByteArray &name) const
    {
        const int role = m_roles.key(name, -1);
        return role < 0 ? QVariant() : m_model->data(m_model->index(row, 0), role);
    }

private:
    const QAbstractItemModel *m_model;
    QHash<int, QByteArray> m_roles;
};

/// A word starts at `i`: after a non-letter/digit (space, -, _, .) or at a lower-to-upper
/// change (camelCase).
bool isWordStart(const QString &text, qsizetype i)
{
    if (i == 0)
        return true;
    const QChar before = text.at(i - 1);
    const QChar here = text.at(i);
    if (!before.isLetterOrNumber())
        return here.isLetterOrNumber();
    return before.isLower() && here.isUpper();
}

} // namespace

QuickSwitcherModel::QuickSwitcherModel(QObject *parent)
    : QAbstractListModel(parent)
{}

void QuickSwitcherModel::setConversations(QAbstractItemModel *model)
{
    if (m_conversations == model)
        return;
    if (m_conversations)
        disconnect(m_conversations, nullptr, this, nullptr);
    m_conversations = model;
    watch(model);
    rebuild();
    Q_EMIT conversationsChanged();
}

void QuickSwitcherModel::setPeople(QAbstractItemModel *model)
{
    if (m_people == model)
        return;
    if (m_people)
        disconnect(m_people, nullptr, this, nullptr);
    m_people = model;
    watch(model);
    rebuild();
    Q_EMIT peopleChanged();
}

void QuickSwitcherModel::setQuery(const QString &query)
{
    if (m_query == query)
        return;
    m_query = query;
    rebuild();
    Q_EMIT queryChanged();
}

void QuickSwitcherModel::watch(QAbstractItemModel *model)
{
    if (!model)
        return;
    connect(model, &QAbstractItemModel::rowsInserted, this, &QuickSwitcherModel::rebuild);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &QuickSwitcherModel::rebuild);
    connect(model, &QAbstractItemModel::rowsMoved, this, &QuickSwitcherModel::rebuild);
    connect(model, &QAbstractItemModel::dataChanged, this, &QuickSwitcherModel::rebuild);
    connect(model, &QAbstractItemModel::modelReset, this, &QuickSwitcherModel::rebuild);
    connect(model, &QAbstractItemModel::layoutChanged, this, &QuickSwitcherModel::rebuild);
}

int QuickSwitcherModel::matchScore(const QString &query, const QString &text) const
{
    if (query.isEmpty())
        return 0;
    if (text.startsWith(query, Qt::CaseInsensitive))
        return PrefixRank * RankStep - int(std::min<qsizetype>(text.size(), RankStep - 1));
    for (qsizetype i = text.indexOf(query, 1, Qt::CaseInsensitive); i > 0;
         i = text.indexOf(query, i + 1, Qt::CaseInsensitive)) {
        if (isWordStart(text, i))
            return WordStartRank * RankStep - int(std::min<qsizetype>(i, RankStep - 1));
    }
    // The characters in order; the tighter and the earlier, the better.
    qsizetype first = -1;
    qsizetype at = 0;
    for (const QChar c : query) {
        const qsizetype found = text.indexOf(c, at, Qt::CaseInsensitive);
        if (found < 0)
            return 0;
        if (first < 0)
            first = found;
        at = found + 1;
    }
    const qsizetype span = at - first;
    return SubsequenceRank * RankStep - int(std::min<qsizetype>(span * 100 + first, RankStep - 1));
}

QList<QuickSwitcherModel::Row> QuickSwitcherModel::candidates() const
{
    QList<Row> rows;
    QSet<QString> directWith;
    if (m_conversations) {
        const RoleReader read(m_conversations);
        QList<Row> direct;
        for (int i = 0; i < m_conversations->rowCount(); ++i) {
            Row row;
            row.kind = u"conversation"_s;
            row.key = read.value(i, "name").toString();
            row.isDirect = read.value(i, "isDirect").toBool();
            row.title = read.value(i, "title").toString();
            if (row.title.isEmpty())
                row.title = row.key;
            row.unreadCount = read.value(i, "unreadCount").toInt();
            if (row.isDirect) {
                row.detail = read.value(i, "otherUser").toString();
                if (!row.detail.isEmpty())
                    directWith.insert(row.detail);
                direct.append(row);
            } else {
                rows.append(row);
            }
        }
        rows.append(direct); // as the sidebar shows them: channels, then direct ones
    }
    if (m_people) {
        const RoleReader read(m_people);
        for (int i = 0; i < m_people->rowCount(); ++i) {
            Row row;
            row.kind = u"person"_s;
            row.key = read.value(i, "user").toString();
            if (row.key.isEmpty() || directWith.contains(row.key))
                continue;
            row.title = read.value(i, "displayName").toString();
            if (row.title.isEmpty())
                row.title = row.key;
            row.detail = row.key;
            row.status = read.value(i, "status").toString();
            rows.append(row);
        }
    }
    for (int i = 0; i < rows.size(); ++i)
        rows[i].sourceOrder = i;
    return rows;
}

void QuickSwitcherModel::rebuild()
{
    QList<Row> rows = candidates();
    if (!m_query.isEmpty()) {
        QList<Row> matching;
        for (Row &row : rows) {
            // A channel by its name; a person or direct conversation by display or user name.
            const QString second = row.isDirect || row.kind == u"person"_s ? row.detail : row.key;
            row.score = std::max(matchScore(m_query, row.title), matchScore(m_query, second));
            if (row.score > 0)
                matching.append(row);
        }
        std::stable_sort(matching.begin(), matching.end(), [](const Row &a, const Row &b) {
            if (a.score != b.score)
                return a.score > b.score;
            if (a.kind != b.kind)
                return a.kind == u"conversation"_s;
            const int byTitle = QString::compare(a.title, b.title, Qt::CaseInsensitive);
            return byTitle != 0 ? byTitle < 0 : a.sourceOrder < b.sourceOrder;
        });
        rows = matching;
    }

    const bool sameKeys =
        rows.size() == m_rows.size() &&
        std::equal(rows.cbegin(), rows.cend(), m_rows.cbegin(),
                   [](const Row &a, const Row &b) { return a.kind == b.kind && a.key == b.key; });
    if (sameKeys) {
        m_rows = rows;
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1));
        return;
    }
    const int before = int(m_rows.size());
    beginResetModel();
    m_rows = rows;
    endResetModel();
    if (before != m_rows.size())
        Q_EMIT countChanged();
}

int QuickSwitcherModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant QuickSwitcherModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case TitleRole:
        return row.title;
    case KindRole:
        return row.kind;
    case KeyRole:
        return row.key;
    case DetailRole:
        return row.detail;
    case IsDirectRole:
        return row.isDirect;
    case StatusRole:
        return row.status;
    case UnreadCountRole:
        return row.unreadCount;
    default:
        return {};
    }
}

QHash<int, QByteArray> QuickSwitcherModel::roleNames() const
{
    return {{KindRole, "kind"},
            {KeyRole, "key"},
            {TitleRole, "title"},
            {DetailRole, "detail"},
            {IsDirectRole, "isDirect"},
            {StatusRole, "status"},
            {UnreadCountRole, "unreadCount"}};
}

QVariantMap QuickSwitcherModel::get(int row) const
{
    QVariantMap map;
    if (row < 0 || row >= m_rows.size())
        return map;
    const QHash<int, QByteArray> roles = roleNames();
    for (auto it = roles.cbegin(); it != roles.cend(); ++it)
        map.insert(QString::fromLatin1(it.value()), data(index(row), it.key()));
    return map;
}

} // namespace confab::ui
