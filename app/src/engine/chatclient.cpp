// SPDX-License-Identifier: Apache-2.0
#include "chatclient.h"

#include "adminpresencemodel.h"
#include "channellistmodel.h"
#include "channellists.h"
#include "channelsync.h"
#include "connectionstatus.h"
#include "errortext.h"
#include "idlemonitor.h"
#include "membermodel.h"
#include "messagemodel.h"
#include "outboxsender.h"
#include "ownstatus.h"
#include "peoplemodel.h"
#include "presenceroster.h"
#include "publicchannelsmodel.h"
#include "serveraddress.h"
#include "typingboard.h"
#include "typingnotifier.h"
#include "validation.h"

#include <QDir>
#include <QLoggingCategory>
#include <QPointer>
#include <QVersionNumber>

using namespace Qt::StringLiterals;

namespace confab::client {

Q_LOGGING_CATEGORY(lcClient, "confab.client")

ChatClient::ChatClient(const QString &dataDir, Options options, QObject *parent)
    : QObject(parent)
    , m_dataDir(dataDir)
    , m_options(std::move(options))
    , m_tokens(dataDir)
    , m_knownServers(dataDir)
    , m_connection(new Connection(connectionOptions(), this))
    , m_typingNotifier(new TypingNotifier(m_options.clock, this))
    , m_typingBoard(new TypingBoard(m_options.clock, this))
    , m_idle(new IdleMonitor(m_options.clock, m_options.awayAfterMs, this))
    , m_roster(new PresenceRoster(this))
    , m_status(new ConnectionStatus(m_connection, this))
    , m_channels(new ChannelListModel(this))
    , m_public(new PublicChannelsModel(this))
    , m_people(new PeopleModel(this))
    , m_admin(new AdminPresenceModel(m_options.wallClock, this))
    , m_lastSeenTimer(new QTimer(this))
{
    m_knownServers.load(); // a broken file is said in the log and starts empty
    connect(m_connection, &Connection::signedIn, this, &ChatClient::onSignedIn);
    connect(m_connection, &Connection::certificateNeedsTrust, this,
            &ChatClient::certificateNeedsTrust);
    connect(m_connection, &Connection::certificateChanged, this, &ChatClient::certificateChanged);
    connect(m_connection, &Connection::eventReceived, this, &ChatClient::onEvent);
    connect(m_connection, &Connection::credentialsRejected, this, [this](bool wasToken) {
        if (wasToken)
            m_tokens.remove();
    });
    connect(m_connection, &Connection::sessionEnded, this, [this] {
        m_typingNotifier->clear();
        m_typingBoard->clear();
        m_roster->showSelfOffline(m_me.name);
    });
    connect(m_typingNotifier, &TypingNotifier::notice, this,
            [this](const QString &channel, bool active) {
                m_connection->notify(TypingNotice{channel, active});
            });
    m_channels->follow(m_typingBoard);
    m_people->follow(m_roster);
    m_channels->setDisplayNames([this](const QString &user) { return displayName(user); });
    connect(m_roster, &PresenceRoster::displayNameChanged, m_channels,
            &ChannelListModel::displayNameChanged);
    connect(m_connection, &Connection::displayNameSeen, m_roster, &PresenceRoster::setDisplayName);
    m_lastSeenTimer->setInterval(m_options.lastSeenRefreshMs);
    connect(m_lastSeenTimer, &QTimer::timeout, this, [this] {
        for (MemberModel *model : std::as_const(m_memberModels))
            model->refreshLastSeen();
    });
    m_lastSeenTimer->start();
    m_ownStatus = new OwnStatus(m_idle, this);
    connect(m_ownStatus, &OwnStatus::effectiveChanged, this, [this] {
        if (m_connection->isSignedIn()) // else sent after sign-in
            sendPresence();
        Q_EMIT awayChanged();
    });
    connect(m_ownStatus, &OwnStatus::changed, this, [this] {
        Q_EMIT statusChanged();
        Q_EMIT awayChanged();
    });
}

ChatClient::~ChatClient()
{
    // Every part is a child. The cache and the outbox use the connection m_db closes, and
    // models refer to them: the children go first, newest first, as members would.
    const QObjectList parts = children();
    for (auto it = parts.crbegin(); it != parts.crend(); ++it)
        delete *it;
}

ConnectionOptions ChatClient::connectionOptions()
{
    ConnectionOptions options = m_options.connection;
    options.pinFor = [this](const QUrl &url) { return m_knownServers.fingerprintFor(url); };
    return options;
}

bool ChatClient::start(QString *error)
{
    if (m_db)
        return true;
    QDir().mkpath(m_dataDir);
    m_db = std::make_unique<LocalDatabase>(QDir(m_dataDir).filePath(u"client.sqlite"_s));
    if (!m_db->open(error)) {
        m_db.reset();
        return false;
    }
    m_cache = new MessageCache(m_db->database(), m_options.maxCachedPerChannel, this);
    m_outbox = new Outbox(m_db->database(), this);
    m_drafts = new DraftStore(m_db->database(), m_options.draftFlushDelayMs, this);
    m_ownStatus->attach(m_db->database());
    m_sync = new ChannelSync(m_connection, m_cache, this);
    connect(m_sync, &ChannelSync::displayNamesSeen, this,
            [this](const QHash<QString, QString> &names) {
                for (auto it = names.cbegin(); it != names.cend(); ++it)
                    m_roster->setDisplayName(it.key(), it.value());
            });
    connect(m_sync, &ChannelSync::joined, this, &ChatClient::onJoined);
    connect(m_sync, &ChannelSync::synced, this, &ChatClient::channelSynced);
    m_lists = new ChannelLists(m_connection, m_cache, m_sync, m_roster, m_public, this);
    connect(m_lists, &ChannelLists::joinFailed, this,
            [this](const QString &channel, const QString &reason) {
                Q_EMIT joinFailed(channel, reason);
                if (const QString other = m_channels->otherUser(channel); !other.isEmpty())
                    Q_EMIT directFailed(other, reason); // openDirect()'s answer
            });
    connect(m_lists, &ChannelLists::channelLeft, this, &ChatClient::channelLeft);
    connect(m_lists, &ChannelLists::leaveFailed, this, &ChatClient::leaveFailed);
    connect(m_lists, &ChannelLists::invited, this, &ChatClient::invited);
    connect(m_lists, &ChannelLists::inviteFailed, this, &ChatClient::inviteFailed);
    connect(m_lists, &ChannelLists::publicChannelsRefreshed, this,
            &ChatClient::publicChannelsRefreshed);
    connect(m_lists, &ChannelLists::publicChannelsRefreshFailed, this,
            &ChatClient::publicChannelsRefreshFailed);
    m_sender = new OutboxSender(m_connection, m_outbox, this);
    connect(m_sender, &OutboxSender::accepted, this,
            [this](const OutboxEntry &entry, const PublishOk &ok) {
                // Cached before it leaves the outbox: the pending row turns sent in place.
                m_cache->store({Message{entry.channel, ok.seq, ok.mid, entry.cid, m_me.name, ok.ts,
                                        entry.text}});
            });
    connect(m_sender, &OutboxSender::delivered, this,
            [this](const OutboxEntry &entry, const PublishOk &ok) {
                Q_EMIT messageDelivered(entry.cid, ok.seq);
            });
    connect(m_sender, &OutboxSender::failed, this, [this](const OutboxEntry &entry) {
        Q_EMIT messageFailed(entry.cid, entry.failedReason);
    });

    // A crash between storing an acknowledged message and removing it from the outbox
    // leaves both: the cache wins.
    for (const OutboxEntry &entry : m_outbox->entries()) {
        if (m_cache->containsCid(entry.channel, entry.cid))
            m_outbox->remove(entry.cid);
    }
    if (const auto saved = m_tokens.load())
        m_me.name = saved->user;
    m_channels->setOwnUser(m_me.name);
    m_channels->follow(m_cache);
    m_public->follow(m_cache);
    m_people->setOwnUser(m_me.name);
    // After the channel list: messageReceived's listeners see its unread count.
    connect(m_cache, &MessageCache::messagesStored, this, &ChatClient::onStored);
    m_status->setQueuedCount(m_outbox->count());
    connect(m_outbox, &Outbox::countChanged, m_status, &ConnectionStatus::setQueuedCount);
    return true;
}

// ---- session ----------------------------------------------------------------------------

void ChatClient::signIn(const QUrl &url, const QString &user, const QString &password)
{
    // The same rules as typed text: an http(s):// URL (QUrl::fromUserInput's guess) is meant
    // as ws(s)://, and a missing path as /ws.
    signIn(url.toString(), user, password);
}

void ChatClient::signIn(const QString &address, const QString &user, const QString &password)
{
    if (const auto url = prepareSignIn(address))
        m_connection->open(*url, Connection::Credentials{QString(), user.trimmed(), password});
}

std::optional<QUrl> ChatClient::prepareSignIn(const QString &address)
{
    QString error;
    const auto url = normalizeServerUrl(address, &error);
    if (!url) {
        m_connection->stop(error);
        return std::nullopt;
    }
    // A certificate question about another server is not this sign-in's.
    if (KnownServers::origin(*url) != KnownServers::origin(m_status->certificateUrl()))
        m_status->clearCertificate();
    return url;
}

void ChatClient::registerAccount(const QString &address, const QString &user,
                                 const QString &password, const QString &display)
{
    const auto url = prepareSignIn(address);
    if (!url)
        return;
    // The server checks these too; saying so here saves a round trip and a vague answer.
    const QString name = user.trimmed().toLower();
    if (!rules::isValidUserName(name)) {
        m_connection->stop(errortext::invalidUserName());
        return;
    }
    if (password.toUtf8().size() < rules::minPasswordBytes) {
        m_connection->stop(errortext::passwordTooShort(rules::minPasswordBytes));
        return;
    }
    if (rules::validateNewPassword(password, name)) {
        m_connection->stop(errortext::passwordIsUserName());
        return;
    }
    m_connection->createAccount(*url, Connection::Credentials{QString(), name, password},
                                display.trimmed());
}

void ChatClient::cancelSignIn()
{
    m_connection->stop(QString());
}

QString ChatClient::addressProblem(const QString &address) const
{
    QString error;
    normalizeServerUrl(address, &error);
    return error;
}

bool ChatClient::resumeSession()
{
    if (!m_tokens.hasSession())
        return false;
    // The token may be in the keyring: the connection opens when it answers (at once for a
    // token in the file), the cached messages showing meanwhile. A token that cannot be read
    // ends like a sign-out: the user signs in with the password.
    m_tokens.fetch([this](const std::optional<SavedSession> &saved) {
        if (!saved) {
            Q_EMIT signedOut();
            return;
        }
        if (m_connection->state() == Connection::State::Offline) // not while signIn() is under way
            m_connection->open(saved->url, Connection::Credentials{saved->token, saved->user, {}});
    });
    return true;
}

bool ChatClient::hasSavedSession() const
{
    return m_tokens.hasSession();
}

void ChatClient::logout()
{
    auto finish = [this] {
        m_tokens.remove();
        m_connection->close();
        m_adminWatch = false;
        m_admin->clear();
        Q_EMIT signedOut();
    };
    if (!m_connection->request(LogoutRequest{},
                               [finish](const std::optional<Reply> &) { finish(); })) {
        qCWarning(lcClient) << "logging out while offline: the token is deleted here but "
                               "stays valid on the server until it expires";
        finish();
    }
}

void ChatClient::disconnectFromServer()
{
    m_connection->close();
}

void ChatClient::retryNow()
{
    m_connection->retryNow();
}

bool ChatClient::trustCertificate(const QUrl &url, const QByteArray &sha256)
{
    QString error;
    if (!m_knownServers.trust(url, sha256, &error)) {
        qCWarning(lcClient) << "cannot keep the trusted certificate:" << error;
        return false;
    }
    // Retry only the stop this answers: another server or certificate needs its own answer.
    const bool answersTheStop =
        m_connection->state() == Connection::State::Offline &&
        KnownServers::origin(m_connection->url()) == KnownServers::origin(url) &&
        m_connection->refusedSha256() == sha256;
    if (answersTheStop)
        m_connection->reopen();
    return true;
}

bool ChatClient::trustPendingCertificate()
{
    const QByteArray sha256 = m_status->pendingSha256();
    return !sha256.isEmpty() && trustCertificate(m_status->certificateUrl(), sha256);
}

bool ChatClient::forgetCertificate(const QUrl &url)
{
    QString error;
    if (!m_knownServers.forget(url, &error)) {
        qCWarning(lcClient) << "cannot forget the trusted certificate:" << error;
        return false;
    }
    return true;
}

QByteArray ChatClient::knownFingerprint(const QUrl &url) const
{
    return m_knownServers.fingerprintFor(url);
}

void ChatClient::onSignedIn(const HelloOk &hello)
{
    const bool userChangedNow = m_me.name != hello.user.name;
    m_me = hello.user;
    m_roster->setDisplayName(m_me.name, m_me.display);
    if (m_maxTextBytes != hello.limits.text) {
        m_maxTextBytes = hello.limits.text;
        Q_EMIT maxTextBytesChanged();
    }
    m_channels->setOwnUser(m_me.name);
    m_people->setOwnUser(m_me.name);
    for (MessageModel *model : std::as_const(m_messageModels)) {
        model->setOwnUser(m_me.name);
        model->setHistoryPage(hello.limits.historyPage);
    }
    if (userChangedNow) {
        m_admin->clear(); // another account's admin view is not this one's
        Q_EMIT userChanged();
    }
    m_admin->setServerName(hello.server);
    if (!hello.token.isEmpty()) {
        QString error;
        if (!m_tokens.save({m_connection->url(), hello.user.name, hello.token}, &error))
            qCWarning(lcClient) << "cannot keep the session:" << error;
    }
    if (m_cache) {
        // The sidebar becomes the server's list of our memberships; only those are joined
        // (joining a public channel would make us a member of it).
        m_lists->reconcile(hello);
        m_sync->joinAll(); // Online once every join caught up
    }
    sendPresence(); // the chosen status, kept across restarts
    if (m_adminWatch)
        watchAdmin();
}

void ChatClient::onJoined(const QString &channel, const JoinOk &reply)
{
    m_typingBoard->resetChannel(channel, reply.typing);
    // A server before 1.2 sends no member texts: its silence must not erase the texts known.
    const bool textsSent =
        QVersionNumber::fromString(m_connection->session().protocol) >= QVersionNumber(1, 2);
    m_roster->setMembers(channel, reply.members, textsSent);
    // Runs before the join's catch-up is stored: messageReceived() sees the raised position.
    raiseReadPosition(channel, reply.readSeq);
    if (const qint64 local = lastReadSeq(channel); local > reply.readSeq)
        sendReadPosition(channel, local); // read here while the server did not know
}

void ChatClient::raiseReadPosition(const QString &channel, qint64 seq)
{
    if (!m_cache)
        return;
    const qint64 before = lastReadSeq(channel);
    if (seq <= before)
        return;
    m_cache->setLastReadSeq(channel, seq);
    const qint64 after = lastReadSeq(channel); // unchanged for a channel not cached
    if (after <= before)
        return;
    m_channels->setReadPosition(channel, after);
    Q_EMIT readPositionChanged(channel, after);
}

void ChatClient::sendReadPosition(const QString &channel, qint64 seq)
{
    if (!m_connection->isSignedIn())
        return; // the next join's reply tells whether the server is behind
    m_connection->request(ReadRequest{0, channel, seq},
                          [channel](const std::optional<Reply> &reply) {
                              if (reply && reply->error)
                                  qCInfo(lcClient) << "read position of" << channel
                                                   << "not kept:" << reply->error->message;
                          });
}

// ---- events -----------------------------------------------------------------------------

void ChatClient::onEvent(const ServerFrame &frame)
{
    // `msg` and `synced` are ChannelSync's.
    if (const auto *typing = std::get_if<TypingEvent>(&frame)) {
        if (typing->state.user != m_me.name)
            m_typingBoard->apply(typing->state.channel, typing->state.user, typing->state.active);
    } else if (const auto *presence = std::get_if<PresenceEvent>(&frame)) {
        m_roster->applyPresence(presence->presence);
        if (presence->presence.user == m_me.name) // maybe set on another device of ours
            m_ownStatus->applyRemote(presence->presence.status, presence->presence.text);
    } else if (const auto *admin = std::get_if<AdminPresenceEvent>(&frame)) {
        m_admin->apply(*admin);
    } else if (const auto *stats = std::get_if<AdminStatsEvent>(&frame)) {
        m_admin->apply(*stats);
    } else if (const auto *read = std::get_if<ReadEvent>(&frame)) {
        raiseReadPosition(read->channel, read->seq); // read on another device
    }
}

void ChatClient::onStored(const QList<Message> &added)
{
    // The models follow the cache themselves.
    for (const Message &m : added) {
        m_typingBoard->apply(m.channel, m.from, false); // who publishes stops typing
        Q_EMIT messageReceived(m);
    }
}

// ---- channels and messages --------------------------------------------------------------

void ChatClient::joinChannel(const QString &channel)
{
    if (m_lists)
        m_lists->joinChannel(channel);
}

void ChatClient::leaveChannel(const QString &channel)
{
    if (m_lists)
        m_lists->leaveChannel(channel);
}

void ChatClient::invite(const QString &channel, const QString &user)
{
    if (m_lists)
        m_lists->invite(channel, user);
}

void ChatClient::refreshPublicChannels()
{
    if (m_lists)
        m_lists->refreshPublicChannels();
}

QString ChatClient::openDirect(const QString &otherUser)
{
    const QString other = otherUser.trimmed().toLower();
    QString problem;
    if (!rules::isValidUserName(other))
        problem = errortext::invalidUserName();
    else if (other == m_me.name || m_me.name.isEmpty())
        problem = u"Choose someone else to talk to."_s;
    else if (!m_lists)
        problem = u"The local database is not open."_s;
    if (!problem.isEmpty()) {
        Q_EMIT directFailed(other, problem);
        return {};
    }
    const QString channel = rules::directChannelName(m_me.name, other);
    m_lists->joinChannel(channel); // the server opens it and tells the other member
    return channel;
}

void ChatClient::refreshPeople()
{
    m_people->refresh();
}

QString ChatClient::createChannel(const QString &name, const QString &topic, bool isPrivate)
{
    CreateRequest create;
    create.channel = name.trimmed().toLower();
    create.topic = topic.trimmed();
    create.isPrivate = isPrivate;
    const QString channel = create.channel;
    const bool sent = m_connection->request(create, [this,
                                                     channel](const std::optional<Reply> &reply) {
        if (!reply) {
            Q_EMIT channelCreateFailed(channel, errortext::connectionLost());
        } else if (reply->error) {
            Q_EMIT channelCreateFailed(channel, errortext::createFailed(channel, *reply->error));
        } else {
            joinChannel(channel);
            Q_EMIT channelCreated(channel);
        }
    });
    if (!sent)
        Q_EMIT channelCreateFailed(channel, errortext::createWhileOffline());
    return channel;
}

QString ChatClient::sendMessage(const QString &channel, const QString &text)
{
    if (!m_outbox || text.isEmpty())
        return {};
    // The server would answer too_large after every retry: say so now, keep the text.
    const qsizetype bytes = text.toUtf8().size();
    if (bytes > maxTextBytes()) {
        setSendError(errortext::textTooLong(bytes, maxTextBytes()));
        return {};
    }
    const auto entry = m_outbox->add(channel, text);
    if (!entry) {
        setSendError(u"The message could not be saved on this computer."_s);
        return {};
    }
    setSendError(QString());
    m_typingNotifier->draftSent(channel);
    saveDraft(channel, QString());
    m_sender->pump();
    return entry->cid;
}

int ChatClient::bytesLeft(const QString &text) const
{
    return maxTextBytes() - int(text.toUtf8().size());
}

QString ChatClient::takeBackFailed(const QString &cid)
{
    if (!m_outbox)
        return {};
    const auto entry = m_outbox->find(cid);
    // A pending message may be on the wire already: only a failed one is surely not sent.
    if (!entry || !entry->isFailed() || !m_outbox->remove(cid))
        return {};
    return entry->text;
}

void ChatClient::setSendError(const QString &error)
{
    if (m_sendError == error)
        return;
    m_sendError = error;
    Q_EMIT sendErrorChanged();
}

bool ChatClient::retry(const QString &cid)
{
    if (!m_outbox || !m_outbox->markPending(cid))
        return false;
    m_sender->pump();
    return true;
}

bool ChatClient::discard(const QString &cid)
{
    return m_outbox && m_outbox->remove(cid);
}

void ChatClient::markRead(const QString &channel)
{
    const qint64 before = lastReadSeq(channel);
    if (m_cache) {
        if (const auto last = m_cache->last(channel))
            m_cache->setLastReadSeq(channel, last->seq);
    }
    m_channels->markRead(channel);
    if (const qint64 after = lastReadSeq(channel); after > before) {
        Q_EMIT readPositionChanged(channel, after);
        sendReadPosition(channel, after); // the user's other devices clear their badge
    }
}

qint64 ChatClient::lastReadSeq(const QString &channel) const
{
    const auto cached = m_cache ? m_cache->channel(channel) : std::nullopt;
    return cached ? cached->lastReadSeq : 0;
}

void ChatClient::wipeCache()
{
    if (!m_cache)
        return;
    m_cache->wipe(); // the message models follow
}

void ChatClient::setMaxCachedPerChannel(int max)
{
    m_options.maxCachedPerChannel = max;
    if (m_cache)
        m_cache->setMaxPerChannel(max);
}

MessageModel *ChatClient::messageModel(const QString &channel)
{
    if (!m_cache)
        return nullptr;
    if (MessageModel *model = m_messageModels.value(channel))
        return model;
    auto *model = new MessageModel(m_cache, m_outbox, channel, this);
    model->setOwnUser(m_me.name);
    model->setHistoryPage(m_connection->session().limits.historyPage);
    model->setDisplayNames([this](const QString &user) { return displayName(user); });
    connect(m_roster, &PresenceRoster::displayNameChanged, model,
            &MessageModel::displayNameChanged);
    model->setHistoryFetcher([this](const QString &c, qint64 before, int limit, auto done) {
        return m_sync->fetchHistory(c, before, limit, std::move(done));
    });
    connect(m_sync, &ChannelSync::gapFound, model, [model](const QString &c, qint64 first) {
        if (c == model->channel())
            model->gapBefore(first);
    });
    m_messageModels.insert(channel, model);
    return model;
}

MemberModel *ChatClient::memberModel(const QString &channel)
{
    if (MemberModel *model = m_memberModels.value(channel))
        return model;
    auto *model = new MemberModel(channel, this);
    model->setWallClock(m_options.wallClock);
    model->follow(m_roster, m_typingBoard);
    m_memberModels.insert(channel, model);
    return model;
}

QString ChatClient::displayName(const QString &user) const
{
    return user == m_me.name && !m_me.display.isEmpty() ? m_me.display
                                                        : m_roster->displayName(user);
}

// ---- typing and presence ----------------------------------------------------------------

void ChatClient::setDraft(const QString &channel, const QString &text)
{
    // The composer showing a channel's saved draft again (switching back to it) is not typing.
    if (m_drafts && !text.isEmpty() && text == m_drafts->draft(channel))
        return;
    m_typingNotifier->draftChanged(channel, text);
    saveDraft(channel, text);
}

void ChatClient::saveDraft(const QString &channel, const QString &text)
{
    if (m_drafts)
        m_drafts->setDraft(channel, text);
}

QString ChatClient::draft(const QString &channel) const
{
    return m_drafts ? m_drafts->draft(channel) : QString();
}

void ChatClient::userActivity()
{
    m_idle->activity();
}

bool ChatClient::isAway() const
{
    return m_ownStatus->effective() == PresenceStatus::Away;
}

QString ChatClient::status() const
{
    return presenceStatusName(m_ownStatus->chosen());
}

QString ChatClient::statusText() const
{
    return m_ownStatus->text();
}

void ChatClient::setStatus(const QString &status, const QString &text)
{
    const auto chosen = presenceStatusFromName(status);
    if (!chosen || !m_ownStatus->set(*chosen, text))
        qCWarning(lcClient) << "not a status one can choose:" << status;
}

void ChatClient::sendPresence()
{
    PresenceRequest presence;
    presence.status = m_ownStatus->effective();
    presence.text = m_ownStatus->text();
    m_ownStatus->noteSent(presence.status, presence.text);
    QPointer<OwnStatus> own = m_ownStatus;
    m_connection->request(presence, [own](const std::optional<Reply> &reply) {
        if (own)
            own->noteAnswered();
        if (reply && reply->error)
            qCWarning(lcClient) << "presence refused:" << errorCodeName(reply->error->code);
    });
}

// ---- admin ------------------------------------------------------------------------------

namespace {

QString watchRefused(const AdminWatchFilter &filter, const Error &error)
{
    switch (error.code) {
    case ErrorCode::Forbidden:
    case ErrorCode::Unauthorized:
        return u"Only admins can watch the server's users."_s;
    case ErrorCode::NotFound:
        if (!filter.channel.isEmpty())
            return u"There is no channel named “%1”."_s.arg(filter.channel);
        break;
    default:
        break;
    }
    return error.message.isEmpty() ? u"The server refused to show its users."_s : error.message;
}

QString kickRefused(ChatClient::KickTarget target, const QString &who, const Error &error)
{
    const bool user = target == ChatClient::KickTarget::User;
    switch (error.code) {
    case ErrorCode::Forbidden:
    case ErrorCode::Unauthorized:
        return u"Only admins can kick."_s;
    case ErrorCode::NotFound:
        return user ? u"There is no user named “%1”."_s.arg(who)
                    : u"Session %1 has ended already."_s.arg(who);
    default:
        break;
    }
    return error.message.isEmpty() ? u"The server refused to kick %1."_s.arg(who) : error.message;
}

QString addUserRefused(const QString &user, const Error &error)
{
    switch (error.code) {
    case ErrorCode::Forbidden:
    case ErrorCode::Unauthorized:
        return u"Only admins can add people."_s;
    case ErrorCode::Conflict:
        return u"There is already a user named “%1”."_s.arg(user);
    default:
        break;
    }
    return error.message.isEmpty() ? u"The server refused to add %1."_s.arg(user) : error.message;
}

} // namespace

void ChatClient::watchAdmin()
{
    m_adminWatch = true;
    const quint64 serial = ++m_adminWatchSerial;
    const AdminWatchFilter filter = m_adminFilter;
    m_connection->request(
        AdminWatchRequest{0, filter}, [this, serial, filter](const std::optional<Reply> &reply) {
            // No reply: the session ended; the next sign-in watches again.
            if (!reply || serial != m_adminWatchSerial)
                return;
            if (reply->error) {
                qCWarning(lcClient) << "admin.watch refused:" << errorCodeName(reply->error->code);
                m_adminWatch = false;
                Q_EMIT adminWatchFailed(watchRefused(filter, *reply->error));
                return;
            }
            if (const auto ok = AdminWatchOk::fromJson(reply->ok)) {
                m_admin->setSnapshot(*ok);
                Q_EMIT adminWatchStarted();
            } else {
                qCWarning(lcClient) << "admin.watch: the snapshot could not be read";
            }
        });
}

void ChatClient::stopAdminWatch()
{
    if (!m_adminWatch)
        return;
    m_adminWatch = false;
    ++m_adminWatchSerial; // a snapshot still on its way is not wanted any more
    m_connection->request(AdminUnwatchRequest{}, [](const std::optional<Reply> &) {});
}

void ChatClient::setAdminWatchFilter(const AdminWatchFilter &filter)
{
    if (filter == m_adminFilter)
        return;
    m_adminFilter = filter;
    m_admin->setWatchFilter(filter);
    if (m_adminWatch)
        watchAdmin();
}

void ChatClient::kick(KickTarget target, const QString &userOrSession, const QString &reason)
{
    if (userOrSession.trimmed().isEmpty()) {
        Q_EMIT kickFailed(userOrSession, u"Choose a user or a session to kick."_s);
        return;
    }
    AdminKickRequest kick;
    (target == KickTarget::User ? kick.user : kick.session) = userOrSession;
    kick.reason = reason.trimmed();
    const bool sent = m_connection->request(
        kick, [this, target, userOrSession](const std::optional<Reply> &reply) {
            if (!reply) {
                Q_EMIT kickFailed(userOrSession, errortext::connectionLost());
            } else if (reply->error) {
                Q_EMIT kickFailed(userOrSession, kickRefused(target, userOrSession, *reply->error));
            } else {
                const auto ok = AdminKickOk::fromJson(reply->ok);
                Q_EMIT kicked(userOrSession, ok ? ok->closed : 0);
            }
        });
    if (!sent)
        Q_EMIT kickFailed(userOrSession, u"You are offline; kick again once connected."_s);
}

void ChatClient::addUser(const QString &user, const QString &password, const QString &display)
{
    AdminUserRequest add;
    add.action = AdminUserAction::Add;
    add.user = user.trimmed().toLower();
    add.password = password;
    add.display = display.trimmed();
    if (!rules::isValidUserName(add.user)) {
        Q_EMIT addUserFailed(add.user, errortext::invalidUserName());
        return;
    }
    const QString name = add.user;
    const bool sent = m_connection->request(add, [this, name](const std::optional<Reply> &reply) {
        if (!reply)
            Q_EMIT addUserFailed(name, errortext::connectionLost());
        else if (reply->error)
            Q_EMIT addUserFailed(name, addUserRefused(name, *reply->error));
        else
            Q_EMIT userAdded(name);
    });
    if (!sent)
        Q_EMIT addUserFailed(name, u"You are offline; add them again once connected."_s);
}

} // namespace confab::client
