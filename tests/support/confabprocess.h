// SPDX-License-Identifier: Apache-2.0
#pragma once

// The real confabd and confabctl binaries for end-to-end tests, shared by every test folder
// that runs them (daemon, security, the client's real-server tests): confabd on a loopback
// port with a temporary data directory and a fast password KDF, accounts made with
// confabctl, a self-signed certificate for wss://. Waits use the event loop with deadlines.

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace confab::test {

/// Where the build put the binaries.
QString confabdPath();
QString confabctlPath();

/// The environment with the fast KDF settings for confabctl and confabd.
QProcessEnvironment fastKdfEnvironment();

/// Runs confabctl with `args`, `stdinData` on its standard input; its exit code (-1 when it
/// did not finish) and, in `output`, what it printed (stdout then stderr).
int runConfabctl(const QStringList &args, const QByteArray &stdinData, QString *output);

/// `confabctl --data DIR user add NAME [--admin] --password-stdin`; true on success.
bool addUser(const QString &dataDir, const QString &name, const QString &password,
             bool admin = false, QString *output = nullptr);

/// CPU time (user + system) process `pid` has used, in ms; -1 when it cannot be read.
qint64 processCpuMs(qint64 pid);

/// A self-signed certificate for localhost and 127.0.0.1, made with the openssl CLI into
/// `dir` as cert.pem and key.pem. False with the reason when openssl failed.
bool makeSelfSignedCertificate(const QString &dir, QString *error);

/// One confabd process, killed (SIGKILL) on destruction if still running.
class ConfabdProcess
{
public:
    explicit ConfabdProcess(QString dataDir = QString(), QStringList extraArgs = {});
    ~ConfabdProcess();
    ConfabdProcess(const ConfabdProcess &) = delete;
    ConfabdProcess &operator=(const ConfabdProcess &) = delete;

    /// Starts on `port` (0: any) and waits for the `listening on` line; false with the
    /// reason (and what confabd printed) in `error`.
    bool start(int port = 0, QString *error = nullptr);
    /// SIGKILL: no goodbye, no flush beyond what is already durable.
    void kill();
    /// SIGTERM and wait: the server says bye (shutdown) first.
    void terminate();
    /// The same data directory and port again (the client's URL stays valid).
    bool restart(QString *error = nullptr);
    bool isRunning() const;
    bool waitForExit(int timeoutMs);

    void setDataDir(const QString &dataDir) { m_dataDir = dataDir; }
    void setExtraArgs(const QStringList &args) { m_extraArgs = args; }
    QUrl url() const { return m_url; }
    int port() const { return m_url.port(); }
    QProcess &process() { return m_process; }
    QString stdoutText() const { return QString::fromUtf8(m_stdout); }
    QString errorOutput() const { return QString::fromUtf8(m_stderr); }

private:
    QString m_dataDir;
    QStringList m_extraArgs;
    QProcess m_process;
    QByteArray m_stdout;
    QByteArray m_stderr;
    QUrl m_url;
};

} // namespace confab::test
