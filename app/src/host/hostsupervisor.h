// SPDX-License-Identifier: Apache-2.0
#pragma once

// Runs the app's built-in server (issue 12): the same `confabd` teams self-host, as a child
// process this object supervises. One job: keep that process in the state the host asked
// for and say what it is doing. No UI.
//
// Contract:
// - start(settings, dataDir, confabdPath) runs `confabd --data DIR --listen HOST:PORT`
//   (127.0.0.1 for LocalOnly, 0.0.0.0 plus --tls-self-signed for Network, or the host's own
//   --tls-cert/--tls-key in either scope; --open-registration when Open). The configured port is
//   tried first; when something else holds it (a probe with QTcpServer, or confabd exiting with
//   "cannot listen on"), the next free port is used and portNote() says so ("8765 was taken;
//   hosting on 8766"). Port 0: confabd picks a free one; port() is known from Running on, and kept
//   across restarts.
// - States: Stopped -> Starting -> Running (the `listening on` line came: url(), and for
//   wss:// fingerprint()). A process that dies without stop() is restarted after a backoff
//   delay (Restarting, secondsToRetry()) with a notice(); the port stays the same unless
//   something else took it meanwhile. maxStartFailures failures in a row before Running
//   (e.g. a corrupt database) end in Failed with failureReason() = the last line confabd
//   printed on stderr. Reaching Running clears the count.
// - stop() sends SIGTERM (confabd says `bye shutdown` to every client), waits up to
//   stopTimeoutMs, then SIGKILL: Stopping -> Stopped. A waiting restart is cancelled.
// - addresses(): in Network scope ws(s)://ADDR:PORT/ws for every non-loopback address of
//   every up interface; in LocalOnly scope the loopback URL. Empty unless Running.
// - Destruction stops a server still running as stop() does, but waiting (SIGTERM, then
//   SIGKILL after 5 s): the server is a child process and ends with the app. It outlives
//   the window, not the app: the app keeps running in the tray while it hosts.

#include "backoff.h"
#include "hostsettings.h"

#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QTimer>
#include <QUrl>

namespace confab::client {

class RetryScheduler;

class HostSupervisor : public QObject
{
    Q_OBJECT
public:
    enum class State { Stopped, Starting, Running, Restarting, Stopping, Failed };
    Q_ENUM(State)

    struct Options
    {
        /// confabd's environment (the system one when empty); tests add a fast KDF.
        QProcessEnvironment environment;
        /// Delays between restarts after the server died.
        BackoffPolicy restartPolicy{1000, 30000, 60000};
        /// Failures in a row before Running that end in Failed.
        int maxStartFailures = 3;
        /// How long confabd may take to say `listening on` before it counts as failed.
        int startTimeoutMs = 30000;
        /// SIGTERM -> SIGKILL deadline in stop().
        int stopTimeoutMs = 10000;
        /// How many ports after the configured one are tried.
        int portSearchRange = 100;
    };

    explicit HostSupervisor(QObject *parent = nullptr);
    explicit HostSupervisor(Options options, QObject *parent = nullptr);
    ~HostSupervisor() override;

    /// Starts the server; false (and nothing started) when already running or when no free
    /// port was found (Failed with the reason).
    bool start(const HostSettings &settings, const QString &dataDir, const QString &confabdPath);
    /// Stops the server (see contract); no-op when Stopped or Failed.
    void stop();

    State state() const { return m_state; }
    QUrl url() const { return m_url; }
    int port() const { return m_port; }
    QString fingerprint() const { return m_fingerprint; }
    QString portNote() const { return m_portNote; }
    QString failureReason() const { return m_failureReason; }
    /// The last notice (restart, port change); empty when none.
    QString lastNotice() const { return m_lastNotice; }
    int secondsToRetry() const;
    /// Consecutive restarts since the server last reached Running.
    int startFailures() const { return m_startFailures; }
    qint64 processId() const { return m_process ? m_process->processId() : 0; }
    QStringList addresses() const;

Q_SIGNALS:
    void stateChanged(confab::client::HostSupervisor::State state);
    void urlChanged(const QUrl &url);
    void portNoteChanged(const QString &note);
    /// Something the host should be told ("The server stopped unexpectedly ...").
    void notice(const QString &text);
    void secondsToRetryChanged(int seconds);

private:
    void launch();
    void onReadyStdout();
    void onReadyStderr();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void onStartTimeout();
    void handleDeath(const QString &what);
    void setState(State state);
    void setPortNote(const QString &note);
    void emitNotice(const QString &text);
    void fail(const QString &reason);
    /// The first free port from `from` on (probing with QTcpServer), or 0.
    int findFreePort(int from) const;
    QString listenHost() const;

    Options m_options;
    HostSettings m_settings;
    QString m_dataDir;
    QString m_confabdPath;
    QProcess *m_process = nullptr;
    RetryScheduler *m_retry = nullptr;
    QTimer m_startTimer;
    QTimer m_killTimer;
    State m_state = State::Stopped;
    int m_port = 0;
    int m_startFailures = 0;
    bool m_stopping = false;
    QByteArray m_stdout;
    QByteArray m_stderr;
    QString m_lastErrorLine;
    QUrl m_url;
    QString m_fingerprint;
    QString m_portNote;
    QString m_failureReason;
    QString m_lastNotice;
};

} // namespace confab::client
