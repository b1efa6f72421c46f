// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace confab::server {

class Connection;

/// Flushes the frames connections queued during one event-loop turn, at its end, so that
/// everything a connection gets in a turn (a batch of committed messages, a join's reply,
/// catch-up and `synced`) leaves in one system call. One posted event per turn, however
/// many connections wrote.
///
/// Also keeps the server-wide send budget: after each flush it adds up the unsent bytes of
/// the connections that have a backlog in Qt's buffer (only those: a fan-out to readers that
/// keep up costs nothing here) and, over the budget, closes the largest backlogs first (4008).
class FrameFlusher : public QObject
{
    Q_OBJECT
public:
    explicit FrameFlusher(QObject *parent = nullptr);

    /// Flushes `connection` at the end of this turn (once, however often it is called).
    void schedule(Connection *connection);
    /// Unsent bytes of all connections together before the largest backlogs are closed;
    /// 0: no budget.
    void setSendBudget(qint64 bytes) { m_sendBudget = bytes; }
    /// `connection` has bytes waiting in its socket's buffer (called by Connection::flush).
    void trackBacklog(Connection *connection);
    /// Gives freed memory back to the system a little later (after slow consumers went).
    void trimSoon();

private:
    void flushAll();
    void enforceBudget();

    QList<QPointer<Connection>> m_scheduled;
    QList<QPointer<Connection>> m_backlogged;
    qint64 m_sendBudget = 0;
    bool m_posted = false;
    bool m_overBudget = false; ///< logged once per episode
    QTimer m_trim;
};

} // namespace confab::server
