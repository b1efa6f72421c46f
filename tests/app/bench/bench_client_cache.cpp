// SPDX-License-Identifier: Apache-2.0
// Opening a channel of 100,000 cached messages: the message model reads only its newest
// page from the local database, so this should stay far below the 200 ms target however
// long the history. Built, not run by ctest:
//   build/tests/app/bench_client_cache --benchmark_min_time=1

#include "localdatabase.h"
#include "messagecache.h"
#include "messagemodel.h"
#include "outbox.h"

#include <QCoreApplication>
#include <QTemporaryDir>

#include <benchmark/benchmark.h>

#include <memory>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::client;

namespace {

constexpr int messageCount = 100'000;
const QString channel = u"general"_s;

/// A database file with 100,000 messages in one channel, built once per process.
const QString &fixturePath()
{
    static QTemporaryDir dir;
    static const QString path = [] {
        const QString file = dir.filePath(u"client.sqlite"_s);
        LocalDatabase db(file);
        db.open();
        MessageCache cache(db.database(), 0);
        cache.addChannel(channel);
        QList<Message> batch;
        batch.reserve(messageCount);
        for (qint64 seq = 1; seq <= messageCount; ++seq) {
            batch.append(
                Message{channel, seq, u"mid-%1"_s.arg(seq), u"cid-%1"_s.arg(seq),
                        seq % 3 ? u"alice"_s : u"bob"_s, 1'700'000'000'000 + seq * 7000,
                        u"message number %1 with some ordinary chat text in it"_s.arg(seq)});
        }
        cache.store(batch);
        return file;
    }();
    return path;
}

/// Reads what a view shows first: the last 30 rows, every role.
void readVisibleRows(const MessageModel &model)
{
    for (int row = std::max(0, model.rowCount() - 30); row < model.rowCount(); ++row) {
        const QModelIndex index = model.index(row);
        for (int role = MessageModel::SeqRole; role <= MessageModel::DayBreakRole; ++role)
            benchmark::DoNotOptimize(index.data(role));
    }
}

/// The database is already open (app running): open one channel's model.
void BM_OpenChannel(benchmark::State &state)
{
    LocalDatabase db(fixturePath());
    db.open();
    MessageCache cache(db.database(), 0);
    Outbox outbox(db.database());
    for (auto _ : state) {
        MessageModel model(&cache, &outbox, channel);
        readVisibleRows(model);
        benchmark::DoNotOptimize(model.rowCount());
    }
}
BENCHMARK(BM_OpenChannel)->Unit(benchmark::kMillisecond);

/// App start: open (and health-check) the database, then the channel's model.
void BM_StartAndOpenChannel(benchmark::State &state)
{
    fixturePath();
    for (auto _ : state) {
        LocalDatabase db(fixturePath());
        db.open();
        MessageCache cache(db.database(), 0);
        Outbox outbox(db.database());
        MessageModel model(&cache, &outbox, channel);
        readVisibleRows(model);
        benchmark::DoNotOptimize(model.rowCount());
    }
}
BENCHMARK(BM_StartAndOpenChannel)->Unit(benchmark::kMillisecond);

/// Scrolling up: one more page from the cache.
void BM_FetchOlderPage(benchmark::State &state)
{
    LocalDatabase db(fixturePath());
    db.open();
    MessageCache cache(db.database(), 0);
    Outbox outbox(db.database());
    MessageModel model(&cache, &outbox, channel);
    for (auto _ : state) {
        if (!model.canFetchMore({})) {
            state.PauseTiming();
            model.reload();
            state.ResumeTiming();
        }
        model.fetchMore({});
    }
}
BENCHMARK(BM_FetchOlderPage)->Unit(benchmark::kMicrosecond);

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
