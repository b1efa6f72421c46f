// SPDX-License-Identifier: Apache-2.0
// The desktop app: reads the command line, hands it to AppContext, loads Main.qml.
//   confab [--server URL] [--user NAME (--password-file FILE | --password-stdin)]
//          [--trust-fingerprint SHA256] [--data DIR] [--screenshot FILE [--screenshot-delay MS]]
//          [--theme system|light|dark]
//   confab --host [--listen HOST:PORT] [--data DIR] [--name NAME]
// SIGTERM and SIGINT quit cleanly: a hosted server says `bye shutdown` and ends with the app.
// CONFAB_FIRST_FRAME_LOG=1 prints when the first frames showed (benchmarks; firstframelog.h).

#include "appcontext.h"
#include "fingerprint.h"
#include "firstframelog.h"
#include "quitsignals.h"
#include "serveraddress.h"
#include "version.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QLoggingCategory>
#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTimer>

#include <cstdio>
#include <memory>

Q_IMPORT_QML_PLUGIN(Confab_UiPlugin)

using namespace Qt::StringLiterals;

namespace {

Q_LOGGING_CATEGORY(lcMain, "confab.app")

// The first line of an opened file, without its line ending; nullopt when it is not open.
std::optional<QString> firstLine(QFile &file)
{
    if (!file.isOpen())
        return std::nullopt;
    QString line = QString::fromUtf8(file.readLine());
    while (line.endsWith(u'\n') || line.endsWith(u'\r'))
        line.chop(1);
    return line;
}

std::optional<QString> readPassword(const QString &path)
{
    QFile file(path);
    file.open(QIODevice::ReadOnly);
    return firstLine(file);
}

std::optional<QString> readPasswordFromStdin()
{
    QFile input;
    input.open(stdin, QIODevice::ReadOnly);
    return firstLine(input);
}

// Saves a picture of the first window to `path` after `delayMs`, then quits (exit 0 on
// success). For documentation and for looking at the UI on a headless machine.
void scheduleScreenshot(QQmlApplicationEngine &engine, const QString &path, int delayMs)
{
    QTimer::singleShot(delayMs, &engine, [&engine, path] {
        const auto roots = engine.rootObjects();
        auto *window = roots.isEmpty() ? nullptr : qobject_cast<QQuickWindow *>(roots.first());
        const bool saved = window && window->grabWindow().save(path);
        if (!saved)
            qCCritical(lcMain) << "cannot save a screenshot to" << path;
        QCoreApplication::exit(saved ? 0 : 1);
    });
}

/// The value of `--name NAME` or `--name=NAME` in the raw arguments: Qt's xcb platform takes
/// `-name` (and so `--name`) for itself before QCommandLineParser sees it.
QString rawNameArgument(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "--name" && i + 1 < argc)
            return QString::fromLocal8Bit(argv[i + 1]);
        if (arg.startsWith("--name="))
            return QString::fromLocal8Bit(arg.mid(7));
    }
    return {};
}

/// --help and --version print and exit: they must work without a display.
bool onlyPrints(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "-h" || arg == "--help" || arg == "--help-all" || arg == "-v" ||
            arg == "--version" || arg == "-?")
            return true;
    }
    return false;
}

} // namespace

int main(int argc, char *argv[])
{
    const QString nameArgument = rawNameArgument(argc, argv);
    // A QApplication (not QGuiApplication) for the tray icon while hosting in the background;
    // a plain QCoreApplication when the command line only asks for help or the version.
    const std::unique_ptr<QCoreApplication> application =
        onlyPrints(argc, argv) ? std::make_unique<QCoreApplication>(argc, argv)
                               : std::make_unique<QApplication>(argc, argv);
    QCoreApplication &app = *application;
    QApplication::setApplicationName(u"confab"_s);
    QGuiApplication::setApplicationDisplayName(u"Confab"_s);
    QApplication::setOrganizationName(u"Confab"_s);
    QApplication::setApplicationVersion(QString::fromLatin1(confab::version));

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Confab: self-hosted real-time chat"_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption serverOption(u"server"_s, u"The server's WebSocket URL."_s, u"URL"_s,
                                          u"ws://127.0.0.1:8765/ws"_s);
    const QCommandLineOption userOption(u"user"_s, u"Sign in as NAME."_s, u"NAME"_s);
    const QCommandLineOption passwordFileOption(
        u"password-file"_s, u"Sign in with the password on the first line of FILE."_s, u"FILE"_s);
    const QCommandLineOption dataOption(
        u"data"_s, u"Local data directory (default $XDG_DATA_HOME/confab-desktop)."_s, u"DIR"_s);
    const QCommandLineOption screenshotOption(
        u"screenshot"_s, u"Save a picture of the window to FILE and quit."_s, u"FILE"_s);
    const QCommandLineOption delayOption(u"screenshot-delay"_s,
                                         u"Milliseconds to wait before the screenshot."_s, u"MS"_s,
                                         u"2500"_s);
    const QCommandLineOption passwordStdinOption(
        u"password-stdin"_s, u"Sign in with the password on the first line of standard input."_s);
    const QCommandLineOption trustOption(
        u"trust-fingerprint"_s,
        u"Trust the server's self-signed certificate with this SHA-256 fingerprint (AB:CD:…)."_s,
        u"SHA256"_s);
    const QCommandLineOption hostOption(
        u"host"_s, u"Host a server on this computer (the data in DIR/server) and sign in to it; "
                   u"prints \"hosting on URL\" once it accepts connections."_s);
    const QCommandLineOption listenOption(
        u"listen"_s,
        u"With --host: 127.0.0.1:PORT for this computer only, any other address for the local "
        u"network (port 0: any free one)."_s,
        u"HOST:PORT"_s);
    const QCommandLineOption nameOption(u"name"_s, u"With --host: the server's name."_s, u"NAME"_s);
    // Read by the Theme singleton from the arguments; checked here.
    const QCommandLineOption themeOption(
        u"theme"_s, u"Light or dark colours for this run (system, light or dark; not kept)."_s,
        u"MODE"_s);
    parser.addOptions({serverOption, userOption, passwordFileOption, passwordStdinOption,
                       trustOption, dataOption, hostOption, listenOption, nameOption,
                       screenshotOption, delayOption, themeOption});
    parser.process(app);
    if (parser.isSet(themeOption) &&
        !QStringList{u"system"_s, u"light"_s, u"dark"_s}.contains(parser.value(themeOption))) {
        std::fprintf(stderr, "confab: --theme wants system, light or dark\n");
        return 2;
    }

    confab::ui::LaunchOptions options;
    options.dataDir = parser.value(dataOption);
    // What people type (`host:port`, http://…) becomes ws(s)://…/ws, as on the sign-in page.
    const QString typedServer = parser.value(serverOption);
    QString addressError;
    const auto serverUrl = confab::client::normalizeServerUrl(typedServer, &addressError);
    if (!serverUrl) {
        std::fprintf(stderr, "confab: %s\n", qPrintable(addressError));
        return 2;
    }
    options.serverUrl = *serverUrl;
    options.user = parser.value(userOption);
    if (parser.isSet(passwordFileOption)) {
        const auto password = readPassword(parser.value(passwordFileOption));
        if (!password) {
            std::fprintf(stderr, "confab: cannot read %s\n",
                         qPrintable(parser.value(passwordFileOption)));
            return 2;
        }
        options.password = *password;
    } else if (parser.isSet(passwordStdinOption)) {
        const auto password = readPasswordFromStdin();
        if (!password || password->isEmpty()) {
            std::fprintf(stderr, "confab: no password on standard input\n");
            return 2;
        }
        options.password = *password;
    }
    if (parser.isSet(trustOption)) {
        const auto sha256 = confab::parseFingerprint(parser.value(trustOption));
        if (!sha256) {
            std::fprintf(stderr, "confab: --trust-fingerprint wants 32 hex bytes (AB:CD:…)\n");
            return 2;
        }
        options.trustedSha256 = *sha256;
    }
    options.host = parser.isSet(hostOption);
    options.hostListen = parser.value(listenOption);
    options.hostName = parser.isSet(nameOption) ? parser.value(nameOption) : nameArgument;
    if (!options.hostListen.isEmpty()) {
        const qsizetype colon = options.hostListen.lastIndexOf(u':');
        bool portOk = false;
        const int port = options.hostListen.mid(colon + 1).toInt(&portOk);
        if (colon <= 0 || !portOk || port < 0 || port > 65535) {
            std::fprintf(stderr, "confab: --listen wants HOST:PORT\n");
            return 2;
        }
    }
    confab::ui::AppContext::setLaunchOptions(options);

    QQuickStyle::setStyle(u"Basic"_s);
    QQmlApplicationEngine engine;
    engine.addImportPath(u"qrc:/qt/qml"_s);
    QObject::connect(
        &engine, &QQmlApplicationEngine::objectCreated, &app,
        [](QObject *object, const QUrl &) {
            if (!object)
                QCoreApplication::exit(1);
        },
        Qt::QueuedConnection);
    engine.load(QUrl(u"qrc:/qt/qml/Confab/Ui/Main.qml"_s));
    if (engine.rootObjects().isEmpty())
        return 1;
    confab::ui::installFirstFrameLogIfAsked(
        qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst()));

    confab::installQuitSignalHandlers(&app, [] { QCoreApplication::quit(); });
    if (parser.isSet(screenshotOption))
        scheduleScreenshot(engine, parser.value(screenshotOption),
                           parser.value(delayOption).toInt());
    return app.exec();
}
