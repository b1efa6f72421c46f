// SPDX-License-Identifier: Apache-2.0
#pragma once

// Who is typing where, from incoming `typing` events. An `active:true` holds for
// `expiryMs` (6 s, the server's own refresh window) unless refreshed, so a lost
// `active:false` cannot leave someone typing forever. A user who publishes stops typing.
// Time comes from an injectable clock; a 1 s timer calls tick() (tests call it directly).

#include "clock.h"

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QTimer>

namespace confab::client {

class TypingBoard : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 expiryMs = 6000;

    explicit TypingBoard(ClockFn clock = steadyClock(), QObject *parent = nullptr);

    void apply(const QString &channel, const QString &user, bool active);
    /// Everyone typing in `channel` (sorted).
    QStringList typing(const QString &channel) const;
    bool isTyping(const QString &channel, const QString &user) const;
    /// Forget everything in `channel` (e.g. before a join reply's fresh list).
    void resetChannel(const QString &channel, const QStringList &users = {});
    void clear();
    /// Expires states older than `expiryMs`.
    void tick();

Q_SIGNALS:
    void changed(const QString &channel, const QString &user, bool active);

private:
    void updateTimer();

    ClockFn m_clock;
    QHash<QString, QHash<QString, qint64>> m_since; ///< channel -> user -> last refresh
    QTimer m_timer;
};

} // namespace confab::client
