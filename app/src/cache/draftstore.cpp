// SPDX-License-Identifier: Apache-2.0
#include "draftstore.h"

#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace confab::client {

Q_LOGGING_CATEGORY(lcDrafts, "confab.client.drafts")

DraftStore::DraftStore(QSqlDatabase db, int flushDelayMs, QObject *parent)
    : QObject(parent)
    , m_db(std::move(db))
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(flushDelayMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &DraftStore::flush);
    QSqlQuery query(m_db);
    if (!query.exec(u"SELECT channel, text FROM drafts"_s))
        qCWarning(lcDrafts) << "cannot read the drafts:" << query.lastError().text();
    while (query.next())
        m_drafts.insert(query.value(0).toString(), query.value(1).toString());
}

DraftStore::~DraftStore()
{
    flush();
}

void DraftStore::setDraft(const QString &channel, const QString &text)
{
    const QString kept = text.trimmed().isEmpty() ? QString() : text;
    if (m_drafts.value(channel) == kept)
        return;
    if (kept.isEmpty())
        m_drafts.remove(channel);
    else
        m_drafts.insert(channel, kept);
    m_dirty.insert(channel);
    m_flushTimer.start(); // restarts: written once the typing pauses
}

bool DraftStore::flush()
{
    m_flushTimer.stop();
    if (m_dirty.isEmpty())
        return true;
    m_db.transaction();
    QSqlQuery save(m_db);
    save.prepare(u"INSERT OR REPLACE INTO drafts(channel, text) VALUES(?, ?)"_s);
    QSqlQuery drop(m_db);
    drop.prepare(u"DELETE FROM drafts WHERE channel = ?"_s);
    bool ok = true;
    for (const QString &channel : std::as_const(m_dirty)) {
        const auto it = m_drafts.constFind(channel);
        QSqlQuery &query = it == m_drafts.cend() ? drop : save;
        query.addBindValue(channel);
        if (it != m_drafts.cend())
            query.addBindValue(*it);
        ok = query.exec() && ok;
    }
    if (!ok || !m_db.commit()) {
        qCWarning(lcDrafts) << "cannot save the drafts:" << m_db.lastError().text();
        m_db.rollback();
        return false;
    }
    m_dirty.clear();
    return true;
}

} // namespace confab::client
