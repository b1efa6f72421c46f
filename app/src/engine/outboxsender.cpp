// SPDX-License-Identifier: Apache-2.0
#include "outboxsender.h"

#include "connection.h"
#include "errortext.h"

#include <QDeadlineTimer>
#include <QLoggingCategory>

#include <algorithm>
#include <cmath>

namespace confab::client {

Q_LOGGING_CATEGORY(lcSend, "confab.client.outbox.send")

OutboxSender::OutboxSender(Connection *connection, Outbox *outbox, QObject *parent)
    : QObject(parent)
    , m_connection(connection)
    , m_outbox(outbox)
{
    m_pauseTimer.setSingleShot(true);
    connect(&m_pauseTimer, &QTimer::timeout, this, &OutboxSender::pump);
    connect(connection, &Connection::stateChanged, this, [this](Connection::State state) {
        if (state == Connection::State::Online) {
            // The server's bucket per connection starts full; keep one token of margin.
            m_tokens = std::max(1, m_connection->session().limits.burst - 1);
            m_refilledMs = QDeadlineTimer::current().deadline();
            pump();
        }
    });
    connect(connection, &Connection::sessionEnded, this, [this] { m_inFlight.clear(); });
}

int OutboxSender::window() const
{
    // Stay well inside the server's burst so one rate_limited reply cannot let later
    // pipelined messages overtake it.
    return std::clamp(m_connection->session().limits.burst / 2, 1, 32);
}

void OutboxSender::pump()
{
    if (m_connection->state() != Connection::State::Online || m_pauseTimer.isActive())
        return;
    if (m_inFlight.size() >= window())
        return;
    const QList<OutboxEntry> entries = m_outbox->entries();
    for (const OutboxEntry &entry : entries) {
        if (m_inFlight.size() >= window())
            break;
        if (entry.isFailed() || m_inFlight.contains(entry.cid))
            continue;
        if (!takeToken())
            return;
        PublishRequest publish;
        publish.channel = entry.channel;
        publish.cid = entry.cid;
        publish.text = entry.text;
        const bool sent = m_connection->request(
            publish, [this, entry](const std::optional<Reply> &reply) { onReply(entry, reply); });
        if (!sent)
            return;
        m_inFlight.append(entry.cid);
    }
}

bool OutboxSender::takeToken()
{
    const Limits &limits = m_connection->session().limits;
    // 10% slower than the server refills, so clock skew does not trip its limiter.
    const double rate = std::max(1, limits.ratePerSecond) * 0.9;
    const qint64 now = QDeadlineTimer::current().deadline();
    m_tokens = std::min<double>(std::max(1, limits.burst - 1),
                                m_tokens + double(now - m_refilledMs) * rate / 1000.0);
    m_refilledMs = now;
    if (m_tokens >= 1.0) {
        m_tokens -= 1.0;
        return true;
    }
    m_pauseTimer.start(int(std::ceil((1.0 - m_tokens) * 1000.0 / rate)));
    return false;
}

void OutboxSender::onReply(const OutboxEntry &entry, const std::optional<Reply> &reply)
{
    m_inFlight.removeOne(entry.cid);
    if (!reply)
        return; // connection lost: still pending, sent again on the next connection
    if (!reply->error) {
        const auto ok = PublishOk::fromJson(reply->ok);
        if (!ok) {
            qCWarning(lcSend) << "unreadable publish reply; will resend" << entry.cid;
            return;
        }
        Q_EMIT accepted(entry, *ok);
        m_outbox->remove(entry.cid);
        Q_EMIT delivered(entry, *ok);
        pump();
        return;
    }
    const Error &error = *reply->error;
    switch (error.code) {
    case ErrorCode::RateLimited:
        qCDebug(lcSend) << "rate limited for" << error.retryMs.value_or(1000) << "ms";
        m_tokens = 0;
        m_pauseTimer.start(int(std::clamp<qint64>(error.retryMs.value_or(1000), 10, 60000)));
        break;
    case ErrorCode::Forbidden:
    case ErrorCode::TooLarge:
    case ErrorCode::BadRequest:
    case ErrorCode::NotFound: {
        OutboxEntry failedEntry = entry;
        failedEntry.failedReason = errortext::sendFailed(error);
        m_outbox->markFailed(entry.cid, failedEntry.failedReason);
        Q_EMIT failed(failedEntry);
        pump();
        break;
    }
    default:
        qCWarning(lcSend) << "publish failed with" << errorCodeName(error.code) << "; retrying";
        if (!m_pauseTimer.isActive())
            m_pauseTimer.start(2000);
        break;
    }
}

} // namespace confab::client
