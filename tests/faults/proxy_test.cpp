// SPDX-License-Identifier: Apache-2.0
// Fault: a dead network between a client and confabd (issue 15). Alice's client engine
// reaches confabd through a FreezingProxy, Bob talks to confabd directly. Frozen: the
// server's heartbeat closes Alice's dead connection (her typing indicator clears for Bob),
// Bob sees her go offline after the grace period, and her engine's watchdog gives the link
// up. Unfrozen: the engine reconnects through the proxy and resumes without loss: Bob's
// messages from meanwhile arrive once and in order, and the one Alice wrote while frozen is
// delivered once.

#include "clientdevices.h"
#include "confabprocess.h"
#include "freezingproxy.h"
#include "testclient.h"

#include "chatclient.h"
#include "connection.h"
#include "messagemodel.h"
#include "outbox.h"

#include <QElapsedTimer>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <iostream>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::client;
using namespace confab::client::test;
using confab::test::ConfabdProcess;
using confab::test::FreezingProxy;
using confab::test::isOk;
using confab::test::TestClient;

namespace {

const QString password = u"password1"_s;
const QString general = u"general"_s;
constexpr int heartbeatMs = 1000;
constexpr int graceMs = 2000;
using State = Connection::State;

QStringList textsBy(const MessageModel &model, const QString &author, const QString &prefix)
{
    QStringList texts;
    for (int row = 0; row < model.rowCount(); ++row) {
        const QModelIndex index = model.index(row);
        const QString text = index.data(MessageModel::TextRole).toString();
        if (index.data(MessageModel::AuthorRole).toString() == author && text.startsWith(prefix))
            texts.append(text);
    }
    return texts;
}

bool isAbout(const QJsonObject &frame, const QString &user)
{
    return frame.value("user"_L1).toString() == user;
}

TEST(ProxyTest, DeadNetworkIsNoticedOnBothEndsAndTheClientResumesWithoutLoss)
{
    QTemporaryDir serverDir;
    ASSERT_TRUE(serverDir.isValid());
    for (const QString &user : {u"alice"_s, u"bob"_s})
        ASSERT_TRUE(confab::test::addUser(serverDir.path(), user, password));
    // Typing would also expire on its own after 6 s: only the close may clear it here.
    ConfabdProcess server(serverDir.path(),
                          {u"--timing-heartbeat-ms"_s, QString::number(heartbeatMs),
                           u"--timing-presence-grace-ms"_s, QString::number(graceMs),
                           u"--timing-typing-expiry-ms"_s, u"600000"_s});
    QString error;
    ASSERT_TRUE(server.start(0, &error)) << error.toStdString();
    FreezingProxy proxy(u"127.0.0.1"_s, quint16(server.port()));
    ASSERT_TRUE(proxy.listen(&error)) << error.toStdString();

    ClientDevices devices;
    auto alice = devices.signedIn(proxy.url(), u"alice"_s, password);
    ASSERT_EQ(alice->connection()->state(), State::Online);
    MessageModel *aliceModel = alice->messageModel(general);
    TestClient bob;
    ASSERT_TRUE(bob.open(server.url()));
    const auto hello = bob.hello(u"bob"_s, password);
    ASSERT_TRUE(hello && isOk(*hello));
    ASSERT_TRUE(bob.joinSynced(general));

    // Alice types; Bob sees it.
    alice->setDraft(general, u"half a thought"_s);
    ASSERT_TRUE(bob.waitFor(u"typing"_s, [](const QJsonObject &f) {
        return isAbout(f, u"alice"_s) && f.value("active"_L1).toBool();
    }));
    bob.take(u"presence"_s);

    proxy.freeze();
    QElapsedTimer frozen;
    frozen.start();

    // The server: its heartbeat closes the dead connection, which ends Alice's typing.
    const int closeBudgetMs = 2 * heartbeatMs + 5000;
    const auto typingOff = bob.waitFor(
        u"typing"_s,
        [](const QJsonObject &f) {
            return isAbout(f, u"alice"_s) && !f.value("active"_L1).toBool();
        },
        closeBudgetMs + 3000);
    ASSERT_TRUE(typingOff) << "typing indicator still on after " << frozen.elapsed() << " ms";
    const qint64 closedMs = frozen.elapsed();
    EXPECT_LE(closedMs, closeBudgetMs) << "dead connection closed late";
    EXPECT_GE(closedMs, heartbeatMs) << "closed before a heartbeat could be missed";

    // The client: its watchdog gives the silent link up and retries.
    ASSERT_TRUE(waitUntil([&] { return alice->connection()->state() != State::Online; },
                          4 * heartbeatMs + 5000))
        << "the client still thinks it is online after " << frozen.elapsed() << " ms";
    const qint64 clientNoticedMs = frozen.elapsed();

    // Presence: offline for Bob once the grace period has passed.
    const auto offline = bob.waitFor(
        u"presence"_s,
        [](const QJsonObject &f) {
            return isAbout(f, u"alice"_s) && f.value("status"_L1).toString() == "offline"_L1;
        },
        graceMs + 5000);
    ASSERT_TRUE(offline) << "alice not offline " << frozen.elapsed() << " ms into the freeze";
    const qint64 offlineMs = frozen.elapsed();
    EXPECT_GE(offlineMs - closedMs, graceMs - 500) << "offline before the grace period ended";

    // Meanwhile: Bob writes, and so does Alice (into her outbox).
    QStringList bobTexts;
    for (int i = 0; i < 5; ++i) {
        bobTexts.append(u"while-frozen-%1"_s.arg(i));
        const auto ack = bob.publish(general, bobTexts.last());
        ASSERT_TRUE(ack && isOk(*ack));
    }
    const QString aliceText = u"written-in-the-dark"_s;
    ASSERT_FALSE(alice->sendMessage(general, aliceText).isEmpty());
    EXPECT_EQ(alice->outbox()->count(), 1);

    proxy.resume();
    QElapsedTimer resumed;
    resumed.start();
    ASSERT_TRUE(waitOnline(*alice, 15000)) << alice->connection()->errorString().toStdString();
    ASSERT_TRUE(waitUntil(
        [&] {
            return alice->outbox()->count() == 0 &&
                   textsBy(*aliceModel, u"bob"_s, u"while-frozen-"_s).size() >= bobTexts.size() &&
                   textsBy(*aliceModel, u"alice"_s, aliceText).size() >= 1;
        },
        15000))
        << "outbox " << alice->outbox()->count();
    const qint64 resumeMs = resumed.elapsed();
    const auto delivered = bob.waitFor(
        u"msg"_s, [&](const QJsonObject &f) { return f.value("text"_L1).toString() == aliceText; });
    ASSERT_TRUE(delivered);
    const auto online = bob.waitFor(u"presence"_s, [](const QJsonObject &f) {
        return isAbout(f, u"alice"_s) && f.value("status"_L1).toString() == "online"_L1;
    });
    EXPECT_TRUE(online) << "alice not back online for bob";

    // Once each, in order, on both ends.
    EXPECT_EQ(textsBy(*aliceModel, u"bob"_s, u"while-frozen-"_s), bobTexts);
    EXPECT_EQ(textsBy(*aliceModel, u"alice"_s, aliceText), QStringList{aliceText});
    EXPECT_EQ(aliceModel->sentCount(), aliceModel->rowCount()) << "rows still pending";
    qint64 last = 0;
    for (int row = 0; row < aliceModel->rowCount(); ++row) {
        const qint64 seq = aliceModel->index(row).data(MessageModel::SeqRole).toLongLong();
        EXPECT_GT(seq, last) << "row " << row;
        last = seq;
    }
    EXPECT_EQ(bob.receivedOf(u"msg"_s,
                             [&](const QJsonObject &f) {
                                 return f.value("text"_L1).toString() == aliceText;
                             })
                  .size(),
              1);
    EXPECT_GE(proxy.accepted(), 2) << "the client never came back through the proxy";
    std::cout << "server closed the dead connection after " << closedMs
              << " ms, client noticed after " << clientNoticedMs << " ms, offline after "
              << offlineMs << " ms; resumed in " << resumeMs << " ms after the thaw" << std::endl;
}

} // namespace
