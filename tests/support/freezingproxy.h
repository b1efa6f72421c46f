// SPDX-License-Identifier: Apache-2.0
#pragma once

// A TCP proxy on 127.0.0.1 (any free port) in front of a server, that can play a dead
// network: freeze() stops both directions of every connection, those open and those made
// while frozen (nothing read, nothing written, nothing closed: the sockets stay open, as
// when a cable is pulled or a NAT forgets the flow), and resume() lets everything through
// again: what waited is forwarded, and a connection one end closed meanwhile is closed on
// the other end too.

#include <QObject>
#include <QString>
#include <QTcpServer>
#include <QUrl>

#include <memory>
#include <vector>

class QTcpSocket;

namespace confab::test {

class FreezingProxy : public QObject
{
    Q_OBJECT
public:
    /// Forwards to `host`:`port` (the server).
    FreezingProxy(QString host, quint16 port, QObject *parent = nullptr);
    ~FreezingProxy() override;

    /// Listens on 127.0.0.1, port 0. False with the reason in `error`.
    bool listen(QString *error = nullptr);
    /// ws://127.0.0.1:<port>/ (the server's path, if any, is the client's to add).
    QUrl url() const;

    void freeze();
    void resume();
    bool isFrozen() const { return m_frozen; }

    /// Client connections accepted so far.
    int accepted() const { return m_accepted; }

private:
    struct Pair;
    void onNewConnection();
    void start(Pair *pair);
    void pump(Pair *pair);
    void end(Pair *pair);
    void setThrottled(Pair *pair, bool throttled);

    QString m_host;
    quint16 m_port;
    QTcpServer m_server;
    std::vector<std::unique_ptr<Pair>> m_pairs;
    bool m_frozen = false;
    int m_accepted = 0;
};

} // namespace confab::test
