// SPDX-License-Identifier: Apache-2.0
#pragma once

// The offline outbox: every message the user sends is written here first, with a fresh
// client id (cid), before anything goes on the wire. An entry leaves the outbox only when
// the server acknowledged it (or the user discards it), so a crash at any moment loses
// nothing; resending after a crash is safe because the server deduplicates by cid.
// Entries keep their insertion order. A failed entry has a reason and is not sent until
// retried. Storage only: the OutboxSender decides what to send when.
//
// Signals follow every change, after it is committed: added(), changed() (failed or
// pending again), removed() (acknowledged or discarded) and countChanged(). Views of the
// outbox (the message models, the queued count) follow them.

#include <QList>
#include <QObject>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace confab::client {

struct OutboxEntry
{
    qint64 id = 0; ///< insertion order
    QString cid;
    QString channel;
    QString text;
    qint64 created = 0;   ///< ms since the epoch, local clock
    QString failedReason; ///< empty while pending
    bool isFailed() const { return !failedReason.isEmpty(); }
};

class Outbox : public QObject
{
    Q_OBJECT
public:
    explicit Outbox(QSqlDatabase db, QObject *parent = nullptr);

    /// Writes a new pending entry with a fresh cid (committed before returning).
    std::optional<OutboxEntry> add(const QString &channel, const QString &text);
    QList<OutboxEntry> entries() const;
    QList<OutboxEntry> entries(const QString &channel) const;
    std::optional<OutboxEntry> find(const QString &cid) const;
    bool remove(const QString &cid);
    bool markFailed(const QString &cid, const QString &reason);
    bool markPending(const QString &cid);
    int count() const;

Q_SIGNALS:
    void added(const confab::client::OutboxEntry &entry);
    /// The entry failed (with its reason) or is pending again.
    void changed(const confab::client::OutboxEntry &entry);
    void removed(const QString &cid, const QString &channel);
    void countChanged(int count);

private:
    QList<OutboxEntry> select(const QString &where, const QVariantList &values) const;
    bool announceChange(const QString &cid);

    QSqlDatabase m_db;
};

} // namespace confab::client
