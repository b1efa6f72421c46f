// SPDX-License-Identifier: Apache-2.0
#pragma once

// The one rule for "this message mentions the user", shared by the sidebar's badge (the
// channel list and the cache's unread count), notifications and the message highlight.

#include <QString>

namespace confab::client {

/// Whether `text` names `@user` (case-insensitive) as a whole name: not inside a longer
/// name (`@al` is not a mention of `al` in `@alice`; `@alice.` at a sentence's end is) nor
/// inside a word (`bob@alice`). False for an empty user.
bool mentionsUser(const QString &text, const QString &user);

} // namespace confab::client
