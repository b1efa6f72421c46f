// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "frames.h"
#include "responder.h"

#include <QHash>
#include <QString>

namespace confab::store {
struct ChannelRecord;
class ReadPositionStore;
class ReadPositionWriter;
} // namespace confab::store

namespace confab::server {

class Broker;
class ChannelDirectory;
class Hub;

/// Read positions (protocol 1.2): `read` requests, and each user's position for the `join`
/// reply. Only members of a channel have one. A position never goes back and never passes
/// the channel's newest broadcast seq. When a `read` moves it, the user's other connections
/// are told through the Broker (before the reply), and the ReadPositionWriter keeps it on
/// its own thread: this event loop reads the store only on a position's first use and never
/// waits for a write. Single-threaded: the server's event loop.
class ReadMarkers
{
public:
    ReadMarkers(ChannelDirectory &channels, Hub &hub, Broker &broker,
                store::ReadPositionStore &store, store::ReadPositionWriter &writer);

    void read(const Responder &reply, const ReadRequest &request);
    /// How far `user` has read the channel (0 when never), at most its newest seq.
    qint64 position(const store::ChannelRecord &record, const QString &user);

private:
    /// The position as known (memory, else the store); nullopt when the store failed.
    std::optional<qint64> known(qint64 channelId, const QString &user);

    ChannelDirectory &m_channels;
    Hub &m_hub;
    Broker &m_broker;
    store::ReadPositionStore &m_store;
    store::ReadPositionWriter &m_writer;
    /// (channel id, user) -> position: every position read or moved since start. Written
    /// here before the writer has it on disk, so it is the one truth while the server runs.
    QHash<std::pair<qint64, QString>, qint64> m_positions;
};

} // namespace confab::server
