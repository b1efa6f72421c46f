// SPDX-License-Identifier: Apache-2.0
#pragma once

// The host's own admin account on the server the app hosts (issue 12). The host never types
// a password for it: the app makes one on first start, keeps it in `host-account.json` in
// the app's data folder (0600, beside session.json; not in the server's folder, which may
// later move to a real server), and signs the host in with it.
//
// Contract:
// - loadOrCreate() returns the kept credentials, or makes them (the user name from the
//   computer's login name, lower-cased and reduced to what the protocol allows, else
//   "host"; a random 32-character password) and saves them first. nullopt with the reason
//   when the file cannot be written or is unreadable.
// - ensureOnServer() runs `confabctl --data DIR user add NAME --admin --password-stdin`
//   without blocking and ends with finished(ok, error): ok when the account was made or
//   already exists (its password is then left alone). confabctl's offline commands are
//   safe while confabd runs.

#include <QObject>
#include <QProcessEnvironment>
#include <QString>

#include <optional>

class QProcess;

namespace confab::client {

struct HostCredentials
{
    QString user;
    QString password;
};

class HostAccount : public QObject
{
    Q_OBJECT
public:
    explicit HostAccount(QObject *parent = nullptr);

    static QString defaultFilePath(const QString &appDataDir);
    static std::optional<HostCredentials> loadOrCreate(const QString &filePath,
                                                       QString *error = nullptr);
    /// 32 random letters and digits (no look-alikes such as l, 1, O, 0), from the system's
    /// secure source: the host's own password and the ones made for invited people.
    static QString randomPassword();
    /// The login name as a valid protocol user name ("host" when nothing is left of it).
    static QString userNameFromLogin(const QString &login);

    /// Makes the account unless it exists; answered by finished(). One at a time: false
    /// (and nothing started) while one runs.
    bool ensureOnServer(const QString &confabctlPath, const QString &serverDataDir,
                        const HostCredentials &credentials,
                        const QProcessEnvironment &environment = {});
    bool isRunning() const { return m_process != nullptr; }

Q_SIGNALS:
    void finished(bool ok, const QString &error);

private:
    void onFinished();

    QProcess *m_process = nullptr;
    QString m_confabctlPath;
};

} // namespace confab::client
