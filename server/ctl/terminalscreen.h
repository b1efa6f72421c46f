// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

class QSocketNotifier;

namespace confab::ctl {

/// A key pressed: a character typed, or one of the keys a screen moves with. (ncurses'
/// KEY_* codes stay inside TerminalScreen.)
struct Key
{
    enum Special { None, Up, Down, PageUp, PageDown, Home, End, Enter, Escape, Backspace };
    Special special = None;
    char32_t text = 0; ///< the character, when `special` is None
};

/// The terminal as one full screen (ncursesw), driven by Qt's event loop: keys are read
/// when standard input has some (a QSocketNotifier, never a poll), and the signals that
/// matter to a full-screen program (SIGWINCH, SIGINT, SIGTERM, SIGHUP) arrive through a
/// self-pipe as Qt signals, so nothing happens inside a signal handler but a write().
///
/// open() takes the terminal over (the alternate screen, no echo, keys one by one);
/// close(), the destructor and an exit() in between all give it back as it was.
/// Drawing goes to an off-screen buffer; present() puts what changed on the terminal.
class TerminalScreen : public QObject
{
    Q_OBJECT
public:
    /// How text is drawn; styles combine with |.
    enum Style : unsigned {
        Plain = 0,
        Bold = 1,
        Reverse = 2, ///< the selected row
        Dim = 4,
        Accent = 8,   ///< colour (when the terminal has colours) for what just changed
        Warning = 16, ///< colour for trouble: the connection lost, a kick refused
    };

    explicit TerminalScreen(QObject *parent = nullptr);
    ~TerminalScreen() override;

    /// Takes the terminal over; false with the reason when it cannot (an unknown TERM).
    bool open(QString *error);
    /// Gives the terminal back (endwin): safe to call twice.
    void close();
    bool isOpen() const { return m_open; }

    int rows() const;
    int columns() const;

    /// Blanks the off-screen buffer (the next present() draws only what changed).
    void erase();
    /// Draws `text` from (row, column), clipped to `width` columns (-1: to the right edge);
    /// with Reverse the rest of the width is filled too, so a selected row is one bar.
    void draw(int row, int column, const QString &text, unsigned style = Plain, int width = -1);
    /// The cursor where text is typed (a prompt), or none.
    void showCursor(int row, int column);
    void hideCursor();
    /// Puts the buffer on the terminal.
    void present();
    /// The next present() repaints every cell (Ctrl-L, or after a resize).
    void repaintAll();

    /// Whether the terminal shows UTF-8; else draw() shows "·", "—", arrows as ASCII.
    bool unicode() const { return m_unicode; }

    /// Columns `text` takes on a terminal (a CJK character takes two).
    static int width(const QString &text);
    /// `text` cut to at most `width` columns, "…" marking the cut.
    static QString clip(const QString &text, int width);
    /// `text` padded with spaces to `width` columns.
    static QString pad(const QString &text, int width);

    /// The warnings Qt printed while the screen was open (stderr would tear the screen):
    /// handed over once each.
    QStringList takeMessages();

Q_SIGNALS:
    void keyPressed(confab::ctl::Key key);
    /// The terminal has a new size, or the user asked for a repaint (Ctrl-L): draw again.
    void redrawNeeded();
    /// SIGINT (Ctrl-C), SIGTERM or SIGHUP.
    void interrupted(int signal);
    /// Standard input ended (the terminal went away): nothing more can be read.
    void inputClosed();

private:
    void readKeys();
    void readSignals();
    void takeNewSize();
    QString forTerminal(const QString &text) const;
    void restoreSignals();

    bool m_open = false;
    bool m_unicode = true;
    bool m_colours = false;
    std::unique_ptr<QSocketNotifier> m_keys;
    std::unique_ptr<QSocketNotifier> m_signals;
};

} // namespace confab::ctl
