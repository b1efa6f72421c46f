// SPDX-License-Identifier: Apache-2.0
#include "frameflusher.h"

#include "connection.h"

namespace confab::server {

void FrameFlusher::schedule(Connection *connection)
{
    m_scheduled.append(connection);
    if (m_posted)
        return;
    m_posted = true;
    QMetaObject::invokeMethod(this, &FrameFlusher::flushAll, Qt::QueuedConnection);
}

void FrameFlusher::flushAll()
{
    m_posted = false;
    const QList<QPointer<Connection>> scheduled = std::exchange(m_scheduled, {});
    for (const QPointer<Connection> &connection : scheduled) {
        if (connection)
            connection->flush();
    }
}

} // namespace confab::server
