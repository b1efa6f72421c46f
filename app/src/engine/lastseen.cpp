// SPDX-License-Identifier: Apache-2.0
#include "lastseen.h"

#include <QDateTime>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace confab::client {

QString lastSeenText(qint64 lastSeenMs, qint64 nowMs, const QTimeZone &zone)
{
    if (lastSeenMs <= 0)
        return {};
    constexpr qint64 minute = 60 * 1000;
    constexpr qint64 hour = 60 * minute;
    const qint64 ago = nowMs - lastSeenMs;
    if (ago < minute)
        return u"last seen just now"_s;
    if (ago < hour)
        return u"last seen %1 min ago"_s.arg(ago / minute);
    const QDate seen = QDateTime::fromMSecsSinceEpoch(lastSeenMs, zone).date();
    const QDate today = QDateTime::fromMSecsSinceEpoch(nowMs, zone).date();
    if (seen == today || ago < 6 * hour)
        return u"last seen %1 h ago"_s.arg(ago / hour);
    if (seen == today.addDays(-1))
        return u"last seen yesterday"_s;
    // The rest of the app's sentences are English: so are the month names.
    const QLocale english(QLocale::English);
    return u"last seen "_s +
           english.toString(seen, seen.year() == today.year() ? u"d MMM"_s : u"d MMM yyyy"_s);
}

} // namespace confab::client
