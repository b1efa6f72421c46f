// SPDX-License-Identifier: Apache-2.0
#include "chatnotifications.h"

#include "desktopnotifier.h"

#include "channellistmodel.h"
#include "chatclient.h"
#include "presenceroster.h"
#include "validation.h"

using namespace Qt::StringLiterals;

namespace confab::desktop {

ChatNotifications::ChatNotifications(client::ChatClient *client, DesktopNotifier *notifier,
                                     QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_notifier(notifier)
{
    connect(m_client, &client::ChatClient::messageReceived, this, &ChatNotifications::onMessage);
}

QString ChatNotifications::summaryOf(const Message &message) const
{
    const QString sender = m_client->presenceRoster()->displayName(message.from);
    if (rules::isDirectChannelName(message.channel))
        return sender;
    return tr("%1 in %2").arg(sender, u'#' + message.channel);
}

void ChatNotifications::onMessage(const Message &message)
{
    // Asked as each message comes: the user, their status and what they read change.
    m_rules.setOwnUser(m_client->user());
    m_rules.setDoNotDisturb(m_client->status() == u"dnd"_s);
    if (m_rules.shouldNotify(message, m_client->lastReadSeq(message.channel)))
        m_notifier->show(message.channel, summaryOf(message), message.text);
}

} // namespace confab::desktop
