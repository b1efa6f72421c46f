// SPDX-License-Identifier: Apache-2.0
#pragma once

// Internal to confab_shared: typed, validated reads of JSON object fields, shared by the
// codec (frames) and replies.h (ok objects).

#include "errorcode.h"
#include "types.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLatin1StringView>

#include <limits>
#include <optional>

namespace confab {

/// Reads the fields of one JSON object and keeps the first error, as a sentence naming the
/// field. After an error every read returns an empty value, so a parser reads all of its
/// fields and checks ok() once. Null counts as absent. Strings holding an unpaired
/// surrogate (from a "\ud800" escape) are rejected: they are not Unicode text.
class FieldReader
{
public:
    explicit FieldReader(const QJsonObject &object);
    /// Reads the object in `parent`'s field `name`; errors go to `parent` ("auth.token").
    FieldReader(const QJsonObject &object, FieldReader &parent, QLatin1StringView name);
    FieldReader(const FieldReader &) = delete;
    FieldReader &operator=(const FieldReader &) = delete;

    bool ok() const { return !m_error->has_value(); }
    const std::optional<Error> &error() const { return *m_error; }
    /// Records "field '<name>' <problem>" unless an error is already recorded.
    void fail(QLatin1StringView name, const QString &problem,
              ErrorCode code = ErrorCode::BadRequest);
    /// Records a complete error (one whose sentence names its fields) unless one is recorded.
    void fail(const Error &error);
    /// The full name of a field for messages, e.g. "rewind.count".
    QString fieldName(QLatin1StringView name) const;

    bool has(QLatin1StringView name) const;

    QString string(QLatin1StringView name);
    std::optional<QString> optionalString(QLatin1StringView name);
    /// A string of `minBytes`..`maxBytes` UTF-8 bytes.
    QString boundedString(QLatin1StringView name, int minBytes, int maxBytes);
    std::optional<QString> optionalBoundedString(QLatin1StringView name, int minBytes,
                                                 int maxBytes);

    static constexpr qint64 anyInteger = std::numeric_limits<qint64>::max();
    /// A whole number in min..max (1.0 is whole; 1.5 and 1e300 are not).
    qint64 integer(QLatin1StringView name, qint64 min, qint64 max = anyInteger);
    std::optional<qint64> optionalInteger(QLatin1StringView name, qint64 min,
                                          qint64 max = anyInteger);

    double number(QLatin1StringView name);
    bool boolean(QLatin1StringView name);
    std::optional<bool> optionalBoolean(QLatin1StringView name);
    QJsonObject object(QLatin1StringView name);
    std::optional<QJsonObject> optionalObject(QLatin1StringView name);
    QJsonArray array(QLatin1StringView name);
    std::optional<QJsonArray> optionalArray(QLatin1StringView name);
    QStringList stringList(QLatin1StringView name);

private:
    QJsonValue present(QLatin1StringView name);
    QString checkedString(QLatin1StringView name, const QJsonValue &value);
    qint64 checkedInteger(QLatin1StringView name, const QJsonValue &value, qint64 min, qint64 max);

    QJsonObject m_object;
    QString m_prefix;
    std::optional<Error> m_ownError;
    std::optional<Error> *m_error;
};

/// "an integer from 1 to 200", "an integer of at least 0": the wording of range errors.
QString integerRangeText(qint64 min, qint64 max);

// Readers and writers of the value types, in their wire form. Readers check shape (field
// presence and types), not server policy such as name rules.
Message readMessage(FieldReader &reader);
Channel readChannel(FieldReader &reader);
UserInfo readUserInfo(FieldReader &reader);
Presence readPresence(FieldReader &reader);
ConnectionInfo readConnectionInfo(FieldReader &reader);
ServerStatistics readServerStatistics(FieldReader &reader);
Limits readLimits(FieldReader &reader);
PresenceStatus readPresenceStatus(FieldReader &reader, QLatin1StringView name);

/// The elements of array field `name`, each an object read by `read`.
template <typename T, typename Read>
QList<T> readObjectList(FieldReader &reader, QLatin1StringView name, Read read)
{
    const QJsonArray array = reader.array(name);
    QList<T> list;
    list.reserve(array.size());
    for (qsizetype i = 0; i < array.size() && reader.ok(); ++i) {
        if (!array.at(i).isObject()) {
            reader.fail(name, QStringLiteral("must be an array of objects"));
            break;
        }
        FieldReader element(array.at(i).toObject(), reader, name);
        list.append(read(element));
    }
    return list;
}

} // namespace confab
