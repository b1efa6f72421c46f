// SPDX-License-Identifier: Apache-2.0
#include "terminalscreen.h"

#include "presencetext.h"

#include <QMutex>
#include <QSocketNotifier>

#include <array>
#include <cerrno>
#include <clocale>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cwchar>
#include <fcntl.h>
#include <langinfo.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <utility>

// After Qt: curses.h defines names (OK, ERR) that Qt's headers use. NOMACROS makes
// erase(), refresh() and friends functions, not macros that would rewrite our own names.
#define NCURSES_WIDECHAR 1
#define NCURSES_NOMACROS 1
#include <curses.h>

using namespace Qt::StringLiterals;

namespace confab::ctl {

namespace {

constexpr std::array handledSignals{SIGWINCH, SIGINT, SIGTERM, SIGHUP};
constexpr short accentPair = 1;
constexpr short warningPair = 2;

// Process-wide, because signal handlers and atexit() can reach nothing else.
int signalPipe[2] = {-1, -1};
std::array<struct sigaction, handledSignals.size()> previousActions;
SCREEN *screen = nullptr;
bool cursesActive = false;

QMutex messageLock;
QStringList messages;
QtMessageHandler previousHandler = nullptr;

void forwardSignal(int signal)
{
    // Only write() here: the event loop does the work when the pipe wakes it.
    const int saved = errno;
    const unsigned char byte = static_cast<unsigned char>(signal);
    [[maybe_unused]] const ssize_t written = ::write(signalPipe[1], &byte, 1);
    errno = saved;
}

/// The terminal back as the shell left it, whatever ends the program.
void restoreTerminal()
{
    if (cursesActive) {
        cursesActive = false;
        endwin();
    }
}

void keepMessage(QtMsgType type, const QMessageLogContext &context, const QString &text)
{
    if (type == QtFatalMsg) { // about to abort: give the terminal back so the message shows
        restoreTerminal();
        if (previousHandler)
            previousHandler(type, context, text);
        return;
    }
    if (type == QtDebugMsg || type == QtInfoMsg)
        return;
    const QMutexLocker lock(&messageLock);
    if (messages.size() < 100)
        messages.append(text);
}

} // namespace

TerminalScreen::TerminalScreen(QObject *parent)
    : QObject(parent)
{}

TerminalScreen::~TerminalScreen()
{
    close();
}

bool TerminalScreen::open(QString *error)
{
    if (m_open)
        return true;
    std::setlocale(LC_ALL, ""); // so UTF-8 names and "·" draw as themselves
    m_unicode = QByteArrayView(nl_langinfo(CODESET)) == "UTF-8";

    if (::pipe2(signalPipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        *error = u"cannot set up the screen: %1"_s.arg(QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    // Our handlers before newterm(): ncurses installs its own only where none is set, and
    // its SIGWINCH handler would only report a resize at the next key press.
    struct sigaction action = {};
    action.sa_handler = forwardSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (std::size_t i = 0; i < handledSignals.size(); ++i)
        sigaction(handledSignals[i], &action, &previousActions[i]);

    screen = newterm(nullptr, stdout, stdin);
    if (!screen) {
        restoreSignals();
        *error = u"cannot draw on this terminal (TERM=%1); `presence --watch | cat` prints "
                 u"the changes as lines"_s.arg(qEnvironmentVariable("TERM"));
        return false;
    }
    cursesActive = true;
    static const bool restoresAtExit = std::atexit(restoreTerminal) == 0;
    Q_UNUSED(restoresAtExit);

    cbreak(); // keys one by one; Ctrl-C stays SIGINT
    noecho();
    nonl();
    keypad(stdscr, TRUE);  // arrows and PgUp as KEY_* codes
    nodelay(stdscr, TRUE); // get_wch() never blocks the event loop
    set_escdelay(25);      // Esc alone cancels a prompt at once
    curs_set(0);
    if (has_colors()) {
        start_color();
        const short background = use_default_colors() == OK ? -1 : COLOR_BLACK;
        init_pair(accentPair, COLOR_YELLOW, background);
        init_pair(warningPair, COLOR_RED, background);
        m_colours = true;
    }

    m_keys = std::make_unique<QSocketNotifier>(STDIN_FILENO, QSocketNotifier::Read);
    connect(m_keys.get(), &QSocketNotifier::activated, this, &TerminalScreen::readKeys);
    m_signals = std::make_unique<QSocketNotifier>(signalPipe[0], QSocketNotifier::Read);
    connect(m_signals.get(), &QSocketNotifier::activated, this, &TerminalScreen::readSignals);
    previousHandler = qInstallMessageHandler(keepMessage);
    m_open = true;
    return true;
}

void TerminalScreen::close()
{
    if (!m_open)
        return;
    m_open = false;
    m_keys.reset();
    m_signals.reset();
    restoreTerminal();
    delscreen(screen);
    screen = nullptr;
    restoreSignals();
    qInstallMessageHandler(previousHandler);
    previousHandler = nullptr;
}

void TerminalScreen::restoreSignals()
{
    for (std::size_t i = 0; i < handledSignals.size(); ++i)
        sigaction(handledSignals[i], &previousActions[i], nullptr);
    for (int &fd : signalPipe) {
        ::close(fd);
        fd = -1;
    }
}

int TerminalScreen::rows() const
{
    return m_open ? getmaxy(stdscr) : 0;
}

int TerminalScreen::columns() const
{
    return m_open ? getmaxx(stdscr) : 0;
}

void TerminalScreen::erase()
{
    if (m_open)
        werase(stdscr);
}

void TerminalScreen::draw(int row, int column, const QString &text, unsigned style, int width)
{
    if (!m_open || row < 0 || row >= rows() || column < 0 || column >= columns())
        return;
    const int room = columns() - column;
    const int w = width < 0 ? room : std::min(width, room);
    QString shown = forTerminal(clip(text, w));
    if (style & Reverse)
        shown = pad(shown, w);
    attr_t attributes = A_NORMAL;
    if (style & Bold)
        attributes |= A_BOLD;
    if (style & Reverse)
        attributes |= A_REVERSE;
    if (style & Dim)
        attributes |= A_DIM;
    if (m_colours && (style & Accent))
        attributes |= COLOR_PAIR(accentPair);
    if (m_colours && (style & Warning))
        attributes |= COLOR_PAIR(warningPair);
    wattrset(stdscr, int(attributes));
    const std::wstring wide = shown.toStdWString();
    // ERR only for the bottom-right cell (the cursor cannot move past it): drawn all the same.
    mvwaddnwstr(stdscr, row, column, wide.c_str(), int(wide.size()));
    wattrset(stdscr, A_NORMAL);
}

void TerminalScreen::showCursor(int row, int column)
{
    if (!m_open)
        return;
    wmove(stdscr, row, column);
    curs_set(1);
}

void TerminalScreen::hideCursor()
{
    if (m_open)
        curs_set(0);
}

void TerminalScreen::present()
{
    if (m_open)
        wrefresh(stdscr);
}

void TerminalScreen::repaintAll()
{
    if (m_open)
        clearok(curscr, TRUE);
}

int TerminalScreen::width(const QString &text)
{
    return displayWidth(text);
}

QString TerminalScreen::clip(const QString &text, int width)
{
    if (width <= 0)
        return {};
    if (TerminalScreen::width(text) <= width)
        return text;
    QString out;
    int used = 0;
    for (const char32_t c : text.toUcs4()) {
        const int w = std::max(::wcwidth(static_cast<wchar_t>(c)), 1);
        if (used + w > width - 1)
            break;
        out += QString::fromUcs4(&c, 1);
        used += w;
    }
    return out + u'…';
}

QString TerminalScreen::pad(const QString &text, int width)
{
    return padded(text, width);
}

QString TerminalScreen::forTerminal(const QString &text) const
{
    QString out = text;
    for (QChar &c : out) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            c = u' ';
    }
    if (m_unicode)
        return out;
    // Without UTF-8, one ASCII character for each (so widths stay as measured).
    for (QChar &c : out) {
        switch (c.unicode()) {
        case u'·':
            c = u'|';
            break;
        case u'—':
        case u'─':
            c = u'-';
            break;
        case u'↑':
            c = u'^';
            break;
        case u'↓':
            c = u'v';
            break;
        case u'…':
            c = u'~';
            break;
        default:
            if (c.unicode() > 0x7e)
                c = u'?';
        }
    }
    return out;
}

QStringList TerminalScreen::takeMessages()
{
    const QMutexLocker lock(&messageLock);
    return std::exchange(messages, {});
}

void TerminalScreen::readKeys()
{
    int waiting = 0;
    if (::ioctl(STDIN_FILENO, FIONREAD, &waiting) != 0 || waiting == 0) {
        // Readable with nothing to read: the terminal hung up. Stop listening, or the
        // notifier would fire again at once, forever.
        m_keys->setEnabled(false);
        Q_EMIT inputClosed();
        return;
    }
    wint_t c = 0;
    for (int kind = wget_wch(stdscr, &c); kind != ERR && m_open; kind = wget_wch(stdscr, &c)) {
        Key key;
        if (kind == KEY_CODE_YES) {
            switch (c) {
            case KEY_UP:
                key.special = Key::Up;
                break;
            case KEY_DOWN:
                key.special = Key::Down;
                break;
            case KEY_PPAGE:
                key.special = Key::PageUp;
                break;
            case KEY_NPAGE:
                key.special = Key::PageDown;
                break;
            case KEY_HOME:
                key.special = Key::Home;
                break;
            case KEY_END:
                key.special = Key::End;
                break;
            case KEY_ENTER:
                key.special = Key::Enter;
                break;
            case KEY_BACKSPACE:
                key.special = Key::Backspace;
                break;
            default: // KEY_RESIZE (resizeterm() queues one: handled already), F-keys, …
                continue;
            }
        } else if (c == L'\r' || c == L'\n') {
            key.special = Key::Enter;
        } else if (c == 27) {
            key.special = Key::Escape;
        } else if (c == 127 || c == 8) {
            key.special = Key::Backspace;
        } else if (c == 12) { // Ctrl-L: repaint, as in every full-screen program
            repaintAll();
            Q_EMIT redrawNeeded();
            continue;
        } else {
            key.text = char32_t(c);
        }
        Q_EMIT keyPressed(key);
    }
}

void TerminalScreen::readSignals()
{
    bool resized = false;
    unsigned char signal = 0;
    while (signalPipe[0] >= 0 && ::read(signalPipe[0], &signal, 1) == 1) {
        if (signal == SIGWINCH)
            resized = true;
        else
            Q_EMIT interrupted(signal);
    }
    if (resized && m_open)
        takeNewSize();
}

void TerminalScreen::takeNewSize()
{
    // Ask the terminal itself: ncurses learns a new size on its own only through its own
    // SIGWINCH handler, which ours replaces.
    winsize size = {};
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_row > 0 && size.ws_col > 0) {
        resizeterm(size.ws_row, size.ws_col);
    } else {
        endwin();
        wrefresh(stdscr);
    }
    repaintAll();
    Q_EMIT redrawNeeded();
}

} // namespace confab::ctl
