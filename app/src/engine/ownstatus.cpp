// SPDX-License-Identifier: Apache-2.0
#include "ownstatus.h"

#include "idlemonitor.h"
#include "validation.h"

#include <algorithm>

#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace confab::client {

Q_LOGGING_CATEGORY(lcOwnStatus, "confab.client.status")

OwnStatus::OwnStatus(const IdleMonitor *idle, QObject *parent)
    : QObject(parent)
    , m_idle(idle)
{
    connect(m_idle, &IdleMonitor::awayChanged, this, [this] {
        if (m_chosen == PresenceStatus::Online)
            Q_EMIT effectiveChanged();
    });
}

void OwnStatus::attach(QSqlDatabase db)
{
    m_db = std::move(db);
    QSqlQuery query(m_db);
    // One row; its own table (not a migration step) so that it needs nothing from the rest.
    if (!query.exec(u"CREATE TABLE IF NOT EXISTS own_status(id INTEGER PRIMARY KEY CHECK(id = 1),"
                    " status TEXT NOT NULL, text TEXT NOT NULL)"_s) ||
        !query.exec(u"SELECT status, text FROM own_status WHERE id = 1"_s)) {
        qCWarning(lcOwnStatus) << "cannot read the status:" << query.lastError().text();
        return;
    }
    if (!query.next())
        return;
    const auto status = presenceStatusFromName(query.value(0).toString());
    if (!status || *status == PresenceStatus::Offline)
        return; // not ours to keep: start online
    const PresenceStatus before = effective();
    const QString textBefore = m_text;
    m_chosen = *status;
    m_text = limitText(query.value(1).toString());
    if (m_chosen != PresenceStatus::Online || !m_text.isEmpty())
        Q_EMIT changed();
    if (effective() != before || m_text != textBefore)
        Q_EMIT effectiveChanged();
}

PresenceStatus OwnStatus::effective() const
{
    if (m_chosen == PresenceStatus::Online && m_idle->isAway())
        return PresenceStatus::Away;
    return m_chosen;
}

bool OwnStatus::set(PresenceStatus status, const QString &text)
{
    if (status == PresenceStatus::Offline)
        return false;
    const QString limited = limitText(text);
    if (status == m_chosen && limited == m_text)
        return true;
    const PresenceStatus before = effective();
    const QString textBefore = m_text;
    m_chosen = status;
    m_text = limited;
    store();
    Q_EMIT changed();
    if (effective() != before || m_text != textBefore)
        Q_EMIT effectiveChanged();
    return true;
}

bool OwnStatus::isEcho(PresenceStatus status, const QString &text) const
{
    const auto same = [&](const Sent &sent) { return sent.status == status && sent.text == text; };
    return std::any_of(m_inFlight.cbegin(), m_inFlight.cend(), same) ||
           (m_lastSent && same(*m_lastSent));
}

void OwnStatus::applyRemote(PresenceStatus status, const QString &text)
{
    if (status == PresenceStatus::Offline || isEcho(status, text))
        return;
    if (status == PresenceStatus::Away && m_chosen == PresenceStatus::Online && text == m_text)
        return; // another device went idle
    // The server holds it already: nothing to send back.
    m_lastSent = Sent{status, text};
    m_chosen = status;
    m_text = limitText(text);
    store();
    Q_EMIT changed();
}

void OwnStatus::noteSent(PresenceStatus status, const QString &text)
{
    m_inFlight.append({status, text});
    m_lastSent = Sent{status, text};
}

void OwnStatus::noteAnswered()
{
    if (!m_inFlight.isEmpty())
        m_inFlight.removeFirst();
}

QString OwnStatus::limitText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (rules::utf8Length(trimmed) <= rules::maxPresenceTextBytes)
        return trimmed;
    // Cut the UTF-8 at the limit, backing off to the start of a character.
    const QByteArray utf8 = trimmed.toUtf8();
    qsizetype cut = rules::maxPresenceTextBytes;
    while (cut > 0 && (uchar(utf8.at(cut)) & 0xC0) == 0x80)
        --cut;
    return QString::fromUtf8(utf8.first(cut)).trimmed();
}

void OwnStatus::store()
{
    if (!m_db.isValid())
        return;
    QSqlQuery query(m_db);
    query.prepare(u"INSERT OR REPLACE INTO own_status(id, status, text) VALUES(1, ?, ?)"_s);
    query.addBindValue(QString(presenceStatusName(m_chosen)));
    query.addBindValue(m_text.isNull() ? u""_s : m_text); // a null QString binds as NULL
    if (!query.exec())
        qCWarning(lcOwnStatus) << "cannot keep the status:" << query.lastError().text();
}

} // namespace confab::client
