// SPDX-License-Identifier: Apache-2.0
#include "channelrequests.h"

#include "channeldirectory.h"
#include "clock.h"
#include "codec.h"
#include "connection.h"
#include "displaynames.h"
#include "historyreader.h"
#include "hub.h"
#include "listevents.h"
#include "logging.h"
#include "presencerelay.h"
#include "presencetracker.h"
#include "readmarkers.h"
#include "replies.h"
#include "typingtracker.h"
#include "validation.h"

using namespace Qt::StringLiterals;

namespace confab::server {

ChannelRequests::ChannelRequests(const ServerConfig &config, Parts parts)
    : m_config(config)
    , m_parts(parts)
{}

Channel ChannelRequests::withLiveSeq(const store::ChannelRecord &record) const
{
    Channel channel = record.channel;
    channel.lastSeq = m_parts.hub.lastSeq(channel.name);
    return channel;
}

void ChannelRequests::join(const Responder &reply, const JoinRequest &request)
{
    Connection *c = reply.connection();
    const QString &user = c->userName();
    bool createdDirect = false;
    const auto record = m_parts.channels.open(user, request.channel, true, &createdDirect);
    if (!record) {
        reply.error(record.error());
        return;
    }
    const QString &name = record->channel.name;
    if (createdDirect) {
        const auto pair = rules::directChannelMembers(name);
        m_parts.lists.directOpened(withLiveSeq(*record), pair->first, pair->second);
    }
    // A public channel: joining makes the user a member.
    const bool wasMember = m_parts.channels.isMember(name, user);
    if (const auto error = m_parts.channels.addMember(*record, user)) {
        reply.error(*error);
        return;
    }
    if (!wasMember) // (before this connection subscribes: it learns the members from the reply)
        m_parts.lists.memberAdded(withLiveSeq(*record), user, c->session());
    m_parts.hub.unsubscribe(name, c); // a repeated join starts a fresh catch-up

    const qint64 lastSeq = m_parts.hub.lastSeq(name);
    const qint64 cap = m_config.limits.catchup;
    qint64 from = lastSeq + 1;
    if (request.since) {
        from = std::max(*request.since + 1, lastSeq - cap + 1);
    } else if (request.rewindCount) {
        from = lastSeq - std::min(*request.rewindCount, cap) + 1;
    } else if (request.rewindSeconds) {
        const qint64 since = clock::wallMs() - *request.rewindSeconds * 1000;
        const auto first = m_parts.stores.messages.firstSeqSince(record->id, since, lastSeq);
        if (!first) {
            c->joined.remove(name);
            reply.error(unreadableMessages(name));
            return;
        }
        from = std::max(*first, lastSeq - cap + 1);
    }
    from = std::max<qint64>(from, 1);
    // The catch-up is read before the reply: a read that fails (or finds a gap) is an error
    // reply to the join, with no catch-up, no `synced` and no subscription.
    QList<Message> missed;
    if (from <= lastSeq) {
        auto read = m_parts.stores.messages.range(record->id, name, from, lastSeq, int(cap));
        if (!read) {
            c->joined.remove(name);
            reply.error(unreadableMessages(name));
            return;
        }
        missed = std::move(*read);
    }

    JoinOk ok;
    ok.channel = withLiveSeq(*record);
    ok.lastSeq = lastSeq;
    QStringList members = m_parts.channels.members(name).values();
    members.sort();
    for (const QString &member : std::as_const(members)) {
        const Presence presence = m_parts.presence.presence(member);
        ok.members.append(Member{member, presence.status, m_parts.names.of(member), presence.text});
    }
    ok.typing = m_parts.typing.typingIn(name);
    ok.typing.removeAll(user); // a user is never told of her own typing
    ok.readSeq = m_parts.reads.position(*record, user);
    reply.ok(ok.toJson());

    const qint64 firstSent = missed.isEmpty() ? lastSeq + 1 : missed.first().seq;
    for (const Message &message : std::as_const(missed))
        c->sendJson(encodeMsgEvent(message));
    c->sendJson(encodeServerFrame(SyncedEvent{name, firstSent, lastSeq}));
    m_parts.hub.subscribe(name, c);
    c->joined.insert(name);
}

void ChannelRequests::leave(const Responder &reply, const LeaveRequest &request)
{
    if (rules::isDirectChannelName(request.channel)) {
        reply.error(ErrorCode::BadRequest, u"a direct conversation cannot be left"_s);
        return;
    }
    const auto record = m_parts.channels.find(request.channel);
    if (!record) {
        reply.error(ErrorCode::NotFound, u"there is no channel '%1'"_s.arg(request.channel));
        return;
    }
    const QString user = reply.connection()->userName();
    const bool wasMember = m_parts.channels.isMember(record->channel.name, user);
    m_parts.channels.removeMember(*record, user);
    endMembership(*record, user, reply.connection(), wasMember);
    reply.ok();
}

void ChannelRequests::endMembership(const store::ChannelRecord &record, const QString &user,
                                    const Connection *asked, bool wasMember)
{
    const QString &name = record.channel.name;
    m_parts.relay.stopTyping(name, user);
    // Every connection of the user stops receiving the channel at once; the ones that did
    // not ask learn it from a `channel` `removed` event.
    for (Connection *connection : m_parts.hub.connectionsOf(user)) {
        m_parts.hub.unsubscribe(name, connection);
        connection->joined.remove(name);
    }
    if (wasMember) // (a leave of a channel one never was a member of changes no list)
        m_parts.lists.memberRemoved(withLiveSeq(record), user, asked->session());
}

void ChannelRequests::list(const Responder &reply, const ChannelsRequest &request)
{
    const int limit = request.limit > 0 ? request.limit : rules::maxChannelsPage;
    ChannelsOk ok;
    auto page =
        m_parts.channels.visibleTo(reply.connection()->userName(), request.after, limit + 1);
    ok.more = page.size() > limit;
    page.resize(std::min<qsizetype>(page.size(), limit));
    for (const auto &record : std::as_const(page))
        ok.channels.append(withLiveSeq(record));
    reply.ok(ok.toJson());
}

void ChannelRequests::create(const Responder &reply, const CreateRequest &request)
{
    Connection *c = reply.connection();
    if (!c->isAdmin() && m_config.channelsPerUser > 0 &&
        m_parts.channels.createdBy(c->userName()) >= m_config.channelsPerUser) {
        reply.error(
            ErrorCode::Forbidden,
            u"you have created %1 channels, the most this server allows; ask an admin"_s.arg(
                m_config.channelsPerUser));
        return;
    }
    const auto record =
        m_parts.channels.create(request.channel, request.topic, request.isPrivate, c->userName());
    if (!record) {
        reply.error(record.error());
        return;
    }
    const Channel channel = withLiveSeq(*record);
    m_parts.lists.created(channel, c->userName());
    reply.ok(ChannelOk{channel}.toJson());
}

void ChannelRequests::invite(const Responder &reply, const InviteRequest &request)
{
    const auto record =
        m_parts.channels.open(reply.connection()->userName(), request.channel, false);
    if (!record) {
        reply.error(record.error());
        return;
    }
    if (rules::isDirectChannelName(request.channel)) {
        reply.error(ErrorCode::Forbidden, u"a direct conversation has exactly its two members"_s);
        return;
    }
    if (!m_parts.stores.accounts.findUser(request.user)) {
        reply.error(ErrorCode::NotFound, u"there is no user '%1'"_s.arg(request.user));
        return;
    }
    if (record->channel.isPrivate &&
        !m_parts.channels.isMember(record->channel.name, request.user)) {
        if (const auto error = m_parts.channels.addMember(*record, request.user)) {
            reply.error(*error);
            return;
        }
        m_parts.lists.memberAdded(withLiveSeq(*record), request.user);
    }
    reply.ok(ChannelOk{withLiveSeq(*record)}.toJson());
}

} // namespace confab::server
