// SPDX-License-Identifier: Apache-2.0
#pragma once

// The server certificates this user accepted (trust on first use, like SSH's known_hosts):
// one SHA-256 fingerprint per server origin, kept in `<dataDir>/known-servers.json`.
//
// Contract:
// - A pin belongs to an origin: scheme, host and port of the URL (`wss://192.168.1.5:8765`;
//   the path does not count, a missing port is the scheme's default). A pin for one origin
//   never applies to another.
// - Writes are atomic (QSaveFile) and the file is 0600: a crash leaves the old file or the
//   new one, and only its owner reads it.
// - A missing file is an empty list; an unreadable one too, said with a qWarning: a broken
//   file never stops the app (the user is asked again, which is the safe side).
// - Not thread-safe; one object per data directory.

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QUrl>

namespace confab::client {

class KnownServers
{
public:
    explicit KnownServers(const QString &dataDir);

    QString filePath() const { return m_path; }
    /// Reads the file; false (and an empty list) when it exists but cannot be read.
    bool load(QString *error = nullptr);
    /// The raw SHA-256 accepted for `url`'s origin; empty when none.
    QByteArray fingerprintFor(const QUrl &url) const;
    /// Accepts `sha256` (32 raw bytes) for `url`'s origin, replacing an earlier pin, and saves.
    bool trust(const QUrl &url, const QByteArray &sha256, QString *error = nullptr);
    /// Drops the pin of `url`'s origin and saves; true when none is left.
    bool forget(const QUrl &url, QString *error = nullptr);
    int count() const { return int(m_pins.size()); }

    /// "wss://host:port": the key of a pin; empty for a URL without a host.
    static QString origin(const QUrl &url);

private:
    bool save(QString *error);

    QString m_path;
    QHash<QString, QByteArray> m_pins; ///< origin -> raw SHA-256
};

} // namespace confab::client
