// SPDX-License-Identifier: Apache-2.0
#include "hostsupervisor.h"

#include "retryscheduler.h"

#include <QHostAddress>
#include <QNetworkInterface>
#include <QRegularExpression>
#include <QTcpServer>

using namespace Qt::StringLiterals;

namespace confab::client {

namespace {

constexpr int destructorWaitMs = 5000;

QString secondsText(qint64 ms)
{
    return u"%1s"_s.arg((ms + 999) / 1000);
}

} // namespace

HostSupervisor::HostSupervisor(QObject *parent)
    : HostSupervisor(Options{}, parent)
{}

HostSupervisor::HostSupervisor(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_retry(new RetryScheduler(Backoff(m_options.restartPolicy), this))
{
    connect(m_retry, &RetryScheduler::due, this, &HostSupervisor::launch);
    connect(m_retry, &RetryScheduler::secondsToRetryChanged, this,
            &HostSupervisor::secondsToRetryChanged);
    m_startTimer.setSingleShot(true);
    connect(&m_startTimer, &QTimer::timeout, this, &HostSupervisor::onStartTimeout);
    m_killTimer.setSingleShot(true);
    connect(&m_killTimer, &QTimer::timeout, this, [this] {
        if (m_process)
            m_process->kill();
    });
}

HostSupervisor::~HostSupervisor()
{
    if (!m_process)
        return;
    m_process->disconnect(this);
    if (m_process->state() != QProcess::NotRunning) {
        // Clients get their `bye shutdown` even when the app just quits.
        m_process->terminate();
        if (!m_process->waitForFinished(destructorWaitMs)) {
            m_process->kill();
            m_process->waitForFinished(destructorWaitMs);
        }
    }
}

bool HostSupervisor::start(const HostSettings &settings, const QString &dataDir,
                           const QString &confabdPath)
{
    if (m_state != State::Stopped && m_state != State::Failed)
        return false;
    m_settings = settings;
    m_dataDir = dataDir;
    m_confabdPath = confabdPath;
    m_startFailures = 0;
    m_failureReason.clear();
    m_retry->reset();
    setPortNote(QString());
    if (settings.port == 0) { // any free port: confabd picks it and says which
        m_port = 0;
        launch();
        return true;
    }
    m_port = findFreePort(settings.port);
    if (m_port == 0) {
        fail(u"No free port from %1 to %2"_s.arg(settings.port)
                 .arg(settings.port + m_options.portSearchRange));
        return false;
    }
    if (m_port != settings.port)
        setPortNote(u"%1 was taken; hosting on %2"_s.arg(settings.port).arg(m_port));
    launch();
    return true;
}

void HostSupervisor::stop()
{
    switch (m_state) {
    case State::Restarting:
        m_retry->cancel();
        setState(State::Stopped);
        return;
    case State::Starting:
    case State::Running:
        m_stopping = true;
        m_startTimer.stop();
        setState(State::Stopping);
        m_process->terminate();
        m_killTimer.start(m_options.stopTimeoutMs);
        return;
    case State::Stopped:
    case State::Stopping:
    case State::Failed:
        return;
    }
}

int HostSupervisor::secondsToRetry() const
{
    return m_retry->secondsToRetry();
}

QStringList HostSupervisor::addresses() const
{
    if (m_state != State::Running || !m_url.isValid())
        return {};
    if (m_settings.scope == HostSettings::Scope::LocalOnly)
        return {u"%1://127.0.0.1:%2/ws"_s.arg(m_url.scheme()).arg(m_port)};
    // confabd listens on 0.0.0.0: IPv4 only, so IPv6 addresses would not answer.
    QStringList result;
    const auto interfaces = QNetworkInterface::allInterfaces();
    for (const QNetworkInterface &iface : interfaces) {
        const auto flags = iface.flags();
        if (!flags.testFlag(QNetworkInterface::IsUp) ||
            flags.testFlag(QNetworkInterface::IsLoopBack))
            continue;
        const auto entries = iface.addressEntries();
        for (const QNetworkAddressEntry &entry : entries) {
            const QHostAddress ip = entry.ip();
            if (ip.isLoopback() || ip.protocol() != QAbstractSocket::IPv4Protocol)
                continue;
            const QString url = u"%1://%2:%3/ws"_s.arg(m_url.scheme(), ip.toString()).arg(m_port);
            if (!result.contains(url))
                result.append(url);
        }
    }
    return result;
}

void HostSupervisor::launch()
{
    // Something else may have taken the port while the server was down. (Port 0 before
    // the first start: confabd picks one and says which.)
    if (m_port != 0) {
        const int free = findFreePort(m_port);
        if (free == 0) {
            fail(u"No free port from %1 to %2"_s.arg(m_port).arg(m_port +
                                                                 m_options.portSearchRange));
            return;
        }
        if (free != m_port) {
            m_port = free;
            setPortNote(u"%1 was taken; hosting on %2"_s.arg(m_settings.port).arg(m_port));
        }
    }
    m_stdout.clear();
    m_stderr.clear();
    m_lastErrorLine.clear();
    m_fingerprint.clear();
    if (!m_url.isEmpty()) {
        m_url = QUrl();
        Q_EMIT urlChanged(m_url);
    }
    if (m_process) {
        m_process->disconnect(this);
        m_process->deleteLater();
    }
    m_process = new QProcess(this);
    if (!m_options.environment.isEmpty())
        m_process->setProcessEnvironment(m_options.environment);
    connect(m_process, &QProcess::readyReadStandardOutput, this, &HostSupervisor::onReadyStdout);
    connect(m_process, &QProcess::readyReadStandardError, this, &HostSupervisor::onReadyStderr);
    connect(m_process, &QProcess::finished, this, &HostSupervisor::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            fail(u"Cannot run %1: %2"_s.arg(m_confabdPath, m_process->errorString()));
    });
    const bool network = m_settings.scope == HostSettings::Scope::Network;
    QStringList args{u"--data"_s, m_dataDir, u"--listen"_s,
                     u"%1:%2"_s.arg(listenHost()).arg(m_port)};
    if (m_settings.hasOwnCertificate())
        args << u"--tls-cert"_s << m_settings.certificateFile << u"--tls-key"_s
             << m_settings.keyFile;
    else if (network)
        args << u"--tls-self-signed"_s;
    if (m_settings.registration == HostSettings::Registration::Open)
        args << u"--open-registration"_s;
    if (!m_settings.serverName.trimmed().isEmpty())
        args << u"--server-name"_s << m_settings.serverName.trimmed();
    setState(State::Starting);
    m_startTimer.start(m_options.startTimeoutMs);
    m_process->start(m_confabdPath, args);
}

void HostSupervisor::onReadyStdout()
{
    m_stdout += m_process->readAllStandardOutput();
    static const QRegularExpression listening(u"^listening on (wss?://\\S+)$"_s);
    static const QRegularExpression fingerprint(
        u"^certificate fingerprint \\(SHA-256\\): (\\S+)$"_s);
    qsizetype newline;
    while ((newline = m_stdout.indexOf('\n')) >= 0) {
        const QString line = QString::fromUtf8(m_stdout.left(newline)).trimmed();
        m_stdout.remove(0, newline + 1);
        if (const auto match = listening.match(line); match.hasMatch()) {
            m_url = QUrl(match.captured(1));
            m_port = m_url.port(); // the one confabd chose when asked for port 0
            Q_EMIT urlChanged(m_url);
        } else if (const auto match = fingerprint.match(line); match.hasMatch()) {
            m_fingerprint = match.captured(1);
        }
    }
    if (m_state == State::Starting && m_url.isValid()) {
        m_startTimer.stop();
        m_startFailures = 0;
        m_retry->sessionStarted();
        setState(State::Running);
    }
}

void HostSupervisor::onReadyStderr()
{
    const QByteArray more = m_process->readAllStandardError();
    if (more.isEmpty())
        return;
    m_stderr += more;
    const QList<QByteArray> lines = m_stderr.split('\n');
    for (auto it = lines.crbegin(); it != lines.crend(); ++it) {
        QString line = QString::fromUtf8(*it).trimmed();
        if (line.isEmpty())
            continue;
        if (line.startsWith(u"confabd: "_s))
            line.remove(0, 9);
        m_lastErrorLine = line;
        break;
    }
    // Only the tail matters for the reason.
    if (m_stderr.size() > 16384)
        m_stderr = m_stderr.right(4096);
}

void HostSupervisor::onStartTimeout()
{
    m_lastErrorLine =
        u"confabd did not start listening within %1"_s.arg(secondsText(m_options.startTimeoutMs));
    m_process->kill(); // onFinished counts it as a failed start
}

void HostSupervisor::onFinished(int exitCode, QProcess::ExitStatus status)
{
    m_startTimer.stop();
    m_killTimer.stop();
    if (m_process->bytesAvailable() > 0)
        onReadyStdout();
    onReadyStderr();
    if (m_stopping) {
        m_stopping = false;
        m_url = QUrl();
        Q_EMIT urlChanged(m_url);
        setState(State::Stopped);
        return;
    }
    handleDeath(status == QProcess::CrashExit ? u"it crashed"_s : u"exit code %1"_s.arg(exitCode));
}

void HostSupervisor::handleDeath(const QString &what)
{
    const bool wasRunning = m_state == State::Running;
    if (!wasRunning && m_lastErrorLine.contains(u"cannot listen on"_s)) {
        // Taken between the probe and confabd's own bind: move on without counting.
        const int next = findFreePort(m_port + 1);
        if (next == 0) {
            fail(m_lastErrorLine);
            return;
        }
        m_port = next;
        setPortNote(u"%1 was taken; hosting on %2"_s.arg(m_settings.port).arg(m_port));
        launch();
        return;
    }
    if (wasRunning) {
        m_retry->sessionEnded();
    } else if (++m_startFailures >= m_options.maxStartFailures) {
        fail(m_lastErrorLine.isEmpty()
                 ? u"The server exited (%1) before it was listening"_s.arg(what)
                 : m_lastErrorLine);
        return;
    }
    const qint64 delayMs = m_retry->schedule();
    setState(State::Restarting);
    emitNotice(u"The server stopped unexpectedly (%1); restarting in %2"_s.arg(
        what, secondsText(delayMs)));
}

void HostSupervisor::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void HostSupervisor::setPortNote(const QString &note)
{
    if (m_portNote == note)
        return;
    m_portNote = note;
    Q_EMIT portNoteChanged(note);
}

void HostSupervisor::emitNotice(const QString &text)
{
    m_lastNotice = text;
    Q_EMIT notice(text);
}

void HostSupervisor::fail(const QString &reason)
{
    m_startTimer.stop();
    m_retry->cancel();
    m_failureReason = reason;
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->disconnect(this);
        m_process->kill();
    }
    setState(State::Failed);
}

int HostSupervisor::findFreePort(int from) const
{
    const QHostAddress address(listenHost());
    for (int port = from; port <= from + m_options.portSearchRange && port <= 65535; ++port) {
        QTcpServer probe;
        if (probe.listen(address, static_cast<quint16>(port)))
            return port;
    }
    return 0;
}

QString HostSupervisor::listenHost() const
{
    return m_settings.scope == HostSettings::Scope::Network ? u"0.0.0.0"_s : u"127.0.0.1"_s;
}

} // namespace confab::client
