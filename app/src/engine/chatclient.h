// SPDX-License-Identifier: Apache-2.0
#pragma once

// The client engine's front door: one signed-in account on one server, with its local
// database in `dataDir`. It creates the parts and wires them: Connection (socket, sign-in,
// retries), TokenStore, MessageCache and Outbox (storage, announcing their changes),
// OutboxSender, ChannelSync (join with since, catch-up, gaps), PresenceRoster, typing and
// idle tracking, and the models, which follow the storage and the engine by their signals.
// The UI calls its methods; every protocol request is built in the engine, never in the UI.
//
// Contract:
// - start() opens the local database and shows cached channels and messages at once,
//   before any network answer; resumeSession() then signs in with the saved token.
// - After every (re)connection: `hello`, then `join` of every channel with `since` = its
//   synced seq; Online once each join's catch-up ended with `synced` (ChannelSync).
// - sendMessage() writes to the outbox first (the message shows as pending at once), then
//   the sender delivers it whenever Online, exactly once (the server dedups by cid); the
//   acknowledged message is cached before it leaves the outbox, so it shows once, in place.
// - Certificates (trust on first use): the fingerprints the user accepted live in
//   KnownServers (`<dataDir>/known-servers.json`), which answers the Connection's pin
//   lookup (this overrides `connection.pinFor`). An unknown or changed certificate stops
//   the connection and is re-emitted here; trustCertificate() of that very certificate
//   retries at once.
// - Ownership: every QObject part and every model is a child of this object and lives as
//   long as it (the destructor ends them before the database closes); the database and
//   the token store are plain members.

#include "clock.h"
#include "connection.h"
#include "knownservers.h"
#include "localdatabase.h"
#include "messagecache.h"
#include "outbox.h"
#include "tokenstore.h"

#include <QDateTime>
#include <QHash>
#include <QObject>

#include <memory>

namespace confab::client {

class AdminPresenceModel;
class ChannelListModel;
class ChannelSync;
class ConnectionStatus;
class IdleMonitor;
class MemberModel;
class MessageModel;
class OutboxSender;
class PresenceRoster;
class TypingBoard;
class TypingNotifier;

struct ChatClientOptions
{
    ConnectionOptions connection;
    ClockFn clock = steadyClock();
    /// Milliseconds since the epoch, for the admin view's times (idle, since, uptime).
    ClockFn wallClock = [] { return QDateTime::currentMSecsSinceEpoch(); };
    qint64 awayAfterMs = 5 * 60 * 1000;
    int maxCachedPerChannel = MessageCache::defaultMaxPerChannel;
};

class ChatClient : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString user READ user NOTIFY userChanged)
    Q_PROPERTY(bool away READ isAway NOTIFY awayChanged)
public:
    using Options = ChatClientOptions;

    explicit ChatClient(const QString &dataDir, Options options = {}, QObject *parent = nullptr);
    ~ChatClient() override;

    /// Opens the local database (a corrupt one is moved aside and rebuilt).
    bool start(QString *error = nullptr);
    QString dataDir() const { return m_dataDir; }

    // ---- session ----
    /// Signs in with a password (sent once; the token from the reply is kept, mode 0600).
    void signIn(const QUrl &url, const QString &user, const QString &password);
    /// Signs in with the saved token; false when there is none.
    bool resumeSession();
    bool hasSavedSession() const;
    /// Revokes the token on the server (when connected), deletes it, goes Offline.
    void logout();
    /// Goes Offline without revoking anything.
    void disconnectFromServer();
    void retryNow();
    QString user() const { return m_me.name; }

    // ---- server certificates (trust on first use) ----
    /// Trusts `sha256` (raw SHA-256) for `url`'s origin from now on, kept on disk. When the
    /// connection stopped on that very certificate for that origin, it tries again at once.
    /// False when it could not be kept (e.g. not 32 bytes, or the file cannot be written).
    bool trustCertificate(const QUrl &url, const QByteArray &sha256);
    /// trustCertificate() of the certificate connectionStatus() shows as pending.
    bool trustPendingCertificate();
    /// Forgets the certificate trusted for `url`'s origin: the next connection asks again.
    bool forgetCertificate(const QUrl &url);
    /// The raw SHA-256 trusted for `url`'s origin; empty when none.
    QByteArray knownFingerprint(const QUrl &url) const;

    // ---- channels and messages ----
    /// Adds the channel to the joined list (and joins it now when signed in).
    void joinChannel(const QString &channel);
    /// Creates a channel on the server (the name trimmed and lower-cased, the topic
    /// trimmed) and joins it: channelCreated() or channelCreateFailed() answers, once.
    /// Returns the name asked for.
    QString createChannel(const QString &name, const QString &topic);
    /// Queues a message; returns its cid (empty if it could not be queued).
    QString sendMessage(const QString &channel, const QString &text);
    bool retry(const QString &cid);
    bool discard(const QString &cid);
    void markRead(const QString &channel);
    /// Deletes every cached message (the outbox stays).
    void wipeCache();
    void setMaxCachedPerChannel(int max);

    // ---- typing and presence ----
    void setDraft(const QString &channel, const QString &text);
    /// The user did something: resets the idle timer (and returns from away).
    void userActivity();
    bool isAway() const;

    // ---- admin ----
    /// Starts the admin presence view (`admin.watch` with adminWatchFilter()); sent again
    /// after every sign-in until stopAdminWatch(). The snapshot and the events feed
    /// adminPresenceModel(); a refusal is adminWatchFailed().
    void watchAdmin();
    /// Sends `admin.unwatch`; the model keeps what it shows.
    void stopAdminWatch();
    bool isWatchingAdmin() const { return m_adminWatch; }
    /// What the server is asked to watch: a new filter sends `admin.watch` again (when
    /// watching); its snapshot replaces the board. The model hides the statuses it leaves out
    /// at once.
    void setAdminWatchFilter(const AdminWatchFilter &filter);
    const AdminWatchFilter &adminWatchFilter() const { return m_adminFilter; }
    enum class KickTarget { User, Session };
    /// `admin.kick` of every connection of a user, or of one session; `reason` (optional)
    /// is told to the kicked user. Answered once by kicked() or kickFailed().
    void kick(KickTarget target, const QString &userOrSession, const QString &reason = {});
    /// `admin.user` add: a new account `user` with `password` (and a display name, optional).
    /// Answered once by userAdded() or addUserFailed().
    void addUser(const QString &user, const QString &password, const QString &display = {});

    // ---- parts ----
    Connection *connection() const { return m_connection; }
    ConnectionStatus *connectionStatus() const { return m_status; }
    ChannelListModel *channelListModel() const { return m_channels; }
    AdminPresenceModel *adminPresenceModel() const { return m_admin; }
    MessageModel *messageModel(const QString &channel);
    MemberModel *memberModel(const QString &channel);
    TypingBoard *typingBoard() const { return m_typingBoard; }
    TypingNotifier *typingNotifier() const { return m_typingNotifier; }
    IdleMonitor *idleMonitor() const { return m_idle; }
    Outbox *outbox() const { return m_outbox; }
    MessageCache *cache() const { return m_cache; }
    OutboxSender *outboxSender() const { return m_sender; }
    ChannelSync *channelSync() const { return m_sync; }
    PresenceRoster *presenceRoster() const { return m_roster; }

Q_SIGNALS:
    void userChanged();
    void awayChanged();
    void signedOut();
    /// A message was stored (live, caught up or acknowledged).
    void messageReceived(const confab::Message &message);
    /// A queued message was accepted by the server.
    void messageDelivered(const QString &cid, qint64 seq);
    void messageFailed(const QString &cid, const QString &reason);
    void channelSynced(const QString &channel);
    /// createChannel() succeeded; the channel is joined.
    void channelCreated(const QString &channel);
    /// createChannel() failed; `reason` is a sentence for the user.
    void channelCreateFailed(const QString &channel, const QString &reason);
    /// The server refused `admin.watch`; `reason` is a sentence for the user.
    void adminWatchFailed(const QString &reason);
    /// A watch's snapshot arrived (the board is the server's again).
    void adminWatchStarted();
    /// kick() done: the server closed `closed` connections (0: none was open).
    void kicked(const QString &userOrSession, qint64 closed);
    /// kick() failed; `reason` is a sentence for the user.
    void kickFailed(const QString &userOrSession, const QString &reason);
    /// The connection stopped on a certificate not trusted yet for `url`'s origin (see
    /// Connection::certificateNeedsTrust); trustCertificate(url, sha256) accepts it.
    void certificateNeedsTrust(const QUrl &url, const QByteArray &sha256);
    /// The connection refused a certificate that differs from the one trusted for `url`'s
    /// origin (see Connection::certificateChanged).
    void certificateChanged(const QUrl &url, const QByteArray &expectedSha256,
                            const QByteArray &actualSha256);
    /// addUser() done: the account exists on the server.
    void userAdded(const QString &user);
    /// addUser() failed; `reason` is a sentence for the user.
    void addUserFailed(const QString &user, const QString &reason);

private:
    void onSignedIn(const HelloOk &hello);
    void onEvent(const ServerFrame &frame);
    void onStored(const QList<Message> &added);
    void onJoined(const QString &channel, const JoinOk &reply);
    void sendPresence();
    QString displayName(const QString &user) const;
    ConnectionOptions connectionOptions();

    QString m_dataDir;
    Options m_options;
    std::unique_ptr<LocalDatabase> m_db;
    MessageCache *m_cache = nullptr; ///< from start() on
    Outbox *m_outbox = nullptr;      ///< from start() on
    TokenStore m_tokens;
    KnownServers m_knownServers; ///< before m_connection: it answers the connection's lookups
    Connection *m_connection;
    OutboxSender *m_sender = nullptr;
    ChannelSync *m_sync = nullptr;
    TypingNotifier *m_typingNotifier;
    TypingBoard *m_typingBoard;
    IdleMonitor *m_idle;
    PresenceRoster *m_roster;
    ConnectionStatus *m_status;
    ChannelListModel *m_channels;
    AdminPresenceModel *m_admin;
    QHash<QString, MessageModel *> m_messageModels; ///< an index: the models are children
    QHash<QString, MemberModel *> m_memberModels;
    UserInfo m_me;
    bool m_adminWatch = false;
    AdminWatchFilter m_adminFilter;
    quint64 m_adminWatchSerial = 0; ///< the latest admin.watch: an older reply is stale
};

} // namespace confab::client
