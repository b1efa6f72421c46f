// SPDX-License-Identifier: Apache-2.0
#pragma once

// The chat's desktop notifications: each message the engine announces (live or caught up,
// never history fetched by scrolling back) goes through NotificationRules with the user,
// their chosen status and the channel's last read seq as the engine knows them now, and the
// window's focus as the UI reports it; what passes is shown by the DesktopNotifier as
// "sender — conversation" with the message's text, one notification per conversation.

#include "notificationrules.h"

#include <QObject>

namespace confab {
struct Message;
namespace client {
class ChatClient;
}
} // namespace confab

namespace confab::desktop {

class DesktopNotifier;

class ChatNotifications : public QObject
{
    Q_OBJECT
public:
    ChatNotifications(client::ChatClient *client, DesktopNotifier *notifier,
                      QObject *parent = nullptr);

    /// Whether the app's window has the focus (nothing is notified while it has).
    void setWindowFocused(bool focused) { m_rules.setWindowFocused(focused); }

    /// The notification's title for `message`: the sender, and where unless a direct one.
    QString summaryOf(const Message &message) const;

private:
    void onMessage(const Message &message);

    client::ChatClient *m_client;
    DesktopNotifier *m_notifier;
    client::NotificationRules m_rules;
};

} // namespace confab::desktop
