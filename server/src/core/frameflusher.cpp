// SPDX-License-Identifier: Apache-2.0
#include "frameflusher.h"

#include "connection.h"
#include "logging.h"

#include <QTcpSocket>

#include <algorithm>
#include <malloc.h>

using namespace Qt::StringLiterals;

namespace confab::server {

namespace {
// After slow consumers are dropped, their megabytes of buffers go back to the allocator in
// many pieces; glibc keeps them unless asked. One trim covers a whole wave of closes.
constexpr int trimDelayMs = 1500;
} // namespace

FrameFlusher::FrameFlusher(QObject *parent)
    : QObject(parent)
{
    m_trim.setSingleShot(true);
    m_trim.setInterval(trimDelayMs);
    connect(&m_trim, &QTimer::timeout, this, [] { ::malloc_trim(0); });
}

void FrameFlusher::schedule(Connection *connection)
{
    m_scheduled.append(connection);
    if (m_posted)
        return;
    m_posted = true;
    QMetaObject::invokeMethod(this, &FrameFlusher::flushAll, Qt::QueuedConnection);
}

void FrameFlusher::trackBacklog(Connection *connection)
{
    connection->m_backlogTracked = true;
    m_backlogged.append(connection);
}

void FrameFlusher::trimSoon()
{
    if (!m_trim.isActive())
        m_trim.start();
}

void FrameFlusher::flushAll()
{
    m_posted = false;
    const QList<QPointer<Connection>> scheduled = std::exchange(m_scheduled, {});
    for (const QPointer<Connection> &connection : scheduled) {
        if (connection)
            connection->flush();
    }
    enforceBudget();
}

void FrameFlusher::enforceBudget()
{
    // Once per turn, over the connections with a backlog only (normally none or a few).
    qint64 total = 0;
    QList<std::pair<qint64, Connection *>> open;
    m_backlogged.removeIf([&](const QPointer<Connection> &connection) {
        if (!connection)
            return true;
        const qint64 unsent = connection->unsentBytes();
        if (unsent == 0) {
            connection->m_backlogTracked = false;
            return true;
        }
        // Closing ones are not counted: they are dropped, with their buffers, within a second.
        if (!connection->isClosing()) {
            total += unsent;
            open.append({unsent, connection.data()});
        }
        return false;
    });
    if (m_sendBudget <= 0 || total <= m_sendBudget) {
        m_overBudget = false;
        return;
    }
    if (!m_overBudget)
        qCWarning(lcNet).nospace()
            << "unsent bytes of all connections (" << total << ") are over the send budget ("
            << m_sendBudget << "): closing the largest backlogs";
    m_overBudget = true;
    std::sort(open.begin(), open.end(), [](const auto &a, const auto &b) { return a > b; });
    for (const auto &[unsent, connection] : std::as_const(open)) {
        if (total <= m_sendBudget)
            break;
        connection->closeSlowConsumer(u"unsent bytes over the send budget"_s);
        total -= unsent;
    }
}

} // namespace confab::server
