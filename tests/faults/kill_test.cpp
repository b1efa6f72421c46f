// SPDX-License-Identifier: Apache-2.0
// Fault: confabd killed (SIGKILL) under load, again and again (issue 15). 50 publishers on 5
// channels keep an outbox each (every publish stays until its ack; after a reconnect every
// unacknowledged one is resent with the same cid) and 200 subscribers resume with `since`.
// After every restart and at the end: each acknowledged message is stored exactly once,
// seqs are gapless from 1 per channel, and every subscriber holds every message of its
// channel once and in order.

#include "bulkaccounts.h"
#include "daemonfixture.h"
#include "rawwsclient.h"

#include <QElapsedTimer>
#include <QHash>
#include <QRandomGenerator>

#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <vector>

#include <signal.h>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

constexpr int publisherCount = 50;
constexpr int subscriberCount = 200;
constexpr int channelCount = 5;
constexpr int trials = 20;
constexpr int newPerTrial = 10; ///< new publishes per publisher per trial
constexpr int window = 4;       ///< unacknowledged publishes per publisher at most

QString channelName(int i)
{
    return u"kill-%1"_s.arg(i);
}

/// What the test holds true across every crash: what was acknowledged, and what went wrong.
struct Ledger
{
    QHash<QString, qint64> ackedSeq; ///< "user/cid" → the seq its (first) ack named
    QStringList faults;
    int acksThisTrial = 0;
    int resent = 0;      ///< publishes sent again after a reconnect
    int dupAcks = 0;     ///< of those, already stored before the kill (their ack was lost)
    int killAtAcks = -1; ///< SIGKILL once this many acks arrived in the trial (-1: not by acks)
    std::function<void()> kill;

    void fault(const QString &text)
    {
        if (faults.size() < 20)
            faults.append(text);
    }
};

/// One signed-in WebSocket connection of a user; replaced by a fresh one after each restart.
class Peer : public QObject
{
public:
    Peer(QString user, int channel, Ledger *ledger)
        : user(std::move(user))
        , channel(channel)
        , ledger(ledger)
    {}

    void connectTo(const QUrl &url)
    {
        ws = std::make_unique<RawWsClient>();
        cursor = 0;
        signedIn = false;
        helloId = -1;
        QObject::connect(ws.get(), &RawWsClient::opened, this, &Peer::sayHello);
        QObject::connect(ws.get(), &RawWsClient::framesArrived, this, &Peer::readFrames);
        ws->openAsync(url);
    }

    bool closed() const { return !ws || ws->isDisconnected() || ws->handshakeFailed(); }

    QString user;
    int channel;
    Ledger *ledger;
    std::unique_ptr<RawWsClient> ws;
    QString token;
    bool signedIn = false;

protected:
    virtual void onSignedIn() = 0;
    virtual void onFrame(const QJsonObject &frame) = 0;

    QString channelText() const { return channelName(channel); }

private:
    void sayHello()
    {
        const QJsonObject auth = token.isEmpty()
                                     ? QJsonObject{{"user"_L1, user}, {"password"_L1, password}}
                                     : QJsonObject{{"token"_L1, token}};
        helloId =
            ws->sendRequest(QJsonObject{{"t"_L1, "hello"_L1}, {"v"_L1, 1}, {"auth"_L1, auth}});
    }

    void readFrames()
    {
        const QList<QJsonObject> &frames = ws->frames();
        while (cursor < frames.size()) {
            const QJsonObject f = frames.at(cursor++);
            if (!signedIn && f.value("t"_L1) == "reply"_L1 &&
                f.value("id"_L1).toInteger() == helloId) {
                if (!isOk(f)) {
                    ledger->fault(user + u": hello failed: "_s + dump(f));
                    continue;
                }
                const QString t = f.value("ok"_L1).toObject().value("token"_L1).toString();
                if (!t.isEmpty())
                    token = t;
                signedIn = true;
                onSignedIn();
                continue;
            }
            onFrame(f);
        }
    }

    qsizetype cursor = 0;
    qint64 helloId = -1;
};

struct Outgoing
{
    QString cid;
    QString text;
};

/// Publishes to its channel through an outbox: a message leaves it only with its ack.
class Publisher : public Peer
{
public:
    using Peer::Peer;

    std::vector<Outgoing> outbox; ///< unacknowledged, oldest first
    int budget = 0;               ///< new messages still to write
    int written = 0;

protected:
    void onSignedIn() override
    {
        inflight.clear();
        for (const Outgoing &o : outbox)
            send(o); // the same cid: a stored one comes back as dup with its original seq
        ledger->resent += int(outbox.size());
        topUp();
    }

    void onFrame(const QJsonObject &f) override
    {
        if (f.value("t"_L1) != "reply"_L1)
            return;
        const auto it = inflight.find(f.value("id"_L1).toInteger());
        if (it == inflight.end())
            return;
        const QString cid = it.value();
        inflight.erase(it);
        if (!isOk(f)) {
            ledger->fault(user + u": publish refused: "_s + dump(f));
            return;
        }
        const qint64 seq = f.value("ok"_L1).toObject().value("seq"_L1).toInteger();
        if (f.value("ok"_L1).toObject().value("dup"_L1).toBool())
            ++ledger->dupAcks;
        const QString key = user + u'/' + cid;
        const auto known = ledger->ackedSeq.constFind(key);
        if (known != ledger->ackedSeq.cend() && known.value() != seq)
            ledger->fault(
                u"%1 acked as seq %2 and again as %3"_s.arg(key).arg(known.value()).arg(seq));
        ledger->ackedSeq.insert(key, seq);
        std::erase_if(outbox, [&](const Outgoing &o) { return o.cid == cid; });
        topUp();
        if (++ledger->acksThisTrial == ledger->killAtAcks && ledger->kill)
            ledger->kill();
    }

private:
    void send(const Outgoing &o)
    {
        const qint64 id = ws->sendRequest(QJsonObject{{"t"_L1, "publish"_L1},
                                                      {"channel"_L1, channelText()},
                                                      {"cid"_L1, o.cid},
                                                      {"text"_L1, o.text}});
        inflight.insert(id, o.cid);
    }

    void topUp()
    {
        while (budget > 0 && outbox.size() < std::size_t(window) && !ws->isClosed()) {
            --budget;
            outbox.push_back({newCid(), u"%1 #%2"_s.arg(user).arg(++written)});
            send(outbox.back());
        }
    }

    QHash<qint64, QString> inflight; ///< request id → cid, on this connection
};

/// Joins its channel with `since` = the last seq it holds and checks every msg is the next.
class Subscriber : public Peer
{
public:
    using Peer::Peer;

    qint64 lastSeq = 0;
    QStringList mids; ///< by seq - 1

protected:
    void onSignedIn() override
    {
        ws->sendRequest(
            QJsonObject{{"t"_L1, "join"_L1}, {"channel"_L1, channelText()}, {"since"_L1, lastSeq}});
    }

    void onFrame(const QJsonObject &f) override
    {
        const QString t = f.value("t"_L1).toString();
        if (t == "reply"_L1 && !isOk(f)) {
            ledger->fault(user + u": join refused: "_s + dump(f));
        } else if (t == "synced"_L1 && f.value("first_seq"_L1).toInteger() > lastSeq + 1) {
            ledger->fault(user + u": catch-up gap: "_s + dump(f));
        } else if (t == "msg"_L1 && f.value("channel"_L1).toString() == channelText()) {
            const qint64 seq = f.value("seq"_L1).toInteger();
            if (seq != lastSeq + 1) {
                ledger->fault(u"%1 got seq %2 after %3"_s.arg(user).arg(seq).arg(lastSeq));
                return;
            }
            lastSeq = seq;
            mids.append(f.value("mid"_L1).toString());
        }
    }
};

class KillTest : public DaemonTest
{
protected:
    void SetUp() override
    {
        ASSERT_NO_FATAL_FAILURE(DaemonTest::SetUp());
        QString error;
        ASSERT_TRUE(
            makeBulkAccounts(dataDir.path(), publisherCount + subscriberCount, password, &error))
            << error.toStdString();
        for (int i = 0; i < publisherCount; ++i)
            publishers.push_back(
                std::make_unique<Publisher>(bulkUserName(i), i % channelCount, &ledger));
        for (int i = 0; i < subscriberCount; ++i)
            subscribers.push_back(std::make_unique<Subscriber>(bulkUserName(publisherCount + i),
                                                               i % channelCount, &ledger));
    }

    QStringList daemonArgs() const
    {
        // Every peer signs in at once from 127.0.0.1: no throttling of concurrent sign-ins.
        return noRateLimit() + QStringList{u"--limits-catchup"_s, u"100000"_s,
                                           u"--auth-max-failures"_s, u"100000"_s};
    }

    template <typename F> void forEachPeer(F f)
    {
        for (auto &p : publishers)
            f(static_cast<Peer &>(*p));
        for (auto &s : subscribers)
            f(static_cast<Peer &>(*s));
    }

    /// The stored messages of every channel agree with what was acknowledged: seqs 1..n with
    /// no gap, each (author, cid) once, each acknowledged one at the seq its ack named.
    void checkStore(const QUrl &url, std::map<int, QList<QJsonObject>> *histories = nullptr)
    {
        auto reader = signIn(url);
        ASSERT_TRUE(reader);
        QHash<QString, qint64> stored;
        for (int c = 0; c < channelCount; ++c) {
            const QList<QJsonObject> history = fullHistory(reader.get(), channelName(c));
            for (qsizetype i = 0; i < history.size(); ++i) {
                const QJsonObject &m = history.at(i);
                ASSERT_EQ(m.value("seq"_L1).toInteger(), i + 1)
                    << "gap in " << channelName(c).toStdString();
                const QString key =
                    m.value("from"_L1).toString() + u'/' + m.value("cid"_L1).toString();
                ASSERT_FALSE(stored.contains(key)) << key.toStdString() << " stored twice";
                stored.insert(key, m.value("seq"_L1).toInteger());
            }
            if (histories)
                (*histories)[c] = history;
        }
        for (auto it = ledger.ackedSeq.cbegin(); it != ledger.ackedSeq.cend(); ++it) {
            ASSERT_TRUE(stored.contains(it.key()))
                << "acknowledged " << it.key().toStdString() << " (seq " << it.value() << ") lost";
            ASSERT_EQ(stored.value(it.key()), it.value()) << it.key().toStdString();
        }
    }

    Ledger ledger;
    std::vector<std::unique_ptr<Publisher>> publishers;
    std::vector<std::unique_ptr<Subscriber>> subscribers;
};

TEST_F(KillTest, TwentySigkillsUnderLoadLoseNothingAndDuplicateNothing)
{
    const quint32 seed = QRandomGenerator::global()->generate();
    QRandomGenerator random(seed);
    RecordProperty("seed", int(seed));
    std::cout << "seed " << seed << std::endl;
    QElapsedTimer total;
    total.start();

    // The channels, and every publisher a member of its own (membership outlives connections).
    {
        Daemon daemon;
        ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path(), daemonArgs()));
        auto alice = signIn(daemon.url());
        ASSERT_TRUE(alice);
        for (int c = 0; c < channelCount; ++c) {
            const auto made =
                alice->request(QJsonObject{{"t"_L1, "create"_L1}, {"channel"_L1, channelName(c)}});
            ASSERT_TRUE(made && isOk(*made)) << (made ? dump(*made).toStdString() : "");
        }
        for (auto &p : publishers) {
            auto client = signIn(daemon.url(), p->user);
            ASSERT_TRUE(client);
            ASSERT_TRUE(client->joinSynced(channelName(p->channel)));
        }
    }

    std::vector<qint64> killMs;
    for (int trial = 0; trial <= trials; ++trial) {
        const bool last = trial == trials;
        Daemon daemon;
        ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path(), daemonArgs()));
        ASSERT_NO_FATAL_FAILURE(checkStore(daemon.url())) << "after restart " << trial;

        // What a kill cut short is written in later runs; the last run writes the rest.
        for (auto &p : publishers)
            p->budget += last ? 0 : newPerTrial;
        ledger.acksThisTrial = 0;
        ledger.killAtAcks = -1;
        bool killed = false;
        QElapsedTimer sinceStart;
        ledger.kill = [&] {
            if (killed)
                return;
            killed = true;
            killMs.push_back(sinceStart.elapsed());
            ::kill(daemon.process().processId(), SIGKILL);
        };
        // Mostly mid-load, at a random ack count; every fourth trial while clients are still
        // signing in, resending and catching up.
        const bool killEarly = !last && trial % 4 == 1;
        if (!last && !killEarly)
            ledger.killAtAcks = 1 + int(random.bounded(publisherCount * newPerTrial * 9 / 10));

        sinceStart.start();
        forEachPeer([&](Peer &p) { p.connectTo(daemon.url()); });
        const int killAtSignIns = killEarly ? int(random.bounded(publisherCount + subscriberCount))
                                            : publisherCount + subscriberCount;
        int signedIn = 0;
        ASSERT_TRUE(waitUntil(
            [&] {
                signedIn = 0;
                forEachPeer([&](Peer &p) { signedIn += p.signedIn ? 1 : 0; });
                return killed || signedIn >= killAtSignIns || !ledger.faults.isEmpty();
            },
            30000))
            << "trial " << trial << ": " << signedIn << " signed in";
        ASSERT_TRUE(ledger.faults.isEmpty())
            << "trial " << trial << ": " << ledger.faults.join(u"; "_s).toStdString();
        if (killEarly)
            ledger.kill();

        if (!last) {
            ASSERT_TRUE(waitUntil([&] { return killed; }, 60000)) << "trial " << trial;
            ASSERT_TRUE(daemon.waitForExit(5000));
            // Acks already on their way count: the server sends one only once it is durable.
            bool allClosed = false;
            ASSERT_TRUE(waitUntil(
                [&] {
                    allClosed = true;
                    forEachPeer([&](Peer &p) { allClosed = allClosed && p.closed(); });
                    return allClosed;
                },
                10000));
            ASSERT_TRUE(ledger.faults.isEmpty())
                << "trial " << trial << ": " << ledger.faults.join(u"; "_s).toStdString();
            continue;
        }

        // The last run: no kill. Every outbox drains, every subscriber catches up.
        ASSERT_TRUE(waitUntil(
            [&] {
                for (auto &p : publishers)
                    if (!p->outbox.empty())
                        return false;
                return true;
            },
            30000))
            << "outboxes do not drain";
        std::map<int, QList<QJsonObject>> histories;
        ASSERT_NO_FATAL_FAILURE(checkStore(daemon.url(), &histories));
        ASSERT_TRUE(waitUntil(
            [&] {
                for (auto &s : subscribers)
                    if (s->lastSeq < histories[s->channel].size())
                        return false;
                return true;
            },
            30000))
            << "subscribers do not catch up";
        ASSERT_TRUE(ledger.faults.isEmpty()) << ledger.faults.join(u"; "_s).toStdString();
        qsizetype stored = 0;
        for (const auto &[c, history] : histories)
            stored += history.size();
        EXPECT_EQ(stored, ledger.ackedSeq.size()) << "stored messages nobody saw acknowledged";
        EXPECT_EQ(stored, qsizetype(publisherCount) * newPerTrial * trials);
        for (auto &s : subscribers) {
            const QList<QJsonObject> &history = histories[s->channel];
            ASSERT_EQ(s->mids.size(), history.size()) << s->user.toStdString();
            for (qsizetype i = 0; i < history.size(); ++i)
                ASSERT_EQ(s->mids.at(i), history.at(i).value("mid"_L1).toString())
                    << s->user.toStdString() << " seq " << i + 1;
        }
        std::cout << "stored " << stored << " messages; resent " << ledger.resent << " ("
                  << ledger.dupAcks << " of them already stored); " << trials << " kills at ms";
        for (qint64 ms : killMs)
            std::cout << ' ' << ms;
        std::cout << "; total " << total.elapsed() << " ms" << std::endl;
    }
}

} // namespace
