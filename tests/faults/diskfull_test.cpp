// SPDX-License-Identifier: Apache-2.0
// The disk fills up while people publish (issue 15): the real confabd with its data folder on
// a small tmpfs, filled by a ballast file. Publishes get a clear error, nothing is stored
// half-way (no ack without its message, no message without an ack, no seq gap), reads and
// live delivery go on, the server neither crashes nor wedges; once space is back, the same
// client's resend stores exactly one copy and seqs stay gapless.

#include "confabprocess.h"
#include "testclient.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <sys/mount.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace confab::test {
namespace {

const QString password = u"password1"_s;
constexpr int tmpfsMiB = 16;
constexpr qint64 headroomBytes = 160 * 1024; // left free after the ballast: ~100 messages
const QString general = u"general"_s;
constexpr int burstSize = 8;

/// A tmpfs mounted on a directory for the life of the object; detached (lazily, so even a
/// process still holding files there cannot keep it) on destruction, failure or not.
class TmpfsMount
{
public:
    TmpfsMount(const QString &dir, int sizeMiB)
        : m_dir(dir)
    {
        const QByteArray options = "size=" + QByteArray::number(sizeMiB) + "m,mode=0700";
        if (::mount("tmpfs", QFile::encodeName(dir).constData(), "tmpfs", 0, options.constData()) ==
            0)
            m_mounted = true;
        else
            m_error = QString::fromLocal8Bit(std::strerror(errno));
    }
    ~TmpfsMount()
    {
        if (m_mounted)
            ::umount2(QFile::encodeName(m_dir).constData(), MNT_DETACH);
    }
    TmpfsMount(const TmpfsMount &) = delete;
    TmpfsMount &operator=(const TmpfsMount &) = delete;
    bool isMounted() const { return m_mounted; }
    QString error() const { return m_error; }

private:
    QString m_dir;
    bool m_mounted = false;
    QString m_error;
};

/// Writes `path` until the file system says it is full, then gives `headroom` bytes back.
/// The bytes written; -1 when the disk never filled (or another error came).
qint64 fillDisk(const QString &path, qint64 headroom)
{
    QFile ballast(path);
    if (!ballast.open(QIODevice::WriteOnly))
        return -1;
    const QByteArray chunk(64 * 1024, 'x');
    qint64 written = 0;
    for (;;) {
        const qint64 n = ballast.write(chunk);
        if (n > 0)
            written += n;
        if (n < chunk.size() || !ballast.flush())
            break;
    }
    ballast.close();
    if (written == 0)
        return -1;
    // QFile buffers: what reached the disk is the file's size.
    written = QFileInfo(path).size();
    return QFile::resize(path, std::max<qint64>(0, written - headroom)) ? written : -1;
}

class DiskFull : public ::testing::Test
{
protected:
    std::unique_ptr<TestClient> signIn(const QString &user)
    {
        auto client = std::make_unique<TestClient>();
        if (!client->open(daemon.url()))
            return nullptr;
        const auto reply = client->hello(user, password);
        if (!reply || !isOk(*reply)) {
            ADD_FAILURE() << "hello failed: " << (reply ? dump(*reply).toStdString() : "none");
            return nullptr;
        }
        return client;
    }

    /// Every message of `channel`, paging forward with `history`.
    static std::optional<QList<QJsonObject>> fullHistory(TestClient *client)
    {
        QList<QJsonObject> all;
        qint64 after = 0;
        for (int page = 0; page < 200; ++page) {
            const auto reply = client->request(QJsonObject{{"t"_L1, "history"_L1},
                                                           {"channel"_L1, general},
                                                           {"after"_L1, after},
                                                           {"limit"_L1, 200}});
            if (!reply || !isOk(*reply)) {
                ADD_FAILURE() << "history failed: "
                              << (reply ? dump(*reply).toStdString() : "no reply");
                return std::nullopt;
            }
            const QJsonObject ok = reply->value("ok"_L1).toObject();
            for (const QJsonValue &m : ok["messages"_L1].toArray())
                all.append(m.toObject());
            if (!ok["more"_L1].toBool())
                return all;
            after = all.isEmpty() ? after : all.last()["seq"_L1].toInteger();
        }
        return all;
    }

    /// The stored messages are exactly `acked` (cid → seq, in seq order from 1): no gap, no
    /// message without its ack, no ack without its message.
    static void expectStoredExactly(TestClient *reader,
                                    const QList<std::pair<QString, qint64>> &acked)
    {
        const auto stored = fullHistory(reader);
        ASSERT_TRUE(stored);
        ASSERT_EQ(stored->size(), acked.size()) << "stored messages vs acks";
        for (qsizetype i = 0; i < stored->size(); ++i) {
            const QJsonObject &m = stored->at(i);
            EXPECT_EQ(m["seq"_L1].toInteger(), i + 1) << "seq gap at " << i;
            EXPECT_EQ(m["cid"_L1].toString(), acked[i].first) << "at seq " << i + 1;
            EXPECT_EQ(m["seq"_L1].toInteger(), acked[i].second) << "ack of " << i;
        }
    }

    QTemporaryDir tempDir;
    QString dataDir;
    std::unique_ptr<TmpfsMount> mount;
    ConfabdProcess daemon; // declared after the mount: stopped before it is detached
};

TEST_F(DiskFull, PublishingIntoAFullDiskFailsCleanlyAndResumesWithoutGapsOrDuplicates)
{
    ASSERT_TRUE(tempDir.isValid());
    dataDir = tempDir.filePath(u"data"_s);
    ASSERT_TRUE(QDir().mkpath(dataDir));
    mount = std::make_unique<TmpfsMount>(dataDir, tmpfsMiB);
    if (!mount->isMounted())
        GTEST_SKIP() << "cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): "
                     << mount->error().toStdString();
    ASSERT_TRUE(addUser(dataDir, u"alice"_s, password));
    ASSERT_TRUE(addUser(dataDir, u"bob"_s, password));
    daemon.setDataDir(dataDir);
    daemon.setExtraArgs({u"--timing-group-commit-ms"_s, u"2"_s, u"--limits-rate-per-s"_s,
                         u"100000"_s, u"--limits-burst"_s, u"100000"_s});
    QString error;
    ASSERT_TRUE(daemon.start(0, &error)) << error.toStdString();

    auto alice = signIn(u"alice"_s);  // publishes
    auto alice2 = signIn(u"alice"_s); // the same user on a second connection: reads
    auto bob = signIn(u"bob"_s);      // watches live delivery
    ASSERT_TRUE(alice && alice2 && bob);
    for (auto *c : {alice.get(), alice2.get(), bob.get()}) {
        c->setRecordAll(false);
        ASSERT_TRUE(c->joinSynced(general));
    }

    QList<std::pair<QString, qint64>> acked; // cid, seq: every ok reply, in order
    QStringList failed;                      // cids whose publish got an error
    QString firstError;
    const QString text = QString(1000, u'm');
    auto publishOne = [&](const QString &cid) -> std::optional<QJsonObject> {
        const auto reply = alice->publish(general, text, cid);
        alice->take(u"msg"_s);
        if (!reply)
            return std::nullopt;
        if (isOk(*reply))
            acked.append({cid, reply->value("ok"_L1)["seq"_L1].toInteger()});
        return reply;
    };
    for (int i = 0; i < 20; ++i) {
        const auto reply = publishOne(newCid());
        ASSERT_TRUE(reply && isOk(*reply));
    }

    // Fill the disk but for a little headroom, then publish until it is gone.
    const QString ballast = QDir(dataDir).filePath(u"ballast"_s);
    ASSERT_GT(fillDisk(ballast, headroomBytes), 0) << "the tmpfs never filled";
    // In bursts sent without waiting, so the writer commits several in one transaction and a
    // failed one must hand back every seq it had taken.
    int attempts = 0;
    while (failed.isEmpty() && attempts < 5000) {
        std::vector<std::pair<qint64, QString>> burst;
        for (int i = 0; i < burstSize; ++i, ++attempts) {
            const QString cid = newCid();
            burst.emplace_back(alice->sendPublish(general, text, cid), cid);
        }
        for (const auto &[id, cid] : burst) {
            const auto reply = alice->waitForReply(id);
            ASSERT_TRUE(reply) << "no reply to a publish on a nearly full disk (wedged?)";
            if (isOk(*reply)) {
                acked.append({cid, reply->value("ok"_L1)["seq"_L1].toInteger()});
                continue;
            }
            failed.append(cid);
            if (firstError.isEmpty())
                firstError = dump(*reply);
            EXPECT_EQ(errorCode(*reply), u"internal"_s) << dump(*reply).toStdString();
            EXPECT_TRUE(
                reply->value("error"_L1)["message"_L1].toString().contains(u"disk is full"_s))
                << "the error should say why: " << dump(*reply).toStdString();
        }
        alice->take(u"msg"_s);
    }
    ASSERT_FALSE(failed.isEmpty()) << "the disk never ran out after " << attempts << " publishes";
    std::printf("[ figures ] %lld of %d publishes fitted into the headroom; the first "
                "refusal: %s\n",
                qint64(acked.size() - 20), attempts, qPrintable(firstError));
    ASSERT_TRUE(daemon.isRunning());

    // While full: more publishes fail the same way (or, where SQLite found a free page, are
    // stored and acked); either way the books must balance below.
    for (int i = 0; i < 10; ++i) {
        const QString cid = newCid();
        const auto reply = publishOne(cid);
        ASSERT_TRUE(reply) << "no reply to a publish on a full disk (wedged?)";
        if (!isOk(*reply))
            failed.append(cid);
    }
    // Reads go on: history, a join's catch-up, from the same user's other connection.
    ASSERT_NO_FATAL_FAILURE(expectStoredExactly(alice2.get(), acked));
    // Live delivery of what was stored, once each, in order; nothing for a refused one.
    QList<QJsonObject> live; // what Bob got live so far
    auto liveReaches = [&](qsizetype count) {
        return waitUntil([&] {
            live += bob->take(u"msg"_s);
            return live.size() >= count;
        });
    };
    ASSERT_TRUE(liveReaches(acked.size())) << live.size() << " of " << acked.size() << " delivered";
    {
        ASSERT_EQ(live.size(), acked.size());
        for (qsizetype i = 0; i < live.size(); ++i)
            EXPECT_EQ(live[i]["cid"_L1].toString(), acked[i].first);
    }
    // Sign-in (a token is written), read positions, typing and presence: whatever they
    // answer, each is answered and nothing breaks.
    TestClient late;
    ASSERT_TRUE(late.open(daemon.url()));
    const auto lateHello = late.hello(u"bob"_s, password);
    ASSERT_TRUE(lateHello) << "no answer to a password sign-in on a full disk";
    std::printf("[ figures ] sign-in on a full disk: %s\n", qPrintable(dump(*lateHello)));
    if (isOk(*lateHello)) {
        const auto synced = late.joinSynced(general, {{"since"_L1, 0}});
        ASSERT_TRUE(synced) << "join (catch-up) failed on a full disk";
        EXPECT_EQ(synced->value("last_seq"_L1).toInteger(), acked.last().second);
    }
    // A token sign-in (a reconnecting client) needs no write: it must work.
    TestClient reconnecting;
    ASSERT_TRUE(reconnecting.open(daemon.url()));
    const auto tokenHello = reconnecting.helloToken(alice->token());
    ASSERT_TRUE(tokenHello && isOk(*tokenHello))
        << "token sign-in on a full disk: "
        << (tokenHello ? dump(*tokenHello).toStdString() : "no reply");
    EXPECT_TRUE(reconnecting.joinSynced(general, {{"since"_L1, acked.last().second}}));
    const qint64 readSeq = acked.last().second;
    const auto read = alice2->request(
        QJsonObject{{"t"_L1, "read"_L1}, {"channel"_L1, general}, {"seq"_L1, readSeq}});
    ASSERT_TRUE(read) << "no answer to read on a full disk";
    std::printf("[ figures ] read on a full disk: %s\n", qPrintable(dump(*read)));
    alice->typing(general, true);
    EXPECT_TRUE(bob->waitFor(u"typing"_s, [](const QJsonObject &t) {
        return t["user"_L1].toString() == u"alice"_s && t["active"_L1].toBool();
    })) << "typing is not relayed on a full disk";
    const auto away = alice2->request(
        QJsonObject{{"t"_L1, "presence"_L1}, {"status"_L1, "away"_L1}, {"text"_L1, "disk"_L1}});
    ASSERT_TRUE(away) << "no answer to presence on a full disk";
    ASSERT_TRUE(daemon.isRunning()) << daemon.errorOutput().right(2000).toStdString();

    // Space comes back: the same client resends its refused messages with the same cids.
    ASSERT_TRUE(QFile::remove(ballast));
    const qsizetype ackedBefore = acked.size();
    for (const QString &cid : std::as_const(failed)) {
        const auto reply = publishOne(cid);
        ASSERT_TRUE(reply && isOk(*reply)) << "a resend after the disk was freed failed: "
                                           << (reply ? dump(*reply).toStdString() : "no reply");
        EXPECT_FALSE(reply->value("ok"_L1)["dup"_L1].toBool()) << "it was never stored";
    }
    // A second resend of each is a duplicate: the original seq, nothing stored again.
    for (qsizetype i = ackedBefore; i < acked.size(); ++i) {
        const auto again = alice->publish(general, text, acked[i].first);
        alice->take(u"msg"_s);
        ASSERT_TRUE(again && isOk(*again));
        EXPECT_TRUE(again->value("ok"_L1)["dup"_L1].toBool());
        EXPECT_EQ(again->value("ok"_L1)["seq"_L1].toInteger(), acked[i].second);
    }
    for (int i = 0; i < 5; ++i) {
        const auto reply = publishOne(newCid());
        ASSERT_TRUE(reply && isOk(*reply)) << (reply ? dump(*reply).toStdString() : "no reply");
    }
    ASSERT_NO_FATAL_FAILURE(expectStoredExactly(alice2.get(), acked));
    ASSERT_TRUE(liveReaches(acked.size()));
    bob->request(QJsonObject{{"t"_L1, "channels"_L1}}); // anything sent after would be here now
    live += bob->take(u"msg"_s);
    ASSERT_EQ(live.size(), acked.size()) << "resends delivered once each";
    for (qsizetype i = ackedBefore; i < live.size(); ++i)
        EXPECT_EQ(live[i]["cid"_L1].toString(), acked[i].first);

    // And all of it is durable: a restart finds the same messages.
    daemon.terminate();
    ASSERT_TRUE(daemon.start(0, &error)) << error.toStdString();
    auto reader = signIn(u"bob"_s);
    ASSERT_TRUE(reader);
    ASSERT_NO_FATAL_FAILURE(expectStoredExactly(reader.get(), acked));
    // The read position told while the disk was full was kept once space came back.
    auto aliceAgain = signIn(u"alice"_s);
    ASSERT_TRUE(aliceAgain);
    const auto joined = aliceAgain->join(general);
    ASSERT_TRUE(joined && isOk(*joined));
    EXPECT_EQ(joined->value("ok"_L1)["read_seq"_L1].toInteger(), readSeq)
        << "the read position told during the full period was lost";
}

} // namespace
} // namespace confab::test
