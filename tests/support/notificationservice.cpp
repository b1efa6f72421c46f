// SPDX-License-Identifier: Apache-2.0
#include "notificationservice.h"

#include <QDBusConnectionInterface>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace confab::test {

namespace {
const QString serviceName = u"org.freedesktop.Notifications"_s;
const QString objectPath = u"/org/freedesktop/Notifications"_s;
} // namespace

NotificationService::NotificationService(QObject *parent)
    : QObject(parent)
{}

NotificationService::~NotificationService()
{
    if (!m_connectionName.isEmpty())
        QDBusConnection::disconnectFromBus(m_connectionName);
}

bool NotificationService::start(const QString &address, QString *error)
{
    m_connectionName = u"confab-test-notifications-"_s + QUuid::createUuid().toString();
    return registerOn(QDBusConnection::connectToBus(address, m_connectionName), error);
}

bool NotificationService::registerOn(QDBusConnection bus, QString *error)
{
    const bool ok =
        bus.isConnected() &&
        bus.registerObject(objectPath, this,
                           QDBusConnection::ExportAllSlots | QDBusConnection::ExportAllSignals) &&
        bus.registerService(serviceName);
    if (!ok && error)
        *error = bus.lastError().message();
    return ok;
}

void NotificationService::click(uint id, const QString &action)
{
    Q_EMIT ActionInvoked(id, action);
}

void NotificationService::close(uint id)
{
    Q_EMIT NotificationClosed(id, 2);
}

uint NotificationService::Notify(const QString &appName, uint replacesId, const QString &,
                                 const QString &summary, const QString &body,
                                 const QStringList &actions, const QVariantMap &hints, int)
{
    const uint id = replacesId != 0 ? replacesId : m_nextId++;
    m_shown.append({id, replacesId, appName, summary, body, actions, hints});
    Q_EMIT notified();
    return id;
}

void NotificationService::CloseNotification(uint id)
{
    Q_EMIT NotificationClosed(id, 3); // 3: closed by CloseNotification
}

QStringList NotificationService::GetCapabilities() const
{
    return {u"actions"_s, u"body"_s, u"body-markup"_s}; // as most desktops' daemons
}

QString NotificationService::GetServerInformation(QString &vendor, QString &version,
                                                  QString &specVersion) const
{
    vendor = u"Confab tests"_s;
    version = u"1"_s;
    specVersion = u"1.2"_s;
    return u"confab-test-notifications"_s;
}

} // namespace confab::test
