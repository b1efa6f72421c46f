// SPDX-License-Identifier: Apache-2.0
#include "notificationrules.h"

#include "mentions.h"
#include "validation.h"

namespace confab::client {

NotificationRules::Verdict NotificationRules::verdict(const Message &message,
                                                      qint64 lastReadSeq) const
{
    // Without a user (signed out) everything would look like someone else's.
    if (m_me.isEmpty() || message.from == m_me)
        return Verdict::OwnMessage;
    if (message.seq <= lastReadSeq)
        return Verdict::AlreadyRead;
    if (!rules::isDirectChannelName(message.channel) && !mentionsUser(message.text, m_me))
        return Verdict::NotForMe;
    if (m_dnd)
        return Verdict::DoNotDisturb;
    if (m_focused)
        return Verdict::WindowFocused;
    return Verdict::Notify;
}

} // namespace confab::client
