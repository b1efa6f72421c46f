// SPDX-License-Identifier: Apache-2.0
#pragma once

// The store seam: what the server needs from persistence, as three interfaces, so that a
// second store (PostgreSQL, for several server nodes) can be added without touching the
// server outside server/src/store. SQLite is the one implementation today (sqlitestores.h).
// Every implementation must pass the contract suite in tests/store/store_contract_test.cpp.
//
// The server's stores are called on one thread (the server's event loop). The MessageWriter
// makes a MessageStore of its own (MessageWriter::OpenMessageStore), which is created, used
// and destroyed on the writer's thread. Failures come back as nullopt/false with a sentence
// in `error`, never as a short or partial answer.

#include "channelrepository.h"
#include "errorcode.h"
#include "types.h"
#include "userrepository.h"

#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace confab::store {

/// A publish waiting to be made durable.
struct PublishJob
{
    quint64 ticket = 0; ///< set by MessageWriter::submit(); matches the outcome
    qint64 channelId = 0;
    QString channel;
    QString from;
    QString cid;
    QString text;
};

/// What became of a job: the stored message (the original one when `dup`), or an error
/// (`internal`: the disk is full or the database failed; nothing was stored).
struct PublishOutcome
{
    quint64 ticket = 0;
    Message message;
    bool dup = false;
    std::optional<Error> error;
};

/// Accounts and their sign-in tokens. Tokens are kept only as a hash; a token is valid
/// from issue until it expires or is revoked.
class AccountStore
{
public:
    virtual ~AccountStore() = default;

    /// Adds an account, a member of `general` from the start; fails on a taken name.
    virtual std::optional<UserRecord> addUser(const UserInfo &info, const QString &passwordHash,
                                              QString *error) = 0;
    virtual std::optional<UserRecord> findUser(const QString &name) = 0;
    virtual std::optional<UserRecord> findUserById(qint64 id) = 0;
    /// Every account, by name.
    virtual QList<UserRecord> users() = 0;
    virtual bool setDisabled(const QString &name, bool disabled, QString *error) = 0;
    virtual bool setRole(const QString &name, Role role, QString *error) = 0;
    virtual bool setPasswordHash(const QString &name, const QString &hash, QString *error) = 0;

    /// A new random token for `userId`, valid for `ttlMs`.
    virtual std::optional<QString> issueToken(qint64 userId, qint64 nowMs, qint64 ttlMs,
                                              QString *error) = 0;
    /// The user a live token belongs to; nullopt for an unknown, expired or revoked one.
    virtual std::optional<qint64> tokenUser(const QString &token, qint64 nowMs) = 0;
    /// True when the token existed.
    virtual bool revokeToken(const QString &token) = 0;
    /// Revokes every token of the user; how many there were.
    virtual int revokeTokens(qint64 userId) = 0;

    // For the SessionWatcher, which applies account changes made beside this server
    // (confabctl on the same database, another server node) to the sessions it has open.

    /// A cheap number that moves whenever accounts or tokens may have been changed by anyone
    /// but this store object (another connection, process or node): two results that are
    /// equal, neither -1, mean nothing else changed them in between. It may also move when
    /// nothing relevant changed (a spurious move costs the watcher one liveTokens() and one
    /// users()); changes made through this object need not move it. -1 when it cannot be told
    /// (read as "may have changed"). SQLite: PRAGMA data_version.
    virtual qint64 changeMarker() = 0;
    /// The ones of `tokens` (in clear, as issued) that are still on record: issued and not
    /// revoked since. Expiry is not looked at: an open session ends when its token is revoked,
    /// not when it grows old. nullopt when the store could not be read (the caller then
    /// assumes nothing: no session may be ended on a failed read).
    virtual std::optional<QSet<QString>> liveTokens(const QStringList &tokens) = 0;
};

/// Channels and their members. Public channels are visible to everyone, private ones (and
/// `dm:` ones) to their members only. Names are unique and never change.
class ChannelStore
{
public:
    virtual ~ChannelStore() = default;

    /// Creates a channel with `creator` as first member; a taken name sets `*conflict`.
    virtual std::optional<ChannelRecord> createChannel(const QString &name, const QString &topic,
                                                       bool isPrivate, const QString &creator,
                                                       QString *error, bool *conflict) = 0;
    /// Finds or creates the direct conversation `dm:a:b` with both users as members.
    virtual std::optional<ChannelRecord> ensureDirect(const QString &name, QString *error) = 0;
    virtual std::optional<ChannelRecord> findChannel(const QString &name) = 0;
    /// Visible channels by name after `after`, at most `limit` (-1: all).
    virtual QList<ChannelRecord> visibleTo(const QString &user, const QString &after,
                                           int limit) = 0;
    /// The channels `user` is a member of, by name.
    virtual QList<ChannelRecord> memberOf(const QString &user) = 0;
    virtual QList<ChannelRecord> allChannels() = 0;
    /// Channels `user` created (direct conversations count for nobody).
    virtual int createdBy(const QString &user) = 0;
    /// Idempotent: adding a member twice keeps one.
    virtual bool addMember(qint64 channelId, const QString &user, QString *error) = 0;
    virtual bool removeMember(qint64 channelId, const QString &user, QString *error) = 0;
    /// Member names, sorted.
    virtual QStringList members(qint64 channelId) = 0;
};

/// The message log. Each channel's seqs start at 1 and are gapless and strictly
/// increasing; (sender, cid) is unique forever. Reads are in ascending seq; a read that
/// fails, or that finds a seq missing where one must be, returns nullopt.
class MessageStore
{
public:
    virtual ~MessageStore() = default;

    /// Stores a batch atomically, in order: each new message gets the channel's next seq;
    /// a repeated (from, cid), also one earlier in the same batch, gets the original with
    /// `dup`; an unknown channel `not_found`. One outcome per job, in the jobs' order, with
    /// the job's ticket. Durable when it returns (it is acknowledged to the publisher right
    /// after). When the batch cannot be stored every job gets `internal`, nothing of it is
    /// kept and no seq is used up; the next call starts afresh. Made by the MessageWriter on
    /// its own thread, one batch at a time, through a store object it alone uses.
    virtual QList<PublishOutcome> append(const std::vector<PublishJob> &jobs) = 0;
    /// Messages with seq in [fromSeq, toSeq], the oldest `limit`.
    virtual std::optional<QList<Message>> range(qint64 channelId, const QString &channel,
                                                qint64 fromSeq, qint64 toSeq, int limit) = 0;
    /// The newest `limit` with seq < `before`; `*more` when older ones exist.
    virtual std::optional<QList<Message>> before(qint64 channelId, const QString &channel,
                                                 qint64 before, int limit, bool *more) = 0;
    /// The oldest `limit` with `after` < seq <= `toSeq`; `*more` when newer ones exist.
    virtual std::optional<QList<Message>> after(qint64 channelId, const QString &channel,
                                                qint64 after, qint64 toSeq, int limit,
                                                bool *more) = 0;
    /// The smallest seq <= `toSeq` whose ts >= `sinceMs` (toSeq + 1 when none): rewind by
    /// time. (Rewind by count is a range read.)
    virtual std::optional<qint64> firstSeqSince(qint64 channelId, qint64 sinceMs, qint64 toSeq) = 0;
};

/// How far a user has read a channel (protocol 1.2).
struct ReadPosition
{
    qint64 channelId = 0;
    QString user;
    qint64 seq = 0;
};

/// Read positions: per user and channel, the highest seq the user has read. A position
/// never goes back: raising it to a lower seq keeps the higher one.
class ReadPositionStore
{
public:
    virtual ~ReadPositionStore() = default;

    /// `user`'s position in the channel: 0 when never read; nullopt when the store could
    /// not be read.
    virtual std::optional<qint64> readPosition(qint64 channelId, const QString &user) = 0;
    /// Raises each position to max(stored, given), all in one transaction; false with
    /// `*error` (and nothing changed) when that fails. A position of a channel that no
    /// longer exists is skipped.
    virtual bool raiseReadPositions(const QList<ReadPosition> &positions, QString *error) = 0;
};

/// The three, as the server hands them to its handlers.
struct Stores
{
    AccountStore &accounts;
    ChannelStore &channels;
    MessageStore &messages;
};

} // namespace confab::store
