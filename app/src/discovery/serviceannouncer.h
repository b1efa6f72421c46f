// SPDX-License-Identifier: Apache-2.0
#pragma once

// Announces the app's built-in server on the local network as a DNS-SD service of type
// `_confab._tcp` through the Avahi daemon (mDNS), so other apps' sign-in pages list it.
//
// Contract:
// - announce(service) publishes one service (replacing an earlier one) with TXT records
//   `name`, `version` (the protocol version), `tls` (`1`/`0`), `fingerprint` (the
//   certificate's "AB:CD:…" SHA-256, only when known) and `path` (`/ws`). It never waits for
//   the daemon: without one, available() is false, errorString() says why, and the service
//   is published as soon as the daemon appears; after a daemon restart it is published again.
// - When another host already uses the name, the next alternative ("Name #2") is taken:
//   announcedName() is the name actually on the network.
// - withdraw() removes it (Avahi sends the goodbye packets); destruction withdraws too.
// - isAnnounced() is true once the daemon confirmed the records (no conflict on the link).
// - GUI thread only; nothing here blocks on the network.

#include "avahiconnection.h"

#include <QObject>
#include <QString>

#include <optional>

typedef struct AvahiEntryGroup AvahiEntryGroup;

namespace confab::client {

struct AnnouncedService
{
    QString name;        ///< the server's name as people see it (also the service instance name)
    quint16 port = 0;    ///< where confabd listens (all IPv4 addresses)
    bool tls = false;    ///< wss:// when true
    QString fingerprint; ///< "AB:CD:…" when tls; may be empty
};

class ServiceAnnouncer : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool available READ available NOTIFY availableChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY availableChanged)
    Q_PROPERTY(bool announced READ isAnnounced NOTIFY announcedChanged)
    Q_PROPERTY(QString announcedName READ announcedName NOTIFY announcedChanged)
public:
    /// The DNS-SD service type of a Confab server.
    static constexpr const char serviceType[] = "_confab._tcp";

    explicit ServiceAnnouncer(QObject *parent = nullptr);
    ~ServiceAnnouncer() override;

    void announce(const AnnouncedService &service);
    void withdraw();

    bool available() const { return m_connection.isAvailable(); }
    QString errorString() const;
    bool isAnnounced() const { return m_announced; }
    QString announcedName() const { return m_announcedName; }

Q_SIGNALS:
    void availableChanged();
    void announcedChanged();

private:
    static void groupCallback(AvahiEntryGroup *group, int state, void *self);
    void publish();
    void freeGroup();
    void takeAlternativeName();
    void setAnnounced(bool announced);

    AvahiConnection m_connection;
    std::optional<AnnouncedService> m_service;
    AvahiEntryGroup *m_group = nullptr;
    QString m_announcedName;
    QString m_groupError;
    bool m_announced = false;
    bool m_makingGroup = false;
};

} // namespace confab::client
