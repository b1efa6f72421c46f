// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "frames.h"
#include "responder.h"

namespace confab::store {
class MessageStore;
}

namespace confab::server {

class ChannelDirectory;
class Hub;

/// The `internal` error of a read of `channel`'s messages that failed or found a gap (the
/// details are in the log, once, from Database::markDamaged).
Error unreadableMessages(const QString &channel);

/// `history`: a page of a channel's messages before or after a seq, never past the newest
/// broadcast one. A read that fails is `internal`, never a short page.
class HistoryReader
{
public:
    HistoryReader(store::MessageStore &messages, ChannelDirectory &channels, Hub &hub);

    void history(const Responder &reply, const HistoryRequest &request);

private:
    store::MessageStore &m_messages;
    ChannelDirectory &m_channels;
    Hub &m_hub;
};

} // namespace confab::server
