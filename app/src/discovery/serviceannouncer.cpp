// SPDX-License-Identifier: Apache-2.0
#include "serviceannouncer.h"

#include "frames.h"

#include <avahi-client/publish.h>
#include <avahi-common/alternative.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-common/strlst.h>

using namespace Qt::StringLiterals;

namespace confab::client {
namespace {

/// The protocol version a hello carries is the one this app speaks.
const int protocolVersion = HelloRequest{}.version;

AvahiStringList *txtRecords(const AnnouncedService &service)
{
    AvahiStringList *txt = nullptr;
    auto add = [&txt](const QString &key, const QString &value) {
        txt = avahi_string_list_add_pair(txt, key.toUtf8().constData(), value.toUtf8().constData());
    };
    add(u"name"_s, service.name);
    add(u"version"_s, QString::number(protocolVersion));
    add(u"tls"_s, service.tls ? u"1"_s : u"0"_s);
    if (service.tls && !service.fingerprint.isEmpty())
        add(u"fingerprint"_s, service.fingerprint);
    add(u"path"_s, u"/ws"_s);
    return txt;
}

} // namespace

ServiceAnnouncer::ServiceAnnouncer(QObject *parent)
    : QObject(parent)
{
    connect(&m_connection, &AvahiConnection::availableChanged, this,
            &ServiceAnnouncer::availableChanged);
    connect(&m_connection, &AvahiConnection::ready, this, &ServiceAnnouncer::publish);
    connect(&m_connection, &AvahiConnection::lost, this, [this] {
        freeGroup();
        setAnnounced(false);
    });
}

ServiceAnnouncer::~ServiceAnnouncer()
{
    freeGroup();
    m_connection.close();
}

QString ServiceAnnouncer::errorString() const
{
    return m_connection.isAvailable() ? m_groupError : m_connection.errorString();
}

void ServiceAnnouncer::announce(const AnnouncedService &service)
{
    m_service = service;
    m_announcedName = service.name;
    freeGroup();
    setAnnounced(false);
    m_connection.open();
    if (m_connection.isAvailable())
        publish();
}

void ServiceAnnouncer::withdraw()
{
    m_service.reset();
    freeGroup();
    setAnnounced(false);
}

void ServiceAnnouncer::publish()
{
    AvahiClient *client = m_connection.client();
    if (!m_service || !client)
        return;
    if (!m_group) {
        m_makingGroup = true;
        m_group = avahi_entry_group_new(
            client,
            [](AvahiEntryGroup *g, AvahiEntryGroupState s, void *self) {
                groupCallback(g, int(s), self);
            },
            this);
        m_makingGroup = false;
        if (!m_group) {
            m_groupError = QString::fromUtf8(avahi_strerror(avahi_client_errno(client)));
            qCWarning(lcDiscovery) << "cannot make an Avahi entry group:" << m_groupError;
            return;
        }
    }
    if (!avahi_entry_group_is_empty(m_group))
        return;

    AvahiStringList *txt = txtRecords(*m_service);
    int ret = AVAHI_ERR_COLLISION;
    // A local collision (another service of this host has the name) shows here at once.
    for (int attempt = 0; attempt < 20 && ret == AVAHI_ERR_COLLISION; ++attempt) {
        ret = avahi_entry_group_add_service_strlst(
            m_group, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC, AvahiPublishFlags(0),
            m_announcedName.toUtf8().constData(), serviceType, nullptr, nullptr, m_service->port,
            txt);
        if (ret == AVAHI_ERR_COLLISION)
            takeAlternativeName();
    }
    avahi_string_list_free(txt);
    if (ret >= 0)
        ret = avahi_entry_group_commit(m_group);
    if (ret < 0) {
        m_groupError =
            u"Cannot announce the server: %1"_s.arg(QString::fromUtf8(avahi_strerror(ret)));
        qCWarning(lcDiscovery) << m_groupError;
        Q_EMIT availableChanged();
        return;
    }
    m_groupError.clear();
    qCInfo(lcDiscovery) << "announcing" << m_announcedName << "on port" << m_service->port;
}

void ServiceAnnouncer::groupCallback(AvahiEntryGroup *group, int state, void *self)
{
    auto *announcer = static_cast<ServiceAnnouncer *>(self);
    // Callbacks can come from inside avahi_entry_group_new(), before m_group is set.
    if (announcer->m_makingGroup)
        announcer->m_group = group;
    else if (group != announcer->m_group)
        return;
    switch (AvahiEntryGroupState(state)) {
    case AVAHI_ENTRY_GROUP_ESTABLISHED:
        announcer->setAnnounced(true);
        break;
    case AVAHI_ENTRY_GROUP_COLLISION:
        // Someone else on the link has the name: take the next one and publish again.
        announcer->takeAlternativeName();
        announcer->setAnnounced(false);
        avahi_entry_group_reset(group);
        QMetaObject::invokeMethod(announcer, &ServiceAnnouncer::publish, Qt::QueuedConnection);
        break;
    case AVAHI_ENTRY_GROUP_FAILURE:
        announcer->m_groupError = u"Cannot announce the server: %1"_s.arg(QString::fromUtf8(
            avahi_strerror(avahi_client_errno(avahi_entry_group_get_client(group)))));
        qCWarning(lcDiscovery) << announcer->m_groupError;
        announcer->setAnnounced(false);
        Q_EMIT announcer->availableChanged();
        break;
    case AVAHI_ENTRY_GROUP_UNCOMMITED:
    case AVAHI_ENTRY_GROUP_REGISTERING:
        break;
    }
}

void ServiceAnnouncer::freeGroup()
{
    if (!m_group)
        return;
    AvahiEntryGroup *group = m_group;
    m_group = nullptr;
    avahi_entry_group_free(group);
}

void ServiceAnnouncer::takeAlternativeName()
{
    char *next = avahi_alternative_service_name(m_announcedName.toUtf8().constData());
    qCInfo(lcDiscovery) << "service name" << m_announcedName << "is taken; trying" << next;
    m_announcedName = QString::fromUtf8(next);
    avahi_free(next);
    Q_EMIT announcedChanged();
}

void ServiceAnnouncer::setAnnounced(bool announced)
{
    if (m_announced == announced)
        return;
    m_announced = announced;
    Q_EMIT announcedChanged();
}

} // namespace confab::client
