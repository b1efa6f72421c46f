// SPDX-License-Identifier: Apache-2.0
#include "hostcontroller.h"

#include "apptray.h"
#include "hostsession.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>

using namespace Qt::StringLiterals;
using confab::client::HostSession;
using confab::client::HostSettings;
using confab::client::HostSupervisor;
using State = confab::client::HostSupervisor::State;

namespace confab::ui {

HostController::HostController(client::ChatClient *client, const QString &appDataDir,
                               QObject *parent)
    : QObject(parent)
    , m_session(new HostSession(client, appDataDir, HostSession::findTools(), {}, this))
{
    showSettings(m_session->savedSettings());
    HostSupervisor *supervisor = m_session->supervisor();
    connect(m_session, &HostSession::activeChanged, this, [this] {
        // Hosting started elsewhere (`confab --host` with its flags): show what runs.
        if (m_session->isActive())
            showSettings(m_session->settings());
        Q_EMIT stateChanged();
    });
    connect(m_session, &HostSession::problemChanged, this, &HostController::stateChanged);
    connect(supervisor, &HostSupervisor::stateChanged, this, [this](State state) {
        if (state == State::Running)
            m_notice.clear();
        if (m_quitWhenStopped && (state == State::Stopped || state == State::Failed))
            QCoreApplication::quit();
        Q_EMIT stateChanged();
    });
    connect(supervisor, &HostSupervisor::portNoteChanged, this, &HostController::stateChanged);
    connect(supervisor, &HostSupervisor::secondsToRetryChanged, this,
            &HostController::stateChanged);
    connect(supervisor, &HostSupervisor::notice, this, [this](const QString &text) {
        m_notice = text;
        Q_EMIT stateChanged();
    });
}

HostController::~HostController() = default;

void HostController::showSettings(const HostSettings &settings)
{
    m_port = settings.port;
    m_network = settings.scope == HostSettings::Scope::Network;
    m_openRegistration = settings.registration == HostSettings::Registration::Open;
    m_serverName = settings.serverName;
    m_certificateFile = settings.certificateFile;
    m_keyFile = settings.keyFile;
    Q_EMIT settingsChanged();
}

void HostController::setPort(int port)
{
    if (port == m_port || port < 1 || port > 65535)
        return;
    m_port = port;
    Q_EMIT settingsChanged();
}

void HostController::setNetwork(bool network)
{
    if (network == m_network)
        return;
    m_network = network;
    Q_EMIT settingsChanged();
}

void HostController::setOpenRegistration(bool open)
{
    if (open == m_openRegistration)
        return;
    m_openRegistration = open;
    Q_EMIT settingsChanged();
}

void HostController::setServerName(const QString &name)
{
    if (name == m_serverName)
        return;
    m_serverName = name;
    Q_EMIT settingsChanged();
}

bool HostController::isActive() const
{
    return m_session->isActive();
}

bool HostController::isRunning() const
{
    return m_session->supervisor()->state() == State::Running;
}

QString HostController::stateName() const
{
    if (m_session->isActive() && m_session->supervisor()->state() == State::Stopped)
        return u"preparing"_s; // the account is being made
    switch (m_session->supervisor()->state()) {
    case State::Stopped:
        return m_session->problem().isEmpty() ? u"stopped"_s : u"failed"_s;
    case State::Starting:
        return u"starting"_s;
    case State::Running:
        return u"running"_s;
    case State::Restarting:
        return u"restarting"_s;
    case State::Stopping:
        return u"stopping"_s;
    case State::Failed:
        return u"failed"_s;
    }
    return {};
}

QString HostController::stateText() const
{
    const QString name = stateName();
    if (name == u"preparing"_s)
        return tr("Preparing your account…");
    if (name == u"starting"_s)
        return tr("Starting the server…");
    if (name == u"running"_s)
        return m_network ? tr("Running, encrypted, on the local network")
                         : tr("Running, for this computer only");
    if (name == u"restarting"_s)
        return tr("The server stopped unexpectedly; restarting in %n s", nullptr,
                  m_session->supervisor()->secondsToRetry());
    if (name == u"stopping"_s)
        return tr("Stopping the server…");
    if (name == u"failed"_s)
        return tr("The server could not start");
    return tr("Not hosting");
}

QString HostController::problem() const
{
    return m_session->problem();
}

QString HostController::portNote() const
{
    return m_session->supervisor()->portNote();
}

QStringList HostController::addresses() const
{
    return m_session->supervisor()->addresses();
}

QString HostController::fingerprint() const
{
    return m_session->supervisor()->fingerprint();
}

QString HostController::adminUser() const
{
    return m_session->adminUser();
}

QString HostController::serverDataDir() const
{
    return m_session->serverDataDir();
}

bool HostController::start()
{
    HostSettings settings;
    settings.port = m_port;
    settings.scope = m_network ? HostSettings::Scope::Network : HostSettings::Scope::LocalOnly;
    settings.registration = m_openRegistration ? HostSettings::Registration::Open
                                               : HostSettings::Registration::InviteOnly;
    settings.serverName = m_serverName.trimmed();
    settings.certificateFile = m_certificateFile.trimmed();
    settings.keyFile = m_keyFile.trimmed();
    QString error;
    if (!m_session->saveSettings(settings, &error))
        qWarning("cannot save the host settings: %s", qPrintable(error));
    m_notice.clear();
    const bool started = m_session->start(settings);
    Q_EMIT stateChanged();
    return started;
}

void HostController::stop()
{
    m_session->stop();
}

void HostController::copyToClipboard(const QString &text) const
{
    if (QClipboard *clipboard = QGuiApplication::clipboard())
        clipboard->setText(text);
}

void HostController::setTray(desktop::AppTray *tray)
{
    m_tray = tray;
    if (!m_tray)
        return;
    connect(m_tray, &desktop::AppTray::openRequested, this, [this] {
        leaveBackground();
        Q_EMIT openRequested();
    });
}

bool HostController::keepHostingInBackground()
{
    if (!m_tray || !m_tray->isShown())
        return false;
    if (m_inBackground)
        return true;
    m_inBackground = true;
    m_stopAction = new QAction(tr("Stop hosting"), this);
    connect(m_stopAction, &QAction::triggered, this, [this] {
        m_quitWhenStopped = true;
        if (!m_session->isActive())
            QCoreApplication::quit();
        m_session->stop();
    });
    m_tray->addAction(m_stopAction);
    m_tray->setNote(tr("Hosting a server"));
    // The window goes, the app stays: only "Stop hosting", "Quit" or a signal ends it now.
    QGuiApplication::setQuitOnLastWindowClosed(false);
    Q_EMIT inBackgroundChanged();
    return true;
}

void HostController::leaveBackground()
{
    if (!m_inBackground)
        return;
    m_inBackground = false;
    if (m_tray) {
        m_tray->removeAction(m_stopAction);
        m_tray->setNote({});
    }
    delete m_stopAction;
    m_stopAction = nullptr;
    QGuiApplication::setQuitOnLastWindowClosed(true);
    Q_EMIT inBackgroundChanged();
}

} // namespace confab::ui
