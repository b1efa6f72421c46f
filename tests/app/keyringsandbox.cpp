// SPDX-License-Identifier: Apache-2.0
#include "keyringsandbox.h"

#include <gtest/gtest.h>

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTest>

#include <csignal>
#include <sys/prctl.h>

using namespace Qt::StringLiterals;

namespace confab::client::test {
namespace {

/// Ends the child when the test process ends, however it ends.
void dieWithParent()
{
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
}

/// A session bus allowing everything, with no service directories: nothing is activated.
QString busConfig(const QString &socket)
{
    return uR"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=%1</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
)"_s.arg(socket);
}

} // namespace

KeyringSandbox::~KeyringSandbox()
{
    stop();
}

bool KeyringSandbox::fail(const QString &why)
{
    m_whyNot = why;
    stop();
    return false;
}

QProcessEnvironment KeyringSandbox::sandboxEnvironment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name :
         {"HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR"})
        env.insert(QString::fromLatin1(name), m_dir.filePath(QString::fromLatin1(name).toLower()));
    if (!m_busAddress.isEmpty())
        env.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, m_busAddress);
    env.remove(u"DISPLAY"_s);
    env.remove(u"WAYLAND_DISPLAY"_s);
    return env;
}

bool KeyringSandbox::start(int timeoutMs)
{
    if (QStandardPaths::findExecutable(u"dbus-daemon"_s).isEmpty())
        return fail(u"dbus-daemon is not installed (Debian package dbus-daemon)"_s);
    if (m_mode == Mode::SecretService) {
        if (QStandardPaths::findExecutable(u"gnome-keyring-daemon"_s).isEmpty())
            return fail(u"gnome-keyring-daemon is not installed (Debian package gnome-keyring)"_s);
        if (QStandardPaths::findExecutable(u"secret-tool"_s).isEmpty())
            return fail(u"secret-tool is not installed (Debian package libsecret-tools)"_s);
    }
    if (!m_dir.isValid())
        return fail(u"cannot make a temporary directory"_s);
    for (const char *name :
         {"home", "xdg_data_home", "xdg_config_home", "xdg_cache_home", "xdg_runtime_dir"}) {
        const QString path = m_dir.filePath(QString::fromLatin1(name));
        if (!QDir().mkpath(path) ||
            !QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                             QFileDevice::ExeOwner))
            return fail(u"cannot make %1"_s.arg(path));
    }
    if (!startBus(timeoutMs))
        return false;
    // This process's session bus from now on; QtKeychain picks its backend from the desktop
    // variables: none set means libsecret, the Secret Service.
    qputenv("DBUS_SESSION_BUS_ADDRESS", m_busAddress.toUtf8());
    for (const char *name : {"XDG_CURRENT_DESKTOP", "DESKTOP_SESSION", "GNOME_DESKTOP_SESSION_ID",
                             "KDE_FULL_SESSION", "KDE_SESSION_VERSION", "CONFAB_KEYRING"})
        qunsetenv(name);
    return m_mode == Mode::BusOnly || startKeyring(timeoutMs);
}

bool KeyringSandbox::startBus(int timeoutMs)
{
    const QString config = m_dir.filePath(u"bus.conf"_s);
    QFile file(config);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(busConfig(m_dir.filePath(u"bus"_s)).toUtf8()) < 0 || !file.flush())
        return fail(u"cannot write %1"_s.arg(config));
    file.close();
    m_bus = new QProcess;
    m_bus->setProcessEnvironment(sandboxEnvironment());
    m_bus->setChildProcessModifier(dieWithParent);
    m_bus->start(u"dbus-daemon"_s,
                 {u"--config-file="_s + config, u"--nofork"_s, u"--print-address=1"_s});
    if (!m_bus->waitForStarted(timeoutMs))
        return fail(u"dbus-daemon did not start: "_s + m_bus->errorString());
    if (!QTest::qWaitFor(
            [this] { return m_bus->canReadLine() || m_bus->state() != QProcess::Running; },
            timeoutMs) ||
        !m_bus->canReadLine())
        return fail(u"dbus-daemon printed no address: "_s +
                    QString::fromLocal8Bit(m_bus->readAllStandardError()));
    m_busAddress = QString::fromUtf8(m_bus->readLine()).trimmed();
    return true;
}

bool KeyringSandbox::startKeyring(int timeoutMs)
{
    m_keyring = std::make_unique<QProcess>();
    m_keyring->setProcessEnvironment(sandboxEnvironment());
    m_keyring->setChildProcessModifier(dieWithParent);
    m_keyring->setProcessChannelMode(QProcess::MergedChannels);
    // --unlock: creates the login keyring (the default collection) with the password read
    // from stdin and unlocks it, so nothing prompts.
    m_keyring->start(u"gnome-keyring-daemon"_s,
                     {u"--foreground"_s, u"--components=secrets"_s, u"--unlock"_s});
    if (!m_keyring->waitForStarted(timeoutMs))
        return fail(u"gnome-keyring-daemon did not start: "_s + m_keyring->errorString());
    m_keyring->write("sandbox-password");
    m_keyring->closeWriteChannel();

    // Ready when the Secret Service names its default collection.
    const QString connectionName = u"keyring-sandbox-probe"_s;
    QDBusConnection bus = QDBusConnection::connectToBus(m_busAddress, connectionName);
    const auto defaultCollection = [&] {
        const QDBusMessage reply =
            bus.call(QDBusMessage::createMethodCall(
                         u"org.freedesktop.secrets"_s, u"/org/freedesktop/secrets"_s,
                         u"org.freedesktop.Secret.Service"_s, u"ReadAlias"_s)
                     << u"default"_s);
        return reply.type() == QDBusMessage::ReplyMessage && !reply.arguments().isEmpty()
                   ? qvariant_cast<QDBusObjectPath>(reply.arguments().constFirst()).path()
                   : QString();
    };
    const bool ready = QTest::qWaitFor(
        [&] {
            const QString path = defaultCollection();
            return (!path.isEmpty() && path != "/"_L1) || m_keyring->state() != QProcess::Running;
        },
        timeoutMs);
    const bool running = m_keyring->state() == QProcess::Running;
    QDBusConnection::disconnectFromBus(connectionName);
    if (!ready || !running)
        return fail(u"gnome-keyring-daemon gave no Secret Service with an unlocked default "
                    u"collection: "_s +
                    QString::fromLocal8Bit(m_keyring->readAll()));
    return true;
}

void KeyringSandbox::stop()
{
    if (m_keyring && m_keyring->state() != QProcess::NotRunning) {
        m_keyring->terminate();
        if (!m_keyring->waitForFinished(5000)) {
            m_keyring->kill();
            m_keyring->waitForFinished(5000);
        }
    }
    m_keyring.reset();
    // The bus stays (see the header); its socket file may go.
    m_bus = nullptr;
    m_dir.remove();
}

std::optional<QString> KeyringSandbox::lookup(const QString &service, const QString &key) const
{
    QProcess tool;
    tool.setProcessEnvironment(sandboxEnvironment());
    tool.start(u"secret-tool"_s,
               {u"lookup"_s, u"user"_s, key, u"server"_s, service, u"type"_s, u"plaintext"_s});
    if (!tool.waitForFinished(10000) || tool.exitStatus() != QProcess::NormalExit ||
        tool.exitCode() != 0)
        return std::nullopt;
    return QString::fromUtf8(tool.readAllStandardOutput());
}

namespace {

KeyringSandbox *theSandbox = nullptr;

class SandboxEnvironment : public ::testing::Environment
{
public:
    explicit SandboxEnvironment(KeyringSandbox::Mode mode)
        : m_mode(mode)
    {}
    void SetUp() override
    {
        theSandbox = new KeyringSandbox(m_mode);
        theSandbox->start();
    }
    void TearDown() override
    {
        delete theSandbox;
        theSandbox = nullptr;
    }

private:
    KeyringSandbox::Mode m_mode;
};

} // namespace

KeyringSandbox *keyringSandbox()
{
    return theSandbox;
}

bool installKeyringSandbox(KeyringSandbox::Mode mode)
{
    ::testing::AddGlobalTestEnvironment(new SandboxEnvironment(mode));
    return true;
}

} // namespace confab::client::test
