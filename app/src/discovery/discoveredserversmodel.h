// SPDX-License-Identifier: Apache-2.0
#pragma once

// The servers the sign-in page lists: those a ServiceBrowser finds on the local network,
// live. Choosing one fills in its url.
//
// Contract:
// - Rows appear, change and disappear one by one as the browser reports them (never a
//   reset); order is the order they were found.
// - start()/stop() control browsing (nothing is browsed until start()). available and
//   statusText follow the browser ("Looking for servers…", "Discovery is unavailable: …").
// - GUI thread only; nothing here blocks.

#include "servicebrowser.h"

#include <QAbstractListModel>
#include <QList>

namespace confab::client {

class DiscoveredServersModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(bool available READ available NOTIFY statusChanged)
    Q_PROPERTY(QString statusText READ statusText NOTIFY statusChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        NameRole = Qt::UserRole + 1, /**< QString: the server's name (TXT `name`) */
        HostRole,                    /**< QString: the host's mDNS name ("office-pc.local") */
        AddressRole,                 /**< QString: the resolved IPv4 address */
        PortRole,                    /**< int: the port */
        UrlRole,                     /**< QString: ws(s)://ADDRESS:PORT/ws, for the URL field */
        EncryptedRole,               /**< bool: wss:// (TXT `tls=1`) */
        FingerprintRole,             /**< QString: "AB:CD:…" certificate SHA-256, may be "" */
    };
    Q_ENUM(Role)

    explicit DiscoveredServersModel(QObject *parent = nullptr);
    ~DiscoveredServersModel() override;

    Q_INVOKABLE void start() { m_browser.start(); }
    Q_INVOKABLE void stop() { m_browser.stop(); }

    bool available() const { return m_browser.available(); }
    QString statusText() const { return m_browser.statusText(); }
    const ServiceBrowser &browser() const { return m_browser; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void statusChanged();
    void countChanged();

private:
    void onFound(const DiscoveredServer &server);
    void onLost(const QString &key);

    QList<DiscoveredServer> m_rows;
    ServiceBrowser m_browser;
};

} // namespace confab::client
