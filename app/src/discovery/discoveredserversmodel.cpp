// SPDX-License-Identifier: Apache-2.0
#include "discoveredserversmodel.h"

#include <algorithm>

namespace confab::client {

DiscoveredServersModel::DiscoveredServersModel(QObject *parent)
    : QAbstractListModel(parent)
{
    connect(&m_browser, &ServiceBrowser::serverFound, this, &DiscoveredServersModel::onFound);
    connect(&m_browser, &ServiceBrowser::serverLost, this, &DiscoveredServersModel::onLost);
    connect(&m_browser, &ServiceBrowser::statusChanged, this,
            &DiscoveredServersModel::statusChanged);
}

DiscoveredServersModel::~DiscoveredServersModel()
{
    // The browser reports every server lost as it goes: nobody must hear that now.
    disconnect(&m_browser, nullptr, this, nullptr);
}

int DiscoveredServersModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant DiscoveredServersModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const DiscoveredServer &server = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return server.name;
    case HostRole:
        return server.host;
    case AddressRole:
        return server.address;
    case PortRole:
        return int(server.port);
    case UrlRole:
        return server.url.toString();
    case EncryptedRole:
        return server.encrypted;
    case FingerprintRole:
        return server.fingerprint;
    default:
        return {};
    }
}

QHash<int, QByteArray> DiscoveredServersModel::roleNames() const
{
    return {
        {NameRole, "name"},
        {HostRole, "host"},
        {AddressRole, "address"},
        {PortRole, "port"},
        {UrlRole, "url"},
        {EncryptedRole, "encrypted"},
        {FingerprintRole, "fingerprint"},
    };
}

void DiscoveredServersModel::onFound(const DiscoveredServer &server)
{
    const auto it = std::find_if(m_rows.begin(), m_rows.end(), [&](const DiscoveredServer &row) {
        return row.key == server.key;
    });
    if (it != m_rows.end()) {
        if (*it == server)
            return;
        *it = server;
        const QModelIndex changed = index(int(it - m_rows.begin()));
        Q_EMIT dataChanged(changed, changed);
        return;
    }
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.append(server);
    endInsertRows();
    Q_EMIT countChanged();
}

void DiscoveredServersModel::onLost(const QString &key)
{
    const auto it = std::find_if(m_rows.begin(), m_rows.end(),
                                 [&](const DiscoveredServer &row) { return row.key == key; });
    if (it == m_rows.end())
        return;
    const int row = int(it - m_rows.begin());
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
    Q_EMIT countChanged();
}

} // namespace confab::client
