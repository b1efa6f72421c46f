// SPDX-License-Identifier: Apache-2.0
#include "notificationserver.h"

#include <QDBusConnectionInterface>
#include <QDBusError>

using namespace Qt::StringLiterals;

namespace confab::desktoptest {

bool NotificationServer::registerOn(QDBusConnection bus, QString *error)
{
    if (!bus.registerObject(u"/org/freedesktop/Notifications"_s, this,
                            QDBusConnection::ExportAllSlots | QDBusConnection::ExportAllSignals)) {
        *error = u"cannot register the object: "_s + bus.lastError().message();
        return false;
    }
    if (!bus.registerService(u"org.freedesktop.Notifications"_s)) {
        *error = u"cannot own the name: "_s + bus.lastError().message();
        return false;
    }
    return true;
}

uint NotificationServer::Notify(const QString &app_name, uint replaces_id, const QString &app_icon,
                                const QString &summary, const QString &body,
                                const QStringList &actions, const QVariantMap &hints,
                                int expire_timeout)
{
    Q_UNUSED(app_icon)
    Q_UNUSED(expire_timeout)
    const uint id = replaces_id != 0 ? replaces_id : m_nextId++;
    m_calls.append({app_name, replaces_id, summary, body, actions, hints, id});
    Q_EMIT notified();
    return id;
}

QStringList NotificationServer::GetCapabilities() const
{
    return {u"actions"_s, u"body"_s, u"body-markup"_s};
}

void NotificationServer::CloseNotification(uint id)
{
    Q_EMIT NotificationClosed(id, 3);
}

} // namespace confab::desktoptest
