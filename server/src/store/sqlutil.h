// SPDX-License-Identifier: Apache-2.0
#pragma once

// Small helpers shared by the repositories: run a statement, turn a failure into a sentence.

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
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

inline qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

} // namespace confab::store::sql
