// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "types.h"

#include <QString>

namespace confab::server {

class Broker;
class DisplayNames;

/// The 1.1 events that keep clients' lists true without polling: decides who must hear
/// that a channel came into or went out of a user's sight (`channel`) or that a channel's
/// membership changed (`member`), and hands each event to the Broker (which encodes it once
/// for all its recipients). A private channel is only ever announced to its members.
/// Request handlers call it after the change is stored and before they reply, so that on
/// the connection that asked, the event comes before the reply (and before any `msg` of
/// the channel).
class ListEvents
{
public:
    ListEvents(Broker &broker, DisplayNames &names);

    /// `channel` was created by `creator`: `added` to every signed-in connection for a
    /// public channel, to the creator's connections only for a private one.
    void created(const Channel &channel, const QString &creator);
    /// The direct conversation `channel` of `first` and `second` was opened: `added` to the
    /// connections of both.
    void directOpened(const Channel &channel, const QString &first, const QString &second);
    /// `user` became a member of `channel`: `added` to their connections (but the one whose
    /// session is `exceptSession`, which joined and gets the reply), `member` `joined` to the
    /// connections joined to the channel.
    void memberAdded(const Channel &channel, const QString &user,
                     const QString &exceptSession = {});
    /// `user` stopped being a member of `channel`: `removed` to their connections but
    /// `exceptSession`'s, `member` `left` to the connections (still) joined to the channel.
    void memberRemoved(const Channel &channel, const QString &user,
                       const QString &exceptSession = {});

private:
    Broker &m_broker;
    DisplayNames &m_names;
};

} // namespace confab::server
