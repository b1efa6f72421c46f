// SPDX-License-Identifier: Apache-2.0
#pragma once
// The desktop app hosting a server, as a process: `confab --host` offscreen with the fast
// KDF, its `hosting on URL` line awaited, its confabd child found in /proc, and SIGTERM as
// a user's "quit" (the server says `bye shutdown` and ends with the app).
#include <QProcess>
#include <QString>
#include <QUrl>

namespace confab::test {

class HostingApp
{
public:
    explicit HostingApp(QString appDataDir);
    ~HostingApp();
    HostingApp(const HostingApp &) = delete;
    HostingApp &operator=(const HostingApp &) = delete;

    /// `confab --host --listen LISTEN --data DIR [--name NAME]`; waits for `hosting on`.
    bool start(const QString &listen, const QString &name = {}, QString *error = nullptr);
    /// SIGTERM, then waits for the app to end; its exit code, or -1 when it did not end.
    int terminate(int timeoutMs = 20000);
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    qint64 pid() const { return m_process.processId(); }
    /// The pid of the app's confabd child (0 when none).
    qint64 serverPid() const;
    QUrl url() const { return m_url; }
    QString serverDataDir() const;
    QString output() const { return QString::fromUtf8(m_stdout + m_stderr); }

private:
    QString m_appDataDir;
    QProcess m_process;
    QByteArray m_stdout;
    QByteArray m_stderr;
    QUrl m_url;
};

} // namespace confab::test
