// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "batchcommitter.h"
#include "stores.h"

#include <memory>

namespace confab::store {

class Database;

/// The SQLite implementation of the store seam, on an open Database (one connection, its
/// thread). Appends go through a BatchCommitter with a connection of its own, opened on
/// first use on the calling thread (the server's MessageWriter keeps its own).
class SqliteStores final : public AccountStore, public ChannelStore, public MessageStore
{
public:
    explicit SqliteStores(Database &db);
    ~SqliteStores() override;

    Stores stores() { return {*this, *this, *this}; }

    // AccountStore
    std::optional<UserRecord> addUser(const UserInfo &info, const QString &passwordHash,
                                      QString *error) override;
    std::optional<UserRecord> findUser(const QString &name) override;
    std::optional<UserRecord> findUserById(qint64 id) override;
    QList<UserRecord> users() override;
    bool setDisabled(const QString &name, bool disabled, QString *error) override;
    bool setRole(const QString &name, Role role, QString *error) override;
    bool setPasswordHash(const QString &name, const QString &hash, QString *error) override;
    std::optional<QString> issueToken(qint64 userId, qint64 nowMs, qint64 ttlMs,
                                      QString *error) override;
    std::optional<qint64> tokenUser(const QString &token, qint64 nowMs) override;
    bool revokeToken(const QString &token) override;
    int revokeTokens(qint64 userId) override;

    // ChannelStore
    std::optional<ChannelRecord> createChannel(const QString &name, const QString &topic,
                                               bool isPrivate, const QString &creator,
                                               QString *error, bool *conflict) override;
    std::optional<ChannelRecord> ensureDirect(const QString &name, QString *error) override;
    std::optional<ChannelRecord> findChannel(const QString &name) override;
    QList<ChannelRecord> visibleTo(const QString &user, const QString &after, int limit) override;
    QList<ChannelRecord> memberOf(const QString &user) override;
    QList<ChannelRecord> allChannels() override;
    int createdBy(const QString &user) override;
    bool addMember(qint64 channelId, const QString &user, QString *error) override;
    bool removeMember(qint64 channelId, const QString &user, QString *error) override;
    QStringList members(qint64 channelId) override;

    // MessageStore
    QList<PublishOutcome> append(const std::vector<PublishJob> &jobs) override;
    std::optional<QList<Message>> range(qint64 channelId, const QString &channel, qint64 fromSeq,
                                        qint64 toSeq, int limit) override;
    std::optional<QList<Message>> before(qint64 channelId, const QString &channel, qint64 before,
                                         int limit, bool *more) override;
    std::optional<QList<Message>> after(qint64 channelId, const QString &channel, qint64 after,
                                        qint64 toSeq, int limit, bool *more) override;
    std::optional<qint64> firstSeqSince(qint64 channelId, qint64 sinceMs, qint64 toSeq) override;

private:
    Database &m_db;
    std::unique_ptr<BatchCommitter> m_committer;
};

} // namespace confab::store
