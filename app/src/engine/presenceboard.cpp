// SPDX-License-Identifier: Apache-2.0
#include "presenceboard.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace confab::client {

namespace {

int statusRank(PresenceStatus status)
{
    switch (status) {
    case PresenceStatus::Online:
        return 0;
    case PresenceStatus::Away:
        return 1;
    case PresenceStatus::Dnd:
        return 2;
    case PresenceStatus::Offline:
        break;
    }
    return 3;
}

QString describeConnection(const ConnectionInfo &c)
{
    QString text = c.session;
    if (!c.client.isEmpty())
        text += u", "_s + c.client;
    if (!c.address.isEmpty())
        text += u" from "_s + c.address;
    return text;
}

QString closeReason(std::optional<int> code)
{
    if (!code)
        return {};
    switch (*code) {
    case 4002:
        return u" (kicked)"_s;
    case 1000:
    case 1001:
        return {};
    case 1006:
        return u" (connection lost)"_s;
    case 4001:
        return u" (no sign-in in time)"_s;
    case 4008:
        return u" (too slow to keep up)"_s;
    default:
        return u" (close code %1)"_s.arg(*code);
    }
}

} // namespace

void PresenceBoard::reset(const AdminWatchOk &snapshot, qint64 nowMs)
{
    std::map<QString, BoardUser> users;
    for (const UserActivity &activity : snapshot.users) {
        BoardUser user{activity.presence, activity.connections, nowMs, 0, activity.disabled};
        // A status that changed while the console was away still counts as seen before.
        if (const auto old = m_users.find(activity.presence.user); old != m_users.end())
            user.statusChangedAtMs = old->second.presence.status == activity.presence.status
                                         ? old->second.statusChangedAtMs
                                         : nowMs;
        users.insert_or_assign(activity.presence.user, std::move(user));
    }
    m_users = std::move(users);
    m_hasStats = snapshot.stats.has_value();
    m_stats = snapshot.stats.value_or(ServerStatistics{});
}

QString PresenceBoard::apply(const AdminPresenceEvent &event, qint64 nowMs)
{
    const QString &name = event.presence.user;
    BoardUser &user = m_users[name];
    const bool statusChanged = user.presence.status != event.presence.status;
    // Idle times read earlier keep counting from when they were read.
    for (ConnectionInfo &c : user.connections)
        c.idleMs = idleMs(user, c, nowMs);
    user.readAtMs = nowMs;
    user.presence = event.presence;
    if (statusChanged)
        user.statusChangedAtMs = nowMs;

    switch (event.kind) {
    case AdminPresenceKind::Connect:
        if (event.connection) {
            user.connections.removeIf(
                [&](const ConnectionInfo &c) { return c.session == event.connection->session; });
            user.connections.append(*event.connection);
            return u"%1 connected: %2"_s.arg(name, describeConnection(*event.connection));
        }
        return u"%1 connected"_s.arg(name);
    case AdminPresenceKind::Disconnect:
        if (event.connection) {
            user.connections.removeIf(
                [&](const ConnectionInfo &c) { return c.session == event.connection->session; });
            return u"%1 disconnected: %2%3"_s.arg(name, event.connection->session,
                                                  closeReason(event.closeCode));
        }
        return u"%1 disconnected%2"_s.arg(name, closeReason(event.closeCode));
    case AdminPresenceKind::Status:
        break;
    }
    const QString text =
        event.presence.text.isEmpty() ? QString() : u" (\"%1\")"_s.arg(event.presence.text);
    return u"%1 is %2%3"_s.arg(name, presenceStatusName(event.presence.status), text);
}

void PresenceBoard::apply(const AdminStatsEvent &event)
{
    m_stats = event.stats;
    m_hasStats = true;
    QHash<QString, qint64> unsent;
    for (const auto &[session, bytes] : event.unsentBytes)
        unsent.insert(session, bytes);
    for (auto &[name, user] : m_users) {
        for (ConnectionInfo &c : user.connections)
            c.unsentBytes = unsent.value(c.session, 0);
    }
}

QList<const BoardUser *> PresenceBoard::rows(Sort sort, const QString &filter) const
{
    QList<const BoardUser *> rows;
    rows.reserve(qsizetype(m_users.size()));
    const auto matches = [&](const BoardUser &u) {
        return filter.isEmpty() || u.presence.user.contains(filter, Qt::CaseInsensitive);
    };
    if (sort == Sort::Status) { // one walk per status, each in name order: no sorting
        for (int rank = 0; rank < 4; ++rank) {
            for (const auto &[name, user] : m_users) {
                if (statusRank(user.presence.status) == rank && matches(user))
                    rows.append(&user);
            }
        }
        return rows;
    }
    for (const auto &[name, user] : m_users) {
        if (matches(user))
            rows.append(&user);
    }
    if (sort == Sort::Name)
        return rows;
    // When the user was last active on any connection (the idle figures were read at
    // different times, so compare moments, not durations).
    const auto lastActive = [](const BoardUser *u) {
        qint64 latest = std::numeric_limits<qint64>::min();
        for (const ConnectionInfo &c : u->connections)
            latest = std::max(latest, u->readAtMs - c.idleMs);
        return latest;
    };
    // Stable: equal rows stay in name order.
    std::stable_sort(rows.begin(), rows.end(), [&](const BoardUser *a, const BoardUser *b) {
        if (sort == Sort::Connections)
            return a->connections.size() > b->connections.size();
        // Idle: the most idle connected users first, offline ones last.
        if (a->connections.isEmpty() != b->connections.isEmpty())
            return b->connections.isEmpty();
        return lastActive(a) < lastActive(b);
    });
    return rows;
}

const BoardUser *PresenceBoard::user(const QString &name) const
{
    const auto it = m_users.find(name);
    return it == m_users.end() ? nullptr : &it->second;
}

qint64 PresenceBoard::idleMs(const BoardUser &user, const ConnectionInfo &connection, qint64 nowMs)
{
    return connection.idleMs + std::max<qint64>(0, nowMs - user.readAtMs);
}

PresenceBoard::Sort nextSort(PresenceBoard::Sort sort)
{
    switch (sort) {
    case PresenceBoard::Sort::Status:
        return PresenceBoard::Sort::Name;
    case PresenceBoard::Sort::Name:
        return PresenceBoard::Sort::Connections;
    case PresenceBoard::Sort::Connections:
        return PresenceBoard::Sort::Idle;
    case PresenceBoard::Sort::Idle:
        break;
    }
    return PresenceBoard::Sort::Status;
}

QString sortName(PresenceBoard::Sort sort)
{
    switch (sort) {
    case PresenceBoard::Sort::Status:
        return u"status"_s;
    case PresenceBoard::Sort::Name:
        return u"name"_s;
    case PresenceBoard::Sort::Connections:
        return u"connections"_s;
    case PresenceBoard::Sort::Idle:
        return u"idle"_s;
    }
    return {};
}

} // namespace confab::client
