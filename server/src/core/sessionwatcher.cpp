// SPDX-License-Identifier: Apache-2.0
#include "sessionwatcher.h"

#include "connection.h"
#include "database.h"
#include "hub.h"
#include "logging.h"
#include "tokenrepository.h"

#include <QHash>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace confab::server {

SessionWatcher::SessionWatcher(store::Database &db, Hub &hub, std::chrono::milliseconds interval,
                               QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_hub(hub)
{
    m_timer.setInterval(interval);
    m_timer.setTimerType(Qt::VeryCoarseTimer);
    connect(&m_timer, &QTimer::timeout, this, &SessionWatcher::checkIfChanged);
}

void SessionWatcher::start()
{
    m_lastVersion = dataVersion();
    m_timer.start();
}

qint64 SessionWatcher::dataVersion() const
{
    QSqlQuery query(m_db.sql());
    if (!query.exec(u"PRAGMA data_version"_s) || !query.next())
        return -1;
    return query.value(0).toLongLong();
}

void SessionWatcher::checkIfChanged()
{
    // data_version moves with every commit of another connection, the message writer's
    // included; the check below is cheap enough to run then (a team's tokens and users).
    const qint64 version = dataVersion();
    if (version == m_lastVersion && version != -1)
        return;
    m_lastVersion = version;
    checkNow();
}

void SessionWatcher::checkNow()
{
    QList<Connection *> signedIn;
    for (Connection *connection : m_hub.connections()) {
        if (connection->user && !connection->user->token.isEmpty() && !connection->isClosing())
            signedIn.append(connection);
    }
    if (signedIn.isEmpty())
        return;

    QSqlQuery query(m_db.sql());
    query.setForwardOnly(true);
    if (!query.exec(u"SELECT hash FROM tokens"_s)) {
        qCWarning(lcNet) << "cannot read tokens to check sessions:" << query.lastError().text();
        return;
    }
    QSet<QByteArray> live;
    while (query.next())
        live.insert(query.value(0).toByteArray());
    if (!query.exec(u"SELECT name, role FROM users"_s)) {
        qCWarning(lcNet) << "cannot read roles to check sessions:" << query.lastError().text();
        return;
    }
    QHash<QString, Role> roles;
    while (query.next()) {
        if (const auto role = roleFromName(query.value(1).toString()))
            roles.insert(query.value(0).toString(), *role);
    }
    query.finish();

    for (Connection *connection : std::as_const(signedIn)) {
        SessionUser &user = *connection->user;
        if (!live.contains(store::TokenRepository::hash(user.token))) {
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
