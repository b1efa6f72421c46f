// SPDX-License-Identifier: Apache-2.0
#include "server.h"

#include "authservice.h"
#include "channelrepository.h"
#include "database.h"
#include "hub.h"
#include "logging.h"
#include "messagewriter.h"
#include "presencetracker.h"
#include "router.h"
#include "sessionwatcher.h"
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
} // namespace

struct Server::Parts
{
    ServerConfig config;
    store::Database db;
    std::unique_ptr<store::MessageWriter> writer;
    Hub hub;
    std::unique_ptr<PresenceTracker> presence;
    std::unique_ptr<TypingTracker> typing;
    std::unique_ptr<AuthService> auth;
    std::unique_ptr<Router> router;
    std::unique_ptr<SessionWatcher> sessions;
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
    // Connections first (they reference the router's state), then the writer's thread.
    d->transport.reset();
    d->router.reset();
    if (d->writer)
        d->writer->stop();
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

    d->writer = std::make_unique<store::MessageWriter>(
        config.databasePath(), std::chrono::milliseconds(config.groupCommitMs), maxBatch);
    if (!d->writer->start(error))
        return false;

    // Every message reaches the hub through the writer from now on, so the hub's view of
    // each channel's last seq starts from what is committed.
    store::ChannelRepository channels(d->db);
    for (const auto &record : channels.all())
        d->hub.setLastSeq(record.channel.name, record.channel.lastSeq);

    d->presence = std::make_unique<PresenceTracker>(config.presenceGraceMs);
    d->typing = std::make_unique<TypingTracker>(config.typingExpiryMs);
    AuthService::Options authOptions;
    authOptions.cost = auth::KdfCost{config.kdfMemoryKiB, config.kdfIterations, 1};
    authOptions.maxFailures = config.maxFailures;
    authOptions.failureWindowMs = config.failureWindowS * 1000;
    authOptions.tokenTtlMs = qint64(config.tokenTtlDays) * 24 * 3600 * 1000;
    d->auth = std::make_unique<AuthService>(d->db, authOptions);
    d->router = std::make_unique<Router>(
        config, Router::Parts{d->db, *d->writer, d->hub, *d->presence, *d->typing, *d->auth});
    d->sessions = std::make_unique<SessionWatcher>(d->db, d->hub, sessionCheckInterval);
    connect(d->sessions.get(), &SessionWatcher::revoked, d->router.get(),
            &Router::endRevokedSession);
    d->sessions->start();

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
    d->transport = std::make_unique<Transport>(transportOptions);
    connect(d->transport.get(), &Transport::connected, d->router.get(), &Router::adopt);
    return d->transport->listen(error);
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
    if (!d->router) {
        emit stopped();
        return;
    }
    d->transport->stopListening();
    // Answer every publish already accepted, then say goodbye, then let the close
    // handshakes finish (bounded), then close the store.
    d->router->drain([this] {
        d->router->closeAll(ByeReason::Shutdown, 1000);
        auto finish = [this] {
            if (!d->writer)
                return;
            d->writer->stop();
            d->transport.reset();
            d->router.reset();
            d->writer.reset();
            d->db.close();
            emit stopped();
        };
        if (d->router->connectionCount() == 0) {
            finish();
            return;
        }
        auto *poll = new QTimer(this);
        poll->setInterval(20);
        auto deadline = QDateTime::currentMSecsSinceEpoch() + closeWaitMs;
        connect(poll, &QTimer::timeout, this, [this, poll, deadline, finish] {
            if (d->router && d->router->connectionCount() > 0 &&
                QDateTime::currentMSecsSinceEpoch() < deadline)
                return;
            poll->deleteLater();
            finish();
        });
        poll->start();
    });
}

} // namespace confab::server
