// SPDX-License-Identifier: Apache-2.0
#pragma once

// The public channels of the server, for a "browse channels" view: name, topic, newest seq
// and whether the user is a member (joined). Sorted by name.
//
// Contract:
// - setChannels() takes a whole `channels` listing (ChatClient::refreshPublicChannels()
//   pages through it); private channels and direct conversations are left out (they are
//   the sidebar's, never browsed). Rows are added, removed or changed one by one.
// - upsert()/remove() follow the 1.1 `channel` events between listings: a public channel
//   created appears at once, not joined.
// - `joined` follows the cache's channel list (follow()): the channels the user is a member
//   of, so joining or leaving one flips the row at once.
// - memberCount is not offered: neither `channels` nor the channel events carry it.

#include "types.h"

#include <QAbstractListModel>
#include <QSet>

namespace confab::client {

class MessageCache;

class PublicChannelsModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        NameRole = Qt::UserRole + 1, /**< QString: channel name */
        TopicRole,                   /**< QString: channel topic */
        LastSeqRole,                 /**< qint64: newest seq when listed (0: no message yet) */
        JoinedRole,                  /**< bool: the user is a member (it is in the sidebar) */
    };
    Q_ENUM(Role)

    explicit PublicChannelsModel(QObject *parent = nullptr);

    /// Marks the rows the cache lists as joined, and follows its channel list.
    void follow(const MessageCache *cache);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    int rowOf(const QString &channel) const;
    QStringList names() const;
    bool isJoined(const QString &channel) const { return m_joined.contains(channel); }

    /// A whole listing: replaces the rows (public channels only).
    void setChannels(const QList<Channel> &channels);
    /// Adds or updates one channel (ignored unless public).
    void upsert(const Channel &channel);
    void remove(const QString &channel);

Q_SIGNALS:
    void countChanged();

private:
    void setJoined(const QString &channel, bool joined);
    static bool isBrowsable(const Channel &channel);

    QList<Channel> m_entries;
    QSet<QString> m_joined;
};

} // namespace confab::client
