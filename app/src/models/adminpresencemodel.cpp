// SPDX-License-Identifier: Apache-2.0
#include "adminpresencemodel.h"

#include <QDateTime>
#include <QVariantMap>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace confab::client {

namespace {
QDateTime time(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms) : QDateTime();
}

QVariantMap connectionMap(const ConnectionInfo &c)
{
    return {{u"session"_s, c.session}, {u"client"_s, c.client},
            {u"address"_s, c.address}, {u"connectedSince"_s, time(c.connectedSince)},
            {u"idleMs"_s, c.idleMs},   {u"channels"_s, c.channels}};
}
} // namespace

AdminPresenceModel::AdminPresenceModel(QObject *parent)
    : QAbstractListModel(parent)
{}

int AdminPresenceModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_users.size());
}

QVariant AdminPresenceModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const UserActivity &u = m_users.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case UserRole:
        return u.presence.user;
    case StatusRole:
        return QString(presenceStatusName(u.presence.status));
    case StatusTextRole:
        return u.presence.text;
    case SinceRole:
        return time(u.presence.since);
    case LastSeenRole:
        return time(u.presence.lastSeen);
    case ConnectionCountRole:
        return int(u.connections.size());
    case ConnectionsRole: {
        QVariantList list;
        for (const ConnectionInfo &c : u.connections)
            list.append(connectionMap(c));
        return list;
    }
    default:
        return {};
    }
}

QHash<int, QByteArray> AdminPresenceModel::roleNames() const
{
    return {{UserRole, "user"},
            {StatusRole, "status"},
            {StatusTextRole, "statusText"},
            {SinceRole, "since"},
            {LastSeenRole, "lastSeen"},
            {ConnectionCountRole, "connectionCount"},
            {ConnectionsRole, "connections"}};
}

int AdminPresenceModel::rowOf(const QString &user) const
{
    for (int i = 0; i < m_users.size(); ++i) {
        if (m_users.at(i).presence.user == user)
            return i;
    }
    return -1;
}

int AdminPresenceModel::rowFor(const QString &user)
{
    if (const int row = rowOf(user); row >= 0)
        return row;
    const auto it = std::lower_bound(
        m_users.cbegin(), m_users.cend(), user,
        [](const UserActivity &a, const QString &u) { return a.presence.user < u; });
    const int row = int(it - m_users.cbegin());
    beginInsertRows({}, row, row);
    UserActivity activity;
    activity.presence.user = user;
    m_users.insert(row, activity);
    endInsertRows();
    return row;
}

void AdminPresenceModel::setSnapshot(const QList<UserActivity> &users)
{
    // A fresh snapshot replaces everything at once: a reset is the honest signal here.
    beginResetModel();
    m_users = users;
    std::sort(m_users.begin(), m_users.end(), [](const UserActivity &a, const UserActivity &b) {
        return a.presence.user < b.presence.user;
    });
    endResetModel();
}

void AdminPresenceModel::apply(const AdminPresenceEvent &event)
{
    const int row = rowFor(event.presence.user);
    UserActivity &u = m_users[row];
    u.presence = event.presence;
    if (event.connection) {
        auto same = [&](const ConnectionInfo &c) { return c.session == event.connection->session; };
        u.connections.removeIf(same);
        if (event.kind == AdminPresenceKind::Connect)
            u.connections.append(*event.connection);
    }
    Q_EMIT dataChanged(index(row), index(row));
}

void AdminPresenceModel::clear()
{
    if (m_users.isEmpty())
        return;
    beginRemoveRows({}, 0, int(m_users.size()) - 1);
    m_users.clear();
    endRemoveRows();
}

} // namespace confab::client
