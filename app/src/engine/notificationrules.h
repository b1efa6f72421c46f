// SPDX-License-Identifier: Apache-2.0
#pragma once

// What deserves a desktop notification: a message in a direct conversation, or one that
// mentions the user (mentionsUser()), while the window is not focused and the user is not
// on do not disturb; never the user's own messages (from any of their devices) and never one
// already read, here or on another device (seq <= the channel's last read seq). Pure logic:
// the owner feeds it the state and asks about each message as it arrives (history fetched
// by scrolling back is never asked about: the cache announces none of it).

#include "types.h"

namespace confab::client {

class NotificationRules
{
public:
    /// Why a message notifies or not (the first rule that applies, in this order).
    enum class Verdict {
        Notify,
        OwnMessage,    ///< written by the user (on any device)
        AlreadyRead,   ///< seq <= last read seq: seen here or on another device
        NotForMe,      ///< neither a direct conversation nor a mention
        DoNotDisturb,  ///< the user chose dnd
        WindowFocused, ///< the user is looking at the app
    };

    void setOwnUser(const QString &user) { m_me = user; }
    void setWindowFocused(bool focused) { m_focused = focused; }
    void setDoNotDisturb(bool dnd) { m_dnd = dnd; }

    Verdict verdict(const Message &message, qint64 lastReadSeq) const;
    bool shouldNotify(const Message &message, qint64 lastReadSeq) const
    {
        return verdict(message, lastReadSeq) == Verdict::Notify;
    }

private:
    QString m_me;
    bool m_focused = false;
    bool m_dnd = false;
};

} // namespace confab::client
