// SPDX-License-Identifier: Apache-2.0
#include "channellistmodel.h"

#include "mentions.h"
#include "messagecache.h"
#include "sortedrows.h"
#include "typingboard.h"
#include "validation.h"

#include <QDateTime>

namespace confab::client {

const QString &ChannelListModel::nameOf(const Entry &entry)
{
    return entry.name;
}

ChannelListModel::ChannelListModel(QObject *parent)
    : QAbstractListModel(parent)
{}

void ChannelListModel::follow(const MessageCache *cache)
{
    m_cache = cache;
    for (const CachedChannel &channel : cache->channels()) {
        upsert(channel.name, channel.topic);
        if (const int row = rowOf(channel.name); row >= 0)
            m_entries[row].readSeq = channel.lastReadSeq;
        if (const auto last = cache->last(channel.name))
            messageArrived(*last, false, false);
        const auto [count, mentioned] = cache->unread(channel.name, channel.lastReadSeq, m_me);
        if (count > 0)
            setUnread(channel.name, count, mentioned);
    }
    connect(cache, &MessageCache::channelAdded, this, &ChannelListModel::upsert);
    connect(cache, &MessageCache::channelRemoved, this, &ChannelListModel::remove);
    connect(cache, &MessageCache::messagesStored, this, &ChannelListModel::messagesStored);
}

void ChannelListModel::follow(const TypingBoard *typing)
{
    connect(typing, &TypingBoard::changed, this, [this, typing](const QString &channel) {
        setTyping(channel, typing->typing(channel));
    });
}

void ChannelListModel::messagesStored(const QList<Message> &messages)
{
    for (const Message &m : messages) {
        const int row = rowOf(m.channel);
        // A catch-up of what was read on another device is not news.
        const bool unread = m.from != m_me && (row < 0 || m.seq > m_entries[row].readSeq);
        const bool mention = unread && mentionsUser(m.text, m_me);
        messageArrived(m, unread, mention);
    }
}

int ChannelListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant ChannelListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry &e = m_entries.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return e.name;
    case TopicRole:
        return e.topic;
    case UnreadCountRole:
        return e.unread;
    case LastMessageTextRole:
        return e.last.text;
    case LastMessageAuthorRole:
        return e.last.from;
    case LastMessageTimeRole:
        return e.last.seq > 0 ? QDateTime::fromMSecsSinceEpoch(e.last.ts) : QDateTime();
    case MentionedRole:
        return e.mentioned;
    case TypingUsersRole:
        return e.typing;
    case IsDirectRole:
        return rules::isDirectChannelName(e.name);
    case TitleRole:
        return title(e.name);
    case OtherUserRole:
        return otherUser(e.name);
    default:
        return {};
    }
}

QHash<int, QByteArray> ChannelListModel::roleNames() const
{
    return {{NameRole, "name"},
            {TopicRole, "topic"},
            {UnreadCountRole, "unreadCount"},
            {LastMessageTextRole, "lastMessageText"},
            {LastMessageAuthorRole, "lastMessageAuthor"},
            {LastMessageTimeRole, "lastMessageTime"},
            {MentionedRole, "mentioned"},
            {TypingUsersRole, "typingUsers"},
            {IsDirectRole, "isDirect"},
            {TitleRole, "title"},
            {OtherUserRole, "otherUser"}};
}

void ChannelListModel::setOwnUser(const QString &user)
{
    if (m_me == user)
        return;
    m_me = user;
    for (int row = 0; row < m_entries.size(); ++row) {
        if (rules::isDirectChannelName(m_entries.at(row).name))
            changed(row, {TitleRole, OtherUserRole});
    }
}

void ChannelListModel::setDisplayNames(std::function<QString(const QString &)> displayName)
{
    m_displayName = std::move(displayName);
}

void ChannelListModel::displayNameChanged(const QString &user)
{
    for (int row = 0; row < m_entries.size(); ++row) {
        if (otherUser(m_entries.at(row).name) == user)
            changed(row, {TitleRole});
    }
}

QString ChannelListModel::otherUser(const QString &channel) const
{
    const auto members = rules::directChannelMembers(channel);
    if (!members)
        return {};
    // Before we know who we are (no sign-in yet), the second name is as good as the first.
    return members->first == m_me ? members->second
           : m_me.isEmpty()       ? members->second
                                  : members->first;
}

QString ChannelListModel::title(const QString &channel) const
{
    const QString other = otherUser(channel);
    if (other.isEmpty())
        return channel;
    return m_displayName ? m_displayName(other) : other;
}

int ChannelListModel::rowOf(const QString &channel) const
{
    return sortedRowOf(m_entries, channel, nameOf);
}

QStringList ChannelListModel::names() const
{
    QStringList names;
    for (const Entry &e : m_entries)
        names.append(e.name);
    return names;
}

void ChannelListModel::upsert(const QString &channel, const QString &topic)
{
    if (const int row = rowOf(channel); row >= 0) {
        if (m_entries[row].topic != topic) {
            m_entries[row].topic = topic;
            changed(row, {TopicRole});
        }
        return;
    }
    const int row = sortedInsertRow(m_entries, channel, nameOf);
    beginInsertRows({}, row, row);
    Entry entry;
    entry.name = channel;
    entry.topic = topic;
    m_entries.insert(row, entry);
    endInsertRows();
}

void ChannelListModel::remove(const QString &channel)
{
    const int row = rowOf(channel);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_entries.removeAt(row);
    endRemoveRows();
}

void ChannelListModel::messageArrived(const Message &message, bool unread, bool mentionsMe)
{
    const int row = rowOf(message.channel);
    if (row < 0)
        return;
    Entry &e = m_entries[row];
    QList<int> roles;
    if (message.seq >= e.last.seq) {
        e.last = message;
        roles << LastMessageTextRole << LastMessageAuthorRole << LastMessageTimeRole;
    }
    if (unread) {
        ++e.unread;
        roles << UnreadCountRole;
        if (mentionsMe && !e.mentioned) {
            e.mentioned = true;
            roles << MentionedRole;
        }
    }
    if (!roles.isEmpty())
        changed(row, roles);
}

void ChannelListModel::setUnread(const QString &channel, int count, bool mentioned)
{
    const int row = rowOf(channel);
    if (row < 0)
        return;
    m_entries[row].unread = count;
    m_entries[row].mentioned = mentioned;
    changed(row, {UnreadCountRole, MentionedRole});
}

void ChannelListModel::markRead(const QString &channel)
{
    if (const int row = rowOf(channel); row >= 0)
        m_entries[row].readSeq = std::max(m_entries[row].readSeq, m_entries[row].last.seq);
    setUnread(channel, 0, false);
}

void ChannelListModel::setReadPosition(const QString &channel, qint64 seq)
{
    const int row = rowOf(channel);
    if (row < 0 || seq <= m_entries[row].readSeq)
        return;
    m_entries[row].readSeq = seq;
    const auto [count, mentioned] =
        m_cache ? m_cache->unread(channel, seq, m_me) : std::pair<int, bool>(0, false);
    if (count != m_entries[row].unread || mentioned != m_entries[row].mentioned)
        setUnread(channel, count, mentioned);
}

void ChannelListModel::setTyping(const QString &channel, const QStringList &users)
{
    const int row = rowOf(channel);
    if (row < 0 || m_entries[row].typing == users)
        return;
    m_entries[row].typing = users;
    changed(row, {TypingUsersRole});
}

void ChannelListModel::changed(int row, const QList<int> &roles)
{
    Q_EMIT dataChanged(index(row), index(row), roles);
}

} // namespace confab::client
