// SPDX-License-Identifier: Apache-2.0
#include "adminpresencemodel.h"

#include <QDateTime>
#include <QVariantMap>

#include <algorithm>
#include <array>
#include <vector>

using namespace Qt::StringLiterals;

namespace confab::client {

namespace {

constexpr int kCoalesceMs = 50; // at most ~20 passes a second, however many events
constexpr int kClockMs = 1000;

QDateTime time(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms) : QDateTime();
}

QVariantMap connectionMap(const BoardUser &user, const ConnectionInfo &c, qint64 nowMs)
{
    const qint64 idle = PresenceBoard::idleMs(user, c, nowMs);
    return {{u"session"_s, c.session},
            {u"client"_s, c.client},
            {u"address"_s, c.address},
            {u"encrypted"_s, c.encrypted},
            {u"connectedSince"_s, time(c.connectedSince)},
            {u"idleMs"_s, idle},
            {u"lastActiveMs"_s, nowMs - idle},
            {u"channels"_s, c.channels},
            {u"unsentBytes"_s, c.unsentBytes}};
}

QList<qint64> unsentOf(const BoardUser *user)
{
    QList<qint64> bytes;
    if (user) {
        for (const ConnectionInfo &c : user->connections)
            bytes.append(c.unsentBytes);
    }
    return bytes;
}

/// The positions in `ranks` of a longest strictly increasing subsequence.
QList<qsizetype> longestIncreasing(const QList<qsizetype> &ranks)
{
    std::vector<qsizetype> tails; // per length: the position of the smallest last rank
    std::vector<qsizetype> previous(std::size_t(ranks.size()), -1);
    for (qsizetype i = 0; i < ranks.size(); ++i) {
        const auto it =
            std::lower_bound(tails.begin(), tails.end(), ranks[i],
                             [&](qsizetype at, qsizetype rank) { return ranks[at] < rank; });
        previous[std::size_t(i)] = it == tails.begin() ? -1 : *(it - 1);
        if (it == tails.end())
            tails.push_back(i);
        else
            *it = i;
    }
    QList<qsizetype> positions;
    for (qsizetype at = tails.empty() ? -1 : tails.back(); at >= 0; at = previous[std::size_t(at)])
        positions.prepend(at);
    return positions;
}

} // namespace

AdminPresenceModel::AdminPresenceModel(QObject *parent)
    : AdminPresenceModel([] { return QDateTime::currentMSecsSinceEpoch(); }, parent)
{}

AdminPresenceModel::AdminPresenceModel(ClockFn wallClock, QObject *parent)
    : QAbstractListModel(parent)
    , m_clock(std::move(wallClock))
    , m_now(m_clock())
    , m_stats(new AdminStats(m_clock, this))
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(kCoalesceMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &AdminPresenceModel::flush);
    m_clockTimer.setInterval(kClockMs);
    connect(&m_clockTimer, &QTimer::timeout, this, &AdminPresenceModel::tick);
}

int AdminPresenceModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant AdminPresenceModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const BoardUser *user = m_board.user(m_rows.at(index.row()));
    if (!user) // gone from the board; the pending pass removes the row
        return {};
    const Presence &p = user->presence;
    switch (role) {
    case Qt::DisplayRole:
    case UserRole:
        return p.user;
    case StatusRole:
        return QString(presenceStatusName(p.status));
    case StatusTextRole:
        return p.text;
    case SinceRole:
        return time(p.since);
    case LastSeenRole:
        return time(p.lastSeen);
    case ConnectionCountRole:
        return int(user->connections.size());
    case ConnectionsRole: {
        const qint64 now = m_clock();
        QVariantList list;
        list.reserve(user->connections.size());
        for (const ConnectionInfo &c : user->connections)
            list.append(connectionMap(*user, c, now));
        return list;
    }
    case ChangedRecentlyRole:
        return changedRecently(*user);
    case DisabledRole:
        return user->disabled;
    case ReconnectingRole:
        return p.status != PresenceStatus::Offline && user->connections.isEmpty();
    default:
        return {};
    }
}

QHash<int, QByteArray> AdminPresenceModel::roleNames() const
{
    return {{UserRole, "user"},
            {StatusRole, "status"},
            {StatusTextRole, "statusText"},
            {SinceRole, "since"},
            {LastSeenRole, "lastSeen"},
            {ConnectionCountRole, "connectionCount"},
            {ConnectionsRole, "connections"},
            {ChangedRecentlyRole, "changedRecently"},
            {DisabledRole, "disabled"},
            {ReconnectingRole, "reconnecting"}};
}

int AdminPresenceModel::rowOf(const QString &user) const
{
    return int(m_rows.indexOf(user));
}

// ---- filters --------------------------------------------------------------------------------

void AdminPresenceModel::setNameFilter(const QString &filter)
{
    const QString trimmed = filter.trimmed();
    if (trimmed == m_nameFilter)
        return;
    m_nameFilter = trimmed;
    Q_EMIT nameFilterChanged();
    m_allDirty = true;
    flush(); // typing wants its answer now
}

void AdminPresenceModel::setWatchFilter(const AdminWatchFilter &filter)
{
    if (filter == m_watchFilter)
        return;
    m_watchFilter = filter;
    Q_EMIT watchFilterChanged();
    m_allDirty = true;
    flush();
}

QStringList AdminPresenceModel::statusFilter() const
{
    QStringList names;
    for (PresenceStatus status : m_watchFilter.statuses)
        names.append(presenceStatusName(status));
    return names;
}

bool AdminPresenceModel::shows(const BoardUser &user) const
{
    return m_watchFilter.statuses.isEmpty() ||
           m_watchFilter.statuses.contains(user.presence.status);
}

bool AdminPresenceModel::changedRecently(const BoardUser &user) const
{
    return user.statusChangedAtMs > 0 && m_now - user.statusChangedAtMs < recentChangeMs;
}

// ---- data from the server -------------------------------------------------------------------

void AdminPresenceModel::setSnapshot(const AdminWatchOk &snapshot)
{
    m_now = m_clock();
    m_board.reset(snapshot, m_now);
    if (snapshot.stats)
        m_stats->setServerFigures(*snapshot.stats);
    m_allDirty = true;
    flush();
    setReady(true);
    if (!m_clockTimer.isActive())
        m_clockTimer.start();
}

void AdminPresenceModel::apply(const AdminPresenceEvent &event)
{
    note(m_board.apply(event, m_clock()));
    m_dirty.insert(event.presence.user);
    scheduleFlush();
}

void AdminPresenceModel::apply(const AdminStatsEvent &event)
{
    // Only the rows whose backlog figures moved change.
    QHash<QString, QList<qint64>> before;
    for (const QString &name : std::as_const(m_rows)) {
        const BoardUser *user = m_board.user(name);
        if (user && !user->connections.isEmpty())
            before.insert(name, unsentOf(user));
    }
    m_board.apply(event);
    for (auto it = before.cbegin(); it != before.cend(); ++it) {
        if (unsentOf(m_board.user(it.key())) != it.value())
            m_dirty.insert(it.key());
    }
    m_stats->setServerFigures(m_board.stats());
    if (!m_dirty.isEmpty())
        scheduleFlush();
}

void AdminPresenceModel::setServerName(const QString &name)
{
    m_stats->setServerName(name);
}

void AdminPresenceModel::clear()
{
    m_flushTimer.stop();
    m_clockTimer.stop();
    m_dirty.clear();
    m_allDirty = false;
    m_recent.clear();
    if (!m_rows.isEmpty()) {
        beginRemoveRows({}, 0, int(m_rows.size()) - 1);
        m_rows.clear();
        endRemoveRows();
    }
    m_board = PresenceBoard();
    if (m_watchedCount != 0) {
        m_watchedCount = 0;
        Q_EMIT watchedCountChanged();
    }
    if (!m_events.isEmpty()) {
        m_events.clear();
        Q_EMIT eventsChanged();
    }
    m_stats->clear();
    setReady(false);
}

// ---- passes ---------------------------------------------------------------------------------

void AdminPresenceModel::scheduleFlush()
{
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void AdminPresenceModel::flush()
{
    m_flushTimer.stop();
    const bool all = std::exchange(m_allDirty, false);
    QSet<QString> dirty = std::exchange(m_dirty, {});
    const qint64 now = m_clock();
    const bool nowMoved = now != m_now;
    m_now = now;

    // The rows as the board orders them now.
    QStringList wanted;
    for (const BoardUser *user : m_board.rows(PresenceBoard::Sort::Status, m_nameFilter)) {
        if (shows(*user))
            wanted.append(user->presence.user);
    }
    QHash<QString, qsizetype> rank;
    rank.reserve(wanted.size());
    for (qsizetype i = 0; i < wanted.size(); ++i)
        rank.insert(wanted[i], i);

    // 1. Rows that go, in runs from the end.
    for (qsizetype last = m_rows.size() - 1; last >= 0;) {
        if (rank.contains(m_rows[last])) {
            --last;
            continue;
        }
        qsizetype first = last;
        while (first > 0 && !rank.contains(m_rows[first - 1]))
            --first;
        beginRemoveRows({}, int(first), int(last));
        m_rows.remove(first, last - first + 1);
        endRemoveRows();
        last = first - 1;
    }

    // 2. The rows that stay in place: a longest run already in the wanted order. Only the
    //    users an event touched can be out of it.
    QList<qsizetype> ranks;
    ranks.reserve(m_rows.size());
    for (const QString &name : std::as_const(m_rows))
        ranks.append(rank.value(name));
    QSet<QString> staying;
    for (qsizetype at : longestIncreasing(ranks))
        staying.insert(m_rows[at]);

    // 3. Every other row goes right after the one it follows (in the wanted order, that
    //    one is in place already), by a move, or an insert for a row new to the view.
    for (qsizetype i = 0; i < wanted.size(); ++i) {
        const QString &name = wanted[i];
        if (staying.contains(name))
            continue;
        const qsizetype target = i == 0 ? 0 : m_rows.indexOf(wanted[i - 1]) + 1;
        const qsizetype from = m_rows.indexOf(name);
        if (from < 0) {
            beginInsertRows({}, int(target), int(target));
            m_rows.insert(target, name);
            endInsertRows();
            dirty.remove(name); // its data is fresh
        } else if (from != target) {
            beginMoveRows({}, int(from), int(from), {}, int(target));
            m_rows.move(from, from < target ? target - 1 : target);
            endMoveRows();
        }
    }
    Q_ASSERT(m_rows == wanted);

    // 4. The data of the rows the events touched.
    if (all) {
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1));
        m_recent.clear();
        for (const QString &name : std::as_const(m_rows)) {
            if (changedRecently(*m_board.user(name)))
                m_recent.insert(name);
        }
    } else {
        for (const QString &name : std::as_const(dirty)) {
            const int row = rowOf(name);
            if (row < 0)
                continue;
            Q_EMIT dataChanged(index(row), index(row));
        }
        for (const QString &name : std::as_const(m_rows)) {
            if (!m_recent.contains(name) && changedRecently(*m_board.user(name)))
                m_recent.insert(name);
        }
    }
    m_recent.removeIf([&](const QString &name) { return !rank.contains(name); });

    if (m_watchedCount != m_board.size()) {
        m_watchedCount = int(m_board.size());
        Q_EMIT watchedCountChanged();
    }
    updateCountedFigures();
    if (std::exchange(m_eventsChanged, false))
        Q_EMIT eventsChanged();
    if (nowMoved)
        Q_EMIT nowChanged();
}

void AdminPresenceModel::tick()
{
    const qint64 now = m_clock();
    if (now != m_now) {
        m_now = now;
        Q_EMIT nowChanged();
    }
    m_stats->tick();
    // Highlights that have run their time: that role alone changes.
    QStringList ended;
    for (const QString &name : std::as_const(m_recent)) {
        const BoardUser *user = m_board.user(name);
        if (!user || !changedRecently(*user))
            ended.append(name);
    }
    for (const QString &name : std::as_const(ended)) {
        m_recent.remove(name);
        if (const int row = rowOf(name); row >= 0)
            Q_EMIT dataChanged(index(row), index(row), {ChangedRecentlyRole});
    }
}

void AdminPresenceModel::updateCountedFigures()
{
    if (m_board.hasStats() || !m_ready)
        return;
    // A server without figures: count what the watch shows (as the console does).
    std::array<qint64, 4> byStatus{}; // in PresenceStatus order: online, away, dnd, offline
    ServerStatistics counted;
    for (const BoardUser *user : m_board.rows(PresenceBoard::Sort::Name)) {
        ++byStatus[std::size_t(user->presence.status)];
        counted.connections += user->connections.size();
    }
    counted.usersOnline = byStatus[0];
    counted.usersAway = byStatus[1];
    counted.usersDnd = byStatus[2];
    counted.usersOffline = byStatus[3];
    m_stats->setCountedFigures(counted);
}

void AdminPresenceModel::setReady(bool ready)
{
    if (ready == m_ready)
        return;
    m_ready = ready;
    if (ready)
        updateCountedFigures();
    Q_EMIT readyChanged();
}

void AdminPresenceModel::note(const QString &line)
{
    m_events.append(QDateTime::fromMSecsSinceEpoch(m_clock()).toString(u"HH:mm:ss"_s) + u"  "_s +
                    line);
    if (m_events.size() > maxEvents)
        m_events.removeFirst();
    m_eventsChanged = true;
}

} // namespace confab::client
