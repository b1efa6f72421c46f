// SPDX-License-Identifier: Apache-2.0
#include "server.h"

#include "adminrequests.h"
#include "authservice.h"
#include "channeldirectory.h"
#include "channelrepository.h"
#include "channelrequests.h"
#include "clock.h"
#include "connectionwatchdog.h"
#include "database.h"
#include "displaynames.h"
#include "historyreader.h"
#include "hub.h"
#include "listevents.h"
#include "localbroker.h"
#include "logging.h"
#include "messagewriter.h"
#include "presencerelay.h"
#include "presencetracker.h"
#include "publishpipeline.h"
#include "readmarkers.h"
#include "readpositionwriter.h"
#include "requestdispatcher.h"
#include "serverstats.h"
#include "sessions.h"
#include "sessionwatcher.h"
#include "sqlitestores.h"
#include "transport.h"
#include "typingtracker.h"

#include <QDir>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace confab::server {

namespace {
constexpr int maxBatch = 512;     // publishes per group commit at most
constexpr int closeWaitMs = 1000; // for peers to finish the close handshake on shutdown
// How often to look for accounts changed by confabctl while running: an admin who disables
// someone expects it to take effect at once, and a look costs one PRAGMA when nothing changed.
constexpr std::chrono::seconds sessionCheckInterval{2};

AuthService::Options authOptions(const ServerConfig &config)
{
    AuthService::Options options;
    options.cost = auth::KdfCost{config.kdfMemoryKiB, config.kdfIterations, 1};
    options.maxFailures = config.maxFailures;
    options.failureWindowMs = config.failureWindowS * 1000;
    options.tokenTtlMs = qint64(config.tokenTtlDays) * 24 * 3600 * 1000;
    return options;
}

/// Every part that serves requests, wired together; built once the store is open and
/// destroyed in reverse order.
struct Core
{
    Core(const ServerConfig &config, store::Database &db, store::MessageWriter &writer,
         store::ReadPositionWriter &readWriter, Hub &hub)
        : store(db)
        , presence(config.presenceGraceMs)
        , typing(config.typingExpiryMs)
        , auth(store, authOptions(config))
        , channels(store, store)
        , broker(hub, channels)
        , names(store)
        , lists(broker, names)
        , relay(presence, typing, hub, broker, names)
        , sessions(config, store, auth, hub, presence, channels)
        , reads(channels, hub, broker, store, readWriter)
        , channelRequests(
              config, {store.stores(), channels, hub, presence, typing, relay, lists, names, reads})
        , publishing(writer, channels, broker, relay)
        , history(store, channels, hub)
        , stats({hub, presence, publishing, [&db] { return db.sizeBytes(); },
                 [this] { return qint64(store.users().size()); }})
        , admin({store, auth, hub, presence, channels, sessions, stats, names})
        , watchdog(hub, config.helloTimeoutMs, config.heartbeatMs)
        , dispatcher(config, hub,
                     {sessions, channelRequests, publishing, history, relay, admin, reads})
        , accounts(store, hub, sessionCheckInterval)
    {
        QObject::connect(&sessions, &Sessions::inputResumed, &dispatcher,
                         &RequestDispatcher::resume);
        QObject::connect(&sessions, &Sessions::closed, &relay, &PresenceRelay::connectionClosed);
        QObject::connect(&sessions, &Sessions::accountAdded, &sessions,
                         [this](const QString &user) {
                             channels.accountAdded(user);
                             stats.accountAdded();
                         });
        QObject::connect(&accounts, &SessionWatcher::accountsCounted, &stats,
                         &ServerStats::setAccountCount);
        QObject::connect(&accounts, &SessionWatcher::revoked, &sessions,
                         [this](Connection *connection) { sessions.kick(connection); });
        accounts.start();
    }

    store::SqliteStores store; ///< the store seam's one implementation today
    PresenceTracker presence;
    TypingTracker typing;
    AuthService auth;
    ChannelDirectory channels;
    LocalBroker broker;
    DisplayNames names;
    ListEvents lists;
    PresenceRelay relay;
    Sessions sessions;
    ReadMarkers reads;
    ChannelRequests channelRequests;
    PublishPipeline publishing;
    HistoryReader history;
    ServerStats stats;
    AdminRequests admin;
    ConnectionWatchdog watchdog;
    RequestDispatcher dispatcher;
    SessionWatcher accounts; ///< account changes made beside the server (confabctl)
};

} // namespace

struct Server::Parts
{
    ServerConfig config;
    store::Database db;
    std::unique_ptr<store::MessageWriter> writer;
    std::unique_ptr<store::ReadPositionWriter> readWriter;
    Hub hub;
    std::unique_ptr<Core> core;
    std::unique_ptr<Transport> transport;
    bool stopping = false;
};

Server::Server(ServerConfig config, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Parts>())
{
    d->config = std::move(config);
    if (d->config.dataDir.isEmpty())
        d->config.dataDir = ServerConfig::defaultDataDir();
}

Server::~Server()
{
    // Connections first (they reference the core's state), then the writer's thread.
    d->transport.reset();
    d->core.reset();
    if (d->writer)
        d->writer->stop();
    if (d->readWriter)
        d->readWriter->stop();
}

const ServerConfig &Server::config() const
{
    return d->config;
}

bool Server::start(QString *error)
{
    const ServerConfig &config = d->config;
    if (!store::Database::prepareDirectory(config.dataDir, error) ||
        !d->db.open(config.databasePath(), error))
        return false;

    // The writer's store has connections of its own, made on the writer's thread.
    d->writer = std::make_unique<store::MessageWriter>(
        [path = config.databasePath()](QString *why) -> std::unique_ptr<store::MessageStore> {
            return store::SqliteStores::open(path, why);
        },
        std::chrono::milliseconds(config.groupCommitMs), maxBatch);
    if (!d->writer->start(error))
        return false;
    // Read positions are written on a thread of their own too (a connection of its own).
    d->readWriter = std::make_unique<store::ReadPositionWriter>(
        [path = config.databasePath()](QString *why) -> std::unique_ptr<store::ReadPositionStore> {
            return store::SqliteStores::open(path, why);
        });
    if (!d->readWriter->start(error))
        return false;

    // Every message reaches the hub through the writer from now on, so the hub's view of
    // each channel's last seq starts from what is committed.
    store::ChannelRepository channels(d->db);
    for (const auto &record : channels.all())
        d->hub.setLastSeq(record.channel.name, record.channel.lastSeq);

    d->core = std::make_unique<Core>(d->config, d->db, *d->writer, *d->readWriter, d->hub);

    Transport::Options transportOptions;
    transportOptions.address = config.listenAddress;
    transportOptions.port = config.listenPort;
    transportOptions.tlsCertificate = config.tlsCertificate;
    transportOptions.tlsKey = config.tlsKey;
    transportOptions.limits = config.limits;
    transportOptions.sendBufferBytes = config.sendBufferBytes;
    transportOptions.sendBudgetBytes = config.sendBudgetBytes;
    transportOptions.handshakeTimeoutMs = config.handshakeTimeoutMs;
    transportOptions.maxHandshaking = config.maxHandshaking;
    transportOptions.connectionsPerAddress = config.connectionsPerAddress;
    transportOptions.trustedProxies = config.trustedProxies;
    transportOptions.allowedOrigins = config.allowedOrigins;
    d->transport = std::make_unique<Transport>(transportOptions);
    connect(d->transport.get(), &Transport::connected, &d->core->dispatcher,
            &RequestDispatcher::adopt);
    return d->transport->listen(error);
}

void Server::adopt(Connection *connection)
{
    d->core->dispatcher.adopt(connection);
}

QUrl Server::url() const
{
    return d->transport ? d->transport->url() : QUrl();
}

void Server::stop()
{
    if (d->stopping)
        return;
    d->stopping = true;
    if (!d->core) {
        emit stopped();
        return;
    }
    d->transport->stopListening();
    d->core->dispatcher.stopReading();
    // Answer every publish already accepted, then say goodbye, then let the close
    // handshakes finish (bounded), then close the store.
    d->core->publishing.drain([this] {
        d->core->sessions.closeAll(ByeReason::Shutdown, CloseCode::Normal);
        auto finish = [this] {
            if (!d->writer)
                return;
            d->writer->stop();
            d->transport.reset();
            d->core.reset();
            d->writer.reset();
            d->readWriter.reset(); // (writes what waits first)
            d->db.close();
            emit stopped();
        };
        if (d->hub.connections().isEmpty()) {
            finish();
            return;
        }
        auto *poll = new QTimer(this);
        poll->setInterval(20);
        auto deadline = clock::monotonicMs() + closeWaitMs;
        connect(poll, &QTimer::timeout, this, [this, poll, deadline, finish] {
            if (d->core && !d->hub.connections().isEmpty() && clock::monotonicMs() < deadline)
                return;
            poll->deleteLater();
            finish();
        });
        poll->start();
    });
}

} // namespace confab::server
