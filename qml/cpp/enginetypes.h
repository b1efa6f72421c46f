// SPDX-License-Identifier: Apache-2.0
#pragma once

// The client engine's own types as QML sees them, declared here because the engine
// library has no QML dependency. All are uncreatable: the engine makes them, QML reads
// them through AppContext (`AppContext.status`, `AppContext.messages`, …) and compares
// connection states with the engine's own enum (`Connection.Online`).

#include "adminpresencemodel.h"
#include "adminstats.h"
#include "channellistmodel.h"
#include "chatclient.h"
#include "connection.h"
#include "connectionstatus.h"
#include "discoveredserversmodel.h"
#include "membermodel.h"
#include "messagemodel.h"
#include "peoplemodel.h"
#include "publicchannelsmodel.h"

#include <QQmlEngine>

namespace confab::ui {

struct ConnectionForeign
{
    Q_GADGET
    QML_FOREIGN(confab::client::Connection)
    QML_NAMED_ELEMENT(Connection)
    QML_UNCREATABLE("The engine owns the connection; QML uses its State enum only.")
};

struct ConnectionStatusForeign
{
    Q_GADGET
    QML_FOREIGN(confab::client::ConnectionStatus)
    QML_NAMED_ELEMENT(ConnectionStatus)
    QML_UNCREATABLE("Read AppContext.status.")
};

struct ChannelListModelForeign
{
    Q_GADGET
    QML_FOREIGN(confab::client::ChannelListModel)
    QML_NAMED_ELEMENT(ChannelListModel)
    QML_UNCREATABLE("Read AppContext.channels.")
};

struct MessageModelForeign
{
    Q_GADGET
    QML_FOREIGN(confab::client::MessageModel)
    QML_NAMED_ELEMENT(MessageModel)
    QML_UNCREATABLE("Read AppContext.messages.")
};

struct MemberModelForeign
{
    Q_GADGET
    QML_FOREIGN(confab::client::MemberModel)
    QML_NAMED_ELEMENT(MemberModel)
    QML_UNCREATABLE("Read AppContext.members.")
};

struct AdminPresenceModelForeign
{
    Q_GADGET
    QML_FOREIGN(confab::client::AdminPresenceModel)
    QML_NAMED_ELEMENT(AdminPresenceModel)
    QML_UNCREATABLE("Read AppContext.adminPresence.")
};

struct AdminStatsForeign
{
    Q_GADGET
    QML_FOREIGN(confab::client::AdminStats)
    QML_NAMED_ELEMENT(AdminStats)
    QML_UNCREATABLE("Read AppContext.adminStats.")
};

struct ChatClientForeign
{
    Q_GADGET
    QML_FOREIGN(confab::client::ChatClient)
    QML_NAMED_ELEMENT(ChatClient)
    QML_UNCREATABLE("Read AppContext.engine.")
};

struct PublicChannelsModelForeign
{
    Q_GADGET
    QML_FOREIGN(confab::client::PublicChannelsModel)
    QML_NAMED_ELEMENT(PublicChannelsModel)
    QML_UNCREATABLE("Read AppContext.engine.publicChannels.")
};

struct PeopleModelForeign
{
    Q_GADGET
    QML_FOREIGN(confab::client::PeopleModel)
    QML_NAMED_ELEMENT(PeopleModel)
    QML_UNCREATABLE("Read AppContext.engine.people.")
};

struct DiscoveredServersModelForeign
{
    Q_GADGET
    QML_FOREIGN(confab::client::DiscoveredServersModel)
    QML_NAMED_ELEMENT(DiscoveredServersModel)
    QML_UNCREATABLE("Read AppContext.discoveredServers.")
};

} // namespace confab::ui
