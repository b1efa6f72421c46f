// SPDX-License-Identifier: Apache-2.0
// confabctl: administration of a Confab server. Online commands speak the protocol's admin
// frames to a running confabd through the client engine; offline ones work on the data
// directory's database, safe while the server runs (SQLite in WAL mode lets both work on
// the file, and writers wait their turn).

#include "commands.h"
#include "database.h"
#include "onlinecommands.h"
#include "passwordinput.h"
#include "savedlogins.h"
#include "version.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSslCertificate>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

using namespace confab::ctl;

/// Where a command works: on the data directory, on a running server, or either (a
/// `user` command goes to the server when --url is on the command line).
enum class Where { Data, Server, Either };

/// A command's shape: its words, operands (the optional ones in brackets) and the options
/// it accepts.
struct CommandSpec
{
    QStringList words;
    QStringList operands;
    QStringList options;
    Where where = Where::Data;
};

const QList<CommandSpec> &commandSpecs()
{
    static const QStringList signIn{u"url"_s, u"user"_s, u"trust-fingerprint"_s, u"ca"_s,
                                    u"password-stdin"_s};
    static const QStringList newPassword{u"password-stdin"_s};
    static const QList<CommandSpec> specs{
        {{u"user"_s, u"add"_s},
         {u"NAME"_s},
         QStringList{u"admin"_s, u"display"_s} + newPassword + signIn,
         Where::Either},
        {{u"user"_s, u"list"_s}, {}, {}, Where::Data},
        {{u"user"_s, u"disable"_s}, {u"NAME"_s}, signIn, Where::Either},
        {{u"user"_s, u"enable"_s}, {u"NAME"_s}, signIn, Where::Either},
        {{u"user"_s, u"passwd"_s}, {u"NAME"_s}, newPassword + signIn, Where::Either},
        {{u"user"_s, u"role"_s}, {u"NAME"_s, u"admin|user"_s}, signIn, Where::Either},
        {{u"channel"_s, u"create"_s}, {u"NAME"_s}, {u"private"_s, u"topic"_s}, Where::Data},
        {{u"channel"_s, u"list"_s}, {}, {}, Where::Data},
        {{u"presence"_s},
         {u"[GLOB]"_s},
         QStringList{u"watch"_s, u"json"_s, u"status"_s, u"channel"_s, u"idle-over"_s, u"columns"_s,
                     u"password-stdin"_s} +
             signIn,
         Where::Server},
        {{u"stats"_s}, {}, QStringList{u"password-stdin"_s} + signIn, Where::Server},
        {{u"kick"_s},
         {u"USER|SESSION"_s},
         QStringList{u"reason"_s, u"password-stdin"_s} + signIn,
         Where::Server},
        {{u"login"_s}, {}, QStringList{u"password-stdin"_s} + signIn, Where::Server},
        {{u"logout"_s}, {}, signIn, Where::Server},
    };
    return specs;
}

/// The spec whose words start `args`, the longest first ("user add" before "user").
const CommandSpec *findSpec(const QStringList &args)
{
    const CommandSpec *best = nullptr;
    for (const CommandSpec &spec : commandSpecs()) {
        if (args.size() >= spec.words.size() && args.mid(0, spec.words.size()) == spec.words &&
            (!best || spec.words.size() > best->words.size()))
            best = &spec;
    }
    return best;
}

bool operandCountFits(const CommandSpec &spec, qsizetype count)
{
    const qsizetype optional = std::count_if(spec.operands.cbegin(), spec.operands.cend(),
                                             [](const QString &o) { return o.startsWith(u'['); });
    return count <= spec.operands.size() && count >= spec.operands.size() - optional;
}

/// $XDG_DATA_HOME/confab, or ~/.local/share/confab (XDG ignores a relative XDG_DATA_HOME).
QString defaultDataDir()
{
    const QString xdg = qEnvironmentVariable("XDG_DATA_HOME");
    const QString base =
        !xdg.isEmpty() && QDir::isAbsolutePath(xdg) ? xdg : QDir::homePath() + u"/.local/share"_s;
    return base + u"/confab"_s;
}

QString commandSummary()
{
    return uR"(Administration of a Confab server: online, of a running confabd, and offline,
of its data directory (safe while confabd runs).

Online commands (--url ws(s)://HOST:PORT/ws or CONFAB_URL; --user NAME or CONFAB_USER):
  login                      sign in and keep the sign-in (a token, file mode 0600)
  logout                     end the kept sign-in here and on the server
  presence [GLOB]            every user (or those whose name matches GLOB), online first,
                             with each connection below: session, client, address, TLS,
                             connected since, idle, channels, unsent bytes
      --watch                stay and show every change as it happens
      --json                 one JSON object (with --watch: then one per event per line)
      --status online,away   only users with these statuses (online, away, dnd, offline)
      --channel NAME         only members of the channel
      --idle-over 10m        only connected users idle longer (s, m, h, d)
      --columns user,status,…  (user status text seen conns session client address tls
                             since idle channels unsent)
  stats                      connections, users by status, messages/s, refused
                             publishes, uptime, database size
  kick USER|SESSION [--reason TEXT]   close a user's connections, or one session's
  user add|disable|enable|passwd|role   as below, through the server (with --url)

Offline commands (--data DIR):
  user add NAME [--admin] [--display "Name"] [--password-stdin]
  user list
  user disable NAME          (also signs the user out everywhere)
  user enable NAME
  user passwd NAME [--password-stdin]   (signs the user out everywhere)
  user role NAME admin|user
  channel create NAME [--private] [--topic TEXT]
  channel list

Sign-in: the kept sign-in of `confabctl login` for that URL, else the password, asked
without echo (or the first line of standard input with --password-stdin or when it is
not a terminal). A server with a self-signed certificate: --trust-fingerprint AB:CD:…
(as confabctl prints it on the first refusal) or --ca FILE.

Exit status: 0 done, 1 refused or failed (the reason is printed), 2 bad command line,
3 cannot connect (within 5 s), 4 not authorised (bad password, or not an admin).)"_s;
}

void print(FILE *stream, const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
}

} // namespace

/// Reads the options of the online commands into `target` and `request`; ExitOk or the
/// usage error already printed.
int readOnline(const QCommandLineParser &parser, const CommandSpec &spec, const QStringList &args,
               ServerTarget *target, OnlineRequest *request, SavedLogins &logins)
{
    const QString url =
        parser.isSet(u"url"_s) ? parser.value(u"url"_s) : qEnvironmentVariable("CONFAB_URL");
    if (url.isEmpty())
        return fail(ExitUsage, u"which server? give --url ws://HOST:PORT/ws or set CONFAB_URL"_s);
    target->url = QUrl::fromUserInput(url);
    if (target->url.scheme() != u"ws"_s && target->url.scheme() != u"wss"_s)
        return fail(ExitUsage,
                    u"--url must be ws://HOST:PORT/ws or wss://HOST:PORT/ws, not '%1'"_s.arg(url));
    for (const QString &text : parser.values(u"trust-fingerprint"_s)) {
        const auto fingerprint = confab::parseFingerprint(text);
        if (!fingerprint)
            return fail(ExitUsage, u"--trust-fingerprint wants a SHA-256 fingerprint (64 hex "
                                   u"digits, colons allowed), not '%1'"_s.arg(text));
        target->pinnedSha256.append(*fingerprint);
    }
    if (parser.isSet(u"ca"_s)) {
        const auto certificates = QSslCertificate::fromPath(parser.value(u"ca"_s));
        if (certificates.isEmpty())
            return fail(ExitUsage, u"no PEM certificate in %1"_s.arg(parser.value(u"ca"_s)));
        target->caCertificates = certificates;
    }

    request->words = args;
    request->json = parser.isSet(u"json"_s);
    request->watch = parser.isSet(u"watch"_s);
    request->reason = parser.value(u"reason"_s);
    request->admin = parser.isSet(u"admin"_s);
    request->passwordStdin = parser.isSet(u"password-stdin"_s);
    if (parser.isSet(u"display"_s))
        request->display = parser.value(u"display"_s);
    confab::AdminWatchFilter &filter = request->filter;
    if (spec.words.first() == u"presence"_s && args.size() > 1)
        filter.userGlob = args[1];
    for (const QString &name : parser.value(u"status"_s).split(u',', Qt::SkipEmptyParts)) {
        const auto status = confab::presenceStatusFromName(name.trimmed());
        if (!status)
            return fail(ExitUsage,
                        u"--status takes online, away, dnd or offline, not '%1'"_s.arg(name));
        filter.statuses.append(*status);
    }
    filter.channel = parser.value(u"channel"_s);
    if (parser.isSet(u"idle-over"_s)) {
        filter.idleOverMs = parseDuration(parser.value(u"idle-over"_s));
        if (!filter.idleOverMs)
            return fail(ExitUsage, u"--idle-over takes a duration such as 90s, 10m, 2h or 1d"_s);
    }
    if (parser.isSet(u"columns"_s)) {
        QString why;
        const auto columns = parseColumns(parser.value(u"columns"_s), &why);
        if (!columns)
            return fail(ExitUsage, why);
        request->columns = *columns;
    }

    // Who: --user, CONFAB_USER, or the kept sign-in's user. A kept sign-in is used unless
    // another user is asked for (and never by `login`, which makes a new one).
    target->user =
        parser.isSet(u"user"_s) ? parser.value(u"user"_s) : qEnvironmentVariable("CONFAB_USER");
    const auto saved = logins.find(target->url);
    const bool logsIn = spec.words.first() == u"login"_s;
    if (saved && !logsIn && (target->user.isEmpty() || target->user == saved->user)) {
        target->user = saved->user;
        target->token = saved->token;
        return ExitOk;
    }
    if (spec.words.first() == u"logout"_s)
        return ExitOk; // nothing kept: logout says so
    if (target->user.isEmpty())
        return fail(ExitUsage, u"who signs in? give --user NAME, set CONFAB_USER, or run "
                               u"confabctl login first"_s);
    QString why;
    const auto password = PasswordInput::read(
        u"Password for %1 at %2: "_s.arg(target->user, target->url.toDisplayString()),
        request->passwordStdin, &why, PasswordInput::Confirm::Once);
    if (!password)
        return fail(ExitFailed, why);
    target->password = *password;
    return ExitOk;
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"confabctl"_s);
    QCoreApplication::setApplicationVersion(QString::fromLatin1(confab::version));
    // A command's output is its own; store and engine notes only with QT_LOGGING_RULES.
    QLoggingCategory::setFilterRules(
        u"confab.*.debug=false\nconfab.*.info=false\nconfab.*.warning=false"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(commandSummary());
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    const QList<QCommandLineOption> options{
        {u"data"_s, u"The data directory holding confab.db (default: %1)."_s.arg(defaultDataDir()),
         u"DIR"_s, defaultDataDir()},
        {u"url"_s, u"The server: ws://HOST:PORT/ws or wss://… (default: $CONFAB_URL)."_s, u"URL"_s},
        {u"user"_s, u"Sign in as NAME (default: $CONFAB_USER, or the kept sign-in)."_s, u"NAME"_s},
        {u"trust-fingerprint"_s, u"Trust the server certificate with this SHA-256 fingerprint."_s,
         u"HEX"_s},
        {u"ca"_s, u"Trust the certificates in this PEM file for the server."_s, u"FILE"_s},
        {u"admin"_s, u"user add: make the user an admin."_s},
        {u"display"_s, u"user add: the display name."_s, u"NAME"_s},
        {u"password-stdin"_s, u"Read the password from the first line of standard input."_s},
        {u"private"_s, u"channel create: members only."_s},
        {u"topic"_s, u"channel create: the topic."_s, u"TEXT"_s},
        {u"watch"_s, u"presence: stay and show changes as they happen."_s},
        {u"json"_s, u"presence: JSON instead of a table."_s},
        {u"status"_s, u"presence: only these statuses (comma-separated)."_s, u"LIST"_s},
        {u"channel"_s, u"presence: only members of this channel."_s, u"NAME"_s},
        {u"idle-over"_s, u"presence: only users idle longer than this."_s, u"DURATION"_s},
        {u"columns"_s, u"presence: the columns to show (comma-separated)."_s, u"LIST"_s},
        {u"reason"_s, u"kick: the reason the kicked user is told."_s, u"TEXT"_s},
    };
    parser.addOptions(options);
    parser.addPositionalArgument(u"command"_s, u"One of the commands above."_s,
                                 u"COMMAND [ARGS]"_s);

    if (!parser.parse(QCoreApplication::arguments()))
        return fail(ExitUsage, parser.errorText() + u" (see confabctl --help)"_s);
    if (parser.isSet(help)) {
        print(stdout, parser.helpText());
        return ExitOk;
    }
    if (parser.isSet(version)) {
        print(stdout, u"confabctl %1\n"_s.arg(QCoreApplication::applicationVersion()));
        return ExitOk;
    }

    const QStringList args = parser.positionalArguments();
    if (args.isEmpty())
        return fail(ExitUsage, u"missing command (see confabctl --help)"_s);
    const CommandSpec *spec = findSpec(args);
    const bool isGroup =
        std::any_of(commandSpecs().cbegin(), commandSpecs().cend(), [&](const CommandSpec &s) {
            return s.words.size() > 1 && s.words.first() == args[0];
        });
    if (!spec && isGroup && args.size() == 1)
        return fail(ExitUsage, u"missing command after '%1' (see confabctl --help)"_s.arg(args[0]));
    if (!spec) {
        return fail(ExitUsage, u"unknown command '%1' (see confabctl --help)"_s.arg(
                                   args.mid(0, 2).join(u' ')));
    }
    const QString commandName = spec->words.join(u' ');
    if (!operandCountFits(*spec, args.size() - spec->words.size())) {
        return fail(ExitUsage,
                    u"usage: confabctl %1 %2"_s.arg(commandName, spec->operands.join(u' ')));
    }
    // Online when the command only works online, or a `user` command given --url.
    const bool online =
        spec->where == Where::Server ||
        (spec->where == Where::Either && parser.isSet(u"url"_s) && !parser.isSet(u"data"_s));
    for (const QCommandLineOption &option : options) {
        const QString optionName = option.names().constFirst();
        if (optionName == u"data"_s || !parser.isSet(option))
            continue;
        const bool signInOption =
            QStringList{u"url"_s, u"user"_s, u"trust-fingerprint"_s, u"ca"_s}.contains(optionName);
        if (!spec->options.contains(optionName) || (signInOption && !online)) {
            return fail(ExitUsage,
                        u"option --%1 does not apply to '%2'"_s.arg(optionName, commandName));
        }
    }

    if (online) {
        SavedLogins logins;
        ServerTarget target;
        OnlineRequest request;
        if (const int code = readOnline(parser, *spec, args, &target, &request, logins);
            code != ExitOk)
            return code;
        return OnlineCommands(target, logins).run(request);
    }

    Request request;
    request.group = args[0];
    request.command = args.value(1);
    request.operands = args.mid(2);
    request.admin = parser.isSet(u"admin"_s);
    request.passwordStdin = parser.isSet(u"password-stdin"_s);
    request.isPrivate = parser.isSet(u"private"_s);
    if (parser.isSet(u"display"_s))
        request.display = parser.value(u"display"_s);
    if (parser.isSet(u"topic"_s))
        request.topic = parser.value(u"topic"_s);

    // The commands that set a server up (the first admin, say) create a missing data directory
    // (0700, as confabd does); the others refuse it, so a typo in --data is not a new empty
    // database that has no such user.
    const QString dataDir = parser.value(u"data"_s);
    const bool creates = request.command == u"add"_s || request.command == u"create"_s;
    if (!creates && !QFileInfo(dataDir).isDir())
        return fail(ExitFailed, u"data directory %1 does not exist"_s.arg(dataDir));
    confab::store::Database db;
    QString error;
    if (!confab::store::Database::prepareDirectory(dataDir, &error) ||
        !db.open(QDir(dataDir).filePath(u"confab.db"_s), &error))
        return fail(ExitFailed, error);
    return Commands(db).run(request);
}
