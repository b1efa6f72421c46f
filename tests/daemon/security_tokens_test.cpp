// SPDX-License-Identifier: Apache-2.0
// Sign-in tokens at rest (issue 15): after sign-ins, token sign-ins, a registration and a
// sign-out on the real confabd, no token is in its database in clear: not in any column of
// any table, not in the raw bytes of confab.db and its WAL, in any of the forms a token takes
// (its text, its 32 random bytes, their hex). Only its SHA-256 is there.

#include "daemonfixture.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

/// Every value of every column of every table of the SQLite file at `path`, as bytes
/// (text as UTF-8, blobs as they are, numbers as their text).
QList<QByteArray> everyValue(const QString &path)
{
    QList<QByteArray> values;
    const QString name = u"tokens-scan"_s;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(path);
        db.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
        if (!db.open()) {
            ADD_FAILURE() << "cannot open " << path.toStdString();
            return values;
        }
        QStringList tables;
        QSqlQuery list(u"SELECT name FROM sqlite_master WHERE type = 'table'"_s, db);
        while (list.next())
            tables.append(list.value(0).toString());
        EXPECT_TRUE(tables.contains(u"tokens"_s)) << tables.join(u',').toStdString();
        for (const QString &table : std::as_const(tables)) {
            QSqlQuery rows(u"SELECT * FROM \"%1\""_s.arg(table), db);
            while (rows.next()) {
                for (int i = 0; i < rows.record().count(); ++i) {
                    const QVariant value = rows.value(i);
                    values.append(value.typeId() == QMetaType::QByteArray
                                      ? value.toByteArray()
                                      : value.toString().toUtf8());
                }
            }
        }
    }
    QSqlDatabase::removeDatabase(name);
    return values;
}

QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

/// The forms a token could be written in: its text, its random bytes, their hex.
QList<QByteArray> formsOf(const QString &token)
{
    const QByteArray raw = QByteArray::fromBase64(
        token.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    return {token.toUtf8(), raw, raw.toHex(), raw.toHex().toUpper()};
}

} // namespace

class TokenStorage : public DaemonTest
{};

TEST_F(TokenStorage, DatabaseHoldsOnlyTheHashOfEachToken)
{
    Daemon daemon;
    ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path(), {u"--open-registration"_s}));
    QStringList tokens;
    // alice on two connections (a token each), one of them signed in again by token.
    auto first = signIn(daemon.url());
    auto second = signIn(daemon.url());
    ASSERT_TRUE(first && second);
    tokens << first->token() << second->token();
    TestClient byToken;
    ASSERT_TRUE(byToken.open(daemon.url()));
    const auto tokenHello = byToken.helloToken(first->token());
    ASSERT_TRUE(tokenHello && isOk(*tokenHello));
    // A new account, and its sign-in.
    TestClient registering;
    ASSERT_TRUE(registering.open(daemon.url()));
    const auto registered = registering.request(QJsonObject{
        {"t"_L1, "register"_L1}, {"user"_L1, "zoe"_L1}, {"password"_L1, "zoe-password-1"_L1}});
    ASSERT_TRUE(registered && isOk(*registered))
        << (registered ? dump(*registered).toStdString() : std::string("no reply"));
    const auto zoe = registering.hello(u"zoe"_s, u"zoe-password-1"_s);
    ASSERT_TRUE(zoe && isOk(*zoe));
    tokens << registering.token();
    // One token revoked: its row is deleted, but the bytes of a deleted row may stay.
    const auto logout = second->request(QJsonObject{{"t"_L1, "logout"_L1}});
    ASSERT_TRUE(logout && isOk(*logout));
    for (const QString &token : std::as_const(tokens))
        ASSERT_EQ(token.size(), 43) << "a token is 256 random bits in base64url";

    // Read while confabd still runs (the WAL holds the newest pages), then after it stopped.
    const QString db = dataDir.filePath(u"confab.db"_s);
    for (const bool running : {true, false}) {
        if (!running)
            daemon.terminate();
        const QList<QByteArray> values = everyValue(db);
        QByteArray raw;
        for (const QString &suffix : {u""_s, u"-wal"_s, u"-shm"_s, u"-journal"_s})
            raw += fileBytes(db + suffix);
        ASSERT_GT(raw.size(), 0);
        for (const QString &token : std::as_const(tokens)) {
            for (const QByteArray &form : formsOf(token)) {
                EXPECT_FALSE(raw.contains(form))
                    << "token in the raw file bytes (running: " << running << ")";
                for (const QByteArray &value : values)
                    EXPECT_FALSE(value.contains(form)) << "token in a column: " << value.data();
            }
        }
        // The scan can find what is there: the live tokens' hashes are in `tokens`.
        for (const QString &token : {tokens[0], tokens[2]}) {
            const QByteArray hash =
                QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256);
            EXPECT_TRUE(values.contains(hash) || values.contains(hash.toHex()))
                << "the SHA-256 of a live token is not in the database";
        }
    }
}
