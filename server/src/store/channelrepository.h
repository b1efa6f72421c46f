// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "types.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace confab::store {

class Database;

struct ChannelRecord
{
    qint64 id = 0;
    Channel channel; ///< channel.lastSeq is the newest committed seq
    qint64 createdMs = 0;
};

/// Channels and their members. Public channels are visible to everyone; private ones
/// (and `dm:` ones) only to members. Members are kept by user name. Names are validated by
/// the caller (shared/validation.h); create() and ensureDirect() run their own transaction.
class ChannelRepository
{
public:
    explicit ChannelRepository(Database &db)
        : m_db(db)
    {}

    /// Creates a channel with `creator` as its first member (no member when empty).
    /// A taken name fails with error "channel 'x' already exists" and `*conflict` = true.
    std::optional<ChannelRecord> create(const QString &name, const QString &topic, bool isPrivate,
                                        const QString &creator, QString *error,
                                        bool *conflict = nullptr);
    /// Finds or creates the private direct channel `dm:a:b` with both users as members.
    std::optional<ChannelRecord> ensureDirect(const QString &name, QString *error);
    std::optional<ChannelRecord> find(const QString &name) const;
    /// Every public channel plus the private ones `user` is a member of, by name: at most
    /// `limit` (-1: all) of those whose name sorts after `after`.
    QList<ChannelRecord> visibleTo(const QString &user, const QString &after = QString(),
                                   int limit = -1) const;
    /// The channels `user` is a member of, by name.
    QList<ChannelRecord> memberOf(const QString &user) const;
    /// How many channels `user` created (direct conversations are nobody's).
    int countCreatedBy(const QString &user) const;
    QList<ChannelRecord> all() const;

    bool addMember(qint64 channelId, const QString &user, QString *error);
    bool removeMember(qint64 channelId, const QString &user, QString *error);
    bool isMember(qint64 channelId, const QString &user) const;
    QStringList members(qint64 channelId) const;
    /// Names of the channels `user` is a member of.
    QStringList channelsOf(const QString &user) const;

private:
    /// Inserts the channel and its members in one transaction.
    std::optional<ChannelRecord> insert(const QString &name, const QString &topic, bool isPrivate,
                                        const QString &creator, const QStringList &members,
                                        QString *error, bool *conflict);

    Database &m_db;
};

} // namespace confab::store
