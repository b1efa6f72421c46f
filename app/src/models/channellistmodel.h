// SPDX-License-Identifier: Apache-2.0
#pragma once

// The channels the user is in, sorted by name, with what a sidebar shows: topic, unread
// count, last message, whether the user was mentioned, and who is typing. It follows the
// cache (its channels, and the messages store() adds: each by someone else after the
// channel's read position is unread, one naming `@user` a mention) and the TypingBoard; the
// owner sets the signed-in user and marks channels read, here (markRead) or as read on
// another device (setReadPosition, which recounts from the cache). Every change is a single-row
// insert, remove or dataChanged.
//
// Titles: a channel is titled with its name (the UI may prefix `#`); a direct conversation
// `dm:a:b` with the OTHER member's display name (setDisplayNames(); the user name until one
// is known), never with the `dm:` name nor with our own. displayNameChanged() retitles the
// conversations with that user; setOwnUser() retitles every conversation.

#include "types.h"

#include <QAbstractListModel>
#include <QStringList>

#include <functional>

namespace confab::client {

class MessageCache;
class TypingBoard;

class ChannelListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        NameRole = Qt::UserRole + 1, /**< QString: channel name */
        TopicRole,                   /**< QString: channel topic */
        UnreadCountRole,             /**< int: messages by others since last read */
        LastMessageTextRole,         /**< QString: text of the newest message */
        LastMessageAuthorRole,       /**< QString: author of the newest message */
        LastMessageTimeRole,         /**< QDateTime: time of the newest message (invalid if none) */
        MentionedRole,               /**< bool: an unread message mentions the user */
        TypingUsersRole,             /**< QStringList: users typing now */
        IsDirectRole,                /**< bool: a `dm:` conversation */
        TitleRole, /**< QString: what to call it: the name, or the other person's display name */
        OtherUserRole, /**< QString: a conversation's other member (user name); empty for channels
                        */
    };
    Q_ENUM(Role)

    explicit ChannelListModel(QObject *parent = nullptr);

    /// Fills from the cache's channels (last message, unread since last read) and follows it.
    void follow(const MessageCache *cache);
    void follow(const TypingBoard *typing);
    /// Whose messages are not unread, whose `@name` is a mention, and who is not the other
    /// member of a direct conversation.
    void setOwnUser(const QString &user);
    /// How to name a user (display name, or the user name); default: the user name.
    void setDisplayNames(std::function<QString(const QString &)> displayName);
    /// `user`'s display name changed: retitles the conversations with them.
    void displayNameChanged(const QString &user);
    /// The other member of the direct conversation `channel` (empty when not one).
    QString otherUser(const QString &channel) const;
    QString title(const QString &channel) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int rowOf(const QString &channel) const;
    QStringList names() const;

    /// Adds the channel (or updates its topic).
    void upsert(const QString &channel, const QString &topic);
    void remove(const QString &channel);
    /// A new message; counts as unread (and checks for a mention) when `unread` is true.
    void messageArrived(const Message &message, bool unread, bool mentionsMe);
    void setUnread(const QString &channel, int count, bool mentioned);
    /// Everything in the channel is read (its newest message is the read position).
    void markRead(const QString &channel);
    /// The channel is read up to `seq` (1.2: maybe on another device): raises the row's read
    /// position (never lowers it) and recounts its unread messages and mention from the
    /// followed cache. Later messages at or below it are not unread.
    void setReadPosition(const QString &channel, qint64 seq);
    void setTyping(const QString &channel, const QStringList &users);

private:
    struct Entry
    {
        QString name;
        QString topic;
        int unread = 0;
        bool mentioned = false;
        qint64 readSeq = 0; ///< messages up to here are read

        Message last;
        QStringList typing;
    };
    static const QString &nameOf(const Entry &entry);
    void changed(int row, const QList<int> &roles);
    void messagesStored(const QList<Message> &messages);

    QList<Entry> m_entries;
    const MessageCache *m_cache = nullptr; ///< the followed cache (recounts)
    QString m_me;
    std::function<QString(const QString &)> m_displayName;
};

} // namespace confab::client
