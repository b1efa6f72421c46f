// SPDX-License-Identifier: Apache-2.0
#include "sessionwatcher.h"

#include "connection.h"
#include "hub.h"
#include "logging.h"
#include "stores.h"

#include <QHash>
#include <QSet>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace confab::server {

SessionWatcher::SessionWatcher(store::AccountStore &accounts, Hub &hub,
                               std::chrono::milliseconds interval, QObject *parent)
    : QObject(parent)
    , m_accounts(accounts)
    , m_hub(hub)
{
    m_timer.setInterval(interval);
    m_timer.setTimerType(Qt::VeryCoarseTimer);
    connect(&m_timer, &QTimer::timeout, this, &SessionWatcher::checkIfChanged);
}

void SessionWatcher::start()
{
    m_lastMarker = m_accounts.changeMarker();
    m_timer.start();
}

void SessionWatcher::checkIfChanged()
{
    // The marker may also move for changes that are not about accounts (with SQLite, every
    // commit of the message writer); the check below is cheap enough to run then (a team's
    // sessions and users).
    const qint64 marker = m_accounts.changeMarker();
    if (marker == m_lastMarker && marker != -1)
        return;
    m_lastMarker = marker;
    checkNow();
}

void SessionWatcher::checkNow()
{
    QList<Connection *> signedIn;
    QStringList tokens;
    for (Connection *connection : m_hub.connections()) {
        if (connection->user && !connection->user->token.isEmpty() && !connection->isClosing()) {
            signedIn.append(connection);
            tokens.append(connection->user->token);
        }
    }
    if (signedIn.isEmpty())
        return;

    const std::optional<QSet<QString>> live = m_accounts.liveTokens(tokens);
    if (!live) {
        // Nobody is signed out on a failed read; the next tick looks again.
        qCWarning(lcNet) << "cannot read tokens to check sessions";
        m_lastMarker = -1;
        return;
    }
    QHash<QString, Role> roles;
    for (const store::UserRecord &record : m_accounts.users())
        roles.insert(record.info.name, record.info.role);
    if (!roles.isEmpty()) // (empty: the read failed; the signed-in users have accounts)
        emit accountsCounted(roles.size());

    for (Connection *connection : std::as_const(signedIn)) {
        SessionUser &user = *connection->user;
        if (!live->contains(user.token)) {
            qCInfo(lcNet) << "session" << connection->session() << "of" << user.info.name
                          << "ended: its token was revoked";
            emit revoked(connection);
            continue;
        }
        if (const auto role = roles.constFind(user.info.name); role != roles.constEnd())
            user.info.role = *role;
    }
}

} // namespace confab::server
