// SPDX-License-Identifier: Apache-2.0
#pragma once

// The rows of the Ctrl+K quick switcher: the user's conversations (channels and direct
// conversations, from a ChannelListModel) and the people they can write to (a PeopleModel),
// filtered by a fuzzy `query` and ranked best first.
//
// Contract:
// - The sources are read through their role names ("name", "title", "isDirect", "otherUser",
//   "unreadCount"; "user", "displayName", "status"), so any model with those roles works
//   (a QML ListModel in tests).
// - A row matches when the query's characters occur in order, ignoring case, in one of its
//   texts: a conversation's title and name (a direct conversation: the other person's display
//   and user name), a person's display and user name. The rank: the text starts with the
//   query > a word of it does > a subsequence; within a rank, the tighter and earlier match
//   first, then conversations before people, then by title.
// - An empty query lists every conversation (channels, then direct ones, in source order),
//   then every person.
// - A person with a direct conversation already listed is not listed again (the
//   conversation stands for them).
// - Rows follow the sources at once. A changed query or a changed set of rows resets the
//   model (a filter result is one new list); unchanged rows only emit dataChanged.

#include <QAbstractListModel>
#include <QPointer>
#include <QQmlEngine>

namespace confab::ui {

class QuickSwitcherModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QAbstractItemModel *conversations READ conversations WRITE setConversations NOTIFY
                   conversationsChanged)
    Q_PROPERTY(QAbstractItemModel *people READ people WRITE setPeople NOTIFY peopleChanged)
    Q_PROPERTY(QString query READ query WRITE setQuery NOTIFY queryChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        KindRole = Qt::UserRole + 1, /**< QString: "conversation" or "person" */
        KeyRole,         /**< QString: the channel name (conversation) or user name (person) */
        TitleRole,       /**< QString: what to show: a channel's name, a person's display name */
        DetailRole,      /**< QString: a direct conversation's or person's user name; else empty */
        IsDirectRole,    /**< bool: a direct conversation */
        StatusRole,      /**< QString: a person's presence; empty for conversations */
        UnreadCountRole, /**< int: a conversation's unread count; 0 for people */
    };
    Q_ENUM(Role)

    explicit QuickSwitcherModel(QObject *parent = nullptr);

    QAbstractItemModel *conversations() const { return m_conversations; }
    void setConversations(QAbstractItemModel *model);
    QAbstractItemModel *people() const { return m_people; }
    void setPeople(QAbstractItemModel *model);
    QString query() const { return m_query; }
    void setQuery(const QString &query);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// Row `row`'s roles by name (empty when out of range), for the popup's Enter.
    Q_INVOKABLE QVariantMap get(int row) const;
    /// How well `query` matches `text`: 0 none; higher is better. Prefix matches rank above
    /// word-start matches, which rank above the other subsequences.
    Q_INVOKABLE int matchScore(const QString &query, const QString &text) const;

Q_SIGNALS:
    void conversationsChanged();
    void peopleChanged();
    void queryChanged();
    void countChanged();

private:
    struct Row
    {
        QString kind;
        QString key;
        QString title;
        QString detail;
        bool isDirect = false;
        QString status;
        int unreadCount = 0;
        int score = 0;
        int sourceOrder = 0;
    };

    void watch(QAbstractItemModel *model);
    void rebuild();
    QList<Row> candidates() const;

    QPointer<QAbstractItemModel> m_conversations;
    QPointer<QAbstractItemModel> m_people;
    QString m_query;
    QList<Row> m_rows;
};

} // namespace confab::ui
