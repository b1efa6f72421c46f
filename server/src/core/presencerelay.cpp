// SPDX-License-Identifier: Apache-2.0
#include "presencerelay.h"

#include "broker.h"
#include "clock.h"
#include "connection.h"
#include "displaynames.h"
#include "hub.h"
#include "presencetracker.h"
#include "typingtracker.h"

namespace confab::server {

PresenceRelay::PresenceRelay(PresenceTracker &presence, TypingTracker &typing, Hub &hub,
                             Broker &broker, DisplayNames &names, QObject *parent)
    : QObject(parent)
    , m_presence(presence)
    , m_typing(typing)
    , m_hub(hub)
    , m_broker(broker)
    , m_names(names)
{
    connect(&m_presence, &PresenceTracker::changed, this, &PresenceRelay::onStatusChanged);
    connect(&m_typing, &TypingTracker::expired, this,
            [this](const QString &channel, const QString &user) {
                m_broker.typing(TypingState{channel, user, false});
            });
}

void PresenceRelay::setStatus(const Responder &reply, const PresenceRequest &request)
{
    m_presence.set(reply.connection()->userName(), request.status, request.text, clock::wallMs());
    reply.ok();
}

void PresenceRelay::onStatusChanged(const Presence &presence)
{
    Presence named = presence;
    named.display = m_names.of(presence.user);
    m_broker.presence(named);
}

void PresenceRelay::typing(Connection *c, const TypingNotice &notice)
{
    if (!c->joined.contains(notice.channel))
        return;
    const qint64 now = clock::monotonicMs();
    if (c->typingLimiter.take(now) > 0)
        return; // over 2 a second: dropped silently
    if (!m_typing.update(notice.channel, c->userName(), notice.active, now))
        return;
    m_broker.typing(TypingState{notice.channel, c->userName(), notice.active});
}

void PresenceRelay::stopTyping(const QString &channel, const QString &user)
{
    if (m_typing.stop(channel, user))
        m_broker.typing(TypingState{channel, user, false});
}

void PresenceRelay::connectionClosed(Connection *c)
{
    if (!c->isSignedIn())
        return;
    const QString user = c->userName();
    if (!m_hub.connectionsOf(user).isEmpty())
        return;
    for (const QString &channel : m_typing.channelsOf(user))
        stopTyping(channel, user);
}

} // namespace confab::server
