// SPDX-License-Identifier: Apache-2.0
#include "fastpublish.h"

#include "validation.h"

namespace confab::detail {

namespace {

using namespace Qt::StringLiterals;

bool isJsonSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/// Decodes one UTF-8 sequence starting at `p` (a byte >= 0x80) into `out`, strictly as
/// RFC 3629 says: no overlong forms, no surrogates, nothing above U+10FFFF. Returns the
/// byte after the sequence, or nullptr when it is not valid.
const char *decodeUtf8(const char *p, const char *end, char16_t *&out)
{
    const auto byte = [&](qsizetype i) { return p + i < end ? quint8(p[i]) : quint8(0); };
    const auto continuation = [&](qsizetype i) { return (byte(i) & 0xc0) == 0x80; };
    const quint8 lead = byte(0);
    char32_t cp = 0;
    qsizetype length = 0;
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
        cp = lead & 0x1f;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        cp = lead & 0x0f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        cp = lead & 0x07;
    } else {
        return nullptr;
    }
    for (qsizetype i = 1; i < length; ++i) {
        if (!continuation(i))
            return nullptr;
        cp = (cp << 6) | (byte(i) & 0x3f);
    }
    const bool overlong = (length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000);
    if (overlong || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        return nullptr;
    if (cp >= 0x10000) {
        *out++ = char16_t(0xd800 + ((cp - 0x10000) >> 10));
        *out++ = char16_t(0xdc00 + ((cp - 0x10000) & 0x3ff));
    } else {
        *out++ = char16_t(cp);
    }
    return p + length;
}

/// A forward-only reader over the frame's bytes. Every method returns false/nullopt on
/// anything it does not handle; the caller then gives up on the fast path.
class Cursor
{
public:
    explicit Cursor(QByteArrayView bytes)
        : m_p(bytes.data())
        , m_end(bytes.data() + bytes.size())
    {}

    bool atEnd()
    {
        skipSpace();
        return m_p == m_end;
    }

    bool consume(char c)
    {
        skipSpace();
        if (m_p == m_end || *m_p != c)
            return false;
        ++m_p;
        return true;
    }

    /// A string of plain ASCII without escapes (member names, the type), as raw bytes.
    std::optional<QByteArrayView> plainString()
    {
        if (!consume('"'))
            return std::nullopt;
        const char *start = m_p;
        while (m_p < m_end && *m_p != '"') {
            const auto c = quint8(*m_p);
            if (c < 0x20 || c >= 0x80 || c == '\\')
                return std::nullopt;
            ++m_p;
        }
        if (m_p == m_end)
            return std::nullopt;
        return QByteArrayView(start, m_p++ - start);
    }

    /// A request id written as plain digits: 1..2^53-1, no sign, fraction or exponent.
    std::optional<qint64> requestId()
    {
        skipSpace();
        if (m_p == m_end || *m_p < '1' || *m_p > '9')
            return std::nullopt;
        qint64 value = 0;
        int digits = 0;
        while (m_p < m_end && *m_p >= '0' && *m_p <= '9') {
            if (++digits > 16)
                return std::nullopt;
            value = value * 10 + (*m_p++ - '0');
        }
        if (value > rules::maxRequestId)
            return std::nullopt;
        if (m_p < m_end && (*m_p == '.' || *m_p == 'e' || *m_p == 'E'))
            return std::nullopt;
        return value;
    }

    /// Any string value: escapes decoded, UTF-8 validated.
    std::optional<QString> string()
    {
        if (!consume('"'))
            return std::nullopt;
        // UTF-16 needs at most one unit per input byte: size once, shrink at the end.
        const char *close = findClosingQuote();
        if (!close)
            return std::nullopt;
        QString text(close - m_p, Qt::Uninitialized);
        char16_t *out = reinterpret_cast<char16_t *>(text.data());
        char16_t *const begin = out;
        while (m_p < close) {
            const auto c = quint8(*m_p);
            if (c == '\\') {
                if (!unescape(out))
                    return std::nullopt;
            } else if (c >= 0x80) {
                m_p = decodeUtf8(m_p, close, out);
                if (!m_p)
                    return std::nullopt;
            } else if (c < 0x20) {
                return std::nullopt; // JSON wants control characters escaped
            } else {
                *out++ = c;
                ++m_p;
            }
        }
        ++m_p; // the closing quote
        text.truncate(out - begin);
        return text;
    }

private:
    void skipSpace()
    {
        while (m_p < m_end && isJsonSpace(*m_p))
            ++m_p;
    }

    const char *findClosingQuote() const
    {
        for (const char *q = m_p; q < m_end; ++q) {
            if (*q == '\\')
                ++q; // skip the escaped character (a `"` included)
            else if (*q == '"')
                return q;
        }
        return nullptr;
    }

    bool unescape(char16_t *&out)
    {
        if (m_end - m_p < 2)
            return false;
        const char kind = m_p[1];
        m_p += 2;
        switch (kind) {
        case '"':
        case '\\':
        case '/':
            *out++ = char16_t(kind);
            return true;
        case 'b':
            *out++ = u'\b';
            return true;
        case 'f':
            *out++ = u'\f';
            return true;
        case 'n':
            *out++ = u'\n';
            return true;
        case 'r':
            *out++ = u'\r';
            return true;
        case 't':
            *out++ = u'\t';
            return true;
        case 'u':
            return unescapeHex(out);
        default:
            return false;
        }
    }

    bool unescapeHex(char16_t *&out)
    {
        if (m_end - m_p < 4)
            return false;
        char16_t unit = 0;
        for (int i = 0; i < 4; ++i) {
            const int digit = hexValue(m_p[i]);
            if (digit < 0)
                return false;
            unit = char16_t((unit << 4) | digit);
        }
        m_p += 4;
        *out++ = unit; // a lone surrogate is caught by the isValidUtf16() check later
        return true;
    }

    const char *m_p;
    const char *m_end;
};

enum Member : unsigned { None = 0, Type = 1, Id = 2, Channel = 4, Cid = 8, Text = 16, All = 31 };

Member memberNamed(QByteArrayView name)
{
    const QLatin1StringView text(name.data(), name.size());
    if (text == "t"_L1)
        return Type;
    if (text == "id"_L1)
        return Id;
    if (text == "channel"_L1)
        return Channel;
    if (text == "cid"_L1)
        return Cid;
    if (text == "text"_L1)
        return Text;
    return None; // unknown members are for the general parser to ignore
}

/// Reads one `"name": value` pair into `publish`; false for anything unexpected,
/// duplicate members included.
bool readMember(Cursor &cursor, PublishRequest &publish, unsigned &seen)
{
    const auto name = cursor.plainString();
    if (!name || !cursor.consume(':'))
        return false;
    const Member member = memberNamed(*name);
    if (member == None || (seen & member))
        return false;
    seen |= member;
    switch (member) {
    case Type: {
        const auto type = cursor.plainString();
        return type && QLatin1StringView(type->data(), type->size()) == "publish"_L1;
    }
    case Id: {
        const auto id = cursor.requestId();
        publish.id = id.value_or(0);
        return id.has_value();
    }
    default: {
        auto value = cursor.string();
        if (!value)
            return false;
        QString &field = member == Channel ? publish.channel
                         : member == Cid   ? publish.cid
                                           : publish.text;
        field = std::move(*value);
        return true;
    }
    }
}

bool isValid(const PublishRequest &publish, const Limits &limits)
{
    const qsizetype cidBytes = rules::utf8Length(publish.cid);
    return rules::isValidChannelName(publish.channel) && cidBytes >= 1 &&
           cidBytes <= rules::maxCidBytes && QStringView(publish.cid).isValidUtf16() &&
           QStringView(publish.text).isValidUtf16() &&
           !rules::validateText(publish.text, limits.text);
}

} // namespace

std::optional<PublishRequest> parsePublishFast(QByteArrayView utf8, const Limits &limits)
{
    Cursor cursor(utf8);
    if (!cursor.consume('{'))
        return std::nullopt;
    PublishRequest publish;
    unsigned seen = 0;
    do {
        if (!readMember(cursor, publish, seen))
            return std::nullopt;
    } while (cursor.consume(','));
    if (!cursor.consume('}') || !cursor.atEnd() || seen != All || !isValid(publish, limits))
        return std::nullopt;
    return publish;
}

} // namespace confab::detail
