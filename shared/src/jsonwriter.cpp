// SPDX-License-Identifier: Apache-2.0
#include "jsonwriter.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

namespace confab {

namespace {

// Escaped length of each ASCII character: control characters take \u00XX.
constexpr std::array<quint8, 128> asciiLengths = [] {
    std::array<quint8, 128> lengths{};
    for (std::size_t c = 0; c < lengths.size(); ++c)
        lengths[c] = c < 0x20 ? 6 : (c == '"' || c == '\\') ? 2 : 1;
    return lengths;
}();

constexpr char hexDigits[] = "0123456789abcdef";

// Written as \ufeff: parsers that skip a raw BOM opening a string (Qt 6.4's does) would
// otherwise lose it from texts that start with one.
constexpr char16_t byteOrderMark = 0xfeff;

char *writeUnicodeEscape(char *p, char16_t u)
{
    *p++ = '\\';
    *p++ = 'u';
    *p++ = hexDigits[(u >> 12) & 0xf];
    *p++ = hexDigits[(u >> 8) & 0xf];
    *p++ = hexDigits[(u >> 4) & 0xf];
    *p++ = hexDigits[u & 0xf];
    return p;
}

bool isHighSurrogate(char16_t u)
{
    return u >= 0xd800 && u < 0xdc00;
}
bool isLowSurrogate(char16_t u)
{
    return u >= 0xdc00 && u < 0xe000;
}
bool isSurrogate(char16_t u)
{
    return u >= 0xd800 && u < 0xe000;
}

// Works for UTF-16 (char16_t) and Latin-1 (uchar) code units alike: Latin-1 is the first
// 256 code points of Unicode and holds no surrogates.
template <typename Unit> qsizetype quotedLengthOf(const Unit *s, qsizetype n)
{
    qsizetype bytes = 2;
    for (qsizetype i = 0; i < n; ++i) {
        const char16_t u = s[i];
        if (u < 0x80) {
            bytes += asciiLengths[u];
        } else if (u < 0x800) {
            bytes += 2;
        } else if (isHighSurrogate(u) && i + 1 < n && isLowSurrogate(s[i + 1])) {
            bytes += 4; // a surrogate pair: one 4-byte sequence
            ++i;
        } else {
            bytes += isSurrogate(u) || u == byteOrderMark ? 6 : 3;
        }
    }
    return bytes;
}

template <typename Unit> char *writeQuoted(char *p, const Unit *s, qsizetype n)
{
    *p++ = '"';
    for (qsizetype i = 0; i < n; ++i) {
        const char16_t u = s[i];
        if (u < 0x80) {
            if (asciiLengths[u] == 1) {
                *p++ = char(u);
            } else if (asciiLengths[u] == 2) {
                *p++ = '\\';
                *p++ = char(u);
            } else {
                p = writeUnicodeEscape(p, u);
            }
        } else if (u < 0x800) {
            *p++ = char(0xc0 | (u >> 6));
            *p++ = char(0x80 | (u & 0x3f));
        } else if (isHighSurrogate(u) && i + 1 < n && isLowSurrogate(s[i + 1])) {
            const char32_t cp = 0x10000 + ((char32_t(u) - 0xd800) << 10) + (s[++i] - 0xdc00);
            *p++ = char(0xf0 | (cp >> 18));
            *p++ = char(0x80 | ((cp >> 12) & 0x3f));
            *p++ = char(0x80 | ((cp >> 6) & 0x3f));
            *p++ = char(0x80 | (cp & 0x3f));
        } else if (isSurrogate(u) || u == byteOrderMark) {
            p = writeUnicodeEscape(p, u);
        } else {
            *p++ = char(0xe0 | (u >> 12));
            *p++ = char(0x80 | ((u >> 6) & 0x3f));
            *p++ = char(0x80 | (u & 0x3f));
        }
    }
    *p++ = '"';
    return p;
}

} // namespace

JsonWriter::JsonWriter(qsizetype expectedBytes)
{
    m_buffer.reserve(expectedBytes); // exactly: resize() alone would round up
    m_buffer.resize(expectedBytes);
}

QByteArray JsonWriter::take()
{
    m_buffer.truncate(m_used); // keeps the allocation: no copy
    m_used = 0;
    m_needComma = false;
    return std::exchange(m_buffer, QByteArray());
}

char *JsonWriter::room(qsizetype bytes)
{
    if (m_used + bytes > m_buffer.size())
        m_buffer.resize(std::max(m_used + bytes, 2 * m_buffer.size()));
    return m_buffer.data() + m_used;
}

void JsonWriter::put(char c)
{
    *room(1) = c;
    ++m_used;
}

void JsonWriter::put(const char *data, qsizetype size)
{
    std::memcpy(room(size), data, size_t(size));
    m_used += size;
}

void JsonWriter::separate()
{
    if (m_needComma)
        put(',');
    m_needComma = true;
}

void JsonWriter::open(char bracket)
{
    separate();
    put(bracket);
    m_needComma = false;
}

void JsonWriter::close(char bracket)
{
    put(bracket);
    m_needComma = true;
}

JsonWriter &JsonWriter::beginObject()
{
    open('{');
    return *this;
}

JsonWriter &JsonWriter::endObject()
{
    close('}');
    return *this;
}

JsonWriter &JsonWriter::beginArray()
{
    open('[');
    return *this;
}

JsonWriter &JsonWriter::endArray()
{
    close(']');
    return *this;
}

JsonWriter &JsonWriter::key(QLatin1StringView name)
{
    separate();
    char *p = room(name.size() + 3);
    *p++ = '"';
    std::memcpy(p, name.data(), size_t(name.size()));
    p += name.size();
    *p++ = '"';
    *p++ = ':';
    m_used += name.size() + 3;
    m_needComma = false; // the value that follows takes no comma
    return *this;
}

qsizetype JsonWriter::quotedLength(QStringView text)
{
    return quotedLengthOf(text.utf16(), text.size());
}

JsonWriter &JsonWriter::string(QStringView text)
{
    separate();
    // Size exactly first, then write through a pointer: no per-character checks.
    const qsizetype bytes = quotedLength(text);
    writeQuoted(room(bytes), text.utf16(), text.size());
    m_used += bytes;
    return *this;
}

JsonWriter &JsonWriter::string(QLatin1StringView text)
{
    separate();
    const auto *units = reinterpret_cast<const uchar *>(text.data());
    const qsizetype bytes = quotedLengthOf(units, text.size());
    writeQuoted(room(bytes), units, text.size());
    m_used += bytes;
    return *this;
}

JsonWriter &JsonWriter::integer(qint64 number)
{
    separate();
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
    put(buffer, result.ptr - buffer);
    return *this;
}

JsonWriter &JsonWriter::number(double number)
{
    if (!std::isfinite(number))
        return null(); // JSON has no NaN or infinity; QJsonDocument writes null too
    separate();
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
    put(buffer, result.ptr - buffer);
    return *this;
}

JsonWriter &JsonWriter::boolean(bool value)
{
    separate();
    if (value)
        put("true", 4);
    else
        put("false", 5);
    return *this;
}

JsonWriter &JsonWriter::null()
{
    separate();
    put("null", 4);
    return *this;
}

JsonWriter &JsonWriter::json(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return boolean(value.toBool());
    case QJsonValue::Double: {
        // Whole numbers are written as integers so that 64-bit values stay exact.
        constexpr qint64 notWhole = std::numeric_limits<qint64>::min();
        const qint64 whole = value.toInteger(notWhole);
        return whole != notWhole ? integer(whole) : number(value.toDouble());
    }
    case QJsonValue::String:
        return string(value.toString());
    case QJsonValue::Array:
        return json(value.toArray());
    case QJsonValue::Object:
        return json(value.toObject());
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        break;
    }
    return null();
}

JsonWriter &JsonWriter::json(const QJsonObject &object)
{
    beginObject();
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        string(it.key());
        put(':');
        m_needComma = false;
        json(QJsonValue(it.value()));
    }
    return endObject();
}

JsonWriter &JsonWriter::json(const QJsonArray &array)
{
    beginArray();
    for (qsizetype i = 0; i < array.size(); ++i)
        json(array.at(i));
    return endArray();
}

} // namespace confab
