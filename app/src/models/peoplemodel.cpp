// SPDX-License-Identifier: Apache-2.0
#include "peoplemodel.h"

#include "presenceroster.h"
#include "sortedrows.h"

namespace confab::client {

PeopleModel::PeopleModel(QObject *parent)
    : QAbstractListModel(parent)
{
    connect(this, &QAbstractItemModel::rowsInserted, this, &PeopleModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &PeopleModel::countChanged);
}

void PeopleModel::follow(const PresenceRoster *roster)
{
    m_roster = roster;
    refresh();
    connect(roster, &PresenceRoster::membersChanged, this, &PeopleModel::refresh);
    connect(roster, &PresenceRoster::presenceChanged, this, &PeopleModel::refresh);
    connect(roster, &PresenceRoster::displayNameChanged, this, &PeopleModel::refresh);
}

void PeopleModel::setOwnUser(const QString &user)
{
    if (m_me == user)
        return;
    m_me = user;
    refresh();
}

void PeopleModel::refresh()
{
    if (!m_roster)
        return;
    QList<Entry> wanted;
    for (const QString &user : m_roster->knownUsers()) {
        if (user == m_me)
            continue;
        const Presence presence = m_roster->presence(user);
        wanted.append({user, m_roster->displayName(user), presence.status, presence.text});
    }
    // Both lists are sorted by user name: merge them row by row.
    int row = 0;
    for (const Entry &want : std::as_const(wanted)) {
        while (row < m_entries.size() && m_entries.at(row).user < want.user) {
            beginRemoveRows({}, row, row);
            m_entries.removeAt(row);
            endRemoveRows();
        }
        if (row < m_entries.size() && m_entries.at(row).user == want.user) {
            if (m_entries.at(row) != want) {
                m_entries[row] = want;
                Q_EMIT dataChanged(index(row), index(row),
                                   {DisplayNameRole, StatusRole, StatusTextRole});
            }
        } else {
            beginInsertRows({}, row, row);
            m_entries.insert(row, want);
            endInsertRows();
        }
        ++row;
    }
    if (row < m_entries.size()) {
        beginRemoveRows({}, row, int(m_entries.size()) - 1);
        m_entries.remove(row, m_entries.size() - row);
        endRemoveRows();
    }
}

int PeopleModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant PeopleModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry &e = m_entries.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case DisplayNameRole:
        return e.display;
    case UserRole:
        return e.user;
    case StatusRole:
        return QString(presenceStatusName(e.status));
    case StatusTextRole:
        return e.statusText;
    default:
        return {};
    }
}

QHash<int, QByteArray> PeopleModel::roleNames() const
{
    return {{UserRole, "user"},
            {DisplayNameRole, "displayName"},
            {StatusRole, "status"},
            {StatusTextRole, "statusText"}};
}

int PeopleModel::rowOf(const QString &user) const
{
    return sortedRowOf(m_entries, user, [](const Entry &e) -> const QString & { return e.user; });
}

} // namespace confab::client
