// SPDX-License-Identifier: Apache-2.0
#include "publicchannelsmodel.h"

#include "messagecache.h"
#include "sortedrows.h"
#include "validation.h"

namespace confab::client {

namespace {

const QString &nameOf(const Channel &c)
{
    return c.name;
}

} // namespace

PublicChannelsModel::PublicChannelsModel(QObject *parent)
    : QAbstractListModel(parent)
{
    connect(this, &QAbstractItemModel::rowsInserted, this, &PublicChannelsModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &PublicChannelsModel::countChanged);
}

void PublicChannelsModel::follow(const MessageCache *cache)
{
    for (const CachedChannel &channel : cache->channels())
        setJoined(channel.name, true);
    connect(cache, &MessageCache::channelAdded, this,
            [this](const QString &name) { setJoined(name, true); });
    connect(cache, &MessageCache::channelRemoved, this,
            [this](const QString &name) { setJoined(name, false); });
}

int PublicChannelsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant PublicChannelsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Channel &c = m_entries.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return c.name;
    case TopicRole:
        return c.topic;
    case LastSeqRole:
        return c.lastSeq;
    case JoinedRole:
        return m_joined.contains(c.name);
    default:
        return {};
    }
}

QHash<int, QByteArray> PublicChannelsModel::roleNames() const
{
    return {
        {NameRole, "name"}, {TopicRole, "topic"}, {LastSeqRole, "lastSeq"}, {JoinedRole, "joined"}};
}

int PublicChannelsModel::rowOf(const QString &channel) const
{
    return sortedRowOf(m_entries, channel, nameOf);
}

QStringList PublicChannelsModel::names() const
{
    QStringList names;
    for (const Channel &c : m_entries)
        names.append(c.name);
    return names;
}

bool PublicChannelsModel::isBrowsable(const Channel &channel)
{
    return !channel.isPrivate && !rules::isDirectChannelName(channel.name);
}

void PublicChannelsModel::setChannels(const QList<Channel> &channels)
{
    QSet<QString> keep;
    for (const Channel &c : channels) {
        if (isBrowsable(c))
            keep.insert(c.name);
    }
    for (int row = int(m_entries.size()) - 1; row >= 0; --row) {
        if (!keep.contains(m_entries.at(row).name))
            remove(m_entries.at(row).name);
    }
    for (const Channel &c : channels)
        upsert(c);
}

void PublicChannelsModel::upsert(const Channel &channel)
{
    if (!isBrowsable(channel)) {
        remove(channel.name); // a channel that turned private is no longer browsed
        return;
    }
    if (const int row = rowOf(channel.name); row >= 0) {
        if (m_entries.at(row) != channel) {
            m_entries[row] = channel;
            Q_EMIT dataChanged(index(row), index(row), {TopicRole, LastSeqRole});
        }
        return;
    }
    const int row = sortedInsertRow(m_entries, channel.name, nameOf);
    beginInsertRows({}, row, row);
    m_entries.insert(row, channel);
    endInsertRows();
}

void PublicChannelsModel::remove(const QString &channel)
{
    const int row = rowOf(channel);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_entries.removeAt(row);
    endRemoveRows();
}

void PublicChannelsModel::setJoined(const QString &channel, bool joined)
{
    if (joined == m_joined.contains(channel))
        return;
    if (joined)
        m_joined.insert(channel);
    else
        m_joined.remove(channel);
    if (const int row = rowOf(channel); row >= 0)
        Q_EMIT dataChanged(index(row), index(row), {JoinedRole});
}

} // namespace confab::client
