// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "batchcommitter.h"
#include "stores.h"

#include <atomic>
#include <memory>

namespace confab::store {

class Database;

/// The SQLite implementation of the store seam, on a Database (one connection, used on the
/// thread that opened it). Appends go through a BatchCommitter with a connection of its own.
///
/// Two ways to have one: on a Database the caller opened and keeps (the server's event loop;
/// the committer is then opened on the first append, on the calling thread), or owning its
/// connections with open() (the MessageWriter's store, made on the writer thread: see
/// MessageWriter::OpenMessageStore).
class SqliteStores final : public AccountStore,
                           public ChannelStore,
                           public MessageStore,
                           public ReadPositionStore
{
public:
    explicit SqliteStores(Database &db);
    ~SqliteStores() override;

    /// A store with connections of its own to the database at `path`, opened (and the
    /// writer's seq counters loaded) on the calling thread, which is then the one to use and
    /// destroy it; nullptr with `*error` set when the file cannot be opened.
    ///
    /// `blockGrowth` is for tests: while the flag it points to is true the file may not grow
    /// (SQLite max_page_count), so an append that needs a new page fails as on a full disk.
    /// Read before each append; the flag must outlive the store.
    static std::unique_ptr<SqliteStores> open(const QString &path, QString *error,
                                              const std::atomic<bool> *blockGrowth = nullptr);

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
    qint64 changeMarker() override;
    std::optional<QSet<QString>> liveTokens(const QStringList &tokens) override;

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

    // ReadPositionStore
    std::optional<qint64> readPosition(qint64 channelId, const QString &user) override;
    bool raiseReadPositions(const QList<ReadPosition> &positions, QString *error) override;

private:
    SqliteStores(std::unique_ptr<Database> db, const std::atomic<bool> *blockGrowth);
    /// Opens the committer unless it is open; false with `*error` when it cannot be.
    bool openCommitter(QString *error);

    std::unique_ptr<Database> m_ownDb; // set when open() made this store
    Database &m_db;                    // *m_ownDb, or the caller's
    std::unique_ptr<BatchCommitter> m_committer;
    const std::atomic<bool> *m_blockGrowth = nullptr;
};

} // namespace confab::store
