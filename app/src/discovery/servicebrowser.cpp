// SPDX-License-Identifier: Apache-2.0
#include "servicebrowser.h"

#include "serviceannouncer.h"

#include <avahi-client/lookup.h>
#include <avahi-common/address.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-common/strlst.h>

using namespace Qt::StringLiterals;

namespace confab::client {
namespace {

QString serviceKey(AvahiIfIndex interface, AvahiProtocol protocol, const char *name)
{
    return u"%1/%2/%3"_s.arg(interface).arg(protocol).arg(QString::fromUtf8(name));
}

/// The value of TXT `key`, or nullopt when the record is missing.
std::optional<QString> txtValue(AvahiStringList *txt, const char *key)
{
    AvahiStringList *item = avahi_string_list_find(txt, key);
    if (!item)
        return std::nullopt;
    char *k = nullptr;
    char *value = nullptr;
    size_t size = 0;
    if (avahi_string_list_get_pair(item, &k, &value, &size) < 0)
        return std::nullopt;
    const QString text = value ? QString::fromUtf8(value, qsizetype(size)) : QString();
    avahi_free(k);
    avahi_free(value);
    return text;
}

} // namespace

// The C callbacks, as friends: they reach the browser's private state.
struct BrowserCallbacks
{
    static void browse(AvahiServiceBrowser *, AvahiIfIndex interface, AvahiProtocol protocol,
                       AvahiBrowserEvent event, const char *name, const char *type,
                       const char *domain, AvahiLookupResultFlags, void *self)
    {
        auto *browser = static_cast<ServiceBrowser *>(self);
        switch (event) {
        case AVAHI_BROWSER_NEW:
            browser->onItemNew(interface, protocol, name, type, domain);
            break;
        case AVAHI_BROWSER_REMOVE:
            browser->onItemRemoved(serviceKey(interface, protocol, name));
            break;
        case AVAHI_BROWSER_FAILURE:
            browser->m_browseError = u"Discovery is unavailable: %1"_s.arg(QString::fromUtf8(
                avahi_strerror(avahi_client_errno(browser->m_connection.client()))));
            qCWarning(lcDiscovery) << browser->m_browseError;
            Q_EMIT browser->statusChanged();
            break;
        case AVAHI_BROWSER_ALL_FOR_NOW:
        case AVAHI_BROWSER_CACHE_EXHAUSTED:
            break;
        }
    }

    static void resolve(AvahiServiceResolver *resolver, AvahiIfIndex interface,
                        AvahiProtocol protocol, AvahiResolverEvent event, const char *name,
                        const char *, const char *, const char *hostName,
                        const AvahiAddress *address, uint16_t port, AvahiStringList *txt,
                        AvahiLookupResultFlags flags, void *self)
    {
        auto *browser = static_cast<ServiceBrowser *>(self);
        const QString key = serviceKey(interface, protocol, name);
        const auto it = browser->m_services.find(key);
        if (it == browser->m_services.end() || it->resolver != resolver)
            return;
        if (event != AVAHI_RESOLVER_FOUND) {
            // Not reachable right now (e.g. its host's address did not come): keep the
            // resolver; it reports FOUND if the service answers later.
            qCInfo(lcDiscovery) << "cannot resolve" << name << ":"
                                << avahi_strerror(avahi_client_errno(
                                       avahi_service_resolver_get_client(resolver)));
            return;
        }
        char addressText[AVAHI_ADDRESS_STR_MAX] = {};
        avahi_address_snprint(addressText, sizeof addressText, address);

        DiscoveredServer server;
        server.key = key;
        server.serviceName = QString::fromUtf8(name);
        server.name = txtValue(txt, "name").value_or(QString());
        if (server.name.isEmpty())
            server.name = server.serviceName;
        server.host = QString::fromUtf8(hostName);
        server.address = QString::fromLatin1(addressText);
        server.port = port;
        server.encrypted = txtValue(txt, "tls") == u"1"_s;
        server.fingerprint = txtValue(txt, "fingerprint").value_or(QString());
        server.protocolVersion = txtValue(txt, "version").value_or(QString()).toInt();
        server.local = flags & AVAHI_LOOKUP_RESULT_LOCAL;
        QString path = txtValue(txt, "path").value_or(u"/ws"_s);
        if (!path.startsWith(u'/'))
            path.prepend(u'/');
        server.url.setScheme(server.encrypted ? u"wss"_s : u"ws"_s);
        server.url.setHost(server.address);
        server.url.setPort(port);
        server.url.setPath(path);
        it->found = true;
        Q_EMIT browser->serverFound(server);
    }
};

ServiceBrowser::ServiceBrowser(QObject *parent)
    : QObject(parent)
{
    connect(&m_connection, &AvahiConnection::availableChanged, this,
            &ServiceBrowser::statusChanged);
    connect(&m_connection, &AvahiConnection::ready, this, &ServiceBrowser::browse);
    connect(&m_connection, &AvahiConnection::lost, this, &ServiceBrowser::dropAll);
}

ServiceBrowser::~ServiceBrowser()
{
    m_active = false;
    dropAll();
    m_connection.close();
}

void ServiceBrowser::start()
{
    if (m_active)
        return;
    m_active = true;
    m_connection.open();
    browse();
    Q_EMIT statusChanged();
}

void ServiceBrowser::stop()
{
    if (!m_active)
        return;
    m_active = false;
    dropAll();
    m_connection.close();
    Q_EMIT statusChanged();
}

QString ServiceBrowser::statusText() const
{
    if (!m_active)
        return {};
    if (!m_connection.isAvailable())
        return m_connection.errorString();
    if (!m_browseError.isEmpty())
        return m_browseError;
    return u"Looking for servers…"_s;
}

void ServiceBrowser::browse()
{
    AvahiClient *client = m_connection.client();
    if (!m_active || !client || m_browser)
        return;
    m_browseError.clear();
    m_browser = avahi_service_browser_new(client, AVAHI_IF_UNSPEC, AVAHI_PROTO_INET,
                                          ServiceAnnouncer::serviceType, nullptr,
                                          AvahiLookupFlags(0), &BrowserCallbacks::browse, this);
    if (!m_browser) {
        m_browseError = u"Discovery is unavailable: %1"_s.arg(
            QString::fromUtf8(avahi_strerror(avahi_client_errno(client))));
        qCWarning(lcDiscovery) << m_browseError;
        Q_EMIT statusChanged();
    }
}

void ServiceBrowser::dropAll()
{
    const QList<QString> keys = m_services.keys();
    for (const QString &key : keys)
        onItemRemoved(key);
    if (m_browser) {
        AvahiServiceBrowser *browser = m_browser;
        m_browser = nullptr;
        avahi_service_browser_free(browser);
    }
}

void ServiceBrowser::onItemNew(int interface, int protocol, const char *name, const char *type,
                               const char *domain)
{
    const QString key = serviceKey(interface, protocol, name);
    if (m_services.contains(key))
        return;
    AvahiServiceResolver *resolver = avahi_service_resolver_new(
        m_connection.client(), interface, protocol, name, type, domain, AVAHI_PROTO_INET,
        AvahiLookupFlags(0), &BrowserCallbacks::resolve, this);
    if (!resolver) {
        qCWarning(lcDiscovery) << "cannot resolve" << name << ":"
                               << avahi_strerror(avahi_client_errno(m_connection.client()));
        return;
    }
    // Kept open: it reports FOUND again whenever the service's records change.
    m_services.insert(key, Pending{resolver, false});
}

void ServiceBrowser::onItemRemoved(const QString &key)
{
    const auto it = m_services.find(key);
    if (it == m_services.end())
        return;
    const Pending pending = *it;
    m_services.erase(it);
    avahi_service_resolver_free(pending.resolver);
    if (pending.found)
        Q_EMIT serverLost(key);
}

} // namespace confab::client
