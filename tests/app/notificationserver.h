// SPDX-License-Identifier: Apache-2.0
#pragma once

// A freedesktop notification service for tests, on a bus of the test's own: it owns
// org.freedesktop.Notifications, records every Notify and can click one (ActionInvoked).

#include <QDBusConnection>
#include <QObject>
#include <QStringList>
#include <QVariantMap>

namespace confab::desktoptest {

class NotificationServer : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    struct Call
    {
        QString appName;
        uint replacesId = 0;
        QString summary;
        QString body;
        QStringList actions;
        QVariantMap hints;
        uint id = 0; ///< what Notify answered
    };

    /// Registers on `bus`; false (and `error`) when the name or path is taken.
    bool registerOn(QDBusConnection bus, QString *error);
    QList<Call> calls() const { return m_calls; }
    /// The user clicks notification `id`.
    void click(uint id) { Q_EMIT ActionInvoked(id, QStringLiteral("default")); }
    void close(uint id) { Q_EMIT NotificationClosed(id, 2); }

public Q_SLOTS:
    uint Notify(const QString &app_name, uint replaces_id, const QString &app_icon,
                const QString &summary, const QString &body, const QStringList &actions,
                const QVariantMap &hints, int expire_timeout);
    QStringList GetCapabilities() const;
    void CloseNotification(uint id);

Q_SIGNALS:
    void ActionInvoked(uint id, const QString &action_key);
    void NotificationClosed(uint id, uint reason);
    /// Not on the bus: a Notify came (tests wait on it).
    void notified();

private:
    QList<Call> m_calls;
    uint m_nextId = 1;
};

} // namespace confab::desktoptest
