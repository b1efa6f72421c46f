// SPDX-License-Identifier: Apache-2.0
#pragma once

// The real confabd binary for the client's end-to-end tests: started with QProcess on a
// loopback port (0 the first time; a restart reuses the port the OS gave, so the client's
// URL stays valid), a temporary data directory and a fast password KDF. Accounts are made
// with confabctl. Waits use the event loop with deadlines, never fixed sleeps.

#include "waituntil.h"

#include <QProcess>
#include <QString>
#include <QUrl>

namespace confab::client::test {

/// Environment with the fast KDF settings for confabctl and confabd.
QProcessEnvironment fastKdfEnvironment();

/// `confabctl --data DIR user add NAME --password-stdin`; true on success.
bool addUser(const QString &dataDir, const QString &name, const QString &password,
             QString *output = nullptr);

class ServerProcess
{
public:
    explicit ServerProcess(QString dataDir, QStringList extraArgs = {});
    ~ServerProcess();

    /// Starts (on `port`, 0 for any) and waits for the `listening on` line.
    bool start(int port = 0, QString *error = nullptr);
    /// SIGKILL: no goodbye, no flush beyond what is already durable.
    void kill();
    /// SIGTERM and wait: the server says bye (shutdown) first.
    void terminate();
    /// The same data dir and port again.
    bool restart(QString *error = nullptr);
    bool isRunning() const;
    QUrl url() const { return m_url; }
    int port() const { return m_url.port(); }

private:
    QString m_dataDir;
    QStringList m_extraArgs;
    QProcess m_process;
    QByteArray m_stdout;
    QUrl m_url;
};

} // namespace confab::client::test
