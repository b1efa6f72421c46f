// SPDX-License-Identifier: Apache-2.0
// `confabctl presence --watch` on a terminal, end to end: the real confabctl on a
// pseudo-terminal against a real confabd, users played by test clients. What the test
// checks is what a person would read: the pty's output goes through a small terminal
// emulator, and the assertions are on the rows of its screen.

#include "confabprocess.h"
#include "testclient.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <memory>
#include <pty.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace Qt::StringLiterals;

namespace confab {
namespace {

using test::TestClient;
using test::waitUntil;

/// Just enough of an xterm to read what ncurses draws: printable text (UTF-8, one column
/// per character), cursor moves (CUP, HPA, VPA, CUU/CUD/CUF/CUB, CR, LF, BS, TAB), erasing
/// (ED, EL, ECH), insert/delete of characters and lines, scroll regions, REP, and reverse
/// video (SGR 7) so the selected row can be told apart. Everything else is ignored.
class VirtualTerminal
{
public:
    VirtualTerminal(int rows, int columns) { resize(rows, columns); }

    /// A new, blank screen of that size (the program repaints all of it after SIGWINCH).
    void resize(int rows, int columns)
    {
        m_rows = rows;
        m_columns = columns;
        m_cells = QList<QList<Cell>>(rows, QList<Cell>(columns));
        m_row = m_column = 0;
        m_scrollTop = 0;
        m_scrollBottom = rows - 1;
        m_wrapPending = false;
    }

    void feed(const QByteArray &bytes)
    {
        for (const char byte : bytes)
            take(static_cast<unsigned char>(byte));
    }

    /// The screen's rows, trailing blanks removed.
    QStringList rows() const
    {
        QStringList out;
        for (const QList<Cell> &line : m_cells) {
            QString text;
            for (const Cell &cell : line)
                text += QString::fromUcs4(&cell.ch, 1);
            while (text.endsWith(u' '))
                text.chop(1);
            out.append(text);
        }
        return out;
    }
    QString text() const { return rows().join(u'\n'); }
    /// The rows that start in reverse video: the selected table row.
    QStringList reverseRows() const
    {
        QStringList out;
        const QStringList all = rows();
        for (int r = 0; r < m_rows; ++r) {
            if (m_cells[r][0].reverse)
                out.append(all[r]);
        }
        return out;
    }

private:
    struct Cell
    {
        char32_t ch = U' ';
        bool reverse = false;
    };
    enum class State { Ground, Escape, EscapeSkip, Csi, Osc, OscEscape };

    void take(unsigned char byte)
    {
        switch (m_state) {
        case State::Ground:
            if (byte == 0x1b)
                m_state = State::Escape;
            else if (byte < 0x20)
                control(byte);
            else if (byte != 0x7f)
                utf8(byte);
            return;
        case State::Escape:
            escape(byte);
            return;
        case State::EscapeSkip: // the charset byte of ESC ( B and the like
            m_state = State::Ground;
            return;
        case State::Csi:
            if (byte >= 0x40 && byte <= 0x7e) {
                m_state = State::Ground;
                csi(char(byte));
            } else if (byte >= 0x30 && byte <= 0x3f) {
                m_params += char(byte);
            } else if (byte == 0x1b) {
                m_state = State::Escape;
            }
            return;
        case State::Osc:
            if (byte == 0x07)
                m_state = State::Ground;
            else if (byte == 0x1b)
                m_state = State::OscEscape;
            return;
        case State::OscEscape:
            m_state = byte == '\\' ? State::Ground : State::Osc;
            return;
        }
    }

    void escape(unsigned char byte)
    {
        m_state = State::Ground;
        switch (byte) {
        case '[':
            m_params.clear();
            m_state = State::Csi;
            break;
        case ']':
            m_state = State::Osc;
            break;
        case '(':
        case ')':
        case '*':
        case '+':
        case '#':
            m_state = State::EscapeSkip;
            break;
        case '7':
            m_saved = {m_row, m_column};
            break;
        case '8':
            moveTo(m_saved.first, m_saved.second);
            break;
        case 'D':
            lineFeed();
            break;
        case 'E':
            m_column = 0;
            lineFeed();
            break;
        case 'M':
            reverseIndex();
            break;
        default: // ESC = / ESC > (keypad modes) and anything else: no effect on the text
            break;
        }
    }

    void control(unsigned char byte)
    {
        switch (byte) {
        case '\r':
            m_column = 0;
            m_wrapPending = false;
            break;
        case '\n':
        case 0x0b:
        case 0x0c:
            lineFeed();
            break;
        case '\b':
            moveTo(m_row, m_column - 1);
            break;
        case '\t':
            moveTo(m_row, std::min(m_columns - 1, (m_column / 8 + 1) * 8));
            break;
        default:
            break;
        }
    }

    void utf8(unsigned char byte)
    {
        if (m_utf8Needed == 0) {
            m_utf8.clear();
            m_utf8Needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
        }
        m_utf8 += char(byte);
        if (m_utf8.size() < m_utf8Needed)
            return;
        m_utf8Needed = 0;
        for (const char32_t c : QString::fromUtf8(m_utf8).toUcs4())
            print(c);
    }

    void print(char32_t c)
    {
        if (m_wrapPending) {
            m_wrapPending = false;
            m_column = 0;
            lineFeed();
        }
        m_cells[m_row][m_column] = {c, m_reverse};
        m_last = c;
        if (m_column == m_columns - 1)
            m_wrapPending = true;
        else
            ++m_column;
    }

    void lineFeed()
    {
        m_wrapPending = false;
        if (m_row == m_scrollBottom)
            scrollUp(m_scrollTop, 1);
        else if (m_row < m_rows - 1)
            ++m_row;
    }

    void reverseIndex()
    {
        m_wrapPending = false;
        if (m_row == m_scrollTop)
            scrollDown(m_scrollTop, 1);
        else if (m_row > 0)
            --m_row;
    }

    /// Lines from `top` to the bottom margin move up by `n`; blank lines come in below.
    void scrollUp(int top, int n)
    {
        for (int i = 0; i < n; ++i) {
            m_cells.removeAt(top);
            m_cells.insert(m_scrollBottom, QList<Cell>(m_columns));
        }
    }
    void scrollDown(int top, int n)
    {
        for (int i = 0; i < n; ++i) {
            m_cells.removeAt(m_scrollBottom);
            m_cells.insert(top, QList<Cell>(m_columns));
        }
    }

    void moveTo(int row, int column)
    {
        m_row = std::clamp(row, 0, m_rows - 1);
        m_column = std::clamp(column, 0, m_columns - 1);
        m_wrapPending = false;
    }

    void blank(int row, int from, int to) // [from, to)
    {
        for (int c = std::max(0, from); c < std::min(to, m_columns); ++c)
            m_cells[row][c] = Cell{};
    }

    void csi(char final)
    {
        const bool isPrivate = m_params.startsWith('?') || m_params.startsWith('>');
        QList<int> p;
        for (const QByteArray &part : (isPrivate ? m_params.mid(1) : m_params).split(';'))
            p.append(part.isEmpty() ? 0 : part.toInt());
        const auto arg = [&](qsizetype i, int fallback) {
            return i < p.size() && p[i] > 0 ? p[i] : fallback;
        };
        if (isPrivate) {
            if ((final == 'l') && p.contains(1049))
                m_leftAlternateScreen = true;
            return;
        }
        const int n = arg(0, 1);
        switch (final) {
        case 'H':
        case 'f':
            moveTo(arg(0, 1) - 1, arg(1, 1) - 1);
            break;
        case 'A':
            moveTo(m_row - n, m_column);
            break;
        case 'B':
            moveTo(m_row + n, m_column);
            break;
        case 'C':
            moveTo(m_row, m_column + n);
            break;
        case 'D':
            moveTo(m_row, m_column - n);
            break;
        case 'E':
            moveTo(m_row + n, 0);
            break;
        case 'F':
            moveTo(m_row - n, 0);
            break;
        case 'G':
        case '`':
            moveTo(m_row, n - 1);
            break;
        case 'd':
            moveTo(n - 1, m_column);
            break;
        case 'J': {
            const int mode = p.value(0);
            if (mode == 0) {
                blank(m_row, m_column, m_columns);
                for (int r = m_row + 1; r < m_rows; ++r)
                    blank(r, 0, m_columns);
            } else if (mode == 1) {
                blank(m_row, 0, m_column + 1);
                for (int r = 0; r < m_row; ++r)
                    blank(r, 0, m_columns);
            } else {
                for (int r = 0; r < m_rows; ++r)
                    blank(r, 0, m_columns);
            }
            break;
        }
        case 'K': {
            const int mode = p.value(0);
            blank(m_row, mode == 0 ? m_column : 0, mode == 1 ? m_column + 1 : m_columns);
            break;
        }
        case 'X':
            blank(m_row, m_column, m_column + n);
            break;
        case '@':
            for (int i = 0; i < n; ++i) {
                m_cells[m_row].insert(m_column, Cell{});
                m_cells[m_row].removeLast();
            }
            break;
        case 'P':
            for (int i = 0; i < n; ++i) {
                m_cells[m_row].removeAt(m_column);
                m_cells[m_row].append(Cell{});
            }
            break;
        case 'L':
            if (m_row >= m_scrollTop && m_row <= m_scrollBottom)
                scrollDown(m_row, n);
            break;
        case 'M':
            if (m_row >= m_scrollTop && m_row <= m_scrollBottom)
                scrollUp(m_row, n);
            break;
        case 'S':
            scrollUp(m_scrollTop, n);
            break;
        case 'T':
            scrollDown(m_scrollTop, n);
            break;
        case 'r':
            // Clamped: output meant for the size before a resize must not reach past this one.
            m_scrollTop = std::clamp(arg(0, 1) - 1, 0, m_rows - 1);
            m_scrollBottom = std::clamp(arg(1, m_rows) - 1, m_scrollTop, m_rows - 1);
            moveTo(0, 0);
            break;
        case 'b':
            for (int i = 0; i < n; ++i)
                print(m_last);
            break;
        case 'm':
            if (p.isEmpty())
                p.append(0);
            for (int code : p) {
                if (code == 0 || code == 27)
                    m_reverse = false;
                else if (code == 7)
                    m_reverse = true;
            }
            break;
        default:
            break;
        }
    }

public:
    bool leftAlternateScreen() const { return m_leftAlternateScreen; }

private:
    int m_rows = 0;
    int m_columns = 0;
    QList<QList<Cell>> m_cells;
    int m_row = 0;
    int m_column = 0;
    std::pair<int, int> m_saved{0, 0};
    int m_scrollTop = 0;
    int m_scrollBottom = 0;
    bool m_wrapPending = false;
    bool m_reverse = false;
    char32_t m_last = U' ';
    State m_state = State::Ground;
    QByteArray m_params;
    QByteArray m_utf8;
    int m_utf8Needed = 0;
    bool m_leftAlternateScreen = false;
};

// Keys as an xterm in keypad-transmit mode sends them (ncurses turns that mode on).
constexpr const char *kDown = "\x1bOB";
constexpr const char *kHome = "\x1bOH";

class WatchScreenTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_home.isValid());
        m_data = m_home.filePath(u"data"_s);
        ASSERT_TRUE(test::addUser(m_data, u"root"_s, u"rootpass1"_s, true));
        ASSERT_TRUE(test::addUser(m_data, u"alice"_s, u"alicepass1"_s));
        ASSERT_TRUE(test::addUser(m_data, u"bob"_s, u"bobpass12"_s));
        m_server = std::make_unique<test::ConfabdProcess>(
            m_data, QStringList{u"--timing-presence-grace-ms"_s, u"300"_s});
        QString why;
        ASSERT_TRUE(m_server->start(0, &why)) << why.toStdString();

        // The watch runs on the pty, where standard input is the keyboard: it uses the
        // sign-in kept by `login`, which reads the password from a pipe.
        QProcess login;
        login.setProcessEnvironment(environment());
        login.start(test::confabctlPath(),
                    {u"--url"_s, url(), u"--user"_s, u"root"_s, u"--password-stdin"_s, u"login"_s});
        login.write("rootpass1\n");
        login.closeWriteChannel();
        ASSERT_TRUE(login.waitForFinished(30000));
        ASSERT_EQ(login.exitCode(), 0) << login.readAllStandardError().toStdString();
    }

    void TearDown() override
    {
        if (m_pid > 0) {
            ::kill(m_pid, SIGKILL);
            ::waitpid(m_pid, nullptr, 0);
        }
        if (m_master >= 0)
            ::close(m_master);
    }

    QString url() const { return m_server->url().toString(); }

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = test::fastKdfEnvironment();
        env.insert(u"HOME"_s, m_home.path());
        env.insert(u"XDG_CONFIG_HOME"_s, m_home.filePath(u"config"_s));
        env.remove(u"CONFAB_URL"_s);
        env.remove(u"CONFAB_USER"_s);
        env.remove(u"QT_LOGGING_RULES"_s);
        return env;
    }

    /// `confabctl --url URL presence --watch` on a new pty of `rows` × `columns`.
    void startWatch(int rows, int columns)
    {
        QProcessEnvironment env = environment();
        env.insert(u"TERM"_s, u"xterm"_s);
        env.insert(u"LC_ALL"_s, u"C.UTF-8"_s);
        env.remove(u"LINES"_s);
        env.remove(u"COLUMNS"_s);
        // Everything the child needs, made before fork(): after it, only execve().
        const QByteArrayList args{test::confabctlPath().toLocal8Bit(), "--url", url().toUtf8(),
                                  "presence", "--watch"};
        QByteArrayList envStrings;
        for (const QString &entry : env.toStringList())
            envStrings.append(entry.toLocal8Bit());
        std::vector<char *> argv;
        for (const QByteArray &arg : args)
            argv.push_back(const_cast<char *>(arg.constData()));
        argv.push_back(nullptr);
        std::vector<char *> envp;
        for (const QByteArray &entry : envStrings)
            envp.push_back(const_cast<char *>(entry.constData()));
        envp.push_back(nullptr);

        m_terminal = std::make_unique<VirtualTerminal>(rows, columns);
        winsize size = {};
        size.ws_row = static_cast<unsigned short>(rows);
        size.ws_col = static_cast<unsigned short>(columns);
        m_pid = ::forkpty(&m_master, nullptr, nullptr, &size);
        ASSERT_GE(m_pid, 0) << "forkpty: " << std::strerror(errno);
        if (m_pid == 0) {
            ::execve(argv[0], argv.data(), envp.data());
            ::_exit(127);
        }
        ::fcntl(m_master, F_SETFL, ::fcntl(m_master, F_GETFL) | O_NONBLOCK);
    }

    /// Reads what the program wrote so far into the emulator.
    void pump()
    {
        char buffer[4096];
        for (;;) {
            const ssize_t n = ::read(m_master, buffer, sizeof buffer);
            if (n <= 0)
                return; // EAGAIN: nothing more now; EIO: the program closed the terminal
            const QByteArray bytes(buffer, n);
            m_output += bytes;
            m_terminal->feed(bytes);
        }
    }

    QString screen() const { return m_terminal->text(); }
    QStringList screenRows() const { return m_terminal->rows(); }

    /// Waits until the screen satisfies `check`.
    bool waitForScreen(const std::function<bool()> &check, int timeoutMs = 5000)
    {
        return waitUntil(
            [&] {
                pump();
                return check();
            },
            timeoutMs);
    }

    /// The first row that starts with `start` ("" when none does).
    QString rowStarting(const QString &start) const
    {
        for (const QString &row : screenRows()) {
            if (row.startsWith(start))
                return row;
        }
        return {};
    }

    void type(const QByteArray &keys)
    {
        ASSERT_EQ(::write(m_master, keys.constData(), size_t(keys.size())), keys.size());
    }

    bool isRunning() { return ::waitpid(m_pid, &m_status, WNOHANG) == 0; }

    /// Waits for the program to end; its exit code (-1 when it did not end or was killed).
    int waitForExit(int timeoutMs = 5000)
    {
        bool ended = false;
        waitUntil(
            [&] {
                pump();
                // Once: waitUntil() asks again at the end, and a reaped child is gone.
                ended = ended || ::waitpid(m_pid, &m_status, WNOHANG) == m_pid;
                return ended;
            },
            timeoutMs);
        if (!ended)
            return -1;
        m_pid = -1;
        pump();
        return WIFEXITED(m_status) ? WEXITSTATUS(m_status) : -1;
    }

    std::unique_ptr<TestClient> signIn(const QString &user, const QString &password,
                                       const QString &client = u"confab-test/1"_s)
    {
        auto c = std::make_unique<TestClient>();
        EXPECT_TRUE(c->open(m_server->url()));
        EXPECT_TRUE(c->hello(user, password, client));
        return c;
    }

    std::string dump() const { return (u"the screen:\n"_s + screen()).toStdString(); }

    QTemporaryDir m_home;
    QString m_data;
    std::unique_ptr<test::ConfabdProcess> m_server;
    std::unique_ptr<VirtualTerminal> m_terminal;
    pid_t m_pid = -1;
    int m_master = -1;
    int m_status = 0;
    QByteArray m_output;
};

TEST_F(WatchScreenTest, ShowsChangesLiveKicksTheSelectedUserFollowsResizesAndQuitsCleanly)
{
    startWatch(30, 120);
    ASSERT_TRUE(waitForScreen([&] {
        return screenRows().value(0).startsWith(u"1 online · "_s) &&
               rowStarting(u"root"_s) != u""_s && screenRows().value(29).contains(u"q quit"_s);
    })) << "the totals first, the table, the key help at the bottom\n"
        << dump();
    EXPECT_TRUE(screenRows().value(0).contains(url())) << dump();
    EXPECT_TRUE(screenRows().value(1).startsWith(u"live"_s)) << dump();
    EXPECT_TRUE(rowStarting(u"bob"_s).contains(u"offline"_s)) << dump();

    auto alice = signIn(u"alice"_s, u"alicepass1"_s);
    ASSERT_TRUE(waitForScreen([&] {
        return screenRows().value(0).startsWith(u"2 online · "_s) &&
               rowStarting(u"alice"_s).contains(u"online"_s);
    })) << dump();
    EXPECT_TRUE(screen().contains(u"  "_s + alice->session())) << "her connection, indented\n"
                                                               << dump();
    EXPECT_TRUE(screen().contains(u"alice connected: "_s + alice->session()))
        << "in the event lines\n"
        << dump();

    ASSERT_TRUE(alice->request({{u"t"_s, u"presence"_s}, {u"status"_s, u"away"_s}}));
    ASSERT_TRUE(waitForScreen([&] { return rowStarting(u"alice"_s).contains(u"away"_s); }))
        << dump();

    // The filter, typed at the bottom, narrows the table to bob, then Enter on an empty
    // filter shows everyone again.
    type("/bo");
    ASSERT_TRUE(waitForScreen([&] { return screenRows().value(29).startsWith(u"filter: bo"_s); }))
        << dump();
    type("\r");
    ASSERT_TRUE(waitForScreen([&] {
        return rowStarting(u"bob"_s) != u""_s && rowStarting(u"alice"_s).isEmpty() &&
               screenRows().value(1).contains(u"filter: bo"_s);
    })) << dump();
    type("/\x7f\x7f\r");
    ASSERT_TRUE(waitForScreen([&] { return rowStarting(u"alice"_s) != u""_s; })) << dump();
    // Esc cancels the prompt: the table stays unfiltered.
    type("/zzz");
    ASSERT_TRUE(waitForScreen([&] { return screenRows().value(29).startsWith(u"filter: zzz"_s); }))
        << dump();
    type("\x1b");
    ASSERT_TRUE(waitForScreen([&] {
        return screenRows().value(29).contains(u"q quit"_s) && rowStarting(u"alice"_s) != u""_s &&
               !screenRows().value(1).contains(u"filter"_s);
    })) << dump();

    // Online first, then away: root, root's connection, then alice.
    type(kHome);
    type(kDown);
    type(kDown);
    ASSERT_TRUE(waitForScreen([&] {
        return m_terminal->reverseRows().size() == 1 &&
               m_terminal->reverseRows().constFirst().startsWith(u"alice"_s);
    })) << "the selection, in reverse video, on alice\n"
        << dump();

    type("k");
    ASSERT_TRUE(waitForScreen([&] {
        return screenRows().value(29).startsWith(u"Kick alice (1 connection)? y/N"_s);
    })) << dump();
    type("y");
    ASSERT_TRUE(alice->waitForDisconnected()) << dump();
    EXPECT_EQ(alice->closeCode(), 4002);
    ASSERT_TRUE(waitForScreen([&] { return screen().contains(u"kicked alice: 1 connection"_s); }))
        << dump();

    // s: by name, alice first.
    type("s");
    ASSERT_TRUE(waitForScreen([&] {
        return screenRows().value(1).contains(u"sort: name"_s) &&
               screenRows().value(4).startsWith(u"alice"_s);
    })) << dump();

    // A smaller terminal: everything laid out again, the key help on the new last row.
    winsize size = {};
    size.ws_row = 24;
    size.ws_col = 100;
    ASSERT_EQ(::ioctl(m_master, TIOCSWINSZ, &size), 0);
    ::kill(m_pid, SIGWINCH);
    m_terminal->resize(24, 100);
    ASSERT_TRUE(waitForScreen([&] {
        return screenRows().value(23).contains(u"q quit"_s) &&
               screenRows().value(0).contains(u" online · "_s) && rowStarting(u"bob"_s) != u""_s;
    })) << dump();
    EXPECT_TRUE(isRunning());

    const qsizetype before = m_output.size();
    type("q");
    EXPECT_EQ(waitForExit(), 0) << dump();
    EXPECT_TRUE(m_output.mid(before).contains("\x1b[?1049l"))
        << "the terminal is given back: the normal screen again";
}

TEST_F(WatchScreenTest, StaysThroughAServerRestartAndCtrlCQuits)
{
    startWatch(30, 120);
    ASSERT_TRUE(waitForScreen([&] { return screenRows().value(1).startsWith(u"live"_s); }))
        << dump();

    m_server->terminate();
    ASSERT_TRUE(waitForScreen([&] {
        return screenRows().value(1).startsWith(u"connection lost — reconnecting"_s);
    })) << dump();
    QString why;
    ASSERT_TRUE(m_server->restart(&why)) << why.toStdString();
    ASSERT_TRUE(
        waitForScreen([&] { return screenRows().value(1).startsWith(u"reconnected"_s); }, 10000))
        << dump();

    auto bob = signIn(u"bob"_s, u"bobpass12"_s);
    ASSERT_TRUE(waitForScreen([&] { return rowStarting(u"bob"_s).contains(u"online"_s); }))
        << "events flow again after the reconnect\n"
        << dump();
    EXPECT_TRUE(isRunning());

    const qsizetype before = m_output.size();
    type("\x03"); // Ctrl-C: the terminal makes it SIGINT
    EXPECT_EQ(waitForExit(), 0) << dump();
    EXPECT_TRUE(m_output.mid(before).contains("\x1b[?1049l"));
}

TEST_F(WatchScreenTest, ARefusedSignInOnReconnectEndsWithExit4AndTheTerminalRestored)
{
    startWatch(30, 120);
    ASSERT_TRUE(waitForScreen([&] { return screenRows().value(1).startsWith(u"live"_s); }))
        << dump();

    // The kept sign-in ends on the server: the next reconnect is refused.
    QProcess logout;
    logout.setProcessEnvironment(environment());
    logout.start(test::confabctlPath(), {u"--url"_s, url(), u"logout"_s});
    logout.closeWriteChannel();
    ASSERT_TRUE(logout.waitForFinished(30000));
    ASSERT_EQ(logout.exitCode(), 0) << logout.readAllStandardError().toStdString();
    m_server->terminate();
    QString why;
    ASSERT_TRUE(m_server->restart(&why)) << why.toStdString();

    EXPECT_EQ(waitForExit(10000), 4) << dump();
    const qsizetype restored = m_output.lastIndexOf("\x1b[?1049l");
    const qsizetype said = m_output.indexOf("no longer valid");
    ASSERT_GE(restored, 0);
    EXPECT_GT(said, restored) << "the sentence after the screen is gone, where it stays readable\n"
                              << m_output.mid(restored).toStdString();
}

/// Not a check: writes the screen, as the README shows it, to $CONFAB_WATCH_CAPTURE. Run with
///   CONFAB_WATCH_CAPTURE=$PWD/docs/confabctl-watch.txt \
///     build/tests/confabctl/confabctl_watchscreen_tests --gtest_also_run_disabled_tests \
///     --gtest_filter='*Capture*'
TEST_F(WatchScreenTest, DISABLED_CaptureForTheReadme)
{
    const QString path = qEnvironmentVariable("CONFAB_WATCH_CAPTURE");
    ASSERT_FALSE(path.isEmpty()) << "set CONFAB_WATCH_CAPTURE to the file to write";
    for (const auto &[name, password] :
         {std::pair{u"carol"_s, u"carolpass1"_s}, std::pair{u"dave"_s, u"davepass12"_s},
          std::pair{u"erin"_s, u"erinpass12"_s}})
        ASSERT_TRUE(test::addUser(m_data, name, password));

    // dave was here a while ago; alice (twice), bob and carol are in #general; then, while
    // the screen watches, carol and bob change their status and erin comes and goes.
    signIn(u"dave"_s, u"davepass12"_s)->close();
    auto alice1 = signIn(u"alice"_s, u"alicepass1"_s, u"confab-desktop/0.9.0"_s);
    auto alice2 = signIn(u"alice"_s, u"alicepass1"_s, u"confab-android/0.9.0"_s);
    auto bob = signIn(u"bob"_s, u"bobpass12"_s, u"confab-desktop/0.9.0"_s);
    auto carol = signIn(u"carol"_s, u"carolpass1"_s, u"confab-desktop/0.9.0"_s);
    for (TestClient *client : {alice1.get(), alice2.get(), bob.get(), carol.get()})
        ASSERT_TRUE(client->joinSynced(u"general"_s));
    ASSERT_TRUE(alice1->publish(u"general"_s, u"hello"_s));

    startWatch(26, 100);
    ASSERT_TRUE(waitForScreen([&] { return rowStarting(u"dave"_s).contains(u"offline"_s); }))
        << dump();
    ASSERT_TRUE(carol->request({{u"t"_s, u"presence"_s}, {u"status"_s, u"dnd"_s}}));
    ASSERT_TRUE(bob->request(
        {{u"t"_s, u"presence"_s}, {u"status"_s, u"away"_s}, {u"text"_s, u"lunch, back at 2"_s}}));
    auto erin = signIn(u"erin"_s, u"erinpass12"_s, u"confab-desktop/0.9.0"_s);
    erin->close();
    // A few seconds on, so the clocks show something.
    ASSERT_TRUE(waitForScreen(
        [&] {
            return rowStarting(u"root"_s).contains(u"online 4s"_s) &&
                   screenRows().value(1).startsWith(u"live"_s);
        },
        10000))
        << dump();

    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write((screen() + u'\n').toUtf8());
    type("q");
    EXPECT_EQ(waitForExit(), 0);
}

} // namespace
} // namespace confab
