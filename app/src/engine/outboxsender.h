// SPDX-License-Identifier: Apache-2.0
#pragma once

// Sends the outbox: whenever the connection is Online, pending entries go out as `publish`
// in outbox order, pipelined up to a window (the server answers in order). An entry is
// removed from the outbox when its reply arrives (`dup:true` included). `rate_limited`
// pauses sending for `retry_ms`; `forbidden`, `too_large`, `bad_request` and `not_found`
// mark the entry failed with a reason (retry() makes it pending again); other errors and
// lost connections leave it pending for the next attempt.
//
// Order: entries are sent in outbox order and the server answers in order, so they are
// stored in order, with one exception: when the server refuses an entry with
// `rate_limited` while later entries are already in flight and it accepts one of those,
// the refused entry lands after it. The bucket keeps a real server from refusing at all.

#include "frames.h"
#include "outbox.h"
#include "replies.h"

#include <QObject>
#include <QStringList>
#include <QTimer>

namespace confab::client {

class Connection;

class OutboxSender : public QObject
{
    Q_OBJECT
public:
    OutboxSender(Connection *connection, Outbox *outbox, QObject *parent = nullptr);

    /// Sends whatever can be sent now (call after adding or retrying an entry).
    void pump();
    int inFlight() const { return int(m_inFlight.size()); }

Q_SIGNALS:
    /// The server stored the entry; it is still in the outbox. A listener that caches the
    /// message now keeps it on screen in place (a crash before the removal leaves both;
    /// ChatClient::start() lets the cache win).
    void accepted(const confab::client::OutboxEntry &entry, const confab::PublishOk &ok);
    /// The server stored the entry (it is already removed from the outbox).
    void delivered(const confab::client::OutboxEntry &entry, const confab::PublishOk &ok);
    /// The server refused the entry for good; it stays in the outbox, marked failed.
    void failed(const confab::client::OutboxEntry &entry);

private:
    void onReply(const OutboxEntry &entry, const std::optional<Reply> &reply);
    int window() const;
    /// Takes a send token; false (and schedules a pump) when the bucket is empty.
    bool takeToken();

    Connection *m_connection;
    Outbox *m_outbox;
    QStringList m_inFlight; ///< cids sent on the current connection, awaiting replies
    QTimer m_pauseTimer;    ///< running while rate limited (or after a transient error)
    double m_tokens = 0;
    qint64 m_refilledMs = 0;
};

} // namespace confab::client
