// SPDX-License-Identifier: Apache-2.0
#include "watchscreen.h"

#include "commands.h"
#include "presencetext.h"

#include <QDateTime>
#include <QPointer>

#include <array>
#include <csignal>

using namespace Qt::StringLiterals;

namespace confab::ctl {

namespace {

constexpr int kRedrawDelayMs = 50;           // at most ~20 redraws a second, however many events
constexpr qint64 kRecentChangeMs = 3000;     // a status change stands out this long
constexpr qint64 kReconnectedShownMs = 5000; // "reconnected" before it is "live" again
constexpr qsizetype kMaxEvents = 200;
constexpr int kMaxCellWidth = 32; // a long status text must not push the other columns away

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

/// The command line's own filter (applied by the server), in words; empty without one.
QString describe(const AdminWatchFilter &filter)
{
    QStringList parts;
    if (!filter.userGlob.isEmpty())
        parts.append(u"users "_s + filter.userGlob);
    if (!filter.statuses.isEmpty()) {
        QStringList names;
        for (PresenceStatus status : filter.statuses)
            names.append(presenceStatusName(status));
        parts.append(names.join(u','));
    }
    if (!filter.channel.isEmpty())
        parts.append(u"channel "_s + filter.channel);
    if (filter.idleOverMs)
        parts.append(u"idle over "_s + shortDuration(*filter.idleOverMs));
    return parts.join(u", "_s);
}

/// The totals line counted from the board, for a server whose snapshot carries no figures
/// (one from before admin.stats): users by status and connections, worded as summaryLine().
QString boardSummary(const PresenceBoard &board, const QString &server)
{
    std::array<qint64, 4> byStatus{}; // in PresenceStatus order: online, away, dnd, offline
    qint64 connections = 0;
    for (const BoardUser *user : board.rows(PresenceBoard::Sort::Name)) {
        ++byStatus[std::size_t(user->presence.status)];
        connections += user->connections.size();
    }
    QString line = u"%1 online · %2 away · %3 dnd · %4 offline · %5 connections"_s.arg(byStatus[0])
                       .arg(byStatus[1])
                       .arg(byStatus[2])
                       .arg(byStatus[3])
                       .arg(connections);
    if (!server.isEmpty())
        line += u" · "_s + QString(server).replace(u'/', u' ');
    return line;
}

} // namespace

int runWatchScreen(ServerLink &link, const OnlineRequest &request)
{
    TerminalScreen screen;
    QString why;
    if (!screen.open(&why))
        return fail(ExitFailed, why);
    WatchScreen console(link, request, screen);
    return console.run();
}

WatchScreen::WatchScreen(ServerLink &link, const OnlineRequest &request, TerminalScreen &screen)
    : m_link(link)
    , m_request(request)
    , m_screen(screen)
{
    m_redrawTimer.setSingleShot(true);
    m_redrawTimer.setInterval(kRedrawDelayMs);
    connect(&m_redrawTimer, &QTimer::timeout, this, &WatchScreen::redraw);
    m_clock.setInterval(1000);
    connect(&m_clock, &QTimer::timeout, this, &WatchScreen::redraw);

    client::Connection &connection = link.connection();
    connect(&connection, &client::Connection::eventReceived, this, &WatchScreen::onEvent);
    connect(&connection, &client::Connection::signedIn, this, &WatchScreen::onSignedIn);
    connect(&connection, &client::Connection::sessionEnded, this, [this] {
        m_lost = true;
        note(u"connection lost; reconnecting"_s);
    });
    connect(&connection, &client::Connection::stateChanged, this, &WatchScreen::onStateChanged);
    connect(&connection, &client::Connection::secondsToRetryChanged, this,
            &WatchScreen::scheduleRedraw);
    connect(&connection, &client::Connection::credentialsRejected, this,
            [this](bool wasToken) { m_rejectedToken = wasToken; });

    connect(&screen, &TerminalScreen::keyPressed, this, &WatchScreen::onKey);
    connect(&screen, &TerminalScreen::redrawNeeded, this, &WatchScreen::redraw);
    connect(&screen, &TerminalScreen::interrupted, this,
            [this](int signal) { finish(signal == SIGINT ? ExitOk : 128 + signal); });
    connect(&screen, &TerminalScreen::inputClosed, this, [this] { finish(ExitOk); });
}

WatchScreen::~WatchScreen() = default;

int WatchScreen::run()
{
    m_clock.start();
    watch();
    redraw();
    if (!m_done)
        m_loop.exec();
    m_clock.stop();
    m_redrawTimer.stop();
    // Closing answers the requests in flight (with nullopt) while this object still exists;
    // m_done keeps the Offline it reports from counting as the engine giving up.
    m_done = true;
    m_link.connection().close();
    m_screen.close();
    if (!m_why.isEmpty())
        return fail(m_exitCode, m_why);
    return m_exitCode;
}

void WatchScreen::finish(int code, const QString &why)
{
    if (m_done)
        return;
    m_done = true;
    m_exitCode = code;
    m_why = why;
    m_loop.exit(code);
}

// ---- the server ----------------------------------------------------------------------------

void WatchScreen::watch()
{
    QPointer<WatchScreen> self(this);
    m_link.connection().request(
        AdminWatchRequest{0, m_request.filter}, [self](const std::optional<Reply> &reply) {
            if (!self || !reply)
                return; // the session ended: the engine signs in again and onSignedIn asks again
            if (reply->error) {
                const Error &error = *reply->error;
                const ServerTarget &target = self->m_link.target();
                const bool refused =
                    error.code == ErrorCode::Forbidden || error.code == ErrorCode::Unauthorized;
                self->finish(refused ? ExitUnauthorized : ExitFailed,
                             refused ? u"%1 is not an admin on %2 (%3)"_s.arg(
                                           target.user, target.url.toDisplayString(), error.message)
                                     : u"the server refused to watch: %1"_s.arg(error.message));
                return;
            }
            const auto snapshot = AdminWatchOk::fromJson(reply->ok);
            if (!snapshot) {
                self->note(u"the server's snapshot could not be read"_s);
                return;
            }
            self->m_board.reset(*snapshot, nowMs());
            self->m_haveSnapshot = true;
            self->scheduleRedraw();
        });
}

void WatchScreen::onEvent(const ServerFrame &frame)
{
    if (const auto *event = std::get_if<AdminPresenceEvent>(&frame)) {
        m_redrawLog.eventArrived();
        note(m_board.apply(*event, nowMs()));
    } else if (const auto *stats = std::get_if<AdminStatsEvent>(&frame)) {
        m_board.apply(*stats);
        scheduleRedraw();
    }
}

void WatchScreen::onSignedIn()
{
    // Signed in again after a loss (the first sign-in happened before this screen).
    m_link.connection().setOnline(); // confabctl joins nothing: nothing to catch up on
    m_lost = false;
    m_reconnectedAtMs = nowMs();
    note(u"reconnected"_s);
    watch(); // a new session watches nothing until asked; its snapshot replaces the board
}

void WatchScreen::onStateChanged()
{
    scheduleRedraw();
    if (m_done || m_link.connection().state() != client::Connection::State::Offline)
        return;
    // Offline: the engine stopped for good. It says Offline before credentialsRejected,
    // so decide once the engine is done reporting.
    QTimer::singleShot(0, this, [this] {
        if (m_done || m_link.connection().state() != client::Connection::State::Offline)
            return;
        const QString where = m_link.target().url.toDisplayString();
        if (m_rejectedToken) {
            finish(ExitUnauthorized,
                   *m_rejectedToken
                       ? u"the saved sign-in for %1 is no longer valid; run confabctl login"_s.arg(
                             where)
                       : u"%1 refused the user name or password"_s.arg(where));
            return;
        }
        finish(ExitCannotConnect,
               u"gave up on %1: %2"_s.arg(where, m_link.connection().errorString()));
    });
}

// ---- keys ----------------------------------------------------------------------------------

void WatchScreen::onKey(const Key &key)
{
    switch (m_mode) {
    case Mode::Browse:
        browseKey(key);
        break;
    case Mode::Filter:
        filterKey(key);
        break;
    case Mode::ConfirmKick:
        confirmKey(key);
        break;
    }
    if (!m_done)
        redraw(); // at once, not coalesced: a key wants its answer now
}

void WatchScreen::browseKey(const Key &key)
{
    switch (key.special) {
    case Key::Up:
        moveSelection(m_selected - 1);
        return;
    case Key::Down:
        moveSelection(m_selected + 1);
        return;
    case Key::PageUp:
        moveSelection(m_selected - m_pageRows);
        return;
    case Key::PageDown:
        moveSelection(m_selected + m_pageRows);
        return;
    case Key::Home:
        moveSelection(0);
        return;
    case Key::End:
        moveSelection(m_lines.size() - 1);
        return;
    case Key::None:
        break;
    default:
        return;
    }
    switch (key.text) {
    case U'q':
    case U'Q':
        finish(ExitOk);
        break;
    case U'/':
        m_edit = m_filter;
        m_mode = Mode::Filter;
        break;
    case U's':
        m_sort = nextSort(m_sort);
        break;
    case U'k':
        askKick();
        break;
    default:
        break;
    }
}

void WatchScreen::filterKey(const Key &key)
{
    switch (key.special) {
    case Key::Enter:
        m_filter = m_edit.trimmed();
        m_mode = Mode::Browse;
        break;
    case Key::Escape:
        m_mode = Mode::Browse;
        break;
    case Key::Backspace:
        if (!m_edit.isEmpty())
            m_edit.chop(m_edit.size() > 1 && m_edit.back().isLowSurrogate() ? 2 : 1);
        break;
    case Key::None:
        if (key.text >= 0x20)
            m_edit += QString::fromUcs4(&key.text, 1);
        break;
    default:
        break;
    }
}

void WatchScreen::confirmKey(const Key &key)
{
    m_mode = Mode::Browse;
    if (key.special == Key::None && (key.text == U'y' || key.text == U'Y'))
        sendKick();
}

void WatchScreen::moveSelection(qsizetype to)
{
    if (m_lines.isEmpty())
        return;
    m_selected = std::clamp<qsizetype>(to, 0, m_lines.size() - 1);
    m_selectedUser = m_lines[m_selected].user;
    m_selectedSession = m_lines[m_selected].session;
}

void WatchScreen::askKick()
{
    if (m_lines.isEmpty()) {
        note(u"nobody to kick"_s);
        return;
    }
    const Line &line = m_lines[m_selected];
    m_kick = AdminKickRequest{};
    if (line.session.isEmpty()) {
        const BoardUser *user = m_board.user(line.user);
        const qsizetype count = user ? user->connections.size() : 0;
        if (count == 0) {
            note(u"%1 has no open connection"_s.arg(line.user));
            return;
        }
        m_kick.user = line.user;
        m_question = u"Kick %1 (%2 connection%3)? y/N"_s.arg(line.user, QString::number(count),
                                                             count == 1 ? QString() : u"s"_s);
    } else {
        m_kick.session = line.session;
        m_question = u"Kick %1's session %2? y/N"_s.arg(line.user, line.session);
    }
    m_mode = Mode::ConfirmKick;
}

void WatchScreen::sendKick()
{
    const QString who = m_kick.user.isEmpty() ? m_kick.session : m_kick.user;
    QPointer<WatchScreen> self(this);
    const bool sent = m_link.connection().request(m_kick, [self,
                                                           who](const std::optional<Reply> &reply) {
        if (!self)
            return;
        if (!reply) {
            self->note(u"kick %1: the connection ended before the server answered"_s.arg(who));
        } else if (reply->error) {
            self->note(u"kick %1 refused: %2"_s.arg(who, reply->error->message));
        } else {
            const auto ok = AdminKickOk::fromJson(reply->ok);
            const qint64 closed = ok ? ok->closed : 0;
            self->note(closed == 0 ? u"%1 had no open connection"_s.arg(who)
                                   : u"kicked %1: %2 connection(s) closed"_s.arg(who).arg(closed));
        }
    });
    if (!sent)
        note(u"cannot kick %1 while the connection is down"_s.arg(who));
}

// ---- drawing -------------------------------------------------------------------------------

void WatchScreen::note(const QString &line)
{
    m_events.append(QDateTime::currentDateTime().toString(u"HH:mm:ss"_s) + u"  "_s + line);
    if (m_events.size() > kMaxEvents)
        m_events.removeFirst();
    scheduleRedraw();
}

void WatchScreen::scheduleRedraw()
{
    if (!m_redrawTimer.isActive())
        m_redrawTimer.start();
}

void WatchScreen::redraw()
{
    for (const QString &message : m_screen.takeMessages())
        note(message);
    m_redrawTimer.stop();
    if (m_done)
        return;
    m_redrawLog.redrawStarted();

    const int rows = m_screen.rows();
    const int width = m_screen.columns();
    m_screen.erase();
    if (rows < 8 || width < 30) {
        m_screen.draw(0, 0, u"the terminal is too small"_s);
        m_screen.hideCursor();
        m_screen.present();
        return;
    }

    const qint64 now = nowMs();
    m_lines = tableLines(now);
    // The selection stays on its row as rows move; on its user when its connection closed.
    qsizetype found = -1;
    for (qsizetype i = 0; i < m_lines.size() && found < 0; ++i) {
        if (m_lines[i].user == m_selectedUser && m_lines[i].session == m_selectedSession)
            found = i;
    }
    for (qsizetype i = 0; i < m_lines.size() && found < 0; ++i) {
        if (m_lines[i].user == m_selectedUser && m_lines[i].session.isEmpty())
            found = i;
    }
    moveSelection(found >= 0 ? found : m_selected);

    const int eventRows = std::clamp((rows - 10) / 2, 0, 5);
    const int bottom = rows - 1;
    const int tableEnd = eventRows > 0 ? bottom - eventRows - 1 : bottom;
    drawHeader(width);
    drawTable(now, 2, tableEnd, width);
    if (eventRows > 0)
        drawEvents(tableEnd, eventRows, width);
    drawBottom(bottom, width); // last: it places the cursor
    m_screen.present();
    m_redrawLog.redrawFinished();
}

QString WatchScreen::stateText(unsigned *style) const
{
    using State = client::Connection::State;
    const client::Connection &connection = m_link.connection();
    *style = TerminalScreen::Bold;
    switch (connection.state()) {
    case State::Online:
        if (m_reconnectedAtMs > 0 && nowMs() - m_reconnectedAtMs < kReconnectedShownMs) {
            *style |= TerminalScreen::Accent;
            return u"reconnected"_s;
        }
        return u"live"_s;
    case State::Syncing:
        return u"signed in"_s;
    case State::WaitingToRetry:
        *style |= TerminalScreen::Warning;
        return u"connection lost — reconnecting in %1s"_s.arg(connection.secondsToRetry());
    case State::Connecting:
    case State::Authenticating:
        if (!m_lost)
            return u"connecting"_s;
        *style |= TerminalScreen::Warning;
        return u"connection lost — reconnecting"_s;
    case State::Offline:
        break;
    }
    *style |= TerminalScreen::Warning;
    return u"stopped"_s;
}

void WatchScreen::drawHeader(int width)
{
    const QString summary = m_board.hasStats() ? summaryLine(m_board.stats())
                            : m_haveSnapshot
                                ? boardSummary(m_board, m_link.connection().session().server)
                                : u"waiting for the server…"_s;
    const QString url = m_link.target().url.toDisplayString();
    const int urlWidth = TerminalScreen::width(url);
    const bool urlFits = TerminalScreen::width(summary) + 3 + urlWidth <= width;
    m_screen.draw(0, 0, summary, TerminalScreen::Bold);
    if (urlFits)
        m_screen.draw(0, width - urlWidth, url);

    unsigned style = TerminalScreen::Plain;
    const QString state = stateText(&style);
    QString rest = u"  ·  sort: "_s + sortName(m_sort);
    if (!m_filter.isEmpty())
        rest += u"  ·  filter: "_s + m_filter;
    if (const QString server = describe(m_request.filter); !server.isEmpty())
        rest += u"  ·  watching "_s + server;
    if (!urlFits)
        rest += u"  ·  "_s + url;
    m_screen.draw(1, 0, state, style);
    m_screen.draw(1, TerminalScreen::width(state), rest);
}

void WatchScreen::drawTable(qint64 now, int top, int bottom, int width)
{
    const bool connectionRows = std::any_of(m_request.columns.cbegin(), m_request.columns.cend(),
                                            [](Column c) { return isConnectionColumn(c); });
    int row = top + (connectionRows ? 2 : 1);
    const int visible = std::max(1, bottom - row);
    m_pageRows = visible;
    // Scroll just enough to keep the selection on screen.
    if (m_selected < m_top)
        m_top = int(m_selected);
    if (m_selected >= m_top + visible)
        m_top = int(m_selected) - visible + 1;
    m_top = std::clamp(m_top, 0, std::max(0, int(m_lines.size()) - visible));

    // Only the rows on screen are formatted: with 10,000 users a redraw formats 40.
    const QStringList headings = formatLines(m_top, visible, now);
    for (int i = 0; i < headings.size(); ++i)
        m_screen.draw(top + i, 0, headings[i], TerminalScreen::Bold, width);
    if (m_lines.isEmpty()) {
        const QString why = !m_haveSnapshot      ? u"loading…"_s
                            : m_filter.isEmpty() ? u"no users"_s
                                                 : u"no user matches “%1”"_s.arg(m_filter);
        m_screen.draw(row, 0, why, TerminalScreen::Dim);
        return;
    }
    for (int i = 0; i < visible && m_top + i < m_lines.size(); ++i) {
        const Line &line = m_lines[m_top + i];
        unsigned style = line.style;
        if (m_top + i == m_selected)
            style |= TerminalScreen::Reverse;
        m_screen.draw(row + i, 0, line.text, style, width);
    }
}

void WatchScreen::drawEvents(int top, int count, int width)
{
    QString rule = u"── events "_s;
    QString position;
    if (m_lines.size() > m_pageRows) {
        const qsizetype last = std::min<qsizetype>(m_top + m_pageRows, m_lines.size());
        position = u" rows %1-%2 of %3 ──"_s.arg(m_top + 1).arg(last).arg(m_lines.size());
    }
    const int fill = width - TerminalScreen::width(rule) - TerminalScreen::width(position);
    rule += QString(std::max(0, fill), u'─') + position;
    m_screen.draw(top, 0, rule, TerminalScreen::Dim);
    const qsizetype first = std::max<qsizetype>(0, m_events.size() - count);
    for (qsizetype i = first; i < m_events.size(); ++i)
        m_screen.draw(top + 1 + int(i - first), 0, m_events[i]);
}

void WatchScreen::drawBottom(int row, int width)
{
    switch (m_mode) {
    case Mode::Browse:
        m_screen.draw(row, 0, u"↑↓ PgUp PgDn move  / filter  s sort  k kick  q quit"_s,
                      TerminalScreen::Dim);
        m_screen.hideCursor();
        return;
    case Mode::Filter: {
        const QString typed = u"filter: "_s + m_edit;
        const QString hint = u"Enter applies, Esc cancels"_s;
        const int typedWidth = TerminalScreen::width(typed);
        m_screen.draw(row, 0, typed, TerminalScreen::Bold);
        if (typedWidth + 3 + TerminalScreen::width(hint) <= width)
            m_screen.draw(row, width - TerminalScreen::width(hint), hint, TerminalScreen::Dim);
        m_screen.showCursor(row, std::min(typedWidth, width - 1));
        return;
    }
    case Mode::ConfirmKick:
        m_screen.draw(row, 0, m_question, TerminalScreen::Bold | TerminalScreen::Warning);
        m_screen.showCursor(row, std::min(TerminalScreen::width(m_question) + 1, width - 1));
        return;
    }
}

QList<WatchScreen::Line> WatchScreen::tableLines(qint64 now) const
{
    const bool connectionRows = std::any_of(m_request.columns.cbegin(), m_request.columns.cend(),
                                            [](Column c) { return isConnectionColumn(c); });
    QList<Line> lines;
    for (const BoardUser *user : m_board.rows(m_sort, m_filter)) {
        const qint64 changed = user->statusChangedAtMs;
        unsigned style = TerminalScreen::Plain;
        if (changed > 0 && now - changed < kRecentChangeMs)
            style = TerminalScreen::Bold | TerminalScreen::Accent;
        else if (user->presence.status == PresenceStatus::Offline)
            style = TerminalScreen::Dim;
        lines.append({user->presence.user, {}, {}, style});
        if (!connectionRows)
            continue;
        for (const ConnectionInfo &connection : user->connections)
            lines.append({user->presence.user, connection.session, {}});
    }
    return lines;
}

QStringList WatchScreen::formatLines(qsizetype from, qsizetype count, qint64 now)
{
    QList<Column> userColumns;
    QList<Column> connectionColumns;
    for (Column column : m_request.columns)
        (isConnectionColumn(column) ? connectionColumns : userColumns).append(column);
    if (userColumns.isEmpty())
        userColumns.append(Column::User); // a row to select for each user all the same

    // As `presence` prints them: the user lines aligned as one table, the connection lines
    // (indented below their user) as another; each has its heading line. The widths come
    // from the rows on screen.
    QList<QStringList> userCells{{}};
    QList<QStringList> connectionCells{{}};
    for (Column column : userColumns)
        userCells[0].append(columnHeading(column));
    for (Column column : connectionColumns)
        connectionCells[0].append(columnHeading(column));
    const qsizetype end = std::min(from + count, m_lines.size());
    for (qsizetype i = from; i < end; ++i) {
        const Line &line = m_lines[i];
        const BoardUser *user = m_board.user(line.user);
        if (!user)
            continue;
        QStringList cells;
        if (line.session.isEmpty()) {
            for (Column column : userColumns)
                cells.append(TerminalScreen::clip(cell(*user, column, now), kMaxCellWidth));
            userCells.append(cells);
            continue;
        }
        const auto connection =
            std::find_if(user->connections.cbegin(), user->connections.cend(),
                         [&](const ConnectionInfo &c) { return c.session == line.session; });
        if (connection == user->connections.cend())
            continue;
        for (Column column : connectionColumns)
            cells.append(
                TerminalScreen::clip(cell(*user, *connection, column, now), kMaxCellWidth));
        connectionCells.append(cells);
    }
    const QStringList userText = aligned(userCells, {});
    const QStringList connectionText = aligned(connectionCells, u"  "_s);
    qsizetype u = 1;
    qsizetype c = 1;
    for (qsizetype i = from; i < end; ++i) {
        Line &line = m_lines[i];
        line.text = line.session.isEmpty() ? userText.value(u++) : connectionText.value(c++);
    }
    QStringList headings{userText[0]};
    if (!connectionColumns.isEmpty())
        headings.append(connectionText[0]);
    return headings;
}

} // namespace confab::ctl
