// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "onlinecommands.h"
#include "presenceboard.h"
#include "redrawlog.h"
#include "terminalscreen.h"

#include <QEventLoop>
#include <QTimer>

#include <optional>

namespace confab::ctl {

/// `confabctl presence --watch` on a terminal: the whole screen, kept live like `top`.
/// `link` is signed in already; returns the exit code (0 on q or Ctrl-C; 3 or 4 with the
/// sentence on stderr when the engine stops for good or the server refuses the watch).
int runWatchScreen(ServerLink &link, const OnlineRequest &request);

/// The live presence console: what it shows (the board, the selection, the last events,
/// the connection's state), how it is laid out, and what the keys do. Drawing goes through
/// a TerminalScreen; data comes from admin.watch through the engine's events, and a server
/// restart is only a line in the log: the engine signs in again and the watch is re-sent.
///
/// Rows on the screen, top to bottom: the server's figures and URL; the state, sort and
/// filter; the column headings; the table (each user, their connections indented below);
/// the last events; the key help (or the filter / kick prompt).
class WatchScreen : public QObject
{
    Q_OBJECT
public:
    WatchScreen(ServerLink &link, const OnlineRequest &request, TerminalScreen &screen);
    ~WatchScreen() override;

    /// Runs until q, Ctrl-C or the engine gives up; the exit code.
    int run();

private:
    /// One selectable table line: a user, or one of their connections.
    struct Line
    {
        QString user;
        QString session; ///< empty on the user's own line
        QString text;
        unsigned style = TerminalScreen::Plain;
    };
    enum class Mode { Browse, Filter, ConfirmKick };

    void watch();
    void onEvent(const ServerFrame &frame);
    void onStateChanged();
    void onSignedIn();

    void onKey(const Key &key);
    void browseKey(const Key &key);
    void filterKey(const Key &key);
    void confirmKey(const Key &key);
    void moveSelection(qsizetype to);
    void askKick();
    void sendKick();

    /// Adds a line to the event log (with the time).
    void note(const QString &line);
    void scheduleRedraw();
    void redraw();
    void drawHeader(int width);
    void drawTable(qint64 nowMs, int top, int bottom, int width);
    void drawEvents(int top, int count, int width);
    void drawBottom(int row, int width);
    /// The table as lines, and its headings (users, then connections), for the time `nowMs`.
    /// Every row in order, without text (cheap for 10,000 users).
    QList<Line> tableLines(qint64 nowMs) const;
    /// Formats rows [from, from + count) of m_lines; returns the heading lines.
    QStringList formatLines(qsizetype from, qsizetype count, qint64 nowMs);
    QString stateText(unsigned *style) const;

    void finish(int code, const QString &why = {});

    ServerLink &m_link;
    const OnlineRequest &m_request;
    TerminalScreen &m_screen;
    PresenceBoard m_board;
    RedrawLog m_redrawLog;
    bool m_haveSnapshot = false;

    PresenceBoard::Sort m_sort = PresenceBoard::Sort::Status;
    QString m_filter;
    QList<Line> m_lines;      ///< as last drawn: what the keys act on
    qsizetype m_selected = 0; ///< index in m_lines
    QString m_selectedUser;   ///< the selection follows its row when rows move
    QString m_selectedSession;
    int m_top = 0;      ///< the first table line on screen
    int m_pageRows = 1; ///< table rows on screen, for PgUp / PgDn

    Mode m_mode = Mode::Browse;
    QString m_edit;     ///< the filter being typed
    QString m_question; ///< the kick prompt
    AdminKickRequest m_kick;

    QStringList m_events;
    bool m_lost = false;                 ///< the session ended and has not come back yet
    qint64 m_reconnectedAtMs = 0;        ///< shows "reconnected" for a few seconds
    std::optional<bool> m_rejectedToken; ///< credentialsRejected(wasToken), when it came

    QTimer m_redrawTimer; ///< coalesces bursts of events into one redraw
    QTimer m_clock;       ///< once a second: idle times and "since" keep counting
    QEventLoop m_loop;
    bool m_done = false;
    int m_exitCode = 0;
    QString m_why;
};

} // namespace confab::ctl
