// SPDX-License-Identifier: Apache-2.0
#pragma once

// Keeps the lists of channels true while the app runs, across reconnections and restarts:
// the user's memberships (the cache's channel list, which the sidebar follows), the public
// channels to browse (PublicChannelsModel) and each joined channel's members (the
// PresenceRoster). It applies the 1.1 `channel` and `member` events and sends the requests
// that change memberships: `join` (explicit), `leave`, `invite`, and `channels` (browsing).
//
// Contract:
// - Memberships: the `hello` reply of a 1.1 server lists exactly the user's memberships
//   (docs/protocol.md), so reconcile() makes the cache's list equal to it: channels made or
//   joined elsewhere while this client was away appear, channels left elsewhere go (with
//   their cached messages). Channels the user joined here while offline (joinChannel()) are
//   kept until their join is answered. A plain-1 server's list only adds.
// - `channel` `added`: with `member` (created or joined on another device, invited, a
//   conversation), or for a private channel or a conversation (only members are told), the
//   user is a member: it joins the cache and is joined (at once when signed in). A public
//   one without `member` (someone else made it) goes to the browse list only. Idempotent.
// - `removed`: the channel leaves the cache (the sidebar), the roster and ChannelSync; it
//   stays in the browse list (not joined) while public. Unknown channels: nothing happens.
//   `updated`: the new topic, in both lists.
// - `member`: the channel's member list (roster) gains or loses the user at once, with the
//   display name; ignored for a channel this session has not joined (its join brings the
//   whole list).
// - Each request is answered once by its success or failure signal, failures with a
//   sentence for the user; offline, the failure comes at once.

#include "frames.h"
#include "replies.h"

#include <QObject>
#include <QSet>

namespace confab::client {

class ChannelSync;
class Connection;
class MessageCache;
class PresenceRoster;
class PublicChannelsModel;

class ChannelLists : public QObject
{
    Q_OBJECT
public:
    ChannelLists(Connection *connection, MessageCache *cache, ChannelSync *sync,
                 PresenceRoster *roster, PublicChannelsModel *publicChannels,
                 QObject *parent = nullptr);

    /// A new session: reconciles the memberships with `hello`'s list (then the caller joins
    /// them all) and re-lists the public channels when they were listed before.
    void reconcile(const HelloOk &hello);
    /// The user joins `channel` (a public one makes them a member): into the sidebar at
    /// once, joined now when signed in, else with the next session.
    void joinChannel(const QString &channel);
    /// `leave`: on success the channel leaves the sidebar (the server tells the user's other
    /// devices with `removed`). Direct conversations cannot be left.
    void leaveChannel(const QString &channel);
    /// `invite` of `user` to the private channel `channel`.
    void invite(const QString &channel, const QString &user);
    /// `channels`, every page, into the browse list.
    void refreshPublicChannels();

Q_SIGNALS:
    void channelLeft(const QString &channel);
    void leaveFailed(const QString &channel, const QString &reason);
    void invited(const QString &channel, const QString &user);
    void inviteFailed(const QString &channel, const QString &user, const QString &reason);
    void publicChannelsRefreshed();
    void publicChannelsRefreshFailed(const QString &reason);
    /// A join the user asked for was refused (e.g. a private channel they were not invited
    /// to): it left the sidebar again.
    void joinFailed(const QString &channel, const QString &reason);

private:
    void onEvent(const ServerFrame &frame);
    void onChannelEvent(const ChannelEvent &event);
    void onMemberEvent(const MemberEvent &event);
    /// The user is no longer a member: out of the cache, the roster and the sync.
    void dropMembership(const QString &channel);
    void requestPage(const QString &after, QList<Channel> listed, quint64 serial);

    Connection *m_connection;
    MessageCache *m_cache;
    ChannelSync *m_sync;
    PresenceRoster *m_roster;
    PublicChannelsModel *m_public;
    QSet<QString> m_pendingJoins; ///< joins asked for and not answered yet
    bool m_publicListed = false;  ///< refreshPublicChannels() was called: keep it fresh
    quint64 m_listSerial = 0;     ///< the latest listing: older pages are dropped
};

} // namespace confab::client
