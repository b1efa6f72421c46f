// SPDX-License-Identifier: Apache-2.0
#include "membermodel.h"

#include "lastseen.h"
#include "presenceroster.h"
#include "sortedrows.h"
#include "typingboard.h"

#include <QDateTime>
#include <QSet>

namespace confab::client {

MemberModel::MemberModel(const QString &channel, QObject *parent)
    : QAbstractListModel(parent)
    , m_channel(channel)
{}

int MemberModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant MemberModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry &e = m_entries.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case UserRole:
        return e.presence.user;
    case StatusRole:
        return QString(presenceStatusName(e.presence.status));
    case StatusTextRole:
        return e.presence.text;
    case LastSeenRole:
        return e.presence.lastSeen > 0 ? QDateTime::fromMSecsSinceEpoch(e.presence.lastSeen)
                                       : QDateTime();
    case TypingRole:
        return e.typing;
    case DisplayNameRole:
        return e.display.isEmpty() ? e.presence.user : e.display;
    case LastSeenTextRole:
        if (e.presence.status != PresenceStatus::Offline)
            return QString();
        return lastSeenText(e.presence.lastSeen,
                            m_wallClock ? m_wallClock() : QDateTime::currentMSecsSinceEpoch());
    default:
        return {};
    }
}

QHash<int, QByteArray> MemberModel::roleNames() const
{
    return {{UserRole, "user"},
            {StatusRole, "status"},
            {StatusTextRole, "statusText"},
            {LastSeenRole, "lastSeen"},
            {TypingRole, "typing"},
            {DisplayNameRole, "displayName"},
            {LastSeenTextRole, "lastSeenText"}};
}

const QString &MemberModel::userOf(const Entry &entry)
{
    return entry.presence.user;
}

int MemberModel::rowOf(const QString &user) const
{
    return sortedRowOf(m_entries, user, userOf);
}

int MemberModel::insertRow(const QString &user)
{
    const int row = sortedInsertRow(m_entries, user, userOf);
    beginInsertRows({}, row, row);
    Entry entry;
    entry.presence.user = user;
    m_entries.insert(row, entry);
    endInsertRows();
    return row;
}

void MemberModel::follow(const PresenceRoster *roster, const TypingBoard *typing)
{
    // A new member list may bring rows for users already typing: take the board's state.
    auto fill = [this, roster, typing] {
        const QList<Member> members = roster->members(m_channel);
        setMembers(members);
        for (const Member &member : members) {
            applyPresence(roster->presence(member.user));
            setDisplayName(member.user, roster->displayName(member.user));
        }
        for (const QString &user : typing->typing(m_channel))
            setTyping(user, true);
    };
    fill();
    connect(roster, &PresenceRoster::membersChanged, this, [this, fill](const QString &channel) {
        if (channel == m_channel)
            fill();
    });
    connect(roster, &PresenceRoster::presenceChanged, this, &MemberModel::applyPresence);
    connect(roster, &PresenceRoster::displayNameChanged, this, &MemberModel::setDisplayName);
    connect(typing, &TypingBoard::changed, this,
            [this](const QString &channel, const QString &user, bool active) {
                if (channel == m_channel)
                    setTyping(user, active);
            });
}

void MemberModel::setMembers(const QList<Member> &members)
{
    QSet<QString> keep;
    for (const Member &m : members)
        keep.insert(m.user);
    for (int row = int(m_entries.size()) - 1; row >= 0; --row) {
        if (!keep.contains(m_entries.at(row).presence.user)) {
            beginRemoveRows({}, row, row);
            m_entries.removeAt(row);
            endRemoveRows();
        }
    }
    for (const Member &m : members) {
        int row = rowOf(m.user);
        if (row < 0)
            row = insertRow(m.user);
        if (m_entries[row].presence.status != m.status) {
            m_entries[row].presence.status = m.status;
            Q_EMIT dataChanged(index(row), index(row), {StatusRole, LastSeenTextRole});
        }
    }
}

void MemberModel::applyPresence(const Presence &presence)
{
    const int row = rowOf(presence.user);
    if (row < 0)
        return; // not a member of this channel
    m_entries[row].presence = presence;
    Q_EMIT dataChanged(index(row), index(row),
                       {StatusRole, StatusTextRole, LastSeenRole, LastSeenTextRole});
}

void MemberModel::setDisplayName(const QString &user, const QString &display)
{
    const int row = rowOf(user);
    const QString shown = display == user ? QString() : display;
    if (row < 0 || m_entries[row].display == shown)
        return;
    m_entries[row].display = shown;
    Q_EMIT dataChanged(index(row), index(row), {DisplayNameRole});
}

void MemberModel::refreshLastSeen()
{
    for (int row = 0; row < m_entries.size(); ++row) {
        if (m_entries.at(row).presence.status == PresenceStatus::Offline)
            Q_EMIT dataChanged(index(row), index(row), {LastSeenTextRole});
    }
}

void MemberModel::setTyping(const QString &user, bool typing)
{
    const int row = rowOf(user);
    if (row < 0 || m_entries[row].typing == typing)
        return;
    m_entries[row].typing = typing;
    Q_EMIT dataChanged(index(row), index(row), {TypingRole});
}

} // namespace confab::client
