// SPDX-License-Identifier: Apache-2.0
#include "onlinecommands.h"

#include "codec.h"
#include "commands.h"
#include "passwordinput.h"
#include "savedlogins.h"
#include "validation.h"
#include "watchscreen.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QRegularExpression>

#include <cstdio>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace confab::ctl {

namespace {

constexpr auto kConnectDeadline = 5s;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

/// One line on stdout, flushed: a script reading a pipe sees each event as it happens.
void sayNow(const QString &line)
{
    const QByteArray bytes = line.toUtf8() + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

void sayJson(const QJsonObject &object)
{
    sayNow(QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)));
}

QString clockTime()
{
    return QDateTime::currentDateTime().toString(u"HH:mm:ss"_s);
}

void printSnapshot(const PresenceBoard &board, const OnlineRequest &request)
{
    if (board.hasStats())
        sayNow(summaryLine(board.stats()));
    const auto rows = board.rows(PresenceBoard::Sort::Status);
    if (rows.isEmpty()) {
        sayNow(u"no users match"_s);
        return;
    }
    for (const QString &line : presenceTable(rows, request.columns, nowMs()))
        sayNow(line);
}

} // namespace

bool looksLikeSession(const QString &text)
{
    static const QRegularExpression form(u"^s[0-9a-z]+-[0-9a-z]+$"_s);
    return form.match(text).hasMatch();
}

OnlineCommands::OnlineCommands(ServerTarget target, SavedLogins &logins)
    : m_target(std::move(target))
    , m_logins(logins)
{}

int OnlineCommands::run(const OnlineRequest &request)
{
    const QString command = request.words.value(0);
    if (command == u"login"_s)
        return login(request);
    if (command == u"logout"_s)
        return logout();
    if (command == u"presence"_s)
        return presence(request);
    if (command == u"stats"_s)
        return stats();
    if (command == u"kick"_s)
        return kick(request);
    if (command == u"user"_s)
        return user(request);
    return fail(ExitUsage, u"unknown command '%1' (see confabctl --help)"_s.arg(command));
}

int OnlineCommands::connect(ServerLink &link)
{
    const int code = link.signIn(kConnectDeadline);
    if (code != ExitOk)
        return fail(code, link.error());
    return ExitOk;
}

std::optional<QJsonObject> OnlineCommands::ask(ServerLink &link, ClientFrame frame, int *exitCode)
{
    QString why;
    const auto reply = link.call(std::move(frame), &why);
    if (!reply) {
        *exitCode = fail(ExitCannotConnect, why);
        return std::nullopt;
    }
    if (reply->error) {
        const Error &error = *reply->error;
        const bool refused =
            error.code == ErrorCode::Forbidden || error.code == ErrorCode::Unauthorized;
        *exitCode = refused
                        ? fail(ExitUnauthorized,
                               u"%1 is not an admin on %2 (%3)"_s.arg(
                                   m_target.user, m_target.url.toDisplayString(), error.message))
                        : fail(ExitFailed, u"the server refused: %1"_s.arg(error.message));
        return std::nullopt;
    }
    return reply->ok;
}

int OnlineCommands::login(const OnlineRequest &)
{
    ServerLink link(m_target);
    if (const int code = connect(link); code != ExitOk)
        return code;
    const QString token = link.connection().session().token;
    if (token.isEmpty())
        return fail(ExitFailed, u"the server gave no sign-in token to keep"_s);
    QString why;
    if (!m_logins.save(m_target.url, {m_target.user, token}, &why))
        return fail(ExitFailed, why);
    link.connection().close();
    say(u"signed in to %1 as %2; confabctl will use this sign-in until `confabctl logout`"_s.arg(
        m_target.url.toDisplayString(), m_target.user));
    return ExitOk;
}

int OnlineCommands::logout()
{
    if (m_target.token.isEmpty())
        return fail(ExitFailed,
                    u"no saved sign-in for %1 to log out of"_s.arg(m_target.url.toDisplayString()));
    QString why;
    m_logins.forget(m_target.url, &why);
    if (!why.isEmpty())
        return fail(ExitFailed, why);
    ServerLink link(m_target);
    if (link.signIn(kConnectDeadline) != ExitOk) {
        return fail(ExitCannotConnect,
                    u"forgot the sign-in here, but could not tell the server (%1); its token "
                    u"stays valid there until it expires"_s.arg(link.error()));
    }
    int code = ExitOk;
    if (!ask(link, LogoutRequest{}, &code))
        return code;
    say(u"logged out of %1"_s.arg(m_target.url.toDisplayString()));
    return ExitOk;
}

int OnlineCommands::presence(const OnlineRequest &request)
{
    ServerLink link(m_target);
    if (const int code = connect(link); code != ExitOk)
        return code;
    // A terminal on both ends gets the full-screen console; pipes and --json get lines.
    if (request.watch && !request.json && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO))
        return runWatchScreen(link, request);
    if (request.watch)
        return watchAsLines(link, request);

    int code = ExitOk;
    const auto ok = ask(link, AdminWatchRequest{0, request.filter}, &code);
    if (!ok)
        return code;
    link.connection().close();
    if (request.json) {
        sayJson(*ok);
        return ExitOk;
    }
    const auto snapshot = AdminWatchOk::fromJson(*ok);
    if (!snapshot)
        return fail(ExitFailed, u"the server's answer could not be read"_s);
    PresenceBoard board;
    board.reset(*snapshot, nowMs());
    printSnapshot(board, request);
    return ExitOk;
}

int OnlineCommands::watchAsLines(ServerLink &link, const OnlineRequest &request)
{
    PresenceBoard board;
    client::Connection &connection = link.connection();
    int exitCode = ExitOk;
    bool done = false;

    // Asks for the snapshot (again after a reconnect) and prints it.
    const auto watch = [&] {
        connection.request(
            AdminWatchRequest{0, request.filter}, [&](const std::optional<Reply> &reply) {
                if (!reply)
                    return; // the session ended; the engine reconnects and we ask again
                if (reply->error) {
                    exitCode =
                        fail(ExitUnauthorized, u"%1 is not an admin on %2 (%3)"_s.arg(
                                                   m_target.user, m_target.url.toDisplayString(),
                                                   reply->error->message));
                    done = true;
                    QCoreApplication::exit(exitCode);
                    return;
                }
                const auto snapshot = AdminWatchOk::fromJson(reply->ok);
                if (!snapshot)
                    return;
                board.reset(*snapshot, nowMs());
                if (request.json)
                    sayJson(reply->ok);
                else
                    printSnapshot(board, request);
            });
    };
    QObject::connect(&connection, &client::Connection::eventReceived, &link,
                     [&](const ServerFrame &frame) {
                         if (const auto *event = std::get_if<AdminPresenceEvent>(&frame)) {
                             const QString line = board.apply(*event, nowMs());
                             if (request.json)
                                 sayNow(QString::fromUtf8(encodeServerFrame(frame)));
                             else
                                 sayNow(clockTime() + u"  "_s + line);
                         } else if (const auto *stats = std::get_if<AdminStatsEvent>(&frame)) {
                             board.apply(*stats);
                             if (request.json)
                                 sayNow(QString::fromUtf8(encodeServerFrame(frame)));
                         }
                     });
    QObject::connect(&connection, &client::Connection::sessionEnded, &link, [&] {
        if (request.json)
            sayJson({{u"t"_s, u"confabctl.disconnected"_s}});
        else
            sayNow(clockTime() + u"  connection lost; reconnecting"_s);
    });
    QObject::connect(&connection, &client::Connection::signedIn, &link, [&] {
        connection.setOnline();
        if (!request.json)
            sayNow(clockTime() + u"  reconnected"_s);
        watch();
    });
    QObject::connect(&connection, &client::Connection::stateChanged, &link,
                     [&](client::Connection::State state) {
                         if (state != client::Connection::State::Offline || done)
                             return;
                         done = true;
                         exitCode = fail(ExitCannotConnect,
                                         u"gave up on %1: %2"_s.arg(m_target.url.toDisplayString(),
                                                                    connection.errorString()));
                         QCoreApplication::exit(exitCode);
                     });
    watch();
    const int loopResult = QCoreApplication::exec();
    return done ? exitCode : loopResult;
}

int OnlineCommands::stats()
{
    ServerLink link(m_target);
    if (const int code = connect(link); code != ExitOk)
        return code;
    int code = ExitOk;
    const auto ok = ask(link, AdminStatsRequest{}, &code);
    if (!ok)
        return code;
    link.connection().close();
    const auto parsed = AdminStatsOk::fromJson(*ok);
    if (!parsed)
        return fail(ExitFailed, u"the server's answer could not be read"_s);
    const ServerStatistics &s = parsed->stats;
    const QList<std::pair<QString, QString>> lines{
        {u"server"_s, u"confabd "_s + (s.version.isEmpty() ? u"?"_s : s.version)},
        {u"uptime"_s, shortDuration(s.uptimeMs)},
        {u"connections"_s, QString::number(s.connections)},
        {u"users online"_s, QString::number(s.usersOnline)},
        {u"users away"_s, QString::number(s.usersAway)},
        {u"users dnd"_s, QString::number(s.usersDnd)},
        {u"users offline"_s, QString::number(s.usersOffline)},
        {u"messages/s (10 s)"_s, QString::number(s.messagesPerSecond, 'f', 1)},
        {u"messages/s (1 min)"_s, QString::number(s.messagesPerSecondMinute, 'f', 1)},
        {u"publishes refused"_s, QString::number(s.refusedRateLimited) + u" (rate limit)"_s},
        {u"database"_s, bytesText(s.databaseBytes)},
    };
    for (const auto &[name, value] : lines)
        say(name.leftJustified(20) + value);
    return ExitOk;
}

int OnlineCommands::kick(const OnlineRequest &request)
{
    const QString target = request.words.value(1);
    AdminKickRequest kick;
    (looksLikeSession(target) ? kick.session : kick.user) = target;
    kick.reason = request.reason;
    ServerLink link(m_target);
    if (const int code = connect(link); code != ExitOk)
        return code;
    int code = ExitOk;
    const auto ok = ask(link, kick, &code);
    if (!ok)
        return code;
    link.connection().close();
    const qint64 closed = ok->value(u"closed"_s).toInteger();
    if (closed == 0)
        return fail(ExitFailed, u"%1 has no open connection"_s.arg(target));
    say(u"kicked %1: %2 connection(s) closed"_s.arg(target).arg(closed));
    return ExitOk;
}

int OnlineCommands::user(const OnlineRequest &request)
{
    const QString action = request.words.value(1);
    const QString name = request.words.value(2);
    AdminUserRequest frame;
    frame.user = name;
    if (action == u"add"_s || action == u"passwd"_s) {
        QString why;
        const auto password =
            PasswordInput::read(u"New password for %1: "_s.arg(name), request.passwordStdin, &why);
        if (!password)
            return fail(ExitFailed, why);
        if (const QString problem = rules::newPasswordProblem(*password, name); !problem.isEmpty())
            return fail(ExitUsage, problem);
        frame.password = *password;
        frame.action = action == u"add"_s ? AdminUserAction::Add : AdminUserAction::ResetPassword;
        if (action == u"add"_s) {
            frame.display = request.display.value_or(QString());
            if (request.admin)
                frame.role = Role::Admin;
        }
    } else if (action == u"disable"_s || action == u"enable"_s) {
        frame.action = action == u"disable"_s ? AdminUserAction::Disable : AdminUserAction::Enable;
    } else if (action == u"role"_s) {
        const auto role = roleFromName(request.words.value(3));
        if (!role)
            return fail(ExitUsage, u"the role must be admin or user"_s);
        frame.action = AdminUserAction::SetRole;
        frame.role = role;
    } else {
        return fail(ExitUsage,
                    u"'user %1' works on the data directory only (--data)"_s.arg(action));
    }

    ServerLink link(m_target);
    if (const int code = connect(link); code != ExitOk)
        return code;
    int code = ExitOk;
    const auto ok = ask(link, frame, &code);
    if (!ok)
        return code;
    link.connection().close();
    if (action == u"add"_s)
        say(u"added user '%1'"_s.arg(name));
    else if (action == u"passwd"_s)
        say(u"changed the password of '%1'; their sessions were closed"_s.arg(name));
    else if (action == u"disable"_s)
        say(u"disabled user '%1'; their sessions were closed"_s.arg(name));
    else if (action == u"enable"_s)
        say(u"enabled user '%1'"_s.arg(name));
    else
        say(u"user '%1' is now %2"_s.arg(name, request.words.value(3)));
    return ExitOk;
}

} // namespace confab::ctl
