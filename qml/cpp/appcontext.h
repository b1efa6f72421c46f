// SPDX-License-Identifier: Apache-2.0
#pragma once

// The UI's view of the client engine: a QML singleton (`AppContext` in Confab.Ui) that owns
// the one ChatClient of the app and exposes what the pages bind to: the session, the
// engine's own ConnectionStatus, the channel list, and the message and member models of
// the channel being shown (the engine's types, registered uncreatable in enginetypes.h).
// Pages call its invokables, which call the engine; no protocol request is built here.
//
// Contract:
// - Created by the QML engine on first use (Qt 6.4: private constructor + create()).
//   The launch options (data dir, server URL, automatic sign-in) are set before that with
//   setLaunchOptions(); the password is read once and then forgotten.
// - `signedIn` is true from the first successful sign-in (or a saved session) until
//   signOut() or a rejected token; the chat page shows whenever it is true, offline too.
// - User input anywhere in the application (keys, clicks, wheel, pointer moves at most
//   once a second) is reported to the engine's idle monitor.
// - `windowActive` is the window's focus as Main.qml binds it (true until told otherwise):
//   new messages of the channel on screen count as read only while it is true, and
//   desktop notifications (ChatNotifications) come only while it is false. Clicking one
//   shows its conversation and asks the window to come forward (raiseRequested()).
// - `unreadTotal` is the sum of the sidebar's unread counts, live; the window title and the
//   tray icon (AppTray, where the desktop has a tray) show it.
// - Lives on the GUI thread.

#include "enginetypes.h"
#include "hostcontroller.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QQmlEngine>
#include <QSortFilterProxyModel>
#include <QStringList>
#include <QUrl>

namespace confab::client {
class ChatClient;
} // namespace confab::client

namespace confab::desktop {
class AppTray;
class ChatNotifications;
class DesktopNotifier;
} // namespace confab::desktop

namespace confab::ui {

class UiStateLog;

struct LaunchOptions
{
    QString dataDir;
    QUrl serverUrl = QUrl(QStringLiteral("ws://127.0.0.1:8765/ws"));
    QString user;
    QString password; ///< signs in automatically with `user` when set
    /// The SHA-256 of serverUrl's certificate, trusted before signing in (--trust-fingerprint).
    QByteArray trustedSha256;
    /// Hosts a server at start (`confab --host`) and prints `hosting on URL` once it runs.
    bool host = false;
    QString hostListen; ///< HOST:PORT for --host; empty: the saved settings
    QString hostName;   ///< the server's name for --host; empty: the saved one
};

class AppContext : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(QString defaultServerUrl READ defaultServerUrl CONSTANT)
    Q_PROPERTY(QString defaultUser READ defaultUser CONSTANT)
    Q_PROPERTY(bool signedIn READ isSignedIn NOTIFY signedInChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    Q_PROPERTY(QString user READ user NOTIFY userChanged)
    Q_PROPERTY(bool admin READ isAdmin NOTIFY userChanged)
    /// This connection's session id (the admin page marks it; empty when not signed in).
    Q_PROPERTY(QString session READ session NOTIFY userChanged)
    Q_PROPERTY(bool away READ isAway NOTIFY awayChanged)
    Q_PROPERTY(QString signInError READ signInError NOTIFY signInErrorChanged)
    /// The connection's state, countdown, error and queued count (the engine's own object).
    Q_PROPERTY(confab::client::ConnectionStatus *status READ status CONSTANT)
    Q_PROPERTY(confab::client::ChannelListModel *channels READ channels CONSTANT)
    /// The sidebar's two sections: channels, and direct conversations.
    Q_PROPERTY(QAbstractItemModel *groupChannels READ groupChannels CONSTANT)
    Q_PROPERTY(QAbstractItemModel *directChannels READ directChannels CONSTANT)
    Q_PROPERTY(confab::client::AdminPresenceModel *adminPresence READ adminPresence CONSTANT)
    /// The figures above the admin page's table (the model's own AdminStats).
    Q_PROPERTY(confab::client::AdminStats *adminStats READ adminStats CONSTANT)
    /// Why the server refused the admin watch (empty once a snapshot came).
    Q_PROPERTY(QString adminError READ adminError NOTIFY adminErrorChanged)
    Q_PROPERTY(QString currentChannel READ currentChannel WRITE setCurrentChannel NOTIFY
                   currentChannelChanged)
    Q_PROPERTY(QString currentTopic READ currentTopic NOTIFY currentTopicChanged)
    /// What to call the current channel: its name, or a DM's other person's display name.
    Q_PROPERTY(QString currentTitle READ currentTitle NOTIFY currentTopicChanged)
    Q_PROPERTY(confab::client::MessageModel *messages READ messages NOTIFY currentChannelChanged)
    Q_PROPERTY(confab::client::MemberModel *members READ members NOTIFY currentChannelChanged)
    Q_PROPERTY(QStringList typingUsers READ typingUsers NOTIFY typingUsersChanged)
    /// The engine itself, for what pages ask of it directly (drafts, the text limit, taking
    /// a failed message back to edit).
    Q_PROPERTY(confab::client::ChatClient *engine READ engine CONSTANT)
    /// Servers announced on the local network (browsing starts with start()).
    Q_PROPERTY(
        confab::client::DiscoveredServersModel *discoveredServers READ discoveredServers CONSTANT)
    /// Hosting a server from this app (issue 12).
    Q_PROPERTY(confab::ui::HostController *host READ host CONSTANT)
    /// Whether the window has the focus (Main.qml binds it to the window's `active`).
    Q_PROPERTY(
        bool windowActive READ isWindowActive WRITE setWindowActive NOTIFY windowActiveChanged)
    /// Unread messages over every conversation in the sidebar.
    Q_PROPERTY(int unreadTotal READ unreadTotal NOTIFY unreadTotalChanged)
    /// "(3) #general — Confab": the unread total (when any), what is shown, the app.
    Q_PROPERTY(QString windowTitle READ windowTitle NOTIFY windowTitleChanged)
public:
    ~AppContext() override;

    static AppContext *create(QQmlEngine *qmlEngine, QJSEngine *jsEngine);
    /// Call before the QML engine creates the singleton.
    static void setLaunchOptions(const LaunchOptions &options);

    QString defaultServerUrl() const { return m_launch.serverUrl.toString(); }
    QString defaultUser() const;
    bool isSignedIn() const { return m_signedIn; }
    bool isBusy() const;
    QString user() const;
    bool isAdmin() const;
    QString session() const;
    bool isAway() const;
    QString signInError() const { return m_signInError; }
    client::ConnectionStatus *status() const;
    client::ChannelListModel *channels() const;
    client::AdminPresenceModel *adminPresence() const;
    client::AdminStats *adminStats() const;
    QString adminError() const { return m_adminError; }
    QString currentChannel() const { return m_current; }
    void setCurrentChannel(const QString &channel);
    QString currentTopic() const;
    QString currentTitle() const;
    client::MessageModel *messages() const;
    client::MemberModel *members() const;
    QStringList typingUsers() const;
    HostController *host() const { return m_host; }
    QAbstractItemModel *groupChannels() const { return m_groupChannels; }
    QAbstractItemModel *directChannels() const { return m_directChannels; }
    client::ChatClient *engine() const { return m_client; }
    client::DiscoveredServersModel *discoveredServers() const { return m_discovered; }
    bool isWindowActive() const { return m_windowActive; }
    void setWindowActive(bool active);
    int unreadTotal() const { return m_unreadTotal; }
    QString windowTitle() const;
    desktop::DesktopNotifier *notifier() const { return m_notifier; }
    desktop::AppTray *tray() const { return m_tray; }
    /// Whether `text` mentions the signed-in user (mentionsUser(): the sidebar's rule).
    Q_INVOKABLE bool mentionsMe(const QString &text) const;
    /// Shows `channel` and asks the window to come forward (a notification was clicked).
    Q_INVOKABLE void openFromNotification(const QString &channel);

    Q_INVOKABLE void signIn(const QString &serverUrl, const QString &user, const QString &password);
    /// Creates an account (where the server allows it) and signs in with it.
    Q_INVOKABLE void createAccount(const QString &serverUrl, const QString &user,
                                   const QString &password, const QString &display);
    /// Stops a sign-in that is still trying.
    Q_INVOKABLE void cancelSignIn();
    Q_INVOKABLE void signOut();
    Q_INVOKABLE void retryNow();
    /// Trusts the certificate the connection stopped on (ConnectionStatus.pendingFingerprint)
    /// for that server, and connects again.
    Q_INVOKABLE void trustPendingCertificate();
    /// Gives up on the server whose certificate was refused: back to a quiet sign-in page.
    Q_INVOKABLE void cancelCertificate();
    /// Sends `text` to the current channel (trimmed; nothing when empty).
    Q_INVOKABLE bool send(const QString &text);
    Q_INVOKABLE void retry(const QString &cid);
    Q_INVOKABLE void discard(const QString &cid);
    Q_INVOKABLE void setDraft(const QString &text);
    Q_INVOKABLE void markRead();
    Q_INVOKABLE void loadOlder();
    /// Creates a channel on the server and joins it; the answer comes as channelCreated or
    /// channelCreateFailed.
    Q_INVOKABLE void createChannel(const QString &name, const QString &topic,
                                   bool isPrivate = false);
    /// Joins a public channel and shows it.
    Q_INVOKABLE void joinChannel(const QString &channel);
    /// Leaves `channel` (here and on the user's other devices); another channel is shown.
    Q_INVOKABLE void leaveChannel(const QString &channel);
    /// Opens the direct conversation with `user` and shows it (the other side sees it too).
    Q_INVOKABLE void openDirect(const QString &user);
    /// Invites `user` to the current channel: answered by notice().
    Q_INVOKABLE void inviteToCurrent(const QString &user);
    Q_INVOKABLE void watchAdmin();
    Q_INVOKABLE void stopWatchingAdmin();
    /// The server-side filter of the admin watch: statuses ("online", "away", "dnd",
    /// "offline"; none: all), a user name pattern with * and ?, a channel's members, and
    /// connected users idle longer than `idleOverMs` (0: any). Sent again when it changed.
    Q_INVOKABLE void setAdminFilter(const QStringList &statuses, const QString &userGlob,
                                    const QString &channel, double idleOverMs);
    /// Kicks every connection of `user` (or one `session`); answered by kickSucceeded or
    /// kickFailed.
    Q_INVOKABLE void kickUser(const QString &user, const QString &reason);
    Q_INVOKABLE void kickSession(const QString &session, const QString &reason);
    /// Adds an account with a password made here; answered by personAdded (with that
    /// password, to show once) or personAddFailed.
    Q_INVOKABLE void addPerson(const QString &user, const QString &display);
    Q_INVOKABLE void activity();

Q_SIGNALS:
    void signedInChanged();
    void busyChanged();
    void userChanged();
    void awayChanged();
    void signInErrorChanged();
    void currentChannelChanged();
    void currentTopicChanged();
    void typingUsersChanged();
    void channelCreated(const QString &name);
    void channelCreateFailed(const QString &reason);
    void adminErrorChanged();
    void kickSucceeded(const QString &target, int closed);
    void kickFailed(const QString &target, const QString &reason);
    void personAdded(const QString &user, const QString &password);
    /// A sentence for the user about a channel action (left, invited, could not join…).
    void notice(const QString &text, bool isError);
    void personAddFailed(const QString &user, const QString &reason);
    void windowActiveChanged();
    void unreadTotalChanged();
    void windowTitleChanged();
    /// The window should show itself, come to the front and take the focus.
    void raiseRequested();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    explicit AppContext(const LaunchOptions &options, QObject *parent = nullptr);
    void setSignedIn(bool signedIn);
    void setSignInError(const QString &error);
    /// A usable address and both fields filled in; else the sign-in page's sentence.
    bool checkSignInForm(const QString &serverUrl, const QString &user, const QString &password,
                         const QString &whenEmpty);
    void setAdminError(const QString &error);
    void selectFirstChannelIfNone();
    void hostFromCommandLine();
    void recountUnread();

    LaunchOptions m_launch;
    confab::client::ChatClient *m_client;
    HostController *m_host;
    UiStateLog *m_stateLog = nullptr; ///< tests only (CONFAB_UI_STATE_LOG)
    QSortFilterProxyModel *m_groupChannels;
    QSortFilterProxyModel *m_directChannels;
    client::DiscoveredServersModel *m_discovered;
    QPointer<confab::client::MessageModel> m_messages;
    QPointer<confab::client::MemberModel> m_members;
    QString m_current;
    QString m_signInError;
    QString m_adminError;
    bool m_signedIn = false;
    QElapsedTimer m_lastActivity;
    QHash<QString, QString> m_pendingPasswords; ///< user -> password while `admin.user` runs
    desktop::AppTray *m_tray;
    desktop::DesktopNotifier *m_notifier;
    desktop::ChatNotifications *m_notifications;
    bool m_windowActive = true;
    int m_unreadTotal = 0;
};

} // namespace confab::ui
