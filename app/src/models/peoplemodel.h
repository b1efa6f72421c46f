// SPDX-License-Identifier: Apache-2.0
#pragma once

// People the user can start a direct conversation with, sorted by user name: everyone the
// PresenceRoster knows (members of the joined channels, users whose presence came), but the
// user themself. The protocol has no user directory, so these are the people the user
// shares a channel with.
//
// Contract: follow() fills it and keeps it current from the roster's signals; refresh()
// re-reads the roster. Rows are added, removed or changed one by one, never reset.

#include "types.h"

#include <QAbstractListModel>

namespace confab::client {

class PresenceRoster;

class PeopleModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        UserRole = Qt::UserRole + 1, /**< QString: user name (what openDirect() takes) */
        DisplayNameRole,             /**< QString: display name, else the user name */
        StatusRole,                  /**< QString: online, away, dnd or offline */
        StatusTextRole,              /**< QString: the user's status text ("lunch") */
    };
    Q_ENUM(Role)

    explicit PeopleModel(QObject *parent = nullptr);

    void follow(const PresenceRoster *roster);
    /// Who is left out (the signed-in user).
    void setOwnUser(const QString &user);
    void refresh();

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    int rowOf(const QString &user) const;

Q_SIGNALS:
    void countChanged();

private:
    struct Entry
    {
        QString user;
        QString display;
        PresenceStatus status = PresenceStatus::Offline;
        QString statusText;
        friend bool operator==(const Entry &, const Entry &) = default;
    };

    const PresenceRoster *m_roster = nullptr;
    QString m_me;
    QList<Entry> m_entries;
};

} // namespace confab::client
