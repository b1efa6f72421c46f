// SPDX-License-Identifier: Apache-2.0
#include "validation.h"

namespace confab::rules {

using namespace Qt::StringLiterals;

namespace {

constexpr QLatin1StringView dmPrefix = "dm:"_L1;

bool isLowerAlnum(char16_t c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9');
}

bool isPlainChannelName(QStringView name)
{
    if (name.isEmpty() || name.size() > maxChannelNameChars)
        return false;
    for (QChar c : name) {
        const char16_t u = c.unicode();
        if (!isLowerAlnum(u) && u != u'_' && u != u'-')
            return false;
    }
    return true;
}

} // namespace

bool isValidUserName(QStringView name)
{
    if (name.isEmpty() || name.size() > maxUserNameChars)
        return false;
    for (QChar c : name) {
        const char16_t u = c.unicode();
        if (!isLowerAlnum(u) && u != u'_' && u != u'.' && u != u'-')
            return false;
    }
    return true;
}

std::optional<std::pair<QString, QString>> directChannelMembers(QStringView name)
{
    if (!name.startsWith(dmPrefix))
        return std::nullopt;
    const QStringView rest = name.mid(dmPrefix.size());
    const qsizetype colon = rest.indexOf(u':');
    if (colon < 0)
        return std::nullopt;
    const QStringView a = rest.left(colon);
    const QStringView b = rest.mid(colon + 1);
    // User names hold no ':', so a second colon fails the user name check of b.
    if (!isValidUserName(a) || !isValidUserName(b) || !(a < b))
        return std::nullopt;
    return std::pair{a.toString(), b.toString()};
}

bool isDirectChannelName(QStringView name)
{
    return directChannelMembers(name).has_value();
}

bool isValidChannelName(QStringView name)
{
    return isPlainChannelName(name) || isDirectChannelName(name);
}

QString directChannelName(QStringView userA, QStringView userB)
{
    const bool inOrder = userA < userB;
    const QStringView first = inOrder ? userA : userB;
    const QStringView second = inOrder ? userB : userA;
    QString name;
    name.reserve(dmPrefix.size() + first.size() + 1 + second.size());
    name.append(dmPrefix).append(first).append(u':').append(second);
    return name;
}

qsizetype utf8Length(QStringView text)
{
    qsizetype bytes = 0;
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const char16_t u = text[i].unicode();
        if (u < 0x80) {
            bytes += 1;
        } else if (u < 0x800) {
            bytes += 2;
        } else if (QChar::isHighSurrogate(u) && i + 1 < n &&
                   QChar::isLowSurrogate(text[i + 1].unicode())) {
            bytes += 4;
            ++i;
        } else {
            bytes += 3; // BMP character, or a lone surrogate written as U+FFFD
        }
    }
    return bytes;
}

std::optional<Error> validateText(QStringView text, int maxBytes)
{
    if (text.isEmpty())
        return Error{ErrorCode::BadRequest, u"field 'text' must not be empty"_s, {}};
    if (utf8Length(text) > maxBytes) {
        return Error{ErrorCode::TooLarge,
                     u"field 'text' must be at most %1 UTF-8 bytes"_s.arg(maxBytes),
                     {}};
    }
    return std::nullopt;
}

namespace {

bool isUserName(QStringView password, QStringView user)
{
    return !user.isEmpty() && password.trimmed().compare(user, Qt::CaseInsensitive) == 0;
}

} // namespace

std::optional<Error> validateNewPassword(QStringView password, QStringView user)
{
    const qsizetype bytes = utf8Length(password);
    if (bytes < minPasswordBytes || bytes > maxPasswordBytes) {
        return Error{ErrorCode::BadRequest,
                     u"field 'password' must be %1-%2 UTF-8 bytes"_s.arg(minPasswordBytes)
                         .arg(maxPasswordBytes),
                     {}};
    }
    if (isUserName(password, user))
        return Error{ErrorCode::BadRequest, u"field 'password' must not be the user name"_s, {}};
    return std::nullopt;
}

QString newPasswordProblem(QStringView password, QStringView user)
{
    const qsizetype bytes = utf8Length(password);
    if (bytes < minPasswordBytes || bytes > maxPasswordBytes)
        return u"a password must be %1 to %2 bytes long"_s.arg(minPasswordBytes)
            .arg(maxPasswordBytes);
    if (isUserName(password, user))
        return u"a password must not be the user name"_s;
    return {};
}

bool isValidDisplayName(QStringView display)
{
    // Count characters (code points), not UTF-16 units: an emoji is one character.
    qsizetype chars = 0;
    for (qsizetype i = 0; i < display.size(); ++i) {
        const QChar c = display[i];
        if (c.isHighSurrogate() && i + 1 < display.size() && display[i + 1].isLowSurrogate())
            ++i;
        else if (c.isSurrogate() || c.category() == QChar::Other_Control)
            return false;
        ++chars;
    }
    return chars >= 1 && chars <= maxDisplayChars;
}

} // namespace confab::rules
