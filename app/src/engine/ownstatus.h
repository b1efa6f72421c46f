// SPDX-License-Identifier: Apache-2.0
#pragma once

// The user's own status: the one they chose (online, away or do not disturb, with a text)
// and the one this device shows the server, which is `away` while idle only when the
// choice is online.
//
// Contract:
// - The choice is kept in the local database (table own_status, made here when missing)
//   and read back by attach(): it survives restarts. set() trims the text and cuts it to
//   rules::maxPresenceTextBytes UTF-8 bytes (the server refuses longer ones).
// - effective(): the choice, except an online choice while the IdleMonitor says away.
//   effectiveChanged() whenever it changes (a new choice, or idle while online); dnd and a
//   chosen away ignore idleness, and input only undoes the idle away.
// - Other devices of the same user: the server echoes every status change to all of the
//   user's connections. applyRemote() takes a change as the new choice unless it is what
//   this device sent (an echo), or an `away` with our text while we chose online: that is
//   another device going idle, not a choice (the protocol cannot tell them apart better).
// - No requests: ChatClient sends effective() and reports it with noteSent()/noteAnswered().

#include "types.h"

#include <QList>
#include <QObject>
#include <QSqlDatabase>

namespace confab::client {

class IdleMonitor;

class OwnStatus : public QObject
{
    Q_OBJECT
public:
    explicit OwnStatus(const IdleMonitor *idle, QObject *parent = nullptr);

    /// Reads the kept choice from `db` (making the table when missing) and keeps later ones.
    void attach(QSqlDatabase db);

    PresenceStatus chosen() const { return m_chosen; }
    QString text() const { return m_text; }
    PresenceStatus effective() const;

    /// A new choice; offline is refused (false). True when it was accepted (changed or not).
    bool set(PresenceStatus status, const QString &text);
    /// A status event about ourselves, maybe from another device; see the contract.
    void applyRemote(PresenceStatus status, const QString &text);

    /// The status this device just asked the server for (its echo is not a choice).
    void noteSent(PresenceStatus status, const QString &text);
    /// The server answered the oldest request noteSent() recorded.
    void noteAnswered();

    /// `text` trimmed and cut (at a character boundary) to the server's limit.
    static QString limitText(const QString &text);

Q_SIGNALS:
    /// The choice (status or text) changed.
    void changed();
    /// effective() or text() changed: the server should be told.
    void effectiveChanged();

private:
    bool isEcho(PresenceStatus status, const QString &text) const;
    void store();

    const IdleMonitor *m_idle;
    QSqlDatabase m_db;
    PresenceStatus m_chosen = PresenceStatus::Online;
    QString m_text;
    struct Sent
    {
        PresenceStatus status;
        QString text;
    };
    QList<Sent> m_inFlight; ///< sent, not answered yet (oldest first)
    std::optional<Sent> m_lastSent;
};

} // namespace confab::client
