// SPDX-License-Identifier: Apache-2.0
#pragma once

// The desktop's notification service (org.freedesktop.Notifications, the freedesktop
// Desktop Notifications spec) for tests, on a bus the test names (a PrivateSessionBus): it
// records every Notify call and can "click" one (ActionInvoked), as a desktop's daemon does
// when the user clicks a notification. The bus and the D-Bus calls are real; only the daemon
// that would draw the bubble is this object.

#include <QDBusConnection>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QVariantMap>

namespace confab::test {

struct ShownNotification
{
    uint id = 0;
    uint replacesId = 0;
    QString appName;
    QString summary;
    QString body;
    QStringList actions;
    QVariantMap hints;
};

class NotificationService : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    explicit NotificationService(QObject *parent = nullptr);
    ~NotificationService() override;

    /// Connects to the bus at `address` and owns the service name there.
    bool start(const QString &address, QString *error = nullptr);
    /// Owns the service name on `bus` (a connection the test made).
    bool registerOn(QDBusConnection bus, QString *error = nullptr);
    /// Every Notify call so far, in order.
    QList<ShownNotification> shown() const { return m_shown; }
    /// The user clicks notification `id` (its default action; the app closes it).
    void click(uint id, const QString &action = QStringLiteral("default"));
    /// The user dismisses notification `id` without clicking it.
    void close(uint id);

public Q_SLOTS:
    uint Notify(const QString &appName, uint replacesId, const QString &appIcon,
                const QString &summary, const QString &body, const QStringList &actions,
                const QVariantMap &hints, int expireTimeout);
    void CloseNotification(uint id);
    QStringList GetCapabilities() const;
    QString GetServerInformation(QString &vendor, QString &version, QString &specVersion) const;

Q_SIGNALS:
    void ActionInvoked(uint id, const QString &actionKey);
    void NotificationClosed(uint id, uint reason);
    /// A Notify call arrived (for QSignalSpy).
    void notified();

private:
    QString m_connectionName;
    QList<ShownNotification> m_shown;
    uint m_nextId = 1;
};

} // namespace confab::test
