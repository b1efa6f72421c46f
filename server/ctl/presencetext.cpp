// SPDX-License-Identifier: Apache-2.0
#include "presencetext.h"

#include <QDateTime>
#include <QRegularExpression>

#include <array>
#include <cwchar>

using namespace Qt::StringLiterals;

namespace confab::ctl {

namespace {

struct ColumnInfo
{
    Column column;
    QLatin1StringView name;
    QLatin1StringView heading;
};

constexpr std::array columns = {
    ColumnInfo{Column::User, "user"_L1, "USER"_L1},
    ColumnInfo{Column::Status, "status"_L1, "STATUS"_L1},
    ColumnInfo{Column::Text, "text"_L1, "TEXT"_L1},
    ColumnInfo{Column::LastSeen, "seen"_L1, "LAST SEEN"_L1},
    ColumnInfo{Column::Connections, "conns"_L1, "CONNS"_L1},
    ColumnInfo{Column::Session, "session"_L1, "SESSION"_L1},
    ColumnInfo{Column::Client, "client"_L1, "CLIENT"_L1},
    ColumnInfo{Column::Address, "address"_L1, "ADDRESS"_L1},
    ColumnInfo{Column::Tls, "tls"_L1, "TLS"_L1},
    ColumnInfo{Column::Since, "since"_L1, "CONNECTED"_L1},
    ColumnInfo{Column::Idle, "idle"_L1, "IDLE"_L1},
    ColumnInfo{Column::Channels, "channels"_L1, "CHANNELS"_L1},
    ColumnInfo{Column::Unsent, "unsent"_L1, "UNSENT"_L1},
};

const ColumnInfo &info(Column column)
{
    return columns[std::size_t(column)];
}

QString ago(qint64 thenMs, qint64 nowMs)
{
    return thenMs > 0 ? shortDuration(nowMs - thenMs) + u" ago"_s : QString();
}

} // namespace

int displayWidth(const QString &text)
{
    int columns = 0;
    for (const char32_t c : text.toUcs4()) {
        const int w = ::wcwidth(static_cast<wchar_t>(c));
        columns += w < 0 ? 1 : w;
    }
    return columns;
}

QString padded(const QString &text, int width)
{
    const int missing = width - displayWidth(text);
    return missing > 0 ? text + QString(missing, u' ') : text;
}

QStringList aligned(const QList<QStringList> &rows, const QString &indent)
{
    QList<int> widths;
    for (const QStringList &cells : rows) {
        for (qsizetype i = 0; i < cells.size(); ++i) {
            if (widths.size() <= i)
                widths.append(0);
            widths[i] = std::max(widths[i], displayWidth(cells[i]));
        }
    }
    QStringList out;
    for (const QStringList &cells : rows) {
        QString line = indent;
        for (qsizetype i = 0; i < cells.size(); ++i)
            line += i + 1 < cells.size() ? padded(cells[i], widths[i] + 2) : cells[i];
        out.append(line);
    }
    return out;
}

QList<Column> allColumns()
{
    QList<Column> all;
    for (const ColumnInfo &c : columns)
        all.append(c.column);
    return all;
}

std::optional<QList<Column>> parseColumns(const QString &list, QString *error)
{
    QList<Column> chosen;
    for (const QString &name : list.split(u',', Qt::SkipEmptyParts)) {
        const auto found = std::find_if(columns.begin(), columns.end(), [&](const ColumnInfo &c) {
            return c.name == name.trimmed();
        });
        if (found == columns.end()) {
            QStringList names;
            for (const ColumnInfo &c : columns)
                names.append(c.name);
            *error =
                u"unknown column '%1' (columns: %2)"_s.arg(name.trimmed(), names.join(u", "_s));
            return std::nullopt;
        }
        if (!chosen.contains(found->column))
            chosen.append(found->column);
    }
    if (chosen.isEmpty()) {
        *error = u"--columns needs at least one column"_s;
        return std::nullopt;
    }
    return chosen;
}

QString columnName(Column column)
{
    return info(column).name;
}

QString columnHeading(Column column)
{
    return info(column).heading;
}

bool isConnectionColumn(Column column)
{
    return int(column) >= int(Column::Session);
}

QString shortDuration(qint64 ms)
{
    const qint64 s = std::max<qint64>(0, ms) / 1000;
    if (s < 60)
        return u"%1s"_s.arg(s);
    if (s < 3600)
        return u"%1m"_s.arg(s / 60);
    if (s < 86400)
        return u"%1h"_s.arg(s / 3600);
    return u"%1d"_s.arg(s / 86400);
}

std::optional<qint64> parseDuration(const QString &text)
{
    static const QRegularExpression form(u"^\\s*(\\d{1,9})\\s*([smhd]?)\\s*$"_s);
    const QRegularExpressionMatch match = form.match(text);
    if (!match.hasMatch())
        return std::nullopt;
    const qint64 n = match.captured(1).toLongLong();
    const QString unit = match.captured(2);
    const qint64 scale = unit == u"m"_s ? 60 : unit == u"h"_s ? 3600 : unit == u"d"_s ? 86400 : 1;
    return n * scale * 1000;
}

QString bytesText(qint64 bytes)
{
    if (bytes < 1024)
        return u"%1 B"_s.arg(bytes);
    if (bytes < 1024 * 1024)
        return u"%1 KiB"_s.arg(bytes / 1024);
    return u"%1 MiB"_s.arg(double(bytes) / (1024.0 * 1024.0), 0, 'f', 1);
}

QString summaryLine(const ServerStatistics &stats)
{
    return u"%1 online · %2 away · %3 dnd · %4 offline · %5 connections · %6 msg/s · up %7 · "
           u"confabd %8"_s.arg(stats.usersOnline)
               .arg(stats.usersAway)
               .arg(stats.usersDnd)
               .arg(stats.usersOffline)
               .arg(stats.connections)
               .arg(stats.messagesPerSecond, 0, 'f', 1)
               .arg(shortDuration(stats.uptimeMs))
               .arg(stats.version.isEmpty() ? u"?"_s : stats.version);
}

QString cell(const BoardUser &user, Column column, qint64 nowMs)
{
    const Presence &p = user.presence;
    switch (column) {
    case Column::User:
        return p.user;
    case Column::Status: {
        const QString status = presenceStatusName(p.status);
        return p.since > 0 ? status + u' ' + shortDuration(nowMs - p.since) : status;
    }
    case Column::Text:
        return p.text;
    case Column::LastSeen:
        return p.status == PresenceStatus::Offline ? ago(p.lastSeen, nowMs) : QString();
    case Column::Connections:
        return QString::number(user.connections.size());
    default:
        return {};
    }
}

QString cell(const BoardUser &user, const ConnectionInfo &c, Column column, qint64 nowMs)
{
    switch (column) {
    case Column::Session:
        return c.session;
    case Column::Client:
        return c.client.isEmpty() ? u"-"_s : QString(c.client).replace(u'/', u' ');
    case Column::Address:
        return c.address;
    case Column::Tls:
        return c.encrypted ? u"tls"_s : u"plain"_s;
    case Column::Since:
        return ago(c.connectedSince, nowMs);
    case Column::Idle:
        return u"idle "_s + shortDuration(PresenceBoard::idleMs(user, c, nowMs));
    case Column::Channels:
        return c.channels.isEmpty() ? u"-"_s : c.channels.join(u',');
    case Column::Unsent:
        return bytesText(c.unsentBytes) + u" unsent"_s;
    default:
        return {};
    }
}

QStringList presenceTable(const QList<const BoardUser *> &rows, const QList<Column> &chosen,
                          qint64 nowMs)
{
    QList<Column> userColumns;
    QList<Column> connectionColumns;
    for (Column column : chosen)
        (isConnectionColumn(column) ? connectionColumns : userColumns).append(column);

    // The user lines are aligned as one table, and so are the connection lines (under the
    // users, indented): each kind has its own columns.
    QList<QStringList> userCells;
    QStringList heading;
    for (Column column : userColumns)
        heading.append(columnHeading(column));
    if (!heading.isEmpty())
        userCells.append(heading);
    QList<QStringList> connectionCells;
    QList<qsizetype> connectionsOf; // per user row: how many connection lines follow it
    for (const BoardUser *user : rows) {
        QStringList cells;
        for (Column column : userColumns)
            cells.append(cell(*user, column, nowMs));
        userCells.append(cells);
        qsizetype count = 0;
        if (!connectionColumns.isEmpty()) {
            for (const ConnectionInfo &c : user->connections) {
                QStringList line;
                for (Column column : connectionColumns)
                    line.append(cell(*user, c, column, nowMs));
                connectionCells.append(line);
                ++count;
            }
        }
        connectionsOf.append(count);
    }
    const QStringList userLines = aligned(userCells, {});
    const QStringList connectionLines = aligned(connectionCells, u"  "_s);

    QStringList out;
    qsizetype u = 0;
    if (!heading.isEmpty())
        out.append(userLines[u++]);
    qsizetype c = 0;
    for (qsizetype row = 0; row < rows.size(); ++row) {
        if (!userColumns.isEmpty())
            out.append(userLines[u++]);
        for (qsizetype i = 0; i < connectionsOf[row]; ++i)
            out.append(connectionLines[c++]);
    }
    return out;
}

} // namespace confab::ctl
