// SPDX-License-Identifier: Apache-2.0
// The desktop app: reads the command line, hands it to AppContext, loads Main.qml.
//   confab [--server URL] [--user NAME --password-file FILE] [--data DIR]
//          [--screenshot FILE [--screenshot-delay MS]]

#include "appcontext.h"
#include "version.h"

#include <QCommandLineParser>
#include <QFile>
#include <QGuiApplication>
#include <QLoggingCategory>
#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTimer>

#include <cstdio>

Q_IMPORT_QML_PLUGIN(Confab_UiPlugin)

using namespace Qt::StringLiterals;

namespace {

Q_LOGGING_CATEGORY(lcMain, "confab.app")

// The first line of `path`, without its line ending; nullopt when it cannot be read.
std::optional<QString> readPassword(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    QString line = QString::fromUtf8(file.readLine());
    while (line.endsWith(u'\n') || line.endsWith(u'\r'))
        line.chop(1);
    return line;
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

} // namespace

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(u"confab"_s);
    QGuiApplication::setApplicationDisplayName(u"Confab"_s);
    QGuiApplication::setOrganizationName(u"Confab"_s);
    QGuiApplication::setApplicationVersion(QString::fromLatin1(confab::version));

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
    parser.addOptions(
        {serverOption, userOption, passwordFileOption, dataOption, screenshotOption, delayOption});
    parser.process(app);

    confab::ui::LaunchOptions options;
    options.dataDir = parser.value(dataOption);
    options.serverUrl = QUrl::fromUserInput(parser.value(serverOption));
    options.user = parser.value(userOption);
    if (parser.isSet(passwordFileOption)) {
        const auto password = readPassword(parser.value(passwordFileOption));
        if (!password) {
            std::fprintf(stderr, "confab: cannot read %s\n",
                         qPrintable(parser.value(passwordFileOption)));
            return 2;
        }
        options.password = *password;
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

    if (parser.isSet(screenshotOption))
        scheduleScreenshot(engine, parser.value(screenshotOption),
                           parser.value(delayOption).toInt());
    return app.exec();
}
