// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "presenceboard.h"

#include <QStringList>

#include <optional>

namespace confab::ctl {

using client::BoardUser;
using client::nextSort;
using client::PresenceBoard;
using client::sortName;

/// The columns `confabctl presence` can show (--columns): the user's, then each
/// connection's on the lines below the user.
enum class Column {
    User,
    Status,
    Text,
    LastSeen,
    Connections,
    Session,
    Client,
    Address,
    Tls,
    Since,
    Idle,
    Channels,
    Unsent,
};

QList<Column> allColumns();
/// "user,status,idle" → columns; nullopt with `*error` naming an unknown one.
std::optional<QList<Column>> parseColumns(const QString &list, QString *error);
QString columnName(Column column);
/// The column's heading in the table ("LAST SEEN").
QString columnHeading(Column column);

/// How many terminal columns `text` takes (a CJK character takes two).
int displayWidth(const QString &text);
/// `text` padded with spaces to `width` terminal columns.
QString padded(const QString &text, int width);
/// Rows of cells, each column padded to its widest cell in terminal columns, the last one
/// not padded, each line starting with `indent`.
QStringList aligned(const QList<QStringList> &rows, const QString &indent);

/// "45s", "12m", "2h", "3d".
QString shortDuration(qint64 ms);
/// "30s", "10m", "2h", "1d" or a number of seconds → ms; nullopt when it is none of those.
std::optional<qint64> parseDuration(const QString &text);
/// "0 B", "12 KiB", "3.4 MiB".
QString bytesText(qint64 bytes);

/// The line above the table: users by status, connections, messages per second, uptime and
/// the server's version.
QString summaryLine(const ServerStatistics &stats);
/// The users and, indented below each, their connections: one string per line, padded to
/// columns, without colours (what a pipe gets; the --watch console draws the same cells).
QStringList presenceTable(const QList<const BoardUser *> &rows, const QList<Column> &columns,
                          qint64 nowMs);

/// One table cell.
QString cell(const BoardUser &user, Column column, qint64 nowMs);
QString cell(const BoardUser &user, const ConnectionInfo &connection, Column column, qint64 nowMs);
bool isConnectionColumn(Column column);

} // namespace confab::ctl
