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
// - Addresses: signIn() and registerAccount() accept what people type (`host:port`,
//   http://…, …; serveraddress.h), as text or as a QUrl, and stop in Offline with a sentence
//   when it is not an address. A new sign-in replaces the attempt under way; cancelSignIn() ends
//   it. A first sign-in with a password stops with the reason when the server cannot be reached
//   (the user is at the form); resuming a saved session retries (Connection).
// - Drafts: one per channel, in the local database (DraftStore: memory at once, written
//   `draftFlushDelayMs` after the last keystroke and when the client ends). setDraft() also
//   drives the typing notices; saveDraft() only keeps the text. Sending clears the draft.
// - Text limit: maxTextBytes() is the server's `limits.text` (its last hello reply; 16384
//   before one). sendMessage() refuses longer text (empty cid, sendError() says why) rather
//   than queueing what can never be delivered.
// - Lists that stay true (ChannelLists): the sidebar (channelListModel()) lists the user's
//   memberships; each sign-in makes it equal to the `hello` reply's list (a 1.1 server lists
//   exactly the memberships), and the 1.1 `channel` events keep it so while signed in. Only
//   memberships are joined: signing in never makes the user a member of anything. Public
//   channels to browse are publicChannelsModel() (refreshPublicChannels(), then `channel`
//   events); member lists follow `member` events. peopleModel() lists the people the user
//   can see (members of their channels, presence) for openDirect().
// - Display names: the roster records the `display` that join replies, presence events and
//   the hello reply carry; models fall back to the user name.
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
#include "draftstore.h"
#include "knownservers.h"
#include "localdatabase.h"
#include "messagecache.h"
#include "outbox.h"
#include "peoplemodel.h" // complete types for the Q_PROPERTYs
#include "publicchannelsmodel.h"
#include "tokenstore.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <memory>

namespace confab::client {

class AdminPresenceModel;
class ChannelListModel;
class ChannelLists;
class ChannelSync;
class ConnectionStatus;
class IdleMonitor;
class MemberModel;
class MessageModel;
class OutboxSender;
class OwnStatus;
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
    /// How long after the last keystroke a draft is written to disk.
    int draftFlushDelayMs = 1000;
    /// How often the member lists' "last seen …" texts are refreshed.
    int lastSeenRefreshMs = 60 * 1000;
};

class ChatClient : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString user READ user NOTIFY userChanged)
    Q_PROPERTY(bool away READ isAway NOTIFY awayChanged)
    /// The status the user chose: "online", "away" or "dnd" (kept across restarts).
    Q_PROPERTY(QString status READ status NOTIFY statusChanged)
    Q_PROPERTY(QString statusText READ statusText NOTIFY statusChanged)
    Q_PROPERTY(int maxTextBytes READ maxTextBytes NOTIFY maxTextBytesChanged)
    Q_PROPERTY(QString sendError READ sendError NOTIFY sendErrorChanged)
    Q_PROPERTY(
        confab::client::PublicChannelsModel *publicChannels READ publicChannelsModel CONSTANT)
    Q_PROPERTY(confab::client::PeopleModel *people READ peopleModel CONSTANT)
public:
    using Options = ChatClientOptions;

    explicit ChatClient(const QString &dataDir, Options options = {}, QObject *parent = nullptr);
    ~ChatClient() override;

    /// Opens the local database (a corrupt one is moved aside and rebuilt).
    bool start(QString *error = nullptr);
    QString dataDir() const { return m_dataDir; }

    // ---- session ----
    /// Signs in with a password (sent once; the token from the reply is kept, mode 0600).
    /// Replaces any attempt under way. `url` is read as typed text is (below).
    void signIn(const QUrl &url, const QString &user, const QString &password);
    /// signIn() at an address as typed (normalizeServerUrl()); one that cannot be used stops
    /// in Offline with a sentence (connection()->errorString()).
    Q_INVOKABLE void signIn(const QString &address, const QString &user, const QString &password);
    /// Creates the account with `register` (display optional), then signs in with it. A
    /// server without open registration stops with errortext::registrationClosed().
    Q_INVOKABLE void registerAccount(const QString &address, const QString &user,
                                     const QString &password, const QString &display = {});
    /// Stops the sign-in under way (or any retrying): Offline, no error shown.
    Q_INVOKABLE void cancelSignIn();
    /// Why `address` cannot be used as a server address; empty when it can.
    Q_INVOKABLE QString addressProblem(const QString &address) const;
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
    /// The user joins `channel` (a public one makes them a member): it is in the sidebar at
    /// once and joined now when signed in, else with the next session. A refusal is
    /// joinFailed() (and it leaves the sidebar).
    Q_INVOKABLE void joinChannel(const QString &channel);
    /// `leave`: channelLeft() (it leaves the sidebar here and, by the server's `removed`, on
    /// the user's other devices) or leaveFailed(). Direct conversations cannot be left.
    Q_INVOKABLE void leaveChannel(const QString &channel);
    /// Creates a channel on the server (the name trimmed and lower-cased, the topic
    /// trimmed), public or private, and joins it: channelCreated() or channelCreateFailed()
    /// answers, once. Returns the name asked for.
    Q_INVOKABLE QString createChannel(const QString &name, const QString &topic,
                                      bool isPrivate = false);
    /// `invite` of `user` to the private channel `channel`: invited() or inviteFailed().
    Q_INVOKABLE void invite(const QString &channel, const QString &user);
    /// Lists the server's public channels into publicChannelsModel() (every page):
    /// publicChannelsRefreshed() or publicChannelsRefreshFailed(). Once listed, the list is
    /// listed again after every sign-in.
    Q_INVOKABLE void refreshPublicChannels();
    /// Opens (joins) the direct conversation with `otherUser` and returns its name
    /// (`dm:a:b`), in the sidebar at once; the other member sees it appear. Empty when it
    /// cannot be opened (directFailed() says why: not a user name, or oneself); a user the
    /// server does not know is directFailed() later (and the conversation leaves the list).
    Q_INVOKABLE QString openDirect(const QString &otherUser);
    /// Re-reads peopleModel() from what the client knows (it also follows changes itself).
    Q_INVOKABLE void refreshPeople();
    /// Queues a message; returns its cid. Empty when it could not be queued: empty text, or
    /// text over maxTextBytes() (then sendError() says why), or no database.
    Q_INVOKABLE QString sendMessage(const QString &channel, const QString &text);
    /// Why the last sendMessage() refused its text; empty after one that queued.
    QString sendError() const { return m_sendError; }
    /// The server's limit on a message's text, in UTF-8 bytes.
    int maxTextBytes() const { return m_maxTextBytes; }
    /// How many UTF-8 bytes `text` may still grow by (negative: too long by that many).
    Q_INVOKABLE int bytesLeft(const QString &text) const;
    /// Removes a failed message from the outbox (and its model) and returns its text, for
    /// the composer; empty when `cid` is not a failed message.
    Q_INVOKABLE QString takeBackFailed(const QString &cid);
    bool retry(const QString &cid);
    bool discard(const QString &cid);
    /// The user has read `channel` up to its newest cached message. Sent to the server
    /// (`read`, 1.2) when signed in, so the user's other devices learn it; a position read
    /// while offline is sent after the next join, when it is ahead of the join reply's.
    void markRead(const QString &channel);
    /// The seq up to which `channel` has been read (0 when never), here or on another of the
    /// user's devices (the join reply's `read_seq` and `read` events raise it, never lower
    /// it); the UI's "New messages" line goes after it. A join's `read_seq` is applied before
    /// its catch-up messages are stored, so messageReceived() listeners see it.
    Q_INVOKABLE qint64 lastReadSeq(const QString &channel) const;
    /// Deletes every cached message (the outbox stays).
    void wipeCache();
    void setMaxCachedPerChannel(int max);

    // ---- typing and presence ----
    /// The composer changed: keeps the draft (saveDraft()) and sends typing notices; the
    /// saved draft itself coming back into the composer sends none.
    Q_INVOKABLE void setDraft(const QString &channel, const QString &text);
    /// Keeps `channel`'s unsent text (empty clears it); cheap on every keystroke.
    Q_INVOKABLE void saveDraft(const QString &channel, const QString &text);
    /// `channel`'s unsent text (empty when none), also after a restart.
    Q_INVOKABLE QString draft(const QString &channel) const;
    /// The user did something: resets the idle timer (and returns from away).
    void userActivity();
    /// Shown as away: idle while online, or a chosen away.
    bool isAway() const;

    // ---- own status (OwnStatus) ----
    /// The chosen status ("online", "away" or "dnd"), whatever idleness does.
    QString status() const;
    QString statusText() const;
    /// Chooses a status ("online", "away" or "dnd"; anything else changes nothing and is
    /// logged) with a text (trimmed, cut to the server's 256 UTF-8 bytes). Kept in the local
    /// database, sent now when signed in and after every sign-in; the user's other devices
    /// follow it, as this one follows theirs. While online, idleness shows as away.
    Q_INVOKABLE void setStatus(const QString &status, const QString &text);
    OwnStatus *ownStatus() const { return m_ownStatus; }

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
    PublicChannelsModel *publicChannelsModel() const { return m_public; }
    PeopleModel *peopleModel() const { return m_people; }
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
    void statusChanged();
    void maxTextBytesChanged();
    void sendErrorChanged();
    void signedOut();
    /// A message was stored (live, caught up or acknowledged).
    void messageReceived(const confab::Message &message);
    /// The local read position of `channel` rose to `seq` (markRead(), or the user read it on
    /// another device: a join reply's `read_seq` or a `read` event).
    void readPositionChanged(const QString &channel, qint64 seq);
    /// A queued message was accepted by the server.
    void messageDelivered(const QString &cid, qint64 seq);
    void messageFailed(const QString &cid, const QString &reason);
    void channelSynced(const QString &channel);
    /// createChannel() succeeded; the channel is joined.
    void channelCreated(const QString &channel);
    /// createChannel() failed; `reason` is a sentence for the user.
    void channelCreateFailed(const QString &channel, const QString &reason);
    /// joinChannel() was refused; the channel left the sidebar again.
    void joinFailed(const QString &channel, const QString &reason);
    /// leaveChannel() succeeded: the channel left the sidebar.
    void channelLeft(const QString &channel);
    void leaveFailed(const QString &channel, const QString &reason);
    /// invite() succeeded: `user` is a member of `channel`.
    void invited(const QString &channel, const QString &user);
    void inviteFailed(const QString &channel, const QString &user, const QString &reason);
    void publicChannelsRefreshed();
    void publicChannelsRefreshFailed(const QString &reason);
    /// openDirect() could not open a conversation with `otherUser`.
    void directFailed(const QString &otherUser, const QString &reason);
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
    /// Raises the local read position of `channel` to `seq` (never lowers it): the badge is
    /// recounted and readPositionChanged() emitted when it rose.
    void raiseReadPosition(const QString &channel, qint64 seq);
    /// Sends `read` of `channel` at `seq` when signed in (a refusal is only logged).
    void sendReadPosition(const QString &channel, qint64 seq);
    void sendPresence();
    void setSendError(const QString &error);
    /// The URL to sign in at (normalizeServerUrl()); nullopt after stopping with the reason.
    std::optional<QUrl> prepareSignIn(const QString &address);
    QString displayName(const QString &user) const;
    ConnectionOptions connectionOptions();

    QString m_dataDir;
    Options m_options;
    std::unique_ptr<LocalDatabase> m_db;
    MessageCache *m_cache = nullptr; ///< from start() on
    Outbox *m_outbox = nullptr;      ///< from start() on
    DraftStore *m_drafts = nullptr;  ///< from start() on
    TokenStore m_tokens;
    KnownServers m_knownServers; ///< before m_connection: it answers the connection's lookups
    Connection *m_connection;
    OutboxSender *m_sender = nullptr;
    ChannelSync *m_sync = nullptr;
    ChannelLists *m_lists = nullptr; ///< from start() on
    TypingNotifier *m_typingNotifier;
    TypingBoard *m_typingBoard;
    IdleMonitor *m_idle;
    OwnStatus *m_ownStatus = nullptr; ///< made in the constructor, after m_idle
    PresenceRoster *m_roster;
    ConnectionStatus *m_status;
    ChannelListModel *m_channels;
    PublicChannelsModel *m_public;
    PeopleModel *m_people;
    AdminPresenceModel *m_admin;
    QHash<QString, MessageModel *> m_messageModels; ///< an index: the models are children
    QHash<QString, MemberModel *> m_memberModels;
    UserInfo m_me;
    QString m_sendError;
    int m_maxTextBytes = Limits{}.text; ///< the last hello reply's; the default before one
    QTimer *m_lastSeenTimer;
    bool m_adminWatch = false;
    AdminWatchFilter m_adminFilter;
    quint64 m_adminWatchSerial = 0; ///< the latest admin.watch: an older reply is stale
};

} // namespace confab::client
