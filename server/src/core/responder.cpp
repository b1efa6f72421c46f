// SPDX-License-Identifier: Apache-2.0
#include "responder.h"

#include "codec.h"

namespace confab::server {

void Responder::ok(const QJsonObject &ok) const
{
    encoded(encodeReplyOk(m_id, ok));
}

void Responder::encoded(const QByteArray &replyJson) const
{
    if (m_connection)
        m_connection->fulfilReply(m_slot, replyJson);
}

void Responder::error(const Error &error) const
{
    encoded(encodeReplyError(m_id, error));
}

} // namespace confab::server
