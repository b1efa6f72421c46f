// SPDX-License-Identifier: Apache-2.0
#include "channelsync.h"

#include "connection.h"
#include "messagecache.h"

#include <QJsonArray>
#include <QLoggingCategory>

using namespace Qt::StringLiterals;

namespace confab::client {

Q_LOGGING_CATEGORY(lcSync, "confab.client.sync")

ChannelSync::ChannelSync(Connection *connection, MessageCache *cache, QObject *parent)
    : QObject(parent)
    , m_connection(connection)
    , m_cache(cache)
{
    connect(connection, &Connection::eventReceived, this, &ChannelSync::onEvent);
    connect(connection, &Connection::sessionEnded, this, [this] {
        m_syncing.clear();
        m_joinSince.clear();
        m_joined.clear();
    });
}

void ChannelSync::joinAll()
{
    for (const CachedChannel &channel : m_cache->channels())
        join(channel.name);
    if (m_syncing.isEmpty())
        m_connection->setOnline();
}

void ChannelSync::join(const QString &channel)
{
    if (isJoined(channel))
        return;
    const auto cached = m_cache->channel(channel);
    JoinRequest request;
    request.channel = channel;
    request.since = cached ? cached->syncedSeq : 0;
    const bool sent =
        m_connection->request(request, [this, channel](const std::optional<Reply> &reply) {
            if (!reply)
                return; // the session ended; the next one joins again
            if (reply->error) {
                qCWarning(lcSync) << "cannot join" << channel << ":"
                                  << errorCodeName(reply->error->code);
                m_joinSince.remove(channel);
                finish(channel);
                Q_EMIT joinFailed(channel, *reply->error);
                return;
            }
            const auto ok = JoinOk::fromJson(reply->ok);
            if (!ok)
                return;
            m_joined.insert(channel);
            m_cache->addChannel(channel, ok->channel.topic);
            QHash<QString, QString> displayNames;
            for (const QJsonValue &member : reply->ok.value("members"_L1).toArray()) {
                const QString display = member["display"_L1].toString();
                if (!display.isEmpty())
                    displayNames.insert(member["user"_L1].toString(), display);
            }
            if (!displayNames.isEmpty())
                Q_EMIT displayNamesSeen(displayNames);
            Q_EMIT joined(channel, *ok);
        });
    if (sent) {
        m_syncing.insert(channel);
        m_joinSince.insert(channel, *request.since);
    }
}

void ChannelSync::forget(const QString &channel)
{
    m_joined.remove(channel);
    m_joinSince.remove(channel);
    if (m_syncing.contains(channel))
        finish(channel);
}

void ChannelSync::onEvent(const ServerFrame &frame)
{
    if (const auto *msg = std::get_if<MsgEvent>(&frame)) {
        // Catch-up and live messages alike: they come in seq order after the join.
        m_cache->store({msg->message});
        m_cache->setSyncedSeq(msg->message.channel, msg->message.seq);
    } else if (const auto *synced = std::get_if<SyncedEvent>(&frame)) {
        onSynced(*synced);
    }
}

void ChannelSync::onSynced(const SyncedEvent &event)
{
    m_cache->setSyncedSeq(event.channel, event.lastSeq);
    const qint64 since = m_joinSince.take(event.channel);
    if (event.firstSeq > since + 1) {
        qCInfo(lcSync) << event.channel << "catch-up skipped" << since + 1 << "to"
                       << event.firstSeq - 1 << "; fetched on demand";
        Q_EMIT gapFound(event.channel, event.firstSeq);
    }
    finish(event.channel);
    Q_EMIT synced(event.channel);
}

void ChannelSync::finish(const QString &channel)
{
    m_syncing.remove(channel);
    if (m_syncing.isEmpty())
        m_connection->setOnline();
}

bool ChannelSync::fetchHistory(const QString &channel, qint64 before, int limit, HistoryDone done)
{
    HistoryRequest history;
    history.channel = channel;
    history.before = before;
    history.limit = limit;
    return m_connection->request(history, [done](const std::optional<Reply> &reply) {
        if (!reply || reply->error) {
            done(std::nullopt);
            return;
        }
        const auto ok = HistoryOk::fromJson(reply->ok);
        done(ok ? std::optional<QList<Message>>(ok->messages) : std::nullopt);
    });
}

} // namespace confab::client
