// SPDX-License-Identifier: Apache-2.0
#include "channellists.h"

#include "channelsync.h"
#include "connection.h"
#include "errortext.h"
#include "messagecache.h"
#include "presenceroster.h"
#include "publicchannelsmodel.h"
#include "validation.h"

#include <QLoggingCategory>

using namespace Qt::StringLiterals;

namespace confab::client {

Q_LOGGING_CATEGORY(lcLists, "confab.client.lists")

namespace {

QString leaveRefused(const QString &channel, const Error &error)
{
    switch (error.code) {
    case ErrorCode::NotFound:
        return u"There is no channel named “%1”."_s.arg(channel);
    case ErrorCode::BadRequest:
        if (rules::isDirectChannelName(channel))
            return u"A direct conversation cannot be left."_s;
        break;
    default:
        break;
    }
    return u"The server refused to let you leave “%1”."_s.arg(channel);
}

QString joinRefused(const QString &channel, const QString &me, const Error &error)
{
    if (const auto members = rules::directChannelMembers(channel)) {
        const QString other = members->first == me ? members->second : members->first;
        return error.code == ErrorCode::NotFound
                   ? u"There is no user named “%1”."_s.arg(other)
                   : u"The conversation with %1 could not be opened."_s.arg(other);
    }
    switch (error.code) {
    case ErrorCode::Forbidden:
        return u"“%1” is private; ask one of its members to invite you."_s.arg(channel);
    case ErrorCode::NotFound:
        return u"There is no channel named “%1”."_s.arg(channel);
    default:
        break;
    }
    return u"The server refused to let you join “%1”."_s.arg(channel);
}

} // namespace

ChannelLists::ChannelLists(Connection *connection, MessageCache *cache, ChannelSync *sync,
                           PresenceRoster *roster, PublicChannelsModel *publicChannels,
                           QObject *parent)
    : QObject(parent)
    , m_connection(connection)
    , m_cache(cache)
    , m_sync(sync)
    , m_roster(roster)
    , m_public(publicChannels)
{
    connect(connection, &Connection::eventReceived, this, &ChannelLists::onEvent);
    connect(sync, &ChannelSync::joined, this,
            [this](const QString &channel) { m_pendingJoins.remove(channel); });
    connect(sync, &ChannelSync::joinFailed, this, [this](const QString &channel, const Error &e) {
        if (!m_pendingJoins.remove(channel))
            return; // a membership the server listed; it says so in the log (ChannelSync)
        dropMembership(channel);
        Q_EMIT joinFailed(channel, joinRefused(channel, m_connection->session().user.name, e));
    });
}

void ChannelLists::reconcile(const HelloOk &hello)
{
    QSet<QString> listed;
    for (const Channel &channel : hello.channels) {
        listed.insert(channel.name);
        m_cache->addChannel(channel.name, channel.topic);
    }
    // Only a 1.1 server's list is known to be exactly the memberships (docs/protocol.md).
    if (!hello.protocol.isEmpty()) {
        for (const CachedChannel &cached : m_cache->channels()) {
            if (!listed.contains(cached.name) && !m_pendingJoins.contains(cached.name)) {
                qCInfo(lcLists) << "no longer a member of" << cached.name;
                dropMembership(cached.name);
            }
        }
    }
    if (m_publicListed)
        refreshPublicChannels(); // channels made while this client was away
}

void ChannelLists::joinChannel(const QString &channel)
{
    if (!m_cache->channel(channel))
        m_pendingJoins.insert(channel); // kept by reconcile() until the join is answered
    m_cache->addChannel(channel);       // the sidebar follows the cache
    m_sync->join(channel);              // now when signed in, else with the next session
}

void ChannelLists::leaveChannel(const QString &channel)
{
    if (rules::isDirectChannelName(channel)) {
        Q_EMIT leaveFailed(channel, u"A direct conversation cannot be left."_s);
        return;
    }
    LeaveRequest leave;
    leave.channel = channel;
    const bool sent =
        m_connection->request(leave, [this, channel](const std::optional<Reply> &reply) {
            if (!reply) {
                Q_EMIT leaveFailed(channel, errortext::connectionLost());
            } else if (reply->error) {
                Q_EMIT leaveFailed(channel, leaveRefused(channel, *reply->error));
            } else {
                dropMembership(channel);
                Q_EMIT channelLeft(channel);
            }
        });
    if (!sent)
        Q_EMIT leaveFailed(channel, u"You are offline; leave “%1” once connected."_s.arg(channel));
}

void ChannelLists::invite(const QString &channel, const QString &user)
{
    InviteRequest invite;
    invite.channel = channel;
    invite.user = user.trimmed().toLower();
    const QString who = invite.user;
    if (!rules::isValidUserName(who)) {
        Q_EMIT inviteFailed(channel, who, errortext::invalidUserName());
        return;
    }
    const bool sent =
        m_connection->request(invite, [this, channel, who](const std::optional<Reply> &reply) {
            if (!reply) {
                Q_EMIT inviteFailed(channel, who, errortext::connectionLost());
                return;
            }
            if (!reply->error) {
                Q_EMIT invited(channel, who);
                return;
            }
            QString reason;
            switch (reply->error->code) {
            case ErrorCode::NotFound:
                // A member knows the channel exists: then it is the user that does not.
                reason = m_cache->channel(channel)
                             ? u"There is no user named “%1”."_s.arg(who)
                             : u"There is no channel named “%1”."_s.arg(channel);
                break;
            case ErrorCode::Forbidden:
                reason = rules::isDirectChannelName(channel)
                             ? u"A direct conversation has exactly its two members."_s
                             : u"Only members of “%1” can invite people to it."_s.arg(channel);
                break;
            default:
                reason = u"The server refused to invite %1 to “%2”."_s.arg(who, channel);
                break;
            }
            Q_EMIT inviteFailed(channel, who, reason);
        });
    if (!sent)
        Q_EMIT inviteFailed(channel, who, u"You are offline; invite %1 once connected."_s.arg(who));
}

void ChannelLists::refreshPublicChannels()
{
    m_publicListed = true;
    requestPage(QString(), {}, ++m_listSerial);
}

void ChannelLists::requestPage(const QString &after, QList<Channel> listed, quint64 serial)
{
    ChannelsRequest request;
    request.after = after;
    const bool sent = m_connection->request(
        request, [this, listed, serial](const std::optional<Reply> &reply) mutable {
            if (serial != m_listSerial)
                return; // a newer listing is under way
            if (!reply || reply->error) {
                Q_EMIT publicChannelsRefreshFailed(reply
                                                       ? u"The server did not list its channels."_s
                                                       : errortext::connectionLost());
                return;
            }
            const auto ok = ChannelsOk::fromJson(reply->ok);
            if (!ok) {
                Q_EMIT publicChannelsRefreshFailed(u"The server did not list its channels."_s);
                return;
            }
            listed += ok->channels;
            if (ok->more && !ok->channels.isEmpty()) {
                requestPage(ok->channels.constLast().name, std::move(listed), serial);
                return;
            }
            m_public->setChannels(listed);
            Q_EMIT publicChannelsRefreshed();
        });
    if (!sent)
        Q_EMIT publicChannelsRefreshFailed(
            u"You are offline; the channels are listed once connected."_s);
}

void ChannelLists::onEvent(const ServerFrame &frame)
{
    if (const auto *channel = std::get_if<ChannelEvent>(&frame))
        onChannelEvent(*channel);
    else if (const auto *member = std::get_if<MemberEvent>(&frame))
        onMemberEvent(*member);
}

void ChannelLists::onChannelEvent(const ChannelEvent &event)
{
    const Channel &channel = event.channel;
    const bool member = m_cache->channel(channel.name).has_value();
    switch (event.kind) {
    case ChannelEventKind::Added:
        m_public->upsert(channel); // public ones only
        if (event.member || channel.isPrivate || rules::isDirectChannelName(channel.name)) {
            // A member: created, joined or invited elsewhere, or a conversation (only
            // members are told of private channels and conversations).
            m_cache->addChannel(channel.name, channel.topic);
            m_sync->join(channel.name); // once per session (ChannelSync)
        } else if (member) {
            m_cache->addChannel(channel.name, channel.topic);
        }
        break;
    case ChannelEventKind::Updated:
        m_public->upsert(channel);
        if (member)
            m_cache->addChannel(channel.name, channel.topic);
        break;
    case ChannelEventKind::Removed:
        m_public->upsert(channel); // still browsable when public; no longer joined
        if (member)
            dropMembership(channel.name);
        break;
    }
}

void ChannelLists::onMemberEvent(const MemberEvent &event)
{
    if (!event.display.isEmpty())
        m_roster->setDisplayName(event.user, event.display);
    m_roster->applyMember(event.channel, event.user, event.kind == MemberEventKind::Joined);
}

void ChannelLists::dropMembership(const QString &channel)
{
    m_pendingJoins.remove(channel);
    m_sync->forget(channel);
    m_roster->forgetChannel(channel);
    if (m_cache->channel(channel))
        m_cache->removeChannel(channel);
}

} // namespace confab::client
