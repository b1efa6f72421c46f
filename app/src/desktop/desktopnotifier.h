// SPDX-License-Identifier: Apache-2.0
#pragma once

// Desktop notifications through the freedesktop notification service
// (org.freedesktop.Notifications on the session bus), one per conversation.
//
// Contract:
// - show() sends `Notify` asynchronously (app "Confab", actions ["default", "Open"], hints
//   category "im.received" and desktop-entry "confab"); nothing here ever waits on the bus.
//   A conversation's next show() replaces its notification (replaces_id) rather than adding
//   one; one that comes while the first Notify is unanswered waits for its id.
// - The body is plain text: where the service renders markup, it is escaped.
// - Clicking one (ActionInvoked "default" for an id of ours) emits activated(channel);
//   NotificationClosed forgets it, so the conversation's next show() makes a new one.
// - Without a bus or a notification service it is unavailable: the reason is logged once,
//   and show() does nothing from then on.
// - Lives on the thread that made it; the bus connection is given (tests use a private one).

#include <QDBusConnection>
#include <QHash>
#include <QObject>

class QDBusPendingCallWatcher;

namespace confab::desktop {

class DesktopNotifier : public QObject
{
    Q_OBJECT
public:
    static constexpr auto service = "org.freedesktop.Notifications";
    static constexpr auto path = "/org/freedesktop/Notifications";

    explicit DesktopNotifier(QDBusConnection bus = QDBusConnection::sessionBus(),
                             QObject *parent = nullptr);

    /// False once the bus or the service turned out to be missing.
    bool isAvailable() const { return m_available; }
    /// Shows (or updates) `channel`'s notification.
    void show(const QString &channel, const QString &summary, const QString &body);
    /// Closes `channel`'s notification (it was read).
    void withdraw(const QString &channel);

Q_SIGNALS:
    /// The user clicked `channel`'s notification.
    void activated(const QString &channel);
    /// A Notify was answered (tests wait on it; the id is the service's).
    void shown(const QString &channel, uint id);
    void availableChanged(bool available);
    /// `channel`'s notification was closed (by the user, the service, or withdraw()).
    void closed(const QString &channel);

private Q_SLOTS:
    void onActionInvoked(uint id, const QString &action);
    void onClosed(uint id, uint reason);

private:
    struct Pending
    {
        QString summary;
        QString body;
    };
    struct Entry
    {
        uint id = 0;
        bool waiting = false;        ///< a Notify is unanswered
        std::optional<Pending> next; ///< to show once it is
    };
    void send(const QString &channel, const Pending &content);
    void onAnswered(const QString &channel, QDBusPendingCallWatcher *call);
    void setUnavailable(const QString &why);

    QDBusConnection m_bus;
    bool m_available = true;
    bool m_markup = false;           ///< the service renders body markup (GetCapabilities)
    QHash<QString, Entry> m_entries; ///< by channel
    QHash<uint, QString> m_channels; ///< notification id -> channel
};

} // namespace confab::desktop
