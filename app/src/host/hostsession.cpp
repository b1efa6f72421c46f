// SPDX-License-Identifier: Apache-2.0
#include "hostsession.h"

#include "chatclient.h"
#include "connection.h"
#include "fingerprint.h"
#include "serviceannouncer.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QHostInfo>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace confab::client {

namespace {

QString findTool(const char *environmentVariable, const QString &name)
{
    const QString chosen = qEnvironmentVariable(environmentVariable);
    if (!chosen.isEmpty())
        return chosen;
    const QString appDir = QCoreApplication::applicationDirPath();
    for (const QString &dir : {appDir, appDir + u"/../server"_s, appDir + u"/../../server"_s}) {
        const QFileInfo candidate(QDir(dir).filePath(name));
        if (candidate.isFile() && candidate.isExecutable())
            return candidate.canonicalFilePath();
    }
    return QStandardPaths::findExecutable(name);
}

} // namespace

HostSession::HostSession(ChatClient *client, const QString &appDataDir, Tools tools,
                         HostSupervisor::Options options, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_appDataDir(appDataDir)
    , m_serverDataDir(QDir(appDataDir).filePath(u"server"_s))
    , m_tools(std::move(tools))
    , m_options(options)
    , m_supervisor(new HostSupervisor(std::move(options), this))
    , m_account(new HostAccount(this))
    , m_announcer(new ServiceAnnouncer(this))
{
    connect(m_account, &HostAccount::finished, this, &HostSession::onAccountReady);
    connect(m_supervisor, &HostSupervisor::stateChanged, this, &HostSession::onStateChanged);
}

HostSession::Tools HostSession::findTools()
{
    return {findTool("CONFAB_CONFABD", u"confabd"_s), findTool("CONFAB_CONFABCTL", u"confabctl"_s)};
}

QString HostSession::settingsFile() const
{
    return HostSettings::defaultFilePath(m_serverDataDir);
}

HostSettings HostSession::savedSettings() const
{
    return HostSettings::load(settingsFile());
}

bool HostSession::saveSettings(const HostSettings &settings, QString *error) const
{
    QDir().mkpath(m_serverDataDir);
    return settings.save(settingsFile(), error);
}

bool HostSession::start(const HostSettings &settings)
{
    if (isActive() || m_preparing)
        return false;
    m_settings = settings;
    setProblem({});
    if (m_tools.confabd.isEmpty() || m_tools.confabctl.isEmpty()) {
        setProblem(tr("The server program (confabd) is not installed: install the "
                      "confab-server package."));
        return false;
    }
    QString error;
    const auto credentials =
        HostAccount::loadOrCreate(HostAccount::defaultFilePath(m_appDataDir), &error);
    if (!credentials) {
        setProblem(tr("Cannot make the host's account: %1").arg(error));
        return false;
    }
    m_credentials = *credentials;
    m_preparing = true;
    Q_EMIT activeChanged();
    m_account->ensureOnServer(m_tools.confabctl, m_serverDataDir, m_credentials,
                              m_options.environment);
    return true;
}

void HostSession::onAccountReady(bool ok, const QString &error)
{
    m_preparing = false;
    if (!ok) {
        setProblem(tr("Cannot make the host's account: %1").arg(error));
        Q_EMIT activeChanged();
        return;
    }
    if (!m_supervisor->start(m_settings, m_serverDataDir, m_tools.confabd))
        setProblem(m_supervisor->failureReason());
    Q_EMIT activeChanged();
}

void HostSession::stop()
{
    m_supervisor->stop();
}

bool HostSession::isActive() const
{
    using State = HostSupervisor::State;
    const State state = m_supervisor->state();
    return m_preparing || state == State::Starting || state == State::Running ||
           state == State::Restarting;
}

QUrl HostSession::localUrl() const
{
    if (!m_supervisor->url().isValid())
        return {};
    return QUrl(
        u"%1://127.0.0.1:%2/ws"_s.arg(m_supervisor->url().scheme()).arg(m_supervisor->port()));
}

QUrl HostSession::shareUrl() const
{
    const QStringList addresses = m_supervisor->addresses();
    return addresses.isEmpty() ? localUrl() : QUrl(addresses.first());
}

void HostSession::onStateChanged(HostSupervisor::State state)
{
    using State = HostSupervisor::State;
    if (state == State::Running) {
        setProblem({});
        if (m_settings.scope == HostSettings::Scope::Network)
            m_announcer->announce({displayName(), quint16(m_supervisor->port()),
                                   m_supervisor->url().scheme() == u"wss"_s,
                                   m_supervisor->fingerprint()});
        signInAsHost();
        Q_EMIT running(localUrl());
    } else {
        m_announcer->withdraw();
        if (state == State::Failed)
            setProblem(m_supervisor->failureReason());
    }
    Q_EMIT activeChanged();
}

QString HostSession::displayName() const
{
    const QString name = m_settings.serverName.trimmed();
    return name.isEmpty() ? tr("Confab on %1").arg(QHostInfo::localHostName()) : name;
}

void HostSession::signInAsHost()
{
    const QUrl url = localUrl();
    if (url.scheme() == u"wss"_s) {
        // The app trusts its own server's certificate; others accept it on first use.
        if (const auto sha256 = parseFingerprint(m_supervisor->fingerprint()))
            m_client->trustCertificate(url, *sha256);
    }
    const Connection *connection = m_client->connection();
    const bool there = connection->url() == url && m_client->user() == m_credentials.user &&
                       connection->state() != Connection::State::Offline;
    if (!there)
        m_client->signIn(url, m_credentials.user, m_credentials.password);
}

void HostSession::setProblem(const QString &problem)
{
    if (m_problem == problem)
        return;
    m_problem = problem;
    Q_EMIT problemChanged();
}

} // namespace confab::client
