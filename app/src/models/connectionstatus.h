// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the status bar shows about the connection: its state, the seconds until the next
// attempt, the error that stopped it, and how many messages wait in the outbox. A QObject
// with properties rather than a list model: it is one record, not a list.

#include "connection.h"

#include <QObject>

namespace confab::client {

class ConnectionStatus : public QObject
{
    Q_OBJECT
    Q_PROPERTY(confab::client::Connection::State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString stateText READ stateText NOTIFY stateTextChanged)
    Q_PROPERTY(int secondsToRetry READ secondsToRetry NOTIFY secondsToRetryChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
    Q_PROPERTY(int queuedCount READ queuedCount NOTIFY queuedCountChanged)
public:
    explicit ConnectionStatus(Connection *connection, QObject *parent = nullptr);

    Connection::State state() const { return m_connection->state(); }
    QString stateText() const;
    int secondsToRetry() const { return m_connection->secondsToRetry(); }
    QString errorString() const { return m_connection->errorString(); }
    int queuedCount() const { return m_queued; }
    void setQueuedCount(int count);

Q_SIGNALS:
    void stateChanged();
    void stateTextChanged();
    void secondsToRetryChanged();
    void errorStringChanged();
    void queuedCountChanged();

private:
    Connection *m_connection;
    int m_queued = 0;
};

} // namespace confab::client
