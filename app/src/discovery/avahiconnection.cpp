// SPDX-License-Identifier: Apache-2.0
#include "avahiconnection.h"

#include <avahi-common/error.h>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcDiscovery, "confab.discovery")

namespace confab::client {
namespace {

QString unavailableText(int avahiError)
{
    switch (avahiError) {
    case AVAHI_ERR_NO_DAEMON:
        return u"Discovery is unavailable: the Avahi daemon is not running"_s;
    case AVAHI_ERR_DISCONNECTED:
        // The daemon (or the bus) went away; we reconnect and wait for it.
        return u"Discovery is unavailable: the connection to the Avahi daemon was lost"_s;
    case AVAHI_ERR_DBUS_ERROR:
        return u"Discovery is unavailable: the system D-Bus cannot be reached (%1)"_s.arg(
            QString::fromUtf8(avahi_strerror(avahiError)));
    default:
        return u"Discovery is unavailable: %1"_s.arg(QString::fromUtf8(avahi_strerror(avahiError)));
    }
}

} // namespace

AvahiConnection::AvahiConnection(QObject *parent)
    : QObject(parent)
{
    m_errorString = u"Discovery is unavailable: not started"_s;
    m_retry.setSingleShot(true);
    m_retry.setInterval(retryIntervalMs);
    connect(&m_retry, &QTimer::timeout, this, &AvahiConnection::open);
}

AvahiConnection::~AvahiConnection()
{
    close();
}

void AvahiConnection::open()
{
    m_retry.stop();
    if (m_client)
        return;
    int error = 0;
    // The state callback may run inside avahi_client_new(), before it returns the client.
    AvahiClient *made =
        avahi_client_new(m_poll.poll(), AVAHI_CLIENT_NO_FAIL, &clientCallback, this, &error);
    if (!made) {
        m_client = nullptr;
        setUnavailable(unavailableText(error));
        qCInfo(lcDiscovery) << m_errorString;
        m_retry.start();
        return;
    }
    m_client = made;
}

void AvahiConnection::close()
{
    m_retry.stop();
    if (!m_client)
        return;
    AvahiClient *client = m_client;
    setUnavailable(u"Discovery is unavailable: not started"_s);
    m_client = nullptr;
    avahi_client_free(client);
}

void AvahiConnection::clientCallback(AvahiClient *client, AvahiClientState state, void *self)
{
    static_cast<AvahiConnection *>(self)->onClientState(client, state);
}

void AvahiConnection::onClientState(AvahiClient *client, AvahiClientState state)
{
    m_client = client;
    switch (state) {
    case AVAHI_CLIENT_S_RUNNING:
        if (!m_available) {
            m_available = true;
            m_errorString.clear();
            qCInfo(lcDiscovery) << "Avahi daemon is running";
            Q_EMIT availableChanged();
        }
        Q_EMIT ready();
        break;
    case AVAHI_CLIENT_S_REGISTERING:
    case AVAHI_CLIENT_S_COLLISION:
        // The daemon is (re)registering its host name: records made now would be dropped.
        setUnavailable(
            u"Discovery is unavailable: the Avahi daemon is registering its host name"_s);
        break;
    case AVAHI_CLIENT_CONNECTING:
        setUnavailable(unavailableText(AVAHI_ERR_NO_DAEMON));
        break;
    case AVAHI_CLIENT_FAILURE:
        setUnavailable(unavailableText(avahi_client_errno(client)));
        qCWarning(lcDiscovery) << m_errorString;
        // Not from inside the client's own callback: free and remake it from the event loop.
        QMetaObject::invokeMethod(this, &AvahiConnection::reconnect, Qt::QueuedConnection);
        break;
    }
}

void AvahiConnection::setUnavailable(const QString &why)
{
    const bool wasAvailable = m_available;
    m_available = false;
    const bool changed = wasAvailable || m_errorString != why;
    m_errorString = why;
    if (wasAvailable)
        Q_EMIT lost();
    if (changed)
        Q_EMIT availableChanged();
}

void AvahiConnection::reconnect()
{
    if (!m_client)
        return;
    AvahiClient *client = m_client;
    m_client = nullptr;
    avahi_client_free(client);
    open();
}

} // namespace confab::client
