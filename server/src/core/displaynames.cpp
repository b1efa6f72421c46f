// SPDX-License-Identifier: Apache-2.0
#include "displaynames.h"

#include "stores.h"

namespace confab::server {

DisplayNames::DisplayNames(store::AccountStore &accounts)
    : m_accounts(accounts)
{}

QString DisplayNames::of(const QString &user)
{
    if (auto it = m_names.constFind(user); it != m_names.cend())
        return *it;
    if (!m_loadedAll) {
        m_loadedAll = true;
        for (const store::UserRecord &record : m_accounts.users())
            m_names.insert(record.info.name, record.info.display);
        if (auto it = m_names.constFind(user); it != m_names.cend())
            return *it;
    }
    const auto record = m_accounts.findUser(user);
    if (!record)
        return {}; // not cached: the account may be made later
    m_names.insert(user, record->info.display);
    return record->info.display;
}

} // namespace confab::server
