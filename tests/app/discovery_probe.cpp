// SPDX-License-Identifier: Apache-2.0
// confab_discovery_probe: local network discovery from another process, for tests and for
// trying the app by hand.
//   confab_discovery_probe --announce NAME PORT [--tls FINGERPRINT]
//       announces a server until killed; prints "announced NAME" once the daemon confirmed
//       it (NAME as published, after any rename).
//   confab_discovery_probe --browse
//       prints "found NAME HOST PORT tls=0|1 fingerprint=FP url=URL host=MDNSNAME" per server
//       found (HOST is the IPv4 address the URL uses) and "lost KEY" when one goes.
// Both print "unavailable: REASON" while the Avahi daemon cannot be reached.

#include "serviceannouncer.h"
#include "servicebrowser.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTextStream>

#include <csignal>

#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace confab::client;

namespace {

int signalPipe[2] = {-1, -1};

void onSigterm(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(signalPipe[0], &byte, 1);
}

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

void say(const QString &line)
{
    out() << line << Qt::endl; // flushed: a test reads it line by line
}

int usage()
{
    QTextStream(stderr)
        << "usage: confab_discovery_probe --announce NAME PORT [--tls FINGERPRINT]\n"
           "       confab_discovery_probe --browse\n";
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    // SIGTERM ends the event loop (through a socket pair: a signal handler may only write),
    // so the announcement is withdrawn on the way out.
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) != 0)
        return 1;
    QSocketNotifier sigterm(signalPipe[1], QSocketNotifier::Read);
    QObject::connect(&sigterm, &QSocketNotifier::activated, &app, &QCoreApplication::quit);
    std::signal(SIGTERM, onSigterm);
    const QStringList args = app.arguments().mid(1);

    if (args.size() >= 3 && args.at(0) == u"--announce"_s) {
        bool portOk = false;
        const uint port = args.at(2).toUInt(&portOk);
        if (!portOk || port == 0 || port > 65535)
            return usage();
        AnnouncedService service{args.at(1), quint16(port), false, {}};
        if (args.size() == 5 && args.at(3) == u"--tls"_s) {
            service.tls = true;
            service.fingerprint = args.at(4);
        } else if (args.size() != 3) {
            return usage();
        }
        ServiceAnnouncer announcer;
        QObject::connect(&announcer, &ServiceAnnouncer::announcedChanged, [&] {
            if (announcer.isAnnounced())
                say(u"announced "_s + announcer.announcedName());
        });
        QObject::connect(&announcer, &ServiceAnnouncer::availableChanged, [&] {
            if (!announcer.available())
                say(u"unavailable: "_s + announcer.errorString());
        });
        announcer.announce(service);
        if (!announcer.available())
            say(u"unavailable: "_s + announcer.errorString());
        const int rc = app.exec();
        QObject::disconnect(&announcer, nullptr, nullptr, nullptr); // quiet on the way out
        return rc;
    }

    if (args == QStringList{u"--browse"_s}) {
        ServiceBrowser browser;
        QObject::connect(&browser, &ServiceBrowser::serverFound, [](const DiscoveredServer &s) {
            say(u"found %1 %2 %3 tls=%4 fingerprint=%5 url=%6 host=%7"_s.arg(
                s.name, s.address, QString::number(s.port), s.encrypted ? u"1"_s : u"0"_s,
                s.fingerprint, s.url.toString(), s.host));
        });
        QObject::connect(&browser, &ServiceBrowser::serverLost,
                         [](const QString &key) { say(u"lost "_s + key); });
        QObject::connect(&browser, &ServiceBrowser::statusChanged, [&] {
            if (!browser.available())
                say(u"unavailable: "_s + browser.statusText());
        });
        browser.start();
        if (!browser.available())
            say(u"unavailable: "_s + browser.statusText());
        const int rc = app.exec();
        QObject::disconnect(&browser, nullptr, nullptr, nullptr); // quiet on the way out
        return rc;
    }
    return usage();
}
