// SPDX-License-Identifier: Apache-2.0
#pragma once

// Finds the Confab servers announced on the local network (`_confab._tcp` over mDNS/DNS-SD
// through the Avahi daemon) and resolves each to an address, a port and its TXT records.
//
// Contract:
// - start() never waits for the daemon. Without one, available() is false and statusText()
//   says "Discovery is unavailable: …"; browsing begins when the daemon appears and starts
//   again after it restarts. While browsing, statusText() is "Looking for servers…".
// - serverFound() comes once a service is resolved, and again whenever its records change;
//   serverLost() when it goes away, or for every server when the daemon does. Servers are
//   keyed by interface, protocol and service name (DiscoveredServer::key).
// - Only the IPv4 mDNS transport and IPv4 addresses are used: confabd listens on 0.0.0.0.
// - GUI thread only; nothing here blocks on the network.

#include "avahiconnection.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <QUrl>

typedef struct AvahiServiceBrowser AvahiServiceBrowser;
typedef struct AvahiServiceResolver AvahiServiceResolver;

namespace confab::client {

struct DiscoveredServer
{
    QString key;         ///< interface/protocol/service name: unique while it exists
    QString serviceName; ///< the DNS-SD instance name
    QString name;        ///< TXT `name`, else the instance name
    QString host;        ///< the host's mDNS name, e.g. "office-pc.local"
    QString address;     ///< the resolved IPv4 address
    quint16 port = 0;
    bool encrypted = false;  ///< TXT `tls=1`
    QString fingerprint;     ///< TXT `fingerprint` ("AB:CD:…"), may be empty
    int protocolVersion = 0; ///< TXT `version` (0 when missing)
    QUrl url;                ///< ws(s)://ADDRESS:PORT/ws
    bool local = false;      ///< announced by this machine
    friend bool operator==(const DiscoveredServer &, const DiscoveredServer &) = default;
};

class ServiceBrowser : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool available READ available NOTIFY statusChanged)
    Q_PROPERTY(QString statusText READ statusText NOTIFY statusChanged)
public:
    explicit ServiceBrowser(QObject *parent = nullptr);
    ~ServiceBrowser() override;

    void start();
    /// Stops browsing; serverLost() for every server found.
    void stop();
    bool isActive() const { return m_active; }

    bool available() const { return m_connection.isAvailable(); }
    QString statusText() const;

Q_SIGNALS:
    void serverFound(const confab::client::DiscoveredServer &server);
    void serverLost(const QString &key);
    void statusChanged();

private:
    struct Pending
    {
        AvahiServiceResolver *resolver = nullptr;
        bool found = false;
    };

    void browse();
    void dropAll();
    void onItemNew(int interface, int protocol, const char *name, const char *type,
                   const char *domain);
    void onItemRemoved(const QString &key);

    AvahiConnection m_connection;
    AvahiServiceBrowser *m_browser = nullptr;
    QHash<QString, Pending> m_services;
    QString m_browseError;
    bool m_active = false;

    friend struct BrowserCallbacks;
};

} // namespace confab::client
