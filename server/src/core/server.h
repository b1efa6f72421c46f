// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "serverconfig.h"

#include <QObject>
#include <QUrl>

#include <memory>

namespace confab::server {

class Connection;

/// The whole protocol server, ready to run in-process (tests) or in confabd.
/// Single-threaded on the caller's event loop, except the group-commit writer and the
/// password KDF, which run on threads of their own.
class Server : public QObject
{
    Q_OBJECT
public:
    explicit Server(ServerConfig config, QObject *parent = nullptr);
    ~Server() override;

    /// Opens the database and starts listening. False with a sentence in `error` on failure.
    bool start(QString *error);
    /// The URL clients connect to, e.g. ws://127.0.0.1:41234/ws (valid after start()).
    QUrl url() const;
    /// Graceful stop: stop accepting, send `bye` shutdown to everyone, commit what is
    /// pending, close the database. Emits stopped() when done.
    void stop();

    const ServerConfig &config() const;

    /// Serves `connection` as if the Transport had accepted it (valid after start()): the
    /// seam for socketless connections driven in-process (tests/fuzz).
    void adopt(Connection *connection);

signals:
    void stopped();

private:
    struct Parts;
    std::unique_ptr<Parts> d;
};

} // namespace confab::server
