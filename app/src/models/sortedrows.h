// SPDX-License-Identifier: Apache-2.0
#pragma once

// Rows kept sorted by a string key (a channel or user name), as several list models keep
// them: where a key stands, and where it would be inserted. `keyOf(entry)` gives an
// entry's key. Binary search: O(log n).

#include <QList>
#include <QString>

#include <algorithm>

namespace confab::client {

/// The row at which `key` stands or would be inserted.
template <typename Entry, typename KeyOf>
int sortedInsertRow(const QList<Entry> &rows, const QString &key, KeyOf keyOf)
{
    const auto it =
        std::lower_bound(rows.cbegin(), rows.cend(), key,
                         [&keyOf](const Entry &e, const QString &k) { return keyOf(e) < k; });
    return int(it - rows.cbegin());
}

/// The row of `key`; -1 when it is not there.
template <typename Entry, typename KeyOf>
int sortedRowOf(const QList<Entry> &rows, const QString &key, KeyOf keyOf)
{
    const int row = sortedInsertRow(rows, key, keyOf);
    return row < rows.size() && keyOf(rows.at(row)) == key ? row : -1;
}

} // namespace confab::client
