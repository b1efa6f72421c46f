// SPDX-License-Identifier: Apache-2.0
#include "readmarkers.h"

#include "broker.h"
#include "channeldirectory.h"
#include "connection.h"
#include "hub.h"
#include "readpositionwriter.h"
#include "stores.h"

using namespace Qt::StringLiterals;

namespace confab::server {

ReadMarkers::ReadMarkers(ChannelDirectory &channels, Hub &hub, Broker &broker,
                         store::ReadPositionStore &store, store::ReadPositionWriter &writer)
    : m_channels(channels)
    , m_hub(hub)
    , m_broker(broker)
    , m_store(store)
    , m_writer(writer)
{}

std::optional<qint64> ReadMarkers::known(qint64 channelId, const QString &user)
{
    const std::pair<qint64, QString> key{channelId, user};
    if (auto it = m_positions.constFind(key); it != m_positions.cend())
        return *it;
    const auto stored = m_store.readPosition(channelId, user);
    if (stored) // (a failed read is not remembered: the next use asks again)
        m_positions.insert(key, *stored);
    return stored;
}

qint64 ReadMarkers::position(const store::ChannelRecord &record, const QString &user)
{
    return std::min(known(record.id, user).value_or(0), m_hub.lastSeq(record.channel.name));
}

void ReadMarkers::read(const Responder &reply, const ReadRequest &request)
{
    Connection *c = reply.connection();
    const QString &user = c->userName();
    // Private channels and conversations: not_found / forbidden as for `history`.
    const auto record = m_channels.open(user, request.channel, false);
    if (!record) {
        reply.error(record.error());
        return;
    }
    const QString &name = record->channel.name;
    if (!m_channels.isMember(name, user)) { // as `publish` answers a public non-member
        reply.error(ErrorCode::Forbidden, u"join '%1' before marking it read"_s.arg(name));
        return;
    }
    const auto old = known(record->id, user);
    if (!old) {
        reply.error(ErrorCode::Internal,
                    u"the server could not read your read position in %1"_s.arg(name));
        return;
    }
    const qint64 seq = std::min(request.seq, m_hub.lastSeq(name));
    if (seq > *old) {
        m_positions.insert({record->id, user}, seq);
        m_writer.submit(store::ReadPosition{record->id, user, seq});
        m_broker.readPosition(ReadEvent{name, seq}, user, c->session());
    }
    reply.ok({{u"read_seq"_s, std::max(seq, *old)}});
}

} // namespace confab::server
