// SPDX-License-Identifier: Apache-2.0
#include "chatclient.h"

#include "adminpresencemodel.h"
#include "channellistmodel.h"
#include "channelsync.h"
#include "connectionstatus.h"
#include "idlemonitor.h"
#include "membermodel.h"
#include "messagemodel.h"
#include "outboxsender.h"
#include "presenceroster.h"
#include "typingboard.h"
#include "typingnotifier.h"

#include <QDir>
#include <QLoggingCategory>

using namespace Qt::StringLiterals;

namespace confab::client {

Q_LOGGING_CATEGORY(lcClient, "confab.client")

ChatClient::ChatClient(const QString &dataDir, Options options, QObject *parent)
    : QObject(parent)
    , m_dataDir(dataDir)
    , m_options(std::move(options))
    , m_tokens(dataDir)
    , m_connection(new Connection(m_options.connection, this))
    , m_typingNotifier(new TypingNotifier(m_options.clock, this))
    , m_typingBoard(new TypingBoard(m_options.clock, this))
    , m_idle(new IdleMonitor(m_options.clock, m_options.awayAfterMs, this))
    , m_roster(new PresenceRoster(this))
    , m_status(new ConnectionStatus(m_connection, this))
    , m_channels(new ChannelListModel(this))
    , m_admin(new AdminPresenceModel(this))
{
    connect(m_connection, &Connection::signedIn, this, &ChatClient::onSignedIn);
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
    connect(m_typingBoard, &TypingBoard::changed, this,
            [this](const QString &channel, const QString &user, bool active) {
                Q_UNUSED(user)
                Q_UNUSED(active)
                m_channels->setTyping(channel, m_typingBoard->typing(channel));
            });
    connect(m_idle, &IdleMonitor::awayChanged, this, [this] {
        sendPresence();
        Q_EMIT awayChanged();
    });
}

ChatClient::~ChatClient()
{
    // Models refer to the cache and outbox: delete them first.
    qDeleteAll(m_messageModels);
    m_messageModels.clear();
    delete m_sender;
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
    m_cache = std::make_unique<MessageCache>(m_db->database(), m_options.maxCachedPerChannel);
    m_outbox = std::make_unique<Outbox>(m_db->database());
    connect(m_cache.get(), &MessageCache::messagesStored, this, &ChatClient::onStored);
    m_sync = new ChannelSync(m_connection, m_cache.get(), this);
    connect(m_sync, &ChannelSync::joined, this, &ChatClient::onJoined);
    connect(m_sync, &ChannelSync::gapFound, this, [this](const QString &channel, qint64 first) {
        if (MessageModel *model = m_messageModels.value(channel))
            model->gapBefore(first);
    });
    connect(m_sync, &ChannelSync::synced, this, &ChatClient::channelSynced);
    m_sender = new OutboxSender(m_connection, m_outbox.get());
    connect(m_sender, &OutboxSender::delivered, this,
            [this](const OutboxEntry &entry, const PublishOk &ok) {
                m_cache->store({Message{entry.channel, ok.seq, ok.mid, entry.cid, m_me.name, ok.ts,
                                        entry.text}});
                if (MessageModel *model = m_messageModels.value(entry.channel))
                    model->pendingRemoved(entry.cid);
                updateQueued();
                Q_EMIT messageDelivered(entry.cid, ok.seq);
            });
    connect(m_sender, &OutboxSender::failed, this, [this](const OutboxEntry &entry) {
        if (MessageModel *model = m_messageModels.value(entry.channel))
            model->pendingChanged(entry);
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
    for (const CachedChannel &channel : m_cache->channels()) {
        m_channels->upsert(channel.name, channel.topic);
        if (const auto last = m_cache->last(channel.name))
            m_channels->messageArrived(*last, false, false);
        const auto [count, mentioned] =
            m_cache->unread(channel.name, channel.lastReadSeq, m_me.name);
        if (count > 0)
            m_channels->setUnread(channel.name, count, mentioned);
    }
    updateQueued();
    return true;
}

// ---- session ----------------------------------------------------------------------------

void ChatClient::signIn(const QUrl &url, const QString &user, const QString &password)
{
    m_connection->open(url, Connection::Credentials{QString(), user, password});
}

bool ChatClient::resumeSession()
{
    const auto saved = m_tokens.load();
    if (!saved)
        return false;
    m_connection->open(saved->url, Connection::Credentials{saved->token, saved->user, {}});
    return true;
}

bool ChatClient::hasSavedSession() const
{
    return m_tokens.load().has_value();
}

void ChatClient::logout()
{
    auto finish = [this] {
        m_tokens.remove();
        m_connection->close();
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

void ChatClient::onSignedIn(const HelloOk &hello)
{
    const bool userChangedNow = m_me.name != hello.user.name;
    m_me = hello.user;
    for (MessageModel *model : std::as_const(m_messageModels)) {
        model->setOwnUser(m_me.name);
        model->setHistoryPage(hello.limits.historyPage);
    }
    if (userChangedNow)
        Q_EMIT userChanged();
    if (!hello.token.isEmpty()) {
        QString error;
        if (!m_tokens.save({m_connection->url(), hello.user.name, hello.token}, &error))
            qCWarning(lcClient) << "cannot keep the session:" << error;
    }
    if (m_cache) {
        QList<CachedChannel> known = m_cache->channels();
        if (known.isEmpty()) {
            // First sign-in on this device: take the channels the server lists for us.
            for (const Channel &channel : hello.channels)
                m_cache->addChannel(channel.name, channel.topic);
        }
        for (const Channel &channel : hello.channels) {
            if (m_channels->rowOf(channel.name) >= 0)
                m_channels->upsert(channel.name, channel.topic);
        }
        for (const CachedChannel &channel : m_cache->channels())
            m_channels->upsert(channel.name, channel.topic);
        m_sync->joinAll(); // Online once every join caught up
    }
    if (isAway())
        sendPresence();
    if (m_adminWatch)
        watchAdmin();
}

void ChatClient::onJoined(const QString &channel, const JoinOk &reply)
{
    m_channels->upsert(channel, reply.channel.topic);
    m_typingBoard->resetChannel(channel, reply.typing);
    m_roster->setMembers(channel, reply.members);
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
    } else if (const auto *admin = std::get_if<AdminPresenceEvent>(&frame)) {
        m_admin->apply(*admin);
    }
}

void ChatClient::onStored(const QList<Message> &added)
{
    for (const Message &m : added) {
        if (MessageModel *model = m_messageModels.value(m.channel))
            model->messagesStored({m});
        const bool mine = m.from == m_me.name;
        const bool mention =
            !mine && !m_me.name.isEmpty() && m.text.contains(u'@' + m_me.name, Qt::CaseInsensitive);
        m_channels->messageArrived(m, !mine, mention);
        m_typingBoard->apply(m.channel, m.from, false); // who publishes stops typing
        Q_EMIT messageReceived(m);
    }
}

// ---- channels and messages --------------------------------------------------------------

void ChatClient::joinChannel(const QString &channel)
{
    if (!m_cache)
        return;
    m_cache->addChannel(channel);
    m_channels->upsert(channel, m_cache->channel(channel)->topic);
    m_sync->join(channel); // now when signed in, else with the next session
}

QString ChatClient::sendMessage(const QString &channel, const QString &text)
{
    if (!m_outbox || text.isEmpty())
        return {};
    const auto entry = m_outbox->add(channel, text);
    if (!entry)
        return {};
    if (MessageModel *model = m_messageModels.value(channel))
        model->pendingAdded(*entry);
    m_typingNotifier->draftSent(channel);
    updateQueued();
    m_sender->pump();
    return entry->cid;
}

bool ChatClient::retry(const QString &cid)
{
    if (!m_outbox || !m_outbox->markPending(cid))
        return false;
    if (const auto entry = m_outbox->find(cid)) {
        if (MessageModel *model = m_messageModels.value(entry->channel))
            model->pendingChanged(*entry);
    }
    m_sender->pump();
    return true;
}

bool ChatClient::discard(const QString &cid)
{
    if (!m_outbox)
        return false;
    const auto entry = m_outbox->find(cid);
    if (!entry || !m_outbox->remove(cid))
        return false;
    if (MessageModel *model = m_messageModels.value(entry->channel))
        model->pendingRemoved(cid);
    updateQueued();
    return true;
}

void ChatClient::markRead(const QString &channel)
{
    if (m_cache) {
        if (const auto last = m_cache->last(channel))
            m_cache->setLastReadSeq(channel, last->seq);
    }
    m_channels->markRead(channel);
}

void ChatClient::wipeCache()
{
    if (!m_cache)
        return;
    m_cache->wipe();
    for (MessageModel *model : std::as_const(m_messageModels))
        model->reload();
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
    auto *model = new MessageModel(m_cache.get(), m_outbox.get(), channel);
    model->setOwnUser(m_me.name);
    model->setHistoryPage(m_connection->session().limits.historyPage);
    model->setDisplayNames([this](const QString &user) { return displayName(user); });
    model->setHistoryFetcher([this](const QString &c, qint64 before, int limit, auto done) {
        return m_sync->fetchHistory(c, before, limit, std::move(done));
    });
    m_messageModels.insert(channel, model);
    return model;
}

MemberModel *ChatClient::memberModel(const QString &channel)
{
    if (MemberModel *model = m_memberModels.value(channel))
        return model;
    auto *model = new MemberModel(channel, this);
    model->follow(m_roster, m_typingBoard);
    m_memberModels.insert(channel, model);
    return model;
}

QString ChatClient::displayName(const QString &user) const
{
    return user == m_me.name && !m_me.display.isEmpty() ? m_me.display : user;
}

void ChatClient::updateQueued()
{
    m_status->setQueuedCount(m_outbox ? m_outbox->count() : 0);
}

// ---- typing and presence ----------------------------------------------------------------

void ChatClient::setDraft(const QString &channel, const QString &text)
{
    m_typingNotifier->draftChanged(channel, text);
}

void ChatClient::userActivity()
{
    m_idle->activity();
}

bool ChatClient::isAway() const
{
    return m_idle->isAway();
}

void ChatClient::sendPresence()
{
    PresenceRequest presence;
    presence.status = isAway() ? PresenceStatus::Away : PresenceStatus::Online;
    m_connection->request(presence, [](const std::optional<Reply> &reply) {
        if (reply && reply->error)
            qCWarning(lcClient) << "presence refused:" << errorCodeName(reply->error->code);
    });
}

void ChatClient::watchAdmin()
{
    m_adminWatch = true;
    m_connection->request(AdminWatchRequest{}, [this](const std::optional<Reply> &reply) {
        if (!reply)
            return;
        if (reply->error) {
            qCWarning(lcClient) << "admin.watch refused:" << errorCodeName(reply->error->code);
            m_adminWatch = false;
            return;
        }
        if (const auto ok = AdminWatchOk::fromJson(reply->ok))
            m_admin->setSnapshot(ok->users);
    });
}

} // namespace confab::client
