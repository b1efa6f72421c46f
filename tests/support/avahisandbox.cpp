// SPDX-License-Identifier: Apache-2.0
#include "avahisandbox.h"

#include <QDir>
#include <QFile>
#include <QNetworkInterface>
#include <QStandardPaths>
#include <QTest>

#include <unistd.h>

using namespace Qt::StringLiterals;

namespace confab::test {
namespace {

const QStringList sbinPaths = {u"/usr/sbin"_s, u"/sbin"_s, u"/usr/bin"_s, u"/bin"_s};

QString findProgram(const QString &name)
{
    QString path = QStandardPaths::findExecutable(name);
    return path.isEmpty() ? QStandardPaths::findExecutable(name, sbinPaths) : path;
}

bool writeFile(const QString &path, const QString &text)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(text.toUtf8()) == text.toUtf8().size();
}

/// The first interface mDNS can use: up, running, multicast, not loopback.
QString multicastInterface()
{
    const auto interfaces = QNetworkInterface::allInterfaces();
    for (const QNetworkInterface &interface : interfaces) {
        const auto flags = interface.flags();
        if (!(flags & QNetworkInterface::IsUp) || !(flags & QNetworkInterface::IsRunning) ||
            !(flags & QNetworkInterface::CanMulticast) || (flags & QNetworkInterface::IsLoopBack))
            continue;
        const auto entries = interface.addressEntries();
        for (const QNetworkAddressEntry &entry : entries) {
            if (entry.ip().protocol() == QAbstractSocket::IPv4Protocol)
                return interface.name();
        }
    }
    return {};
}

void end(std::unique_ptr<QProcess> &process)
{
    if (!process)
        return;
    if (process->state() != QProcess::NotRunning) {
        process->terminate();
        if (!process->waitForFinished(5000)) {
            process->kill();
            process->waitForFinished(5000);
        }
    }
    process.reset();
}

} // namespace

QString AvahiSandbox::processBusAddress()
{
    static QTemporaryDir dir(QDir::temp().filePath(u"confab-avahi-XXXXXX"_s));
    return u"unix:path="_s + dir.filePath(u"system_bus_socket"_s);
}

void AvahiSandbox::usePrivateSystemBus()
{
    qputenv("DBUS_SYSTEM_BUS_ADDRESS", processBusAddress().toUtf8());
}

AvahiSandbox::~AvahiSandbox()
{
    stop();
}

bool AvahiSandbox::fail(const QString &why)
{
    m_whyNot = why;
    stop();
    return false;
}

bool AvahiSandbox::start(int timeoutMs)
{
    if (geteuid() != 0)
        return fail(
            u"avahi-daemon needs root here (a private /run/avahi-daemon, --no-drop-root)"_s);
    const QString dbusDaemon = findProgram(u"dbus-daemon"_s);
    if (dbusDaemon.isEmpty())
        return fail(u"dbus-daemon is not installed (Debian package dbus-daemon)"_s);
    if (findProgram(u"avahi-daemon"_s).isEmpty())
        return fail(u"avahi-daemon is not installed (Debian package avahi-daemon)"_s);
    if (findProgram(u"unshare"_s).isEmpty())
        return fail(u"unshare is not installed (Debian package util-linux)"_s);
    const QString interface = multicastInterface();
    if (interface.isEmpty())
        return fail(u"no network interface is up with multicast and an IPv4 address"_s);
    if (!m_dir.isValid())
        return fail(u"cannot make a temporary directory"_s);

    const QString busSocket = processBusAddress().mid(qsizetype(qstrlen("unix:path=")));
    QFile::remove(busSocket); // left by a bus that was killed
    const QString busConfig = m_dir.filePath(u"bus.conf"_s);
    // Everything allowed: the daemon must own org.freedesktop.Avahi, the test must call it.
    const QString busXml =
        uR"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=%1</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
)"_s.arg(busSocket);
    m_avahiConfig = m_dir.filePath(u"avahi-daemon.conf"_s);
    // IPv4 on one interface: what the tests browse, and fewer records to wait for.
    const QString avahiConf = uR"([server]
use-ipv4=yes
use-ipv6=no
allow-interfaces=%1
enable-dbus=yes
disallow-other-stacks=no
ratelimit-interval-usec=1000000
ratelimit-burst=1000
[wide-area]
enable-wide-area=no
[publish]
publish-hinfo=no
publish-workstation=no
)"_s.arg(interface);
    if (!writeFile(busConfig, busXml) || !writeFile(m_avahiConfig, avahiConf))
        return fail(u"cannot write the configuration files"_s);

    m_bus = std::make_unique<QProcess>();
    m_bus->setProcessChannelMode(QProcess::SeparateChannels);
    m_bus->start(dbusDaemon, {u"--config-file="_s + busConfig, u"--print-address"_s, u"--nofork"_s,
                              u"--nopidfile"_s});
    const bool busUp = QTest::qWaitFor(
        [&] { return m_bus->canReadLine() || m_bus->state() == QProcess::NotRunning; }, timeoutMs);
    if (!busUp || !m_bus->canReadLine()) {
        return fail(u"dbus-daemon did not start: %1"_s.arg(
            QString::fromLocal8Bit(m_bus->readAllStandardError()).trimmed()));
    }
    m_busAddress = QString::fromLatin1(m_bus->readLine()).trimmed();
    return startAvahi(timeoutMs);
}

bool AvahiSandbox::startAvahi(int timeoutMs)
{
    // avahi-daemon insists on /run/avahi-daemon/{pid,socket}: give it its own there.
    if (!QDir().mkpath(u"/run/avahi-daemon"_s))
        return fail(u"cannot make /run/avahi-daemon"_s);
    m_avahiLog.clear();
    m_avahi = std::make_unique<QProcess>();
    m_avahi->setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"DBUS_SYSTEM_BUS_ADDRESS"_s, m_busAddress);
    m_avahi->setProcessEnvironment(env);
    m_avahi->start(
        findProgram(u"unshare"_s),
        {u"--mount"_s, u"--propagation"_s, u"private"_s, u"/bin/sh"_s, u"-c"_s,
         u"mount -t tmpfs -o mode=0755 confab-avahi /run/avahi-daemon && exec \"$0\" \"$@\""_s,
         findProgram(u"avahi-daemon"_s), u"--no-drop-root"_s, u"--no-chroot"_s, u"--no-rlimits"_s,
         u"--no-proc-title"_s, u"-f"_s, m_avahiConfig});
    const bool up = QTest::qWaitFor(
        [&] {
            m_avahiLog += QString::fromLocal8Bit(m_avahi->readAll());
            return m_avahiLog.contains(u"Server startup complete"_s) ||
                   m_avahi->state() == QProcess::NotRunning;
        },
        timeoutMs);
    if (!up || !m_avahiLog.contains(u"Server startup complete"_s)) {
        return fail(u"avahi-daemon did not start (%1): %2"_s.arg(
            up ? u"it exited"_s : u"no \"Server startup complete\" in time"_s,
            m_avahiLog.trimmed().right(600)));
    }
    return true;
}

void AvahiSandbox::stopAvahi()
{
    end(m_avahi);
}

void AvahiSandbox::stop()
{
    end(m_avahi);
    end(m_bus);
}

QString AvahiSandbox::avahiOutput() const
{
    return m_avahi ? m_avahiLog + QString::fromLocal8Bit(m_avahi->readAll()) : m_avahiLog;
}

} // namespace confab::test
