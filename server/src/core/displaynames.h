// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHash>
#include <QString>

namespace confab::store {
class AccountStore;
}

namespace confab::server {

/// The display name of each account, for what names users to clients (1.1: the `join`
/// reply's members, `member` and presence events, the admin view). A cache in front of the
/// AccountStore: a display name is set when the account is made and never changes, so an
/// entry stays right. The first miss reads every account at once (one query, not one per
/// member of a large channel); a later miss (an account made since, here or by confabctl)
/// reads that one account. Single-threaded: the server's event loop.
class DisplayNames
{
public:
    explicit DisplayNames(store::AccountStore &accounts);

    /// `user`'s display name; empty for an unknown user or one without a display name.
    QString of(const QString &user);

private:
    store::AccountStore &m_accounts;
    QHash<QString, QString> m_names;
    bool m_loadedAll = false;
};

} // namespace confab::server
