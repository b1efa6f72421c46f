// SPDX-License-Identifier: Apache-2.0
// confabd: the Confab server. Reads its settings, starts the server, prints one
// "listening on" line when it accepts connections (with wss://, a second line with the
// certificate's SHA-256 fingerprint), and stops gracefully on SIGTERM/SIGINT.

#include "database.h"
#include "epolleventdispatcher.h"
#include "quitsignals.h"
#include "selfsignedcertificate.h"
#include "server.h"
#include "serverconfig.h"
#include "version.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <cstdio>
#include <sys/resource.h>

using namespace Qt::StringLiterals;
using confab::server::EpollEventDispatcher;
using confab::server::ServerConfig;
using confab::server::ServerConfigLoader;
using confab::tls::SelfSignedCertificate;

namespace {

/// Every connection is a descriptor: use all the hard limit allows (often 1024 soft, far
/// more hard). Left as it is when it cannot be raised.
void raiseDescriptorLimit()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max)
        return;
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
}

int fail(const QString &message)
{
    std::fprintf(stderr, "confabd: %s\n", qPrintable(message));
    return 2;
}

/// `confabd --check`: reads the whole file, so on request only, never at every start.
int checkDatabase(const QString &path)
{
    QString report;
    const bool sound = confab::store::Database::checkIntegrity(path, &report);
    if (sound) {
        std::printf("%s: ok\n", qPrintable(path));
        return 0;
    }
    std::printf("%s: %s\n", qPrintable(path), qPrintable(report));
    return 1;
}

/// `server.tls_self_signed`: serve `<data>/tls/cert.pem` and `key.pem`, made when missing.
bool useSelfSignedCertificate(ServerConfig *config, QString *error)
{
    const QString dataDir =
        config->dataDir.isEmpty() ? ServerConfig::defaultDataDir() : config->dataDir;
    // A missing data folder is made as the server makes it (0700) before the certificate's
    // folder goes into it.
    if (!QFileInfo::exists(dataDir) && !confab::store::Database::prepareDirectory(dataDir, error))
        return false;
    const auto pair = confab::tls::ensureSelfSigned(QDir(dataDir).filePath(u"tls"_s), error);
    if (!pair)
        return false;
    config->tlsCertificate = pair->certificatePath;
    config->tlsKey = pair->keyPath;
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    raiseDescriptorLimit();
    // Qt's own event dispatcher fans out about twice as fast as glib's (PERF-NOTES.md).
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    // And epoll, where a turn costs what is ready rather than every connection.
    if (QAbstractEventDispatcher *dispatcher = EpollEventDispatcher::createForServer())
        QCoreApplication::setEventDispatcher(dispatcher);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"confabd"_s);
    QCoreApplication::setApplicationVersion(QString::fromLatin1(confab::version));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Confab server: real-time chat and presence over WebSockets.\n\n"
        "Every setting of the config file can also be given as a flag:\n"_s +
        ServerConfigLoader::flagHelp().join(u'\n'));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption configOption(u"config"_s, u"INI config file."_s, u"FILE"_s);
    const QCommandLineOption listenOption(u"listen"_s, u"Address to listen on (127.0.0.1:8765)."_s,
                                          u"HOST:PORT"_s);
    const QCommandLineOption dataOption(u"data"_s, u"Data directory."_s, u"DIR"_s);
    const QCommandLineOption registrationOption(u"open-registration"_s,
                                                u"Let anyone create an account."_s);
    const QCommandLineOption certOption(u"tls-cert"_s, u"PEM certificate (enables wss://)."_s,
                                        u"FILE"_s);
    const QCommandLineOption keyOption(u"tls-key"_s, u"PEM private key."_s, u"FILE"_s);
    const QCommandLineOption selfSignedOption(
        u"tls-self-signed"_s,
        u"Without --tls-cert/--tls-key: wss:// with a certificate of its own, made in "
        u"DIR/tls on first start and kept."_s);
    const QCommandLineOption checkOption(
        u"check"_s, u"Check the database file (PRAGMA integrity_check, read-only), print the "
                    u"verdict and exit: 0 when it is sound. Does not start the server."_s);
    const QCommandLineOption proxyOption(
        u"trusted-proxy"_s, u"Reverse proxies whose X-Forwarded-For is believed (a,b,...)."_s,
        u"ADDRESSES"_s);
    const QCommandLineOption tlsOnlyOption(
        u"tls-only"_s, u"Refuse to start when plain ws:// would be served on an address other "
                       u"than loopback (127.0.0.1, ::1): there, only a local reverse proxy that "
                       u"terminates TLS reaches it."_s);
    const QCommandLineOption originsOption(
        u"allowed-origins"_s,
        u"Browser origins allowed to connect (https://host[:port],...); an upgrade with "
        u"another Origin header gets HTTP 403, one without any is let in. Default: any."_s,
        u"ORIGINS"_s);
    parser.addOptions({configOption, listenOption, dataOption, registrationOption, certOption,
                       keyOption, selfSignedOption, proxyOption, tlsOnlyOption, originsOption});
    parser.addOption(checkOption);
    QList<QCommandLineOption> settingOptions;
    for (const QString &key : ServerConfigLoader::keys()) {
        QCommandLineOption option(ServerConfigLoader::flagName(key), QString(), u"VALUE"_s);
        option.setFlags(QCommandLineOption::HiddenFromHelp);
        settingOptions.append(option);
        parser.addOption(option);
    }
    parser.process(app);

    ServerConfig config;
    QString error;
    if (parser.isSet(configOption) &&
        !ServerConfigLoader::loadFile(parser.value(configOption), &config, &error))
        return fail(error);
    const QStringList keys = ServerConfigLoader::keys();
    for (int i = 0; i < keys.size(); ++i) {
        if (parser.isSet(settingOptions[i]) &&
            !ServerConfigLoader::apply(keys[i], parser.value(settingOptions[i]), &config, &error))
            return fail(error);
    }
    const std::pair<const QCommandLineOption &, const char *> shortcuts[] = {
        {listenOption, "server.listen"},       {dataOption, "server.data"},
        {certOption, "server.tls_cert"},       {keyOption, "server.tls_key"},
        {proxyOption, "server.trusted_proxy"}, {originsOption, "server.allowed_origins"}};
    for (const auto &[option, key] : shortcuts) {
        if (parser.isSet(option) &&
            !ServerConfigLoader::apply(QString::fromLatin1(key), parser.value(option), &config,
                                       &error))
            return fail(error);
    }
    if (parser.isSet(registrationOption))
        config.openRegistration = true;
    if (parser.isSet(selfSignedOption))
        config.tlsSelfSigned = true;
    if (parser.isSet(tlsOnlyOption))
        config.tlsOnly = true;

    if (parser.isSet(checkOption))
        return checkDatabase(config.databasePath());

    // A certificate and key that are given win over the self-signed one.
    if (config.tlsSelfSigned && config.tlsCertificate.isEmpty() && config.tlsKey.isEmpty() &&
        !useSelfSignedCertificate(&config, &error))
        return fail(error);
    if (const QString refusal = config.tlsOnlyViolation(); !refusal.isEmpty())
        return fail(refusal);

    confab::server::Server server(config);
    if (!server.start(&error))
        return fail(error);
    std::printf("listening on %s\n", qPrintable(server.url().toString()));
    // With any certificate, for a host to show and its users to compare with what their
    // client saw (`confabctl --trust-fingerprint` takes the same form).
    if (server.url().scheme() == u"wss"_s) {
        if (const auto fingerprint =
                SelfSignedCertificate::fingerprint(config.tlsCertificate, &error))
            std::printf("certificate fingerprint (SHA-256): %s\n", qPrintable(*fingerprint));
        else
            std::fprintf(stderr, "confabd: %s\n", qPrintable(error));
    }
    std::fflush(stdout);

    QObject::connect(&server, &confab::server::Server::stopped, &app, &QCoreApplication::quit);
    confab::installQuitSignalHandlers(&app, [&server] { server.stop(); });
    return app.exec();
}
