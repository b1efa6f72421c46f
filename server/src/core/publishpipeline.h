// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "frames.h"
#include "responder.h"

#include <QHash>
#include <QObject>

#include <functional>

namespace confab::store {
class MessageWriter;
struct PublishOutcome;
} // namespace confab::store

namespace confab::server {

class Broker;
class ChannelDirectory;
class PresenceRelay;

/// `publish`: checks the user may post and has a token left, hands the message to the
/// MessageWriter, and once its batch has committed answers the publisher (the reply slot
/// keeps request order) and gives the message to the Broker, so that nothing is ever
/// delivered or acknowledged before it is durable. A resent `cid` is answered with the
/// original message and `dup`, and is not delivered again.
class PublishPipeline : public QObject
{
    Q_OBJECT
public:
    PublishPipeline(store::MessageWriter &writer, ChannelDirectory &channels, Broker &broker,
                    PresenceRelay &relay, QObject *parent = nullptr);

    void publish(const Responder &reply, const PublishRequest &request);
    /// `done` runs once every accepted publish has been answered (or after a deadline).
    void drain(std::function<void()> done);
    /// Publishes refused with `rate_limited` since start (admin.stats).
    qint64 refusedRateLimited() const { return m_refusedRateLimited; }

private:
    void onCommitted(const QList<store::PublishOutcome> &outcomes);

    store::MessageWriter &m_writer;
    ChannelDirectory &m_channels;
    Broker &m_broker;
    PresenceRelay &m_relay;
    QHash<quint64, Responder> m_pending; ///< by writer ticket
    std::function<void()> m_drained;
    qint64 m_refusedRateLimited = 0;
};

} // namespace confab::server
