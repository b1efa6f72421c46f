// SPDX-License-Identifier: Apache-2.0
#include "cacheseeder.h"

#include "chatclient.h"
#include "messagecache.h"
#include "tokenstore.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QRandomGenerator>

#include <array>

using namespace Qt::StringLiterals;

namespace confab::bench {

namespace {

const std::array authors = {u"alice"_s, u"bob"_s,   u"carol"_s, u"dave"_s,
                            u"erin"_s,  u"frank"_s, u"grace"_s, u"heidi"_s};

const QStringList words =
    QStringLiteral(
        "the a to and of I you it is that for on we this in be with have are not just so "
        "build deploy server client release branch merge review test failing green flaky "
        "coffee lunch meeting tomorrow today yesterday later soon done thanks sure ok "
        "cache database index query latency memory frame window scroll channel message "
        "could should would maybe probably definitely think know see look check try "
        "bug fix patch crash log trace error warning config option flag default value "
        "déjà vu naïve café über Straße ünïcödé — “quoted” 👍 🎉 ✓ → "
        "https://example.org/issues/1234 #general @bob @carol `ninja -C build` v1.2.3")
        .split(u' ');

/// One chat-like text: mostly a short line, sometimes a paragraph or several lines.
QString makeText(QRandomGenerator &random)
{
    const int kind = int(random.bounded(100));
    int count;
    int lines = 1;
    if (kind < 55)
        count = 2 + int(random.bounded(12));
    else if (kind < 85)
        count = 12 + int(random.bounded(30));
    else if (kind < 97)
        count = 40 + int(random.bounded(80));
    else {
        count = 20 + int(random.bounded(60));
        lines = 2 + int(random.bounded(5));
    }
    QString text;
    text.reserve(count * 7);
    for (int i = 0; i < count; ++i) {
        if (i > 0)
            text += (lines > 1 && random.bounded(count) < lines) ? u'\n' : u' ';
        text += words.at(int(random.bounded(qsizetype(words.size()))));
    }
    if (random.bounded(3) == 0)
        text += random.bounded(2) ? u"."_s : u"?"_s;
    text[0] = text[0].toUpper();
    return text;
}

} // namespace

qint64 cacheBytes(const QString &dataDir)
{
    qint64 bytes = 0;
    for (const QString &suffix : {u""_s, u"-wal"_s, u"-shm"_s})
        bytes += QFileInfo(QDir(dataDir).filePath(u"client.sqlite"_s + suffix)).size();
    return bytes;
}

std::optional<SeedResult> seedDataDir(const QString &dataDir, const SeedOptions &options,
                                      QString *error)
{
    QElapsedTimer timer;
    timer.start();
    SeedResult result;
    QRandomGenerator random(options.seed);
    {
        client::ChatClient client(dataDir);
        if (!client.start(error))
            return std::nullopt;
        client::MessageCache *cache = client.cache();
        // The seed may hold more per channel than the app's default bound; the app trims only
        // when it stores new messages.
        cache->setMaxPerChannel(
            std::max(options.messagesPerChannel, client::MessageCache::defaultMaxPerChannel));
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (int c = 0; c < options.channels; ++c) {
            const QString name =
                u"%1-%2"_s.arg(options.channelPrefix).arg(c, 2, 10, QLatin1Char('0'));
            result.channels.append(name);
            cache->addChannel(name, u"Benchmark channel %1"_s.arg(c));
            // Timestamps walk back from now: 5 s to 20 min apart, sometimes a night.
            QList<qint64> times(options.messagesPerChannel);
            qint64 ts = now;
            for (int i = options.messagesPerChannel - 1; i >= 0; --i) {
                times[i] = ts;
                ts -= random.bounded(50) == 0 ? 8 * 3600 * 1000 + random.bounded(3600 * 1000)
                                              : 5000 + random.bounded(20 * 60 * 1000);
            }
            constexpr int batchSize = 2000;
            for (int first = 0; first < options.messagesPerChannel; first += batchSize) {
                QList<Message> batch;
                const int last = std::min(first + batchSize, options.messagesPerChannel);
                batch.reserve(last - first);
                for (int i = first; i < last; ++i) {
                    const qint64 seq = i + 1;
                    // Runs by one author, as in real chat.
                    const QString &author =
                        authors[random.bounded(4) == 0 ? random.bounded(int(authors.size()))
                                                       : (i / 3) % authors.size()];
                    batch.append(Message{
                        name, seq, u"%1-%2"_s.arg(c).arg(seq, 8, 16, QLatin1Char('0')),
                        u"seed-%1-%2"_s.arg(c).arg(seq), author, times[i], makeText(random)});
                }
                cache->store(batch);
            }
            cache->setSyncedSeq(name, options.messagesPerChannel);
            cache->setLastReadSeq(name, options.messagesPerChannel);
        }
    } // closing the database checkpoints its WAL
    client::TokenStore tokens(dataDir);
    if (!tokens.save({options.server, options.me, u"bench-token-not-valid-anywhere"_s}, error))
        return std::nullopt;
    result.dbBytes = cacheBytes(dataDir);
    result.seconds = timer.elapsed() / 1000.0;
    return result;
}

} // namespace confab::bench
