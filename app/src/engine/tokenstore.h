// SPDX-License-Identifier: Apache-2.0
#pragma once

// The sign-in token, kept between runs in `<dataDir>/session.json` (server URL, user name
// and token) with permissions 0600: readable by its owner only. The password is never
// stored. Writes are atomic (QSaveFile): a crash leaves the old file or the new one.

#include <QString>
#include <QUrl>

#include <optional>

namespace confab::client {

struct SavedSession
{
    QUrl url;
    QString user;
    QString token;
};

class TokenStore
{
public:
    explicit TokenStore(const QString &dataDir);

    QString filePath() const { return m_path; }
    std::optional<SavedSession> load() const;
    bool save(const SavedSession &session, QString *error = nullptr);
    /// Deletes the file; true when none is left.
    bool remove();

private:
    QString m_path;
};

} // namespace confab::client
