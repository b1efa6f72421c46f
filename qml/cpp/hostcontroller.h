// SPDX-License-Identifier: Apache-2.0
#pragma once

// The host's page and the tray, over the engine's HostSession (issue 12): the settings the
// host edits, the server's state in words, the addresses to give others, and hosting in the
// background with a tray icon.
//
// Contract:
// - The settings properties start as the saved ones (host.json); start() saves them and
//   hosts with them. They are remembered across runs.
// - `stateText` is one plain sentence for the state; `problem` the reason hosting stopped
//   or cannot start (confabd's own words when it failed); `notice` the last restart notice.
// - keepHostingInBackground(): adds "Stop hosting" to the app's one tray icon (setTray():
//   AppTray, which has "Open Confab") and returns true, or returns false when the desktop
//   has no tray (the caller minimises the window instead). The tray's "Stop hosting" stops
//   the server and then quits the app.
// - Lives on the GUI thread; QSystemTrayIcon needs a QApplication.

#include "hostsettings.h"

#include <QObject>
#include <QQmlEngine>
#include <QStringList>

class QAction;

namespace confab::desktop {
class AppTray;
} // namespace confab::desktop

namespace confab::client {
class ChatClient;
class HostSession;
} // namespace confab::client

namespace confab::ui {

class HostController : public QObject
{
    Q_OBJECT
    QML_ANONYMOUS
    Q_PROPERTY(int port READ port WRITE setPort NOTIFY settingsChanged)
    Q_PROPERTY(bool network READ isNetwork WRITE setNetwork NOTIFY settingsChanged)
    Q_PROPERTY(bool openRegistration READ isOpenRegistration WRITE setOpenRegistration NOTIFY
                   settingsChanged)
    Q_PROPERTY(QString serverName READ serverName WRITE setServerName NOTIFY settingsChanged)
    /// The host's own certificate and key (PEM paths); empty: one made for this computer.
    Q_PROPERTY(QString certificateFile MEMBER m_certificateFile NOTIFY settingsChanged)
    Q_PROPERTY(QString keyFile MEMBER m_keyFile NOTIFY settingsChanged)
    /// Preparing, starting, running or restarting.
    Q_PROPERTY(bool active READ isActive NOTIFY stateChanged)
    Q_PROPERTY(bool running READ isRunning NOTIFY stateChanged)
    Q_PROPERTY(QString stateName READ stateName NOTIFY stateChanged)
    Q_PROPERTY(QString stateText READ stateText NOTIFY stateChanged)
    Q_PROPERTY(QString problem READ problem NOTIFY stateChanged)
    Q_PROPERTY(QString notice READ notice NOTIFY stateChanged)
    Q_PROPERTY(QString portNote READ portNote NOTIFY stateChanged)
    Q_PROPERTY(QStringList addresses READ addresses NOTIFY stateChanged)
    Q_PROPERTY(QString fingerprint READ fingerprint NOTIFY stateChanged)
    Q_PROPERTY(QString adminUser READ adminUser NOTIFY stateChanged)
    Q_PROPERTY(QString serverDataDir READ serverDataDir CONSTANT)
    Q_PROPERTY(bool inBackground READ isInBackground NOTIFY inBackgroundChanged)
public:
    HostController(client::ChatClient *client, const QString &appDataDir,
                   QObject *parent = nullptr);
    ~HostController() override;

    client::HostSession *session() const { return m_session; }

    int port() const { return m_port; }
    void setPort(int port);
    bool isNetwork() const { return m_network; }
    void setNetwork(bool network);
    bool isOpenRegistration() const { return m_openRegistration; }
    void setOpenRegistration(bool open);
    QString serverName() const { return m_serverName; }
    void setServerName(const QString &name);

    bool isActive() const;
    bool isRunning() const;
    QString stateName() const;
    QString stateText() const;
    QString problem() const;
    QString notice() const { return m_notice; }
    QString portNote() const;
    QStringList addresses() const;
    QString fingerprint() const;
    QString adminUser() const;
    QString serverDataDir() const;
    bool isInBackground() const { return m_inBackground; }
    /// The app's tray, which hosting in the background adds its entries to (none: no tray).
    void setTray(desktop::AppTray *tray);

    /// Saves the settings and hosts with them; false (and `problem` says why) when not.
    Q_INVOKABLE bool start();
    Q_INVOKABLE void stop();
    Q_INVOKABLE void copyToClipboard(const QString &text) const;
    Q_INVOKABLE bool keepHostingInBackground();
    /// Leaves background mode (the window is back): the tray's hosting entries go.
    Q_INVOKABLE void leaveBackground();

Q_SIGNALS:
    void settingsChanged();
    void stateChanged();
    void inBackgroundChanged();
    /// The tray's "Open Confab".
    void openRequested();

private:
    void showSettings(const client::HostSettings &settings);

    client::HostSession *m_session;
    desktop::AppTray *m_tray = nullptr;
    QAction *m_stopAction = nullptr; ///< the tray's "Stop hosting" while in the background
    bool m_inBackground = false;
    bool m_quitWhenStopped = false;
    int m_port = 0;
    bool m_network = false;
    bool m_openRegistration = false;
    QString m_serverName;
    QString m_certificateFile;
    QString m_keyFile;
    QString m_notice;
};

} // namespace confab::ui
