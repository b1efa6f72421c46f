// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "channelrepository.h"
#include "expected.h"

#include <QHash>
#include <QSet>
#include <QString>

namespace confab::store {
class AccountStore;
class ChannelStore;
} // namespace confab::store

namespace confab::server {

/// Which channels exist and who is a member of each: the one cache of channel records and
/// member sets in front of the store (no store read per publish). Looks up, creates and
/// changes membership; replies nothing: a lookup that fails returns the protocol error, and
/// the request handler decides what to send. Channels are never renamed, deleted or made
/// public/private, so a cached record stays right; a miss asks the store each time
/// (confabctl may create channels beside the server).
class ChannelDirectory
{
public:
    ChannelDirectory(store::ChannelStore &store, store::AccountStore &accounts);

    /// The channel `name` as `user` may use it: not_found, or forbidden for a private
    /// channel (or `dm:` one) the user is not a member of. With `openDirect`, a direct
    /// conversation of `user` with an existing user is created on first use (and
    /// `*createdDirect`, when given, is set to whether this call created it).
    Expected<store::ChannelRecord> open(const QString &user, const QString &name, bool openDirect,
                                        bool *createdDirect = nullptr);
    /// The record of `name`, without access checks.
    std::optional<store::ChannelRecord> find(const QString &name);

    bool isMember(const QString &channel, const QString &user);
    /// Members of `channel` (an empty set for an unknown channel).
    const QSet<QString> &members(const QString &channel);

    /// Creates a channel with `creator` as its first member; conflict when the name is taken.
    Expected<store::ChannelRecord> create(const QString &name, const QString &topic, bool isPrivate,
                                          const QString &creator);
    /// How many channels `user` created (the per-user quota).
    int createdBy(const QString &user) const;
    /// Adds `user` to `record` in the store and the cache (no-op when already a member).
    std::optional<Error> addMember(const store::ChannelRecord &record, const QString &user);
    /// Removes `user` from `record` in the store and the cache.
    void removeMember(const store::ChannelRecord &record, const QString &user);
    /// A new account is a member of `general` (UserRepository::add): keep the cache true.
    void accountAdded(const QString &user);

    /// The channels `user` is a member of; the visible ones, paged by name.
    QList<store::ChannelRecord> memberOf(const QString &user) const;
    QList<store::ChannelRecord> visibleTo(const QString &user, const QString &after,
                                          int limit) const;

private:
    QSet<QString> &loadMembers(const store::ChannelRecord &record);

    store::ChannelStore &m_store;
    store::AccountStore &m_accounts;
    QHash<QString, store::ChannelRecord> m_records;
    QHash<QString, QSet<QString>> m_members; ///< loaded on first use of a channel
};

} // namespace confab::server
