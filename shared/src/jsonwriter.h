// SPDX-License-Identifier: Apache-2.0
#pragma once

// A small compact-JSON writer that appends UTF-8 to a QByteArray. It exists for speed:
// the `msg` event is encoded once per message with one allocation and no QJsonDocument.

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QLatin1StringView>
#include <QStringView>

namespace confab {

/// Writes JSON into a buffer it owns, inserting commas itself; take() hands the bytes
/// over. Strings are escaped as RFC 8259 requires: `"` and `\` with a backslash, control
/// characters below U+0020 as \u00XX; everything else is written as UTF-8, except unpaired
/// UTF-16 surrogates, which are written as \uXXXX escapes so that nothing is lost on a
/// round trip. Writes go through a raw pointer: no per-byte QByteArray bookkeeping.
class JsonWriter
{
public:
    /// `expectedBytes`: allocate once up front when the size is known.
    explicit JsonWriter(qsizetype expectedBytes = 256);

    /// The bytes written so far; the writer starts over empty.
    QByteArray take();

    JsonWriter &beginObject();
    JsonWriter &endObject();
    JsonWriter &beginArray();
    JsonWriter &endArray();

    /// A member name. Names are the protocol's own ASCII words: they are not escaped.
    JsonWriter &key(QLatin1StringView name);

    JsonWriter &string(QStringView text);
    JsonWriter &string(QLatin1StringView text);
    JsonWriter &integer(qint64 number);
    JsonWriter &number(double number); ///< shortest exact form; null when not finite
    JsonWriter &boolean(bool value);
    JsonWriter &null();
    JsonWriter &json(const QJsonValue &value);
    JsonWriter &json(const QJsonObject &object);
    JsonWriter &json(const QJsonArray &array);

    /// Bytes `string(text)` appends, quotes included: lets callers reserve exactly.
    static qsizetype quotedLength(QStringView text);

private:
    char *room(qsizetype bytes);
    void put(char c);
    void put(const char *data, qsizetype size);
    void separate();
    void open(char bracket);
    void close(char bracket);

    QByteArray m_buffer; ///< its size is the capacity in use; m_used bytes are written
    qsizetype m_used = 0;
    bool m_needComma = false;
};

} // namespace confab
