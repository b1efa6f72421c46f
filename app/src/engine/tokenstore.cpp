// SPDX-License-Identifier: Apache-2.0
#include "tokenstore.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSaveFile>
#include <qt6keychain/keychain.h>

using namespace Qt::StringLiterals;

namespace confab::client {

Q_LOGGING_CATEGORY(lcToken, "confab.client.token")

namespace {

/// Whether a keyring may be asked at all. Without a session bus address there is no Secret
/// Service to ask, and asking would let D-Bus try to autolaunch a bus (dbus-launch, X11).
bool keyringAllowed()
{
    if (qEnvironmentVariable("CONFAB_KEYRING") == "off"_L1)
        return false;
    if (!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        return true;
    const QString runtimeDir = qEnvironmentVariable("XDG_RUNTIME_DIR");
    return !runtimeDir.isEmpty() && QFile::exists(QDir(runtimeDir).filePath(u"bus"_s));
}

} // namespace

TokenStore::TokenStore(const QString &dataDir, QObject *parent)
    : QObject(parent)
    , m_dataDir(QDir(dataDir).absolutePath())
    , m_path(QDir(dataDir).filePath(u"session.json"_s))
    , m_keyring(keyringAllowed() ? Keyring::Unknown : Keyring::Disabled)
{}

QString TokenStore::keyringService()
{
    return u"Confab"_s;
}

QString TokenStore::keyringKey(const QUrl &url, const QString &user) const
{
    return u"%1 at %2 (%3)"_s.arg(user, url.toString(), m_dataDir);
}

std::optional<SavedSession> TokenStore::load() const
{
    if (m_pending)
        return m_pending;
    if (const auto content = readFile())
        return content->session;
    return std::nullopt;
}

TokenStore::Place TokenStore::tokenPlace() const
{
    const auto content = readFile();
    if (!content)
        return Place::None;
    return content->keyringKey.isEmpty() ? Place::File : Place::Keyring;
}

void TokenStore::fetch(std::function<void(const std::optional<SavedSession> &)> done)
{
    if (m_pending) {
        done(m_pending);
        return;
    }
    const auto content = readFile();
    if (!content) {
        done(std::nullopt);
        return;
    }
    if (content->keyringKey.isEmpty()) {
        done(content->session);
        // Our own fallback, or a file from before the keyring: move the token there.
        if (canWriteKeyring()) {
            m_pending = content->session;
            storeInKeyring(content->session, ++m_generation);
        }
        return;
    }
    if (m_keyring == Keyring::Disabled) {
        qCWarning(lcToken) << "the session's token is in the keyring, which is not available";
        done(std::nullopt);
        return;
    }
    auto *job = new QKeychain::ReadPasswordJob(keyringService());
    job->setKey(content->keyringKey);
    const quint64 generation = m_generation;
    connect(job, &QKeychain::Job::finished, this,
            [this, job, generation, session = content->session, done = std::move(done)]() mutable {
                if (generation != m_generation)
                    return; // signed in or out meanwhile
                switch (job->error()) {
                case QKeychain::NoError:
                    m_keyring = Keyring::Works;
                    session.token = job->textData();
                    done(session);
                    return;
                case QKeychain::EntryNotFound:
                    // Deleted from the keyring by hand: the session is gone.
                    m_keyring = Keyring::Works;
                    qCWarning(lcToken) << "the keyring no longer holds the session's token";
                    QFile::remove(m_path);
                    break;
                default:
                    qCWarning(lcToken)
                        << "cannot read the token from the keyring:" << job->errorString();
                    break;
                }
                done(std::nullopt);
            });
    track(job);
    job->start();
}

bool TokenStore::save(const SavedSession &session, QString *error)
{
    ++m_generation;
    const QString key = keyringKey(session.url, session.user);
    // Another account's entry (a different user, server) would be left behind.
    QStringList stale;
    if (const auto content = readFile(); content && !content->keyringKey.isEmpty())
        stale.append(content->keyringKey);
    if (m_pending)
        stale.append(keyringKey(m_pending->url, m_pending->user));
    stale.removeAll(key);
    stale.removeDuplicates();
    if (m_keyring != Keyring::Disabled) {
        for (const QString &old : std::as_const(stale))
            deleteFromKeyring(old);
    }
    if (!canWriteKeyring()) {
        m_pending.reset();
        return writeFile({session, {}}, error);
    }
    m_pending = session;
    storeInKeyring(session, m_generation);
    return true;
}

bool TokenStore::remove()
{
    ++m_generation;
    QStringList keys;
    if (const auto content = readFile(); content && !content->keyringKey.isEmpty())
        keys.append(content->keyringKey);
    if (m_pending)
        keys.append(keyringKey(m_pending->url, m_pending->user));
    m_pending.reset();
    keys.removeDuplicates();
    if (m_keyring != Keyring::Disabled) {
        // Queued after any write of ours still under way (QtKeychain runs jobs in order).
        for (const QString &key : std::as_const(keys))
            deleteFromKeyring(key);
    }
    return !QFile::exists(m_path) || QFile::remove(m_path);
}

bool TokenStore::canWriteKeyring() const
{
    return m_keyring == Keyring::Unknown || m_keyring == Keyring::Works;
}

void TokenStore::storeInKeyring(const SavedSession &session, quint64 generation)
{
    const QString key = keyringKey(session.url, session.user);
    // Unparented and deleting itself: QtKeychain's libsecret callback keeps a pointer to the
    // job, so it must never be deleted while under way.
    auto *job = new QKeychain::WritePasswordJob(keyringService());
    job->setKey(key);
    job->setTextData(session.token);
    connect(job, &QKeychain::Job::finished, this, [this, job, session, key, generation] {
        const bool stored = job->error() == QKeychain::NoError;
        if (stored) {
            m_keyring = Keyring::Works;
        } else {
            m_keyring = Keyring::Failed;
            qCInfo(lcToken) << "no keyring answers (" << job->errorString()
                            << "): the token stays in" << m_path;
        }
        if (generation != m_generation)
            return; // a later save() or remove() decides
        m_pending.reset();
        FileContent content{session, {}};
        if (stored) {
            content.session.token.clear();
            content.keyringKey = key;
        }
        QString error;
        if (!writeFile(content, &error))
            qCWarning(lcToken) << "cannot keep the session:" << error;
    });
    track(job);
    job->start();
}

void TokenStore::deleteFromKeyring(const QString &key)
{
    auto *job = new QKeychain::DeletePasswordJob(keyringService());
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [job] {
        if (job->error() != QKeychain::NoError && job->error() != QKeychain::EntryNotFound)
            qCWarning(lcToken) << "cannot delete the token from the keyring:" << job->errorString();
    });
    track(job);
    job->start();
}

void TokenStore::track(QKeychain::Job *job)
{
    ++m_jobs;
    connect(job, &QKeychain::Job::finished, this, [this] {
        if (--m_jobs == 0)
            Q_EMIT settled();
    });
}

std::optional<TokenStore::FileContent> TokenStore::readFile() const
{
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QJsonObject object = QJsonDocument::fromJson(file.readAll()).object();
    FileContent content{{QUrl(object.value("url"_L1).toString()),
                         object.value("user"_L1).toString(), object.value("token"_L1).toString()},
                        object.value("keyring"_L1).toString()};
    if (!content.session.url.isValid() ||
        content.session.token.isEmpty() == content.keyringKey.isEmpty()) {
        qCWarning(lcToken) << "ignoring an unreadable session file";
        return std::nullopt;
    }
    return content;
}

bool TokenStore::writeFile(const FileContent &content, QString *error)
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSaveFile file(m_path);
    // Restrict before any byte is written: the file may hold the token.
    if (!file.open(QIODevice::WriteOnly) ||
        !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        if (error)
            *error = file.errorString();
        return false;
    }
    QJsonObject object{{"url"_L1, content.session.url.toString()},
                       {"user"_L1, content.session.user}};
    if (content.keyringKey.isEmpty())
        object.insert("token"_L1, content.session.token);
    else
        object.insert("keyring"_L1, content.keyringKey);
    file.write(QJsonDocument(object).toJson(QJsonDocument::Compact));
    if (!file.commit()) {
        if (error)
            *error = file.errorString();
        return false;
    }
    QFile::setPermissions(m_path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    qCDebug(lcToken) << "session saved for" << content.session.user
                     << (content.keyringKey.isEmpty() ? "(token in the file)"
                                                      : "(token in the keyring)");
    return true;
}

} // namespace confab::client
