// SPDX-License-Identifier: Apache-2.0
#pragma once

// The sign-in session kept between runs. The token lives in the desktop keyring (the Secret
// Service, KWallet, … through QtKeychain) under the service "Confab" and a key naming the
// user, the server and the data directory, so two accounts or two data directories never
// share an entry. `<dataDir>/session.json` (0600, written atomically with QSaveFile) keeps
// the rest: the server URL, the user name and that key.
//
// Contract:
// - Where no keyring answers (no session bus, no Secret Service, the user refusing access)
//   the token is kept in session.json itself, 0600, as before the keyring. Our own fallback,
//   not QtKeychain's insecureFallback (a QSettings file we do not control).
// - A token found in session.json (that fallback, or a file from before the keyring) still
//   signs in, and fetch() moves it to the keyring when one answers.
// - Keyring jobs are asynchronous: save() and remove() change load()/hasSession() at once
//   and finish in the keyring later, in the order they were called; busy() is true until
//   then. A later save() or remove() wins over an earlier one still under way.
// - remove() deletes the file and the keyring entry.
// - CONFAB_KEYRING=off in the environment keeps the token in the file only (the engine's
//   tests set it, so they never touch a developer's keyring).
// - The password is never stored; the token never goes to the log.

#include <QObject>
#include <QString>
#include <QUrl>

#include <functional>
#include <optional>

namespace QKeychain {
class Job;
}

namespace confab::client {

struct SavedSession
{
    QUrl url;
    QString user;
    QString token;
};

class TokenStore : public QObject
{
    Q_OBJECT

public:
    /// Where the saved token is.
    enum class Place { None, Keyring, File };

    explicit TokenStore(const QString &dataDir, QObject *parent = nullptr);

    QString filePath() const { return m_path; }
    /// The saved session as known now, without waiting: url and user, and the token when
    /// session.json holds it (empty when it is in the keyring). A save() under way counts,
    /// token included.
    std::optional<SavedSession> load() const;
    bool hasSession() const { return load().has_value(); }
    /// Where load()'s token is.
    Place tokenPlace() const;
    /// The whole session, token included, to `done`: at once when the token is in the file,
    /// once the keyring answers when it is there (nullopt when there is no session or the
    /// keyring cannot give the token; a token the keyring lost also deletes the file). Not
    /// called when a save() or remove() came in between.
    void fetch(std::function<void(const std::optional<SavedSession> &)> done);
    /// Keeps `session`: the token in the keyring, else in the file. false (and `error`) when
    /// session.json cannot be written now; a keyring failure later falls back to the file.
    bool save(const SavedSession &session, QString *error = nullptr);
    /// Deletes the file (at once) and the keyring entry (soon); true when no file is left.
    bool remove();
    /// A keyring job of ours is under way.
    bool busy() const { return m_jobs > 0; }

    /// The keyring key of `user` at `url` for this data directory.
    QString keyringKey(const QUrl &url, const QString &user) const;
    static QString keyringService();

Q_SIGNALS:
    /// The last keyring job of ours finished (busy() is false again).
    void settled();

private:
    struct FileContent
    {
        SavedSession session; ///< token empty when it is in the keyring
        QString keyringKey;   ///< set when the token is in the keyring
    };
    /// Disabled: never asked (no session bus, CONFAB_KEYRING=off). Failed: a job failed this
    /// run, so saves go to the file until the next run tries again.
    enum class Keyring { Unknown, Works, Failed, Disabled };

    std::optional<FileContent> readFile() const;
    bool writeFile(const FileContent &content, QString *error);
    bool canWriteKeyring() const;
    /// Writes `session`'s token to the keyring; on success session.json names the key, on
    /// failure it holds the token. Ignored when `generation` is no longer current.
    void storeInKeyring(const SavedSession &session, quint64 generation);
    void deleteFromKeyring(const QString &key);
    void track(QKeychain::Job *job);

    QString m_dataDir;
    QString m_path;
    Keyring m_keyring = Keyring::Unknown;
    quint64 m_generation = 0;              ///< bumped by every save() and remove()
    std::optional<SavedSession> m_pending; ///< a save() waiting for the keyring
    int m_jobs = 0;
};

} // namespace confab::client
