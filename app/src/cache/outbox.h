// SPDX-License-Identifier: Apache-2.0
#pragma once

// The offline outbox: every message the user sends is written here first, with a fresh
// client id (cid), before anything goes on the wire. An entry leaves the outbox only when
// the server acknowledged it (or the user discards it), so a crash at any moment loses
// nothing; resending after a crash is safe because the server deduplicates by cid.
// Entries keep their insertion order. A failed entry has a reason and is not sent until
// retried. Storage only: the OutboxSender decides what to send when.

#include <QList>
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

class Outbox
{
public:
    explicit Outbox(QSqlDatabase db);

    /// Writes a new pending entry with a fresh cid (committed before returning).
    std::optional<OutboxEntry> add(const QString &channel, const QString &text);
    QList<OutboxEntry> entries() const;
    QList<OutboxEntry> entries(const QString &channel) const;
    std::optional<OutboxEntry> find(const QString &cid) const;
    bool remove(const QString &cid);
    bool markFailed(const QString &cid, const QString &reason);
    bool markPending(const QString &cid);
    int count() const;

private:
    QList<OutboxEntry> select(const QString &where, const QVariantList &values) const;

    QSqlDatabase m_db;
};

} // namespace confab::client
