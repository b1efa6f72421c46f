// SPDX-License-Identifier: Apache-2.0
#pragma once

// Small helpers shared by the repositories: run a statement, turn a failure into a sentence.

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QStringDecoder>
#include <QVariant>

#include <initializer_list>

namespace confab::store::sql {

/// Prepares and runs `statement` with positional `values`. On failure sets `*error`
/// (when given) to "<what>: <sqlite message>".
inline bool exec(QSqlQuery &query, const QString &statement,
                 std::initializer_list<QVariant> values = {}, QString *error = nullptr)
{
    bool ok = query.prepare(statement);
    if (ok) {
        for (const QVariant &value : values)
            query.addBindValue(value);
        ok = query.exec();
    }
    if (!ok && error)
        *error = query.lastError().text();
    return ok;
}

/// The wall clock: for stored dates only (created, message ts, token expiry). Timeouts and
/// rates run on the monotonic clock (server/src/core/clock.h).
inline qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

/// QSQLITE binds a null QString as SQL NULL; NOT NULL text columns get "" instead.
inline QString notNull(const QString &text)
{
    return text.isNull() ? QStringLiteral("") : text;
}

/// Message text is stored as its UTF-8 bytes (a BLOB), because SQLite's UTF-16 conversion
/// and QString::fromUtf8 both drop a leading BOM, and the contract is byte-exact.
inline QByteArray textToBlob(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    return bytes.isNull() ? QByteArray("", 0) : bytes;
}

inline QString textFromBlob(const QByteArray &bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless |
                                                     QStringDecoder::Flag::ConvertInitialBom);
    return decoder.decode(bytes);
}

} // namespace confab::store::sql
