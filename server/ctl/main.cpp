// SPDX-License-Identifier: Apache-2.0
// confabctl: offline administration of a Confab server's data directory. Safe while the
// server runs: SQLite in WAL mode lets both work on the file, and writers wait their turn.

#include "commands.h"
#include "database.h"
#include "version.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

using namespace confab::ctl;

/// A command's shape: its operands and the options it accepts.
struct CommandSpec
{
    QString group;
    QString command;
    QStringList operands;
    QStringList options;
};

const QList<CommandSpec> &commandSpecs()
{
    static const QList<CommandSpec> specs{
        {u"user"_s, u"add"_s, {u"NAME"_s}, {u"admin"_s, u"display"_s, u"password-stdin"_s}},
        {u"user"_s, u"list"_s, {}, {}},
        {u"user"_s, u"disable"_s, {u"NAME"_s}, {}},
        {u"user"_s, u"enable"_s, {u"NAME"_s}, {}},
        {u"user"_s, u"passwd"_s, {u"NAME"_s}, {u"password-stdin"_s}},
        {u"user"_s, u"role"_s, {u"NAME"_s, u"admin|user"_s}, {}},
        {u"channel"_s, u"create"_s, {u"NAME"_s}, {u"private"_s, u"topic"_s}},
        {u"channel"_s, u"list"_s, {}, {}},
    };
    return specs;
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
    return uR"(Offline administration of a Confab server's data (safe while confabd runs).

Commands:
  user add NAME [--admin] [--display "Name"] [--password-stdin]
  user list
  user disable NAME          (also signs the user out everywhere)
  user enable NAME
  user passwd NAME [--password-stdin]   (signs the user out everywhere)
  user role NAME admin|user
  channel create NAME [--private] [--topic TEXT]
  channel list

A password is asked for without echo on a terminal; with --password-stdin, or when
standard input is not a terminal, it is the first line of standard input.
Exit status: 0 done, 1 failed, 2 bad command line.)"_s;
}

void print(FILE *stream, const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"confabctl"_s);
    QCoreApplication::setApplicationVersion(QString::fromLatin1(confab::version));
    // A command's output is its own; store notes (a migration) only with QT_LOGGING_RULES.
    QLoggingCategory::setFilterRules(u"confab.*.info=false"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(commandSummary());
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    const QCommandLineOption data(
        u"data"_s, u"The data directory holding confab.db (default: %1)."_s.arg(defaultDataDir()),
        u"DIR"_s, defaultDataDir());
    const QCommandLineOption admin(u"admin"_s, u"user add: make the user an admin."_s);
    const QCommandLineOption display(u"display"_s, u"user add: the display name."_s, u"NAME"_s);
    const QCommandLineOption passwordStdin(
        u"password-stdin"_s, u"Read the password from the first line of standard input."_s);
    const QCommandLineOption isPrivate(u"private"_s, u"channel create: members only."_s);
    const QCommandLineOption topic(u"topic"_s, u"channel create: the topic."_s, u"TEXT"_s);
    parser.addOptions({data, admin, display, passwordStdin, isPrivate, topic});
    parser.addPositionalArgument(u"command"_s, u"One of the commands above."_s,
                                 u"GROUP COMMAND [ARGS]"_s);

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
    if (args.size() < 2)
        return fail(ExitUsage, u"missing command (see confabctl --help)"_s);
    const auto &specs = commandSpecs();
    const auto spec = std::find_if(specs.cbegin(), specs.cend(), [&](const CommandSpec &s) {
        return s.group == args[0] && s.command == args[1];
    });
    const QString commandName = args[0] + u' ' + args[1];
    if (spec == specs.cend())
        return fail(ExitUsage, u"unknown command '%1' (see confabctl --help)"_s.arg(commandName));
    if (args.size() - 2 != spec->operands.size()) {
        return fail(ExitUsage,
                    u"usage: confabctl %1 %2"_s.arg(commandName, spec->operands.join(u' ')));
    }
    for (const QCommandLineOption *option :
         {&admin, &display, &passwordStdin, &isPrivate, &topic}) {
        const QString optionName = option->names().constFirst();
        if (parser.isSet(*option) && !spec->options.contains(optionName)) {
            return fail(ExitUsage,
                        u"option --%1 does not apply to '%2'"_s.arg(optionName, commandName));
        }
    }

    Request request;
    request.group = args[0];
    request.command = args[1];
    request.operands = args.mid(2);
    request.admin = parser.isSet(admin);
    request.passwordStdin = parser.isSet(passwordStdin);
    request.isPrivate = parser.isSet(isPrivate);
    if (parser.isSet(display))
        request.display = parser.value(display);
    if (parser.isSet(topic))
        request.topic = parser.value(topic);

    // The commands that set a server up (the first admin, say) create a missing data directory
    // (0700, as confabd does); the others refuse it, so a typo in --data is not a new empty
    // database that has no such user.
    const QString dataDir = parser.value(data);
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
