// SPDX-License-Identifier: Apache-2.0
#include "publishpipeline.h"

#include "broker.h"
#include "channeldirectory.h"
#include "clock.h"
#include "codec.h"
#include "connection.h"
#include "logging.h"
#include "messagewriter.h"
#include "presencerelay.h"
#include "replies.h"

#include <QTimer>

using namespace Qt::StringLiterals;

namespace confab::server {

namespace {
constexpr int drainDeadlineMs = 3000;
}

PublishPipeline::PublishPipeline(store::MessageWriter &writer, ChannelDirectory &channels,
                                 Broker &broker, PresenceRelay &relay, QObject *parent)
    : QObject(parent)
    , m_writer(writer)
    , m_channels(channels)
    , m_broker(broker)
    , m_relay(relay)
{
    connect(&m_writer, &store::MessageWriter::committed, this, &PublishPipeline::onCommitted,
            Qt::QueuedConnection);
}

void PublishPipeline::publish(const Responder &reply, const PublishRequest &request)
{
    Connection *c = reply.connection();
    const QString &user = c->userName();
    const auto record = m_channels.open(user, request.channel, false);
    if (!record) {
        reply.error(record.error());
        return;
    }
    if (!m_channels.isMember(request.channel, user)) {
        reply.error(ErrorCode::Forbidden,
                    u"join '%1' before publishing to it"_s.arg(request.channel));
        return;
    }
    if (const qint64 wait = c->publishLimiter.take(clock::monotonicMs()); wait > 0) {
        ++m_refusedRateLimited;
        reply.error(ErrorCode::RateLimited, u"publishing too fast; retry after %1 ms"_s.arg(wait),
                    wait);
        return;
    }
    m_relay.stopTyping(request.channel, user);
    store::PublishJob job;
    job.channelId = record->id;
    job.channel = request.channel;
    job.from = user;
    job.cid = request.cid;
    job.text = request.text;
    m_pending.insert(m_writer.submit(std::move(job)), reply);
}

void PublishPipeline::onCommitted(const QList<store::PublishOutcome> &outcomes)
{
    for (const auto &outcome : outcomes) {
        const Responder reply = m_pending.take(outcome.ticket);
        if (outcome.error) {
            qCWarning(lcRouter) << "publish failed:" << outcome.error->message;
            reply.error(*outcome.error);
            continue;
        }
        if (!outcome.dup)
            m_broker.message(outcome.message);
        // Encoded directly (same bytes as PublishOk::toJson + encodeReplyOk): building a
        // QJsonObject per ack was a visible share of the event loop's time per publish.
        if (reply.connection())
            reply.encoded(encodePublishOk(reply.id(), outcome.message.seq, outcome.message.mid,
                                          outcome.message.ts, outcome.dup));
    }
    if (m_drained && m_pending.isEmpty())
        std::exchange(m_drained, nullptr)();
}

void PublishPipeline::drain(std::function<void()> done)
{
    if (m_pending.isEmpty()) {
        done();
        return;
    }
    m_drained = std::move(done);
    QTimer::singleShot(drainDeadlineMs, this, [this] {
        if (m_drained)
            std::exchange(m_drained, nullptr)();
    });
}

} // namespace confab::server
