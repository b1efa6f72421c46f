// SPDX-License-Identifier: Apache-2.0
#pragma once

// Fills a desktop app data directory as a long-time user leaves it: the app's own local
// cache (ChatClient's MessageCache, a real SQLite file) holding `channels` channels of
// `messagesPerChannel` messages each, all synced and read, and a saved session for `me`
// (TokenStore), so that `confab --data DIR` opens on the chat page from the cache. Texts are
// made up but chat-like: several authors, lengths from a few words to several lines, some
// non-ASCII, timestamps seconds to hours apart. Deterministic for a given `seed`.

#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace confab::bench {

struct SeedOptions
{
    int channels = 1;
    int messagesPerChannel = 1000;
    QString channelPrefix = QStringLiteral("bench");
    QString me = QStringLiteral("alice");
    /// The saved session's server: nothing listens there by default, so the app stays
    /// offline and shows its cache (a real confabd may be given instead).
    QUrl server = QUrl(QStringLiteral("ws://127.0.0.1:9/ws"));
    quint32 seed = 14;
};

struct SeedResult
{
    QStringList channels; ///< in the sidebar's order
    qint64 dbBytes = 0;   ///< client.sqlite with its WAL, once closed
    double seconds = 0;
};

std::optional<SeedResult> seedDataDir(const QString &dataDir, const SeedOptions &options,
                                      QString *error);

/// The size in bytes of `dataDir`'s local database (with its -wal and -shm files).
qint64 cacheBytes(const QString &dataDir);

} // namespace confab::bench
