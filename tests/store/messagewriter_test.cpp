// SPDX-License-Identifier: Apache-2.0
// The group-commit writer: ordering, gapless seq, dedup, batching, byte-exact text, failures.

#include "channelrepository.h"
#include "messagerepository.h"
#include "sqlitestores.h"
#include "storetest.h"

#include <QElapsedTimer>
#include <QMap>
#include <QMutex>
#include <QSet>
#include <QThread>

#include <atomic>
#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace confab::store::testing {
namespace {

/// The writer's store as the server makes it: SQLite, connections of its own on `path`.
MessageWriter::OpenMessageStore sqliteStore(const QString &path,
                                            const std::atomic<bool> *blockGrowth = nullptr)
{
    return [path, blockGrowth](QString *error) -> std::unique_ptr<MessageStore> {
        return SqliteStores::open(path, error, blockGrowth);
    };
}

class MessageWriterTest : public StoreTest
{
protected:
    void SetUp() override
    {
        open(m_db);
        QString error;
        m_general = ChannelRepository(m_db).find(u"general"_s)->id;
        m_design = ChannelRepository(m_db).create(u"design"_s, {}, false, {}, &error)->id;
        m_ops = ChannelRepository(m_db).create(u"ops"_s, {}, true, {}, &error)->id;
    }

    std::unique_ptr<MessageWriter> startWriter(std::chrono::milliseconds delay = 5ms,
                                               int batch = 64)
    {
        auto writer =
            std::make_unique<MessageWriter>(sqliteStore(dbPath(), &m_diskFull), delay, batch);
        QString error;
        EXPECT_TRUE(writer->start(&error)) << error.toStdString();
        return writer;
    }

    PublishJob general(const QString &cid, const QString &text = u"hi"_s,
                       const QString &from = u"alice"_s)
    {
        return job(m_general, u"general"_s, from, cid, text);
    }

    qint64 storedCount(qint64 channelId)
    {
        QSqlQuery query(m_db.sql());
        query.prepare(u"SELECT count(*) FROM messages WHERE channel_id = ?"_s);
        query.addBindValue(channelId);
        return query.exec() && query.next() ? query.value(0).toLongLong() : -1;
    }

    Database m_db;
    qint64 m_general = 0;
    qint64 m_design = 0;
    qint64 m_ops = 0;
    std::atomic<bool> m_diskFull{false}; // the writer's store may not grow while set
};

TEST_F(MessageWriterTest, AssignsGaplessSeqPerChannelInSubmissionOrder)
{
    auto writer = startWriter();
    OutcomeCollector collector(*writer);
    QList<quint64> tickets;
    const std::pair<qint64, QString> channels[] = {
        {m_general, u"general"_s}, {m_design, u"design"_s},   {m_general, u"general"_s},
        {m_ops, u"ops"_s},         {m_general, u"general"_s}, {m_design, u"design"_s}};
    for (int i = 0; i < 6; ++i) {
        const auto &[id, name] = channels[i];
        tickets.append(
            writer->submit(job(id, name, u"alice"_s, u"cid-%1"_s.arg(i), u"text %1"_s.arg(i))));
    }
    ASSERT_TRUE(collector.waitFor(6));
    ASSERT_EQ(collector.outcomes.size(), 6);
    const qint64 expected[] = {1, 1, 2, 1, 3, 2};
    QSet<QString> mids;
    for (int i = 0; i < 6; ++i) {
        const PublishOutcome &o = collector.outcomes[i];
        EXPECT_EQ(o.ticket, tickets[i]);
        EXPECT_FALSE(o.error);
        EXPECT_FALSE(o.dup);
        EXPECT_EQ(o.message.seq, expected[i]) << i;
        EXPECT_EQ(o.message.channel, channels[i].second);
        EXPECT_EQ(o.message.from, u"alice"_s);
        EXPECT_EQ(o.message.cid, u"cid-%1"_s.arg(i));
        EXPECT_EQ(o.message.text, u"text %1"_s.arg(i));
        EXPECT_GT(o.message.ts, 0);
        mids.insert(o.message.mid);
    }
    EXPECT_EQ(mids.size(), 6);
    EXPECT_EQ(writer->pending(), 0);

    // Committed means readable, and the channel's last_seq moved in the same transaction.
    const auto stored = MessageRepository(m_db).range(m_general, u"general"_s, 1, 3, 10);
    ASSERT_TRUE(stored);
    ASSERT_EQ(stored->size(), 3);
    EXPECT_EQ(stored->at(2).text, u"text 4"_s);
    EXPECT_EQ(stored->at(2).mid, collector.outcomes[4].message.mid);
    EXPECT_EQ(ChannelRepository(m_db).find(u"general"_s)->channel.lastSeq, 3);
    EXPECT_EQ(ChannelRepository(m_db).find(u"design"_s)->channel.lastSeq, 2);
}

TEST_F(MessageWriterTest, ContinuesSeqAndMidsAfterARestart)
{
    QSet<QString> mids;
    {
        auto writer = startWriter();
        OutcomeCollector collector(*writer);
        for (int i = 0; i < 3; ++i)
            writer->submit(general(u"a%1"_s.arg(i)));
        ASSERT_TRUE(collector.waitFor(3));
        for (const auto &o : collector.outcomes)
            mids.insert(o.message.mid);
    }
    auto writer = startWriter();
    OutcomeCollector collector(*writer);
    writer->submit(general(u"b0"_s));
    writer->submit(general(u"b1"_s));
    ASSERT_TRUE(collector.waitFor(2));
    EXPECT_EQ(collector.outcomes[0].message.seq, 4);
    EXPECT_EQ(collector.outcomes[1].message.seq, 5);
    for (const auto &o : collector.outcomes)
        mids.insert(o.message.mid);
    EXPECT_EQ(mids.size(), 5);
}

TEST_F(MessageWriterTest, PicksUpAChannelCreatedAfterStart)
{
    auto writer = startWriter();
    OutcomeCollector collector(*writer);
    QString error;
    const auto late = ChannelRepository(m_db).create(u"late"_s, {}, false, {}, &error);
    ASSERT_TRUE(late);
    writer->submit(job(late->id, u"late"_s, u"alice"_s, u"x"_s, u"first"_s));
    ASSERT_TRUE(collector.waitFor(1));
    EXPECT_EQ(collector.outcomes[0].message.seq, 1);
    EXPECT_EQ(collector.outcomes[0].message.channel, u"late"_s);
}

TEST_F(MessageWriterTest, AnswersAnUnknownChannelWithNotFoundAndStoresTheRest)
{
    auto writer = startWriter(50ms, 3);
    OutcomeCollector collector(*writer);
    writer->submit(general(u"1"_s));
    writer->submit(job(987654, u"nowhere"_s, u"alice"_s, u"2"_s, u"x"_s));
    writer->submit(general(u"3"_s));
    ASSERT_TRUE(collector.waitFor(3));
    EXPECT_FALSE(collector.outcomes[0].error);
    ASSERT_TRUE(collector.outcomes[1].error);
    EXPECT_EQ(collector.outcomes[1].error->code, ErrorCode::NotFound);
    EXPECT_FALSE(collector.outcomes[2].error);
    EXPECT_EQ(collector.outcomes[2].message.seq, 2);
}

TEST_F(MessageWriterTest, FiveConcurrentSubmittersGetGaplessOrderedSeqs)
{
    auto writer = startWriter(2ms, 32);
    OutcomeCollector collector(*writer);
    constexpr int kThreads = 5;
    constexpr int kPerThread = 200;
    const QList<std::pair<qint64, QString>> channels{
        {m_general, u"general"_s}, {m_design, u"design"_s}, {m_ops, u"ops"_s}};

    std::vector<std::unique_ptr<QThread>> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back(QThread::create([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                const auto &[id, name] = channels[(t + i) % channels.size()];
                writer->submit(
                    job(id, name, u"user%1"_s.arg(t), u"%1"_s.arg(i), u"%1/%2"_s.arg(t).arg(i)));
            }
        }));
    }
    for (auto &thread : threads)
        thread->start();
    for (auto &thread : threads)
        ASSERT_TRUE(thread->wait(30000));
    ASSERT_TRUE(collector.waitFor(kThreads * kPerThread, 30000));
    ASSERT_EQ(collector.outcomes.size(), kThreads * kPerThread);

    QMap<QString, QList<qint64>> seqsByChannel;
    QMap<QString, qint64> lastSeqOfSender; // sender+channel → last seq seen
    quint64 previousTicket = 0;
    for (const PublishOutcome &o : collector.outcomes) {
        ASSERT_FALSE(o.error);
        EXPECT_GT(o.ticket, previousTicket); // reported in submission order
        previousTicket = o.ticket;
        seqsByChannel[o.message.channel].append(o.message.seq);
        // One thread's jobs on one channel keep their order.
        const QString key = o.message.from + u'@' + o.message.channel;
        EXPECT_GT(o.message.seq, lastSeqOfSender.value(key, 0));
        lastSeqOfSender[key] = o.message.seq;
    }
    qint64 total = 0;
    for (auto it = seqsByChannel.cbegin(); it != seqsByChannel.cend(); ++it) {
        const QList<qint64> &seqs = it.value();
        for (qsizetype i = 0; i < seqs.size(); ++i)
            ASSERT_EQ(seqs[i], i + 1) << it.key().toStdString(); // gapless, increasing
        total += seqs.size();
        EXPECT_EQ(ChannelRepository(m_db).find(it.key())->channel.lastSeq, seqs.size());
    }
    EXPECT_EQ(total, kThreads * kPerThread);
    EXPECT_EQ(storedCount(m_general) + storedCount(m_design) + storedCount(m_ops), total);
}

TEST_F(MessageWriterTest, ARepeatedCidReturnsTheOriginal)
{
    auto writer = startWriter();
    OutcomeCollector collector(*writer);
    writer->submit(general(u"same"_s, u"original"_s));
    ASSERT_TRUE(collector.waitFor(1));
    writer->submit(general(u"same"_s, u"changed"_s));
    writer->submit(general(u"same"_s, u"from bob"_s, u"bob"_s)); // another sender: new message
    ASSERT_TRUE(collector.waitFor(3));

    const Message &original = collector.outcomes[0].message;
    const PublishOutcome &repeat = collector.outcomes[1];
    EXPECT_TRUE(repeat.dup);
    EXPECT_FALSE(repeat.error);
    EXPECT_EQ(repeat.message, original);
    EXPECT_EQ(repeat.message.text, u"original"_s);
    EXPECT_FALSE(collector.outcomes[2].dup);
    EXPECT_EQ(collector.outcomes[2].message.seq, 2);
    EXPECT_EQ(storedCount(m_general), 2);
}

TEST_F(MessageWriterTest, ARepeatInTheSameBatchReturnsTheOriginal)
{
    auto writer = startWriter(10s, 3); // only a full batch commits
    OutcomeCollector collector(*writer);
    writer->submit(general(u"x"_s, u"one"_s));
    writer->submit(general(u"x"_s, u"two"_s));
    writer->submit(general(u"y"_s, u"three"_s));
    ASSERT_TRUE(collector.waitFor(3, 5000));
    ASSERT_EQ(collector.batches.size(), 1);
    EXPECT_FALSE(collector.outcomes[0].dup);
    EXPECT_TRUE(collector.outcomes[1].dup);
    EXPECT_EQ(collector.outcomes[1].message, collector.outcomes[0].message);
    EXPECT_EQ(collector.outcomes[2].message.seq, 2);
}

TEST_F(MessageWriterTest, ARepeatAfterARestartReturnsTheOriginal)
{
    Message original;
    {
        auto writer = startWriter();
        OutcomeCollector collector(*writer);
        writer->submit(general(u"offline-1"_s, u"queued while offline"_s));
        ASSERT_TRUE(collector.waitFor(1));
        original = collector.outcomes[0].message;
    }
    auto writer = startWriter();
    OutcomeCollector collector(*writer);
    writer->submit(general(u"offline-1"_s, u"queued while offline"_s));
    ASSERT_TRUE(collector.waitFor(1));
    EXPECT_TRUE(collector.outcomes[0].dup);
    EXPECT_EQ(collector.outcomes[0].message, original);
    EXPECT_EQ(storedCount(m_general), 1);
}

TEST_F(MessageWriterTest, GroupsManyJobsIntoFewCommits)
{
    auto writer = startWriter(200ms, 50);
    OutcomeCollector collector(*writer);
    for (int i = 0; i < 500; ++i)
        writer->submit(general(u"%1"_s.arg(i)));
    ASSERT_TRUE(collector.waitFor(500));
    EXPECT_EQ(writer->batchCount(), quint64(collector.batches.size()));
    EXPECT_GE(collector.batches.size(), 10); // never more than maxBatch at once
    EXPECT_LE(collector.batches.size(), 20);
    for (const auto &batch : collector.batches)
        EXPECT_LE(batch.size(), 50);
    EXPECT_EQ(collector.outcomes.last().message.seq, 500);
}

TEST_F(MessageWriterTest, CommitsALoneJobAfterMaxDelay)
{
    auto writer = startWriter(80ms, 1000);
    OutcomeCollector collector(*writer);
    QElapsedTimer timer;
    timer.start();
    writer->submit(general(u"alone"_s));
    ASSERT_TRUE(collector.waitFor(1));
    EXPECT_GE(timer.elapsed(), 75); // it waited for company
    EXPECT_EQ(collector.batches.size(), 1);
}

TEST_F(MessageWriterTest, StopCommitsWhatIsPending)
{
    auto writer = startWriter(10s, 1000);
    OutcomeCollector collector(*writer);
    for (int i = 0; i < 5; ++i)
        writer->submit(general(u"%1"_s.arg(i)));
    EXPECT_EQ(writer->pending(), 5);
    writer->stop();
    EXPECT_EQ(writer->pending(), 0);
    EXPECT_EQ(storedCount(m_general), 5);
    ASSERT_TRUE(collector.waitFor(5));
    writer->stop(); // idempotent

    writer->submit(general(u"late"_s));
    ASSERT_TRUE(collector.waitFor(6));
    ASSERT_TRUE(collector.outcomes[5].error);
    EXPECT_EQ(collector.outcomes[5].error->code, ErrorCode::Internal);
    EXPECT_EQ(storedCount(m_general), 5);
}

TEST_F(MessageWriterTest, StoresTextByteExact)
{
    const QList<QString> texts{
        QString(u"nul\0inside\0"_s),
        u"emoji 👩‍👩‍👧 🇫🇷 😀"_s,
        u"RTL שלום עליכם مرحبا"_s,
        u"\uFEFFstarts with a BOM"_s,
        u"line\u2028separator\u2029paragraph"_s,
        u"  padded  \r\n\ttabs  "_s,
        u"e\u0301 combining, \uFFFD replacement"_s,
    };
    ASSERT_EQ(texts[0].size(), 11); // the literal really holds the NULs
    auto writer = startWriter();
    OutcomeCollector collector(*writer);
    for (qsizetype i = 0; i < texts.size(); ++i)
        writer->submit(general(u"t%1"_s.arg(i), texts[i]));
    ASSERT_TRUE(collector.waitFor(texts.size()));
    writer->stop();

    const auto stored =
        MessageRepository(m_db).range(m_general, u"general"_s, 1, texts.size(), 100);
    ASSERT_TRUE(stored);
    ASSERT_EQ(stored->size(), texts.size());
    for (qsizetype i = 0; i < texts.size(); ++i) {
        EXPECT_EQ(collector.outcomes[i].message.text, texts[i]) << i;
        EXPECT_EQ(stored->at(i).text, texts[i]) << i;
        EXPECT_EQ(stored->at(i).text.toUtf8(), texts[i].toUtf8()) << i;
    }
    // And on disk as the UTF-8 bytes, NULs included.
    QSqlQuery query(m_db.sql());
    ASSERT_TRUE(query.exec(u"SELECT CAST(text AS BLOB) FROM messages WHERE seq = 1"_s));
    ASSERT_TRUE(query.next());
    EXPECT_EQ(query.value(0).toByteArray(), texts[0].toUtf8());
}

TEST_F(MessageWriterTest, AFullDiskFailsTheBatchStoresNothingAndBurnsNoSeq)
{
    auto writer = startWriter(20ms, 100);
    OutcomeCollector collector(*writer);
    writer->submit(general(u"before-1"_s));
    writer->submit(general(u"before-2"_s));
    ASSERT_TRUE(collector.waitFor(2));

    m_diskFull = true;             // read by the writer's store before each batch
    const QString big(8000, u'x'); // needs new pages
    for (int i = 0; i < 20; ++i)
        writer->submit(general(u"full-%1"_s.arg(i), big));
    ASSERT_TRUE(collector.waitFor(22));
    for (qsizetype i = 2; i < 22; ++i) {
        const PublishOutcome &o = collector.outcomes[i];
        ASSERT_TRUE(o.error) << i;
        EXPECT_EQ(o.error->code, ErrorCode::Internal);
        // The person who sent it learns why (docs/protocol.md, "A full disk").
        EXPECT_TRUE(o.error->message.contains(u"disk is full"_s)) << o.error->message.toStdString();
    }
    EXPECT_EQ(storedCount(m_general), 2);
    EXPECT_EQ(ChannelRepository(m_db).find(u"general"_s)->channel.lastSeq, 2);

    // The writer keeps working; the failed cids were not stored, so they are not dups.
    m_diskFull = false;
    writer->submit(general(u"full-0"_s, big));
    writer->submit(general(u"after"_s));
    ASSERT_TRUE(collector.waitFor(24));
    EXPECT_FALSE(collector.outcomes[22].error);
    EXPECT_FALSE(collector.outcomes[22].dup);
    EXPECT_EQ(collector.outcomes[22].message.seq, 3);
    EXPECT_EQ(collector.outcomes[23].message.seq, 4);
    EXPECT_EQ(storedCount(m_general), 4);
}

TEST_F(StoreTest, WriterContinuesAVersion1Database)
{
    loadV1Fixture();
    MessageWriter writer(sqliteStore(dbPath()), 5ms, 10);
    QString error;
    ASSERT_TRUE(writer.start(&error)) << error.toStdString();
    OutcomeCollector collector(writer);
    writer.submit(job(1, u"general"_s, u"alice"_s, u"c-1"_s, u"resent"_s));
    writer.submit(job(1, u"general"_s, u"alice"_s, u"c-new"_s, u"new"_s));
    ASSERT_TRUE(collector.waitFor(2));
    EXPECT_TRUE(collector.outcomes[0].dup);
    EXPECT_EQ(collector.outcomes[0].message.text, u"hello"_s);
    EXPECT_EQ(collector.outcomes[0].message.seq, 1);
    EXPECT_EQ(collector.outcomes[1].message.seq, 4);
    EXPECT_EQ(collector.outcomes[1].message.mid, u"5"_s); // after the fixture's four
}

TEST_F(MessageWriterTest, FailsToStartOnAFileThatIsNotADatabase)
{
    const QString path = filePath(u"garbage.db"_s);
    writeFile(path, QByteArray(4096, 'g'));
    MessageWriter writer(sqliteStore(path), 5ms, 10);
    QString error;
    EXPECT_FALSE(writer.start(&error));
    EXPECT_TRUE(error.contains(u"not a SQLite database"_s)) << error.toStdString();
}

/// A MessageStore that is no database: it numbers messages itself and notes the threads it
/// was made, used and destroyed on. The writer needs nothing but the interface.
class RecordingStore final : public MessageStore
{
public:
    struct Log
    {
        QMutex mutex;
        QThread *made = nullptr;
        QList<QThread *> appended;
        QThread *destroyed = nullptr;
    };

    explicit RecordingStore(Log &log)
        : m_log(log)
    {
        QMutexLocker lock(&m_log.mutex);
        m_log.made = QThread::currentThread();
    }
    ~RecordingStore() override
    {
        QMutexLocker lock(&m_log.mutex);
        m_log.destroyed = QThread::currentThread();
    }

    QList<PublishOutcome> append(const std::vector<PublishJob> &jobs) override
    {
        {
            QMutexLocker lock(&m_log.mutex);
            m_log.appended.append(QThread::currentThread());
        }
        QList<PublishOutcome> outcomes;
        for (const PublishJob &job : jobs) {
            ++m_seq;
            PublishOutcome outcome;
            outcome.ticket = job.ticket;
            outcome.message =
                Message{job.channel, m_seq, QString::number(m_seq), job.cid, job.from, 1, job.text};
            outcomes.append(outcome);
        }
        return outcomes;
    }
    std::optional<QList<Message>> range(qint64, const QString &, qint64, qint64, int) override
    {
        return std::nullopt;
    }
    std::optional<QList<Message>> before(qint64, const QString &, qint64, int, bool *) override
    {
        return std::nullopt;
    }
    std::optional<QList<Message>> after(qint64, const QString &, qint64, qint64, int,
                                        bool *) override
    {
        return std::nullopt;
    }
    std::optional<qint64> firstSeqSince(qint64, qint64, qint64) override { return std::nullopt; }

private:
    Log &m_log;
    qint64 m_seq = 0;
};

TEST(MessageWriterStore, IsMadeUsedAndDestroyedOnTheWriterThreadOnly)
{
    RecordingStore::Log log;
    QThread *opener = nullptr;
    {
        MessageWriter writer(
            [&](QString *) -> std::unique_ptr<MessageStore> {
                opener = QThread::currentThread();
                return std::make_unique<RecordingStore>(log);
            },
            5ms, 2);
        QString error;
        ASSERT_TRUE(writer.start(&error)) << error.toStdString();
        OutcomeCollector collector(writer);
        QList<quint64> tickets;
        for (int i = 0; i < 5; ++i)
            tickets.append(writer.submit(job(1, u"general"_s, u"alice"_s, u"c%1"_s.arg(i), {})));
        ASSERT_TRUE(collector.waitFor(5));
        for (int i = 0; i < 5; ++i) {
            EXPECT_EQ(collector.outcomes[i].ticket, tickets[i]);
            EXPECT_EQ(collector.outcomes[i].message.seq, i + 1); // as the store numbered them
        }
        EXPECT_GE(collector.batches.size(), 3); // at most 2 a batch: one append each
        writer.stop();
        QMutexLocker lock(&log.mutex);
        EXPECT_EQ(log.appended.size(), collector.batches.size());
    }
    ASSERT_NE(opener, nullptr);
    EXPECT_NE(opener, QThread::currentThread());
    QMutexLocker lock(&log.mutex);
    EXPECT_EQ(log.made, opener);
    for (QThread *thread : std::as_const(log.appended))
        EXPECT_EQ(thread, opener);
    EXPECT_EQ(log.destroyed, opener);
}

TEST(MessageWriterStore, FailsToStartWithTheStoresError)
{
    MessageWriter writer(
        [](QString *error) -> std::unique_ptr<MessageStore> {
            *error = u"no store today"_s;
            return nullptr;
        },
        5ms, 10);
    QString error;
    EXPECT_FALSE(writer.start(&error));
    EXPECT_EQ(error, u"no store today"_s);

    MessageWriter silent([](QString *) { return std::unique_ptr<MessageStore>(); }, 5ms, 10);
    error.clear();
    EXPECT_FALSE(silent.start(&error));
    EXPECT_FALSE(error.isEmpty()); // a failure always says something
}

} // namespace
} // namespace confab::store::testing
