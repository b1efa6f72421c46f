// SPDX-License-Identifier: Apache-2.0
#pragma once

// "last seen …" for a user who is offline, from the time of their last live connection.
//
// Contract (pure): under a minute (or in the future: clocks differ) "last seen just now";
// under an hour "last seen 5 min ago"; the same day or under 6 hours "last seen 2 h ago";
// the day before "last seen yesterday"; otherwise the date, "last seen 3 Dec", with the
// year when it is not this year ("last seen 3 Dec 2025"). Days are counted in `zone` (the
// user's, by default). Empty when `lastSeenMs` is unknown (0 or less).

#include <QString>
#include <QTimeZone>

namespace confab::client {

QString lastSeenText(qint64 lastSeenMs, qint64 nowMs,
                     const QTimeZone &zone = QTimeZone::systemTimeZone());

} // namespace confab::client
