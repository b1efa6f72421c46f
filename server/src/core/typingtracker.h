// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QTimer>

namespace confab::server {

/// Who is typing where. An `active:true` lasts `expiryMs` unless refreshed; when it runs
/// out, expired() reports the `active:false` the server must send itself.
class TypingTracker : public QObject
{
    Q_OBJECT
public:
    explicit TypingTracker(int expiryMs, QObject *parent = nullptr);

    /// Records a client's typing frame. Returns true when it should be relayed: every
    /// `active:true` (a refresh keeps receivers' own expiry alive), and an `active:false`
    /// only when the user was typing.
    /// `nowMs` is clock::monotonicMs().
    bool update(const QString &channel, const QString &user, bool active, qint64 nowMs);
    /// Ends typing (a publish, a last disconnect). True when the user was typing there.
    bool stop(const QString &channel, const QString &user);
    QStringList typingIn(const QString &channel) const;
    QStringList channelsOf(const QString &user) const;

signals:
    void expired(const QString &channel, const QString &user);

private:
    void sweep();

    int m_expiryMs;
    QHash<QString, QHash<QString, qint64>> m_deadlines; ///< channel -> user -> deadline ms
    QTimer m_sweep;
};

} // namespace confab::server
