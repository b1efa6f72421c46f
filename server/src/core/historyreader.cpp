// SPDX-License-Identifier: Apache-2.0
#include "historyreader.h"

#include "channeldirectory.h"
#include "connection.h"
#include "hub.h"
#include "replies.h"
#include "stores.h"

using namespace Qt::StringLiterals;

namespace confab::server {

Error unreadableMessages(const QString &channel)
{
    return Error{
        ErrorCode::Internal,
        u"the server could not read the messages of %1; its database is damaged"_s.arg(channel),
        std::nullopt};
}

HistoryReader::HistoryReader(store::MessageStore &messages, ChannelDirectory &channels, Hub &hub)
    : m_messages(messages)
    , m_channels(channels)
    , m_hub(hub)
{}

void HistoryReader::history(const Responder &reply, const HistoryRequest &request)
{
    const auto record = m_channels.open(reply.connection()->userName(), request.channel, false);
    if (!record) {
        reply.error(record.error());
        return;
    }
    HistoryOk ok;
    const qint64 lastSeq = m_hub.lastSeq(request.channel);
    const auto page =
        request.before
            ? m_messages.before(record->id, request.channel, std::min(*request.before, lastSeq + 1),
                                request.limit, &ok.more)
            : m_messages.after(record->id, request.channel, request.after.value_or(0), lastSeq,
                               request.limit, &ok.more);
    if (!page) { // never a short page: the client would take it for all there is
        reply.error(unreadableMessages(request.channel));
        return;
    }
    ok.messages = *page;
    reply.ok(ok.toJson());
}

} // namespace confab::server
