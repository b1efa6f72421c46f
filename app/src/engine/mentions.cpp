// SPDX-License-Identifier: Apache-2.0
#include "mentions.h"

namespace confab::client {

namespace {

/// The characters of a user name (validation.h: [a-z0-9_.-]), any case.
bool isNameChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'_' || c == u'.' || c == u'-';
}

/// Whether the name that starts at `end` in `text` goes on: '.' and '-' only when a name
/// character follows them ("@alice." ends a sentence, "@alice.b" is another user).
bool nameGoesOn(const QString &text, qsizetype end)
{
    while (end < text.size() && (text.at(end) == u'.' || text.at(end) == u'-'))
        ++end;
    return end < text.size() && isNameChar(text.at(end));
}

} // namespace

bool mentionsUser(const QString &text, const QString &user)
{
    if (user.isEmpty())
        return false;
    const QString needle = u'@' + user;
    for (qsizetype at = text.indexOf(needle, 0, Qt::CaseInsensitive); at >= 0;
         at = text.indexOf(needle, at + 1, Qt::CaseInsensitive)) {
        const bool startsWord =
            at == 0 || !(text.at(at - 1).isLetterOrNumber() || text.at(at - 1) == u'_');
        if (startsWord && !nameGoesOn(text, at + needle.size()))
            return true;
    }
    return false;
}

} // namespace confab::client
