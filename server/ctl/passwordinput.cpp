// SPDX-License-Identifier: Apache-2.0
#include "passwordinput.h"

#include <QByteArray>
#include <QStringDecoder>

#include <csignal>
#include <cstdio>
#include <termios.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace confab::ctl {

namespace {

constexpr qsizetype kMaxLineBytes = 64 * 1024; // far above any valid password

// The terminal state to restore when Ctrl-C arrives while echo is off.
struct termios s_savedTerminal;

extern "C" void restoreTerminalAndDie(int signal)
{
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &s_savedTerminal);
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

void writeStderr(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

void wipe(QByteArray &bytes)
{
    volatile char *p = bytes.data();
    for (qsizetype i = 0; i < bytes.size(); ++i)
        p[i] = 0;
}

} // namespace

std::optional<QByteArray> PasswordInput::readLine(bool *sawEof)
{
    *sawEof = false;
    QByteArray line;
    for (;;) {
        const int c = std::fgetc(stdin);
        if (c == EOF) {
            *sawEof = true;
            break;
        }
        if (c == '\n')
            break;
        if (line.size() < kMaxLineBytes)
            line.append(char(c));
    }
    if (*sawEof && line.isEmpty())
        return std::nullopt;
    if (line.endsWith('\r'))
        line.chop(1);
    return line;
}

std::optional<QByteArray> PasswordInput::readHidden(const QString &prompt)
{
    writeStderr(prompt);
    struct termios hidden;
    const bool canHide = tcgetattr(STDIN_FILENO, &s_savedTerminal) == 0;
    struct sigaction action = {}, oldInt = {}, oldTerm = {};
    if (canHide) {
        action.sa_handler = restoreTerminalAndDie;
        sigaction(SIGINT, &action, &oldInt);
        sigaction(SIGTERM, &action, &oldTerm);
        hidden = s_savedTerminal;
        hidden.c_lflag &= ~tcflag_t(ECHO);
        hidden.c_lflag |= ECHONL; // the Enter still moves the cursor to the next line
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &hidden);
    }
    bool eof = false;
    auto line = readLine(&eof);
    if (canHide) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &s_savedTerminal);
        sigaction(SIGINT, &oldInt, nullptr);
        sigaction(SIGTERM, &oldTerm, nullptr);
    }
    return line;
}

std::optional<QString> PasswordInput::read(const QString &prompt, bool forceStdin, QString *error,
                                           Confirm confirm)
{
    std::optional<QByteArray> bytes;
    if (forceStdin || !isatty(STDIN_FILENO)) {
        bool eof = false;
        bytes = readLine(&eof);
        if (!bytes) {
            *error = u"no password on standard input"_s;
            return std::nullopt;
        }
    } else {
        bytes = readHidden(prompt);
        if (!bytes) {
            *error = u"no password entered"_s;
            return std::nullopt;
        }
        auto again = confirm == Confirm::Twice ? readHidden(u"Repeat the password: "_s) : bytes;
        const bool same = again && *again == *bytes;
        if (again && confirm == Confirm::Twice)
            wipe(*again);
        if (!same) {
            wipe(*bytes);
            *error = u"the passwords do not match"_s;
            return std::nullopt;
        }
    }
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString password = decoder.decode(*bytes);
    wipe(*bytes);
    if (decoder.hasError()) {
        *error = u"the password is not valid UTF-8"_s;
        return std::nullopt;
    }
    return password;
}

} // namespace confab::ctl
