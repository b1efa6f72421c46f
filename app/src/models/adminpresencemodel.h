// SPDX-License-Identifier: Apache-2.0
#pragma once

// The admin's live view of every user: presence and live connections, filled by the
// `admin.watch` snapshot and kept current by `admin.presence` events (connect, disconnect,
// status). Sorted by user name; single-row changes after the snapshot.

#include "frames.h"

#include <QAbstractListModel>

namespace confab::client {

class AdminPresenceModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        UserRole = Qt::UserRole + 1, /**< QString: user name */
        StatusRole,                  /**< QString: online, away, dnd or offline */
        StatusTextRole,              /**< QString: status text */
        SinceRole,                   /**< QDateTime: when the status last changed */
        LastSeenRole,                /**< QDateTime: last live connection */
        ConnectionCountRole,         /**< int: live connections */
        ConnectionsRole, /**< QVariantList of maps: session, client, address, connectedSince,
                              idleMs, channels */
    };
    Q_ENUM(Role)

    explicit AdminPresenceModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    int rowOf(const QString &user) const;

    void setSnapshot(const QList<UserActivity> &users);
    void apply(const AdminPresenceEvent &event);
    void clear();

private:
    int rowFor(const QString &user);

    QList<UserActivity> m_users;
};

} // namespace confab::client
