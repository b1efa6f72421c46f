// SPDX-License-Identifier: Apache-2.0
// How long an admin waits for the `admin.watch` snapshot (issue 11): the real confabd with
// N accounts of which M are signed in, an admin client on loopback, the time from sending
// the request to having the reply parsed (QJsonDocument, as a console would). Several
// rounds; median and max. The peer in the same run is the same server with a tenth of the
// accounts and connections, so the ratio shows how the snapshot grows with size.
//
//   bench_admin_watch [--users N] [--connected M] [--peer-users N] [--peer-connected M]
//                     [--rounds R]
//
// Not run by ctest: see docs/benchmarks.md, "Admin snapshot".

#include "bulkaccounts.h"
#include "confabprocess.h"
#include "testclient.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QWebSocket>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::test;

namespace {

const QString password = u"bench-password"_s;

QByteArray helloFrame(const QString &user)
{
    return QJsonDocument(
               QJsonObject{{"t"_L1, "hello"_L1},
                           {"id"_L1, 1},
                           {"v"_L1, 1},
                           {"auth"_L1, QJsonObject{{"user"_L1, user}, {"password"_L1, password}}},
                           {"client"_L1, "bench/1"_L1}})
        .toJson(QJsonDocument::Compact);
}

/// M users signed in, one connection each, handshakes and sign-ins a hundred at a time.
/// They join no channel: in `general` every sign-in would be a presence event to all the
/// others, and the bench would measure its own JSON parsing of a million of them.
bool connectUsers(const QUrl &url, int count, std::vector<std::unique_ptr<QWebSocket>> *sockets)
{
    constexpr int batch = 100;
    int signedIn = 0;
    int failed = 0;
    for (int first = 0; first < count; first += batch) {
        const int last = std::min(count, first + batch);
        for (int i = first; i < last; ++i) {
            auto socket = std::make_unique<QWebSocket>();
            QWebSocket *ws = socket.get();
            const QByteArray hello = helloFrame(test::bulkUserName(i));
            QObject::connect(ws, &QWebSocket::connected, ws,
                             [ws, hello] { ws->sendTextMessage(QString::fromUtf8(hello)); });
            QObject::connect(
                ws, &QWebSocket::textMessageReceived, ws,
                [ws, &signedIn, &failed](const QString &text) {
                    const QJsonObject reply = QJsonDocument::fromJson(text.toUtf8()).object();
                    if (reply.value("id"_L1).toInteger() != 1)
                        return;
                    ++(reply.contains("ok"_L1) ? signedIn : failed);
                    // Nothing more is read from it: drop the handler.
                    QObject::disconnect(ws, &QWebSocket::textMessageReceived, nullptr, nullptr);
                });
            QNetworkRequest request(url);
            request.setRawHeader("Sec-WebSocket-Protocol", "confab.v1");
            ws->open(request);
            sockets->push_back(std::move(socket));
        }
        if (!waitUntil([&] { return signedIn + failed >= last; }, 60000) || failed > 0) {
            std::fprintf(stderr, "sign-in failed: %d of %d signed in, %d refused\n", signedIn, last,
                         failed);
            return false;
        }
    }
    return true;
}

struct Result
{
    QList<double> ms;
    qint64 replyBytes = 0;
    qsizetype usersListed = 0;
    qsizetype connectionsListed = 0;
};

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    const qsizetype n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/// Times `rounds` admin.watch requests with `filter` on the admin's own connection: from
/// sending the request to having parsed the reply.
bool timeWatch(QWebSocket &admin, const QJsonObject &filter, int rounds, Result *result)
{
    qint64 nextId = 100;
    for (int round = 0; round < rounds; ++round) {
        const qint64 id = nextId++;
        QJsonObject frame = filter;
        frame.insert("t"_L1, "admin.watch"_L1);
        frame.insert("id"_L1, id);
        const QString text = QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact));
        std::optional<double> elapsedMs;
        QElapsedTimer timer;
        const auto connection = QObject::connect(
            &admin, &QWebSocket::textMessageReceived, &admin, [&](const QString &message) {
                const QJsonObject reply = QJsonDocument::fromJson(message.toUtf8()).object();
                if (reply.value("id"_L1).toInteger() != id)
                    return;
                elapsedMs = double(timer.nsecsElapsed()) / 1e6;
                const QJsonObject ok = reply.value("ok"_L1).toObject();
                const QJsonArray users = ok.value("users"_L1).toArray();
                result->usersListed = users.size();
                result->connectionsListed = 0;
                for (const QJsonValue &user : users)
                    result->connectionsListed +=
                        user.toObject().value("connections"_L1).toArray().size();
                result->replyBytes = message.toUtf8().size();
            });
        timer.start();
        admin.sendTextMessage(text);
        const bool answered = waitUntil([&] { return elapsedMs.has_value(); }, 30000);
        QObject::disconnect(connection);
        if (!answered) {
            std::fprintf(stderr, "no reply to admin.watch within 30 s\n");
            return false;
        }
        result->ms.append(*elapsedMs);
    }
    return true;
}

struct Scenario
{
    int users;
    int connected;
};

struct Measured
{
    Scenario scenario;
    Result full;
    Result filtered; ///< user glob matching a hundredth of the names
};

bool run(const Scenario &scenario, int rounds, Measured *measured)
{
    QTemporaryDir dir;
    QString error;
    QElapsedTimer setup;
    setup.start();
    if (!dir.isValid() || !test::makeBulkAccounts(dir.path(), scenario.users, password, &error)) {
        std::fprintf(stderr, "accounts: %s\n", qPrintable(error));
        return false;
    }
    ConfabdProcess daemon(dir.path(), {u"--limits-connections-per-address"_s, u"0"_s});
    if (!daemon.start(0, &error)) {
        std::fprintf(stderr, "confabd: %s\n", qPrintable(error));
        return false;
    }
    std::vector<std::unique_ptr<QWebSocket>> sockets;
    if (!connectUsers(daemon.url(), scenario.connected, &sockets))
        return false;
    QWebSocket admin;
    QNetworkRequest request(daemon.url());
    request.setRawHeader("Sec-WebSocket-Protocol", "confab.v1");
    bool adminIn = false;
    const auto helloHandler = QObject::connect(
        &admin, &QWebSocket::textMessageReceived, &admin, [&](const QString &text) {
            adminIn = QJsonDocument::fromJson(text.toUtf8()).object().contains("ok"_L1);
        });
    QObject::connect(&admin, &QWebSocket::connected, &admin,
                     [&] { admin.sendTextMessage(QString::fromUtf8(helloFrame(u"root"_s))); });
    admin.open(request);
    if (!waitUntil([&] { return adminIn; }, 10000)) {
        std::fprintf(stderr, "the admin could not sign in\n");
        return false;
    }
    QObject::disconnect(helloHandler);
    std::fprintf(stderr, "%d accounts, %d connected: set up in %.1f s\n", scenario.users,
                 scenario.connected, double(setup.elapsed()) / 1000);

    measured->scenario = scenario;
    // One unmeasured round first: the server's first read of the accounts warms SQLite's
    // page cache, as any server that has run for a while has it.
    Result warmUp;
    if (!timeWatch(admin, {}, 1, &warmUp) || !timeWatch(admin, {}, rounds, &measured->full) ||
        !timeWatch(admin, {{"user"_L1, "u*00"_L1}}, rounds, &measured->filtered))
        return false;
    if (measured->full.usersListed != scenario.users + 1 ||
        measured->full.connectionsListed != scenario.connected + 1) {
        std::fprintf(stderr, "the snapshot listed %lld users and %lld connections\n",
                     qlonglong(measured->full.usersListed),
                     qlonglong(measured->full.connectionsListed));
        return false;
    }
    return true;
}

void print(const char *what, const Scenario &scenario, const Result &result)
{
    std::printf("| %-9s | %6d | %9d | %6lld | %8.2f MB | %8.1f | %8.1f |\n", what, scenario.users,
                scenario.connected, qlonglong(result.usersListed), double(result.replyBytes) / 1e6,
                median(result.ms), *std::max_element(result.ms.cbegin(), result.ms.cend()));
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption usersOption(u"users"_s, u"Accounts."_s, u"N"_s, u"10000"_s);
    const QCommandLineOption connectedOption(u"connected"_s, u"Users signed in."_s, u"M"_s,
                                             u"1000"_s);
    const QCommandLineOption peerUsersOption(u"peer-users"_s, u"Accounts of the peer."_s, u"N"_s,
                                             u"1000"_s);
    const QCommandLineOption peerConnectedOption(
        u"peer-connected"_s, u"Users signed in on the peer."_s, u"M"_s, u"100"_s);
    const QCommandLineOption roundsOption(u"rounds"_s, u"Snapshots timed per case."_s, u"R"_s,
                                          u"11"_s);
    parser.addOptions(
        {usersOption, connectedOption, peerUsersOption, peerConnectedOption, roundsOption});
    parser.process(app);
    const Scenario big{parser.value(usersOption).toInt(), parser.value(connectedOption).toInt()};
    const Scenario peer{parser.value(peerUsersOption).toInt(),
                        parser.value(peerConnectedOption).toInt()};
    const int rounds = std::max(1, parser.value(roundsOption).toInt());

    Measured peerResult;
    Measured bigResult;
    if (!run(peer, rounds, &peerResult) || !run(big, rounds, &bigResult))
        return 1;

    std::printf("admin.watch round trip (request sent -> reply parsed), %d rounds each\n\n",
                rounds);
    std::printf("| case      | users  | connected | listed | reply       | median ms | max ms |\n");
    std::printf("|---|---|---|---|---|---|---|\n");
    print("peer", peerResult.scenario, peerResult.full);
    print("full", bigResult.scenario, bigResult.full);
    print("u*00", bigResult.scenario, bigResult.filtered);
    const double ratio = median(bigResult.full.ms) / median(peerResult.full.ms);
    std::printf("\nfull / peer (median): %.1fx for %.1fx the users\n", ratio,
                double(big.users) / double(peer.users));
    const bool met =
        *std::max_element(bigResult.full.ms.cbegin(), bigResult.full.ms.cend()) < 1000.0;
    std::printf("target: the %d-user snapshot in under 1 s (every round): %s\n", big.users,
                met ? "met" : "NOT met");
    return met ? 0 : 2;
}
