// SPDX-License-Identifier: Apache-2.0
#include "outbox.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace confab::client {

Q_LOGGING_CATEGORY(lcOutbox, "confab.client.outbox")

Outbox::Outbox(QSqlDatabase db, QObject *parent)
    : QObject(parent)
    , m_db(std::move(db))
{}

std::optional<OutboxEntry> Outbox::add(const QString &channel, const QString &text)
{
    OutboxEntry entry;
    entry.cid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    entry.channel = channel;
    entry.text = text;
    entry.created = QDateTime::currentMSecsSinceEpoch();
    QSqlQuery query(m_db);
    query.prepare(u"INSERT INTO outbox(cid, channel, text, created) VALUES(?, ?, ?, ?)"_s);
    query.addBindValue(entry.cid);
    query.addBindValue(entry.channel);
    query.addBindValue(entry.text);
    query.addBindValue(entry.created);
    if (!query.exec()) {
        qCWarning(lcOutbox) << "cannot queue a message:" << query.lastError().text();
        return std::nullopt;
    }
    entry.id = query.lastInsertId().toLongLong();
    Q_EMIT added(entry);
    Q_EMIT countChanged(count());
    return entry;
}

QList<OutboxEntry> Outbox::select(const QString &where, const QVariantList &values) const
{
    QList<OutboxEntry> result;
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.prepare(u"SELECT id, cid, channel, text, created, failed_reason FROM outbox "_s + where +
                  u" ORDER BY id"_s);
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (!query.exec()) {
        qCWarning(lcOutbox) << "cannot read the outbox:" << query.lastError().text();
        return result;
    }
    while (query.next()) {
        result.append({query.value(0).toLongLong(), query.value(1).toString(),
                       query.value(2).toString(), query.value(3).toString(),
                       query.value(4).toLongLong(), query.value(5).toString()});
    }
    return result;
}

QList<OutboxEntry> Outbox::entries() const
{
    return select(QString(), {});
}

QList<OutboxEntry> Outbox::entries(const QString &channel) const
{
    return select(u"WHERE channel = ?"_s, {channel});
}

std::optional<OutboxEntry> Outbox::find(const QString &cid) const
{
    const auto found = select(u"WHERE cid = ?"_s, {cid});
    return found.isEmpty() ? std::nullopt : std::optional<OutboxEntry>(found.first());
}

bool Outbox::remove(const QString &cid)
{
    const auto entry = find(cid);
    if (!entry)
        return false;
    QSqlQuery query(m_db);
    query.prepare(u"DELETE FROM outbox WHERE cid = ?"_s);
    query.addBindValue(cid);
    if (!query.exec() || query.numRowsAffected() == 0)
        return false;
    Q_EMIT removed(cid, entry->channel);
    Q_EMIT countChanged(count());
    return true;
}

bool Outbox::markFailed(const QString &cid, const QString &reason)
{
    QSqlQuery query(m_db);
    query.prepare(u"UPDATE outbox SET failed_reason = ? WHERE cid = ?"_s);
    query.addBindValue(reason.isEmpty() ? u"failed"_s : reason);
    query.addBindValue(cid);
    return query.exec() && query.numRowsAffected() > 0 && announceChange(cid);
}

bool Outbox::markPending(const QString &cid)
{
    QSqlQuery query(m_db);
    query.prepare(u"UPDATE outbox SET failed_reason = NULL WHERE cid = ?"_s);
    query.addBindValue(cid);
    return query.exec() && query.numRowsAffected() > 0 && announceChange(cid);
}

bool Outbox::announceChange(const QString &cid)
{
    if (const auto entry = find(cid))
        Q_EMIT changed(*entry);
    return true;
}

int Outbox::count() const
{
    QSqlQuery query(m_db);
    if (!query.exec(u"SELECT count(*) FROM outbox"_s) || !query.next())
        return 0;
    return query.value(0).toInt();
}

} // namespace confab::client
