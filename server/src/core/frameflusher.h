// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QObject>
#include <QPointer>

namespace confab::server {

class Connection;

/// Flushes the frames connections queued during one event-loop turn, at its end, so that
/// everything a connection gets in a turn (a batch of committed messages, a join's reply,
/// catch-up and `synced`) leaves in one system call. One posted event per turn, however
/// many connections wrote.
class FrameFlusher : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    /// Flushes `connection` at the end of this turn (once, however often it is called).
    void schedule(Connection *connection);

private:
    void flushAll();

    QList<QPointer<Connection>> m_scheduled;
    bool m_posted = false;
};

} // namespace confab::server
