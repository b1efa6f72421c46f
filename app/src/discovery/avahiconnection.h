// SPDX-License-Identifier: Apache-2.0
#pragma once

// One connection to the Avahi daemon (an AvahiClient over the system D-Bus) that survives
// the daemon being absent, stopping and restarting. ServiceAnnouncer and ServiceBrowser each
// own one and (re)create their Avahi objects when it says ready().
//
// Contract:
// - open() never waits for the daemon: the client is made with AVAHI_CLIENT_NO_FAIL, so a
//   missing daemon leaves it connecting (isAvailable() false, errorString() says why) and
//   ready() comes when the daemon appears. libavahi-client itself makes short synchronous
//   calls to the local D-Bus daemon while connecting; no call waits on the network.
// - When there is no system D-Bus at all, open() fails at once and retries every
//   retryIntervalMs (the bus may come up later).
// - lost() means every Avahi object made on client() is invalid (daemon gone, host name
//   being re-registered, bus lost): owners free theirs in the slot and wait for ready().
// - Callbacks and signals come on the thread that made this object (AvahiQtPoll).

#include "avahiqtpoll.h"

#include <QLoggingCategory>
#include <QObject>
#include <QString>
#include <QTimer>

#include <avahi-client/client.h>

Q_DECLARE_LOGGING_CATEGORY(lcDiscovery)

namespace confab::client {

class AvahiConnection : public QObject
{
    Q_OBJECT
public:
    static constexpr int retryIntervalMs = 15000;

    explicit AvahiConnection(QObject *parent = nullptr);
    ~AvahiConnection() override;

    /// Connects (idempotent). ready() may be emitted before this returns.
    void open();
    /// Frees the client; owners must have freed their Avahi objects first.
    void close();

    /// The client while the daemon is running, else nullptr.
    AvahiClient *client() const { return m_available ? m_client : nullptr; }
    bool isAvailable() const { return m_available; }
    /// Why discovery is unavailable ("" while available).
    QString errorString() const { return m_errorString; }

Q_SIGNALS:
    void ready();
    void lost();
    void availableChanged();

private:
    static void clientCallback(AvahiClient *client, AvahiClientState state, void *self);
    void onClientState(AvahiClient *client, AvahiClientState state);
    void setUnavailable(const QString &why);
    void reconnect();

    AvahiQtPoll m_poll;
    AvahiClient *m_client = nullptr;
    bool m_available = false;
    QString m_errorString;
    QTimer m_retry;
};

} // namespace confab::client
