// SPDX-License-Identifier: Apache-2.0
#pragma once

// Outgoing typing notifications for the user's drafts, per channel (PROTOCOL.md, Typing):
// `active:true` at most once every 3 s while the draft changes; `active:false` when the
// draft is sent or cleared, or after 5 s without a change. Emits `notice` for each frame to
// send; the caller decides whether a connection is there to carry it. Time comes from an
// injectable clock; a 1 s timer calls tick() (tests call it directly).

#include "clock.h"

#include <QHash>
#include <QObject>
#include <QTimer>

namespace confab::client {

class TypingNotifier : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 refreshMs = 3000;
    static constexpr qint64 idleMs = 5000;

    explicit TypingNotifier(ClockFn clock = steadyClock(), QObject *parent = nullptr);

    /// The draft of `channel` is now `text`.
    void draftChanged(const QString &channel, const QString &text);
    /// The draft of `channel` was sent.
    void draftSent(const QString &channel);
    /// Forget every state without notifying (the connection is gone: the server clears).
    void clear();
    /// Sends `active:false` for drafts idle for `idleMs`.
    void tick();

Q_SIGNALS:
    void notice(const QString &channel, bool active);

private:
    void stop(const QString &channel);

    struct Draft
    {
        qint64 lastChangeMs = 0;
        qint64 lastSentMs = 0;
    };
    ClockFn m_clock;
    QHash<QString, Draft> m_active; ///< channels we told the server we are typing in
    QTimer m_timer;
};

} // namespace confab::client
