// SPDX-License-Identifier: Apache-2.0
#pragma once

// Shared fixture of the store tests: a fresh data directory per test, real SQLite files.

#include "database.h"
#include "messagewriter.h"

#include <QFile>
#include <QList>
#include <QObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

namespace confab::store::testing {

class StoreTest : public ::testing::Test
{
protected:
    QString dbPath() const { return m_dir.filePath(QStringLiteral("confab.db")); }
    QString filePath(const QString &name) const { return m_dir.filePath(name); }

    /// Opens `db` on dbPath() and fails the test when it does not open.
    void open(Database &db)
    {
        QString error;
        ASSERT_TRUE(db.open(dbPath(), &error)) << error.toStdString();
    }

    /// Writes tests/store/fixtures/confab-v1.sql into dbPath(), as a v1 build left it.
    void loadV1Fixture();

    static QByteArray readFile(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    static void writeFile(const QString &path, const QByteArray &bytes)
    {
        QFile file(path);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        ASSERT_EQ(file.write(bytes), bytes.size());
    }

    QTemporaryDir m_dir;
};

/// Collects a MessageWriter's outcomes on the test's thread (queued, as a server would).
class OutcomeCollector : public QObject
{
public:
    explicit OutcomeCollector(MessageWriter &writer)
    {
        connect(
            &writer, &MessageWriter::committed, this,
            [this](const QList<PublishOutcome> &batch) {
                batches.append(batch);
                outcomes.append(batch);
            },
            Qt::QueuedConnection);
    }

    /// Runs the event loop until `count` outcomes have arrived (or `timeoutMs` passed).
    bool waitFor(qsizetype count, int timeoutMs = 10000)
    {
        return QTest::qWaitFor([&] { return outcomes.size() >= count; }, timeoutMs);
    }

    QList<QList<PublishOutcome>> batches;
    QList<PublishOutcome> outcomes;
};

/// Runs raw SQL on `path` through a connection of its own (to set up or inspect a file
/// behind the store's back); returns the first column of the last statement's first row.
inline QVariant rawSql(const QString &path, const QStringList &statements)
{
    static int counter = 0;
    const QString name = QStringLiteral("raw-%1").arg(++counter);
    QVariant result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        EXPECT_TRUE(db.open()) << db.lastError().text().toStdString();
        QSqlQuery query(db);
        for (const QString &statement : statements) {
            EXPECT_TRUE(query.exec(statement))
                << statement.toStdString() << ": " << query.lastError().text().toStdString();
        }
        if (query.isSelect() && query.next())
            result = query.value(0);
    }
    QSqlDatabase::removeDatabase(name);
    return result;
}

inline void StoreTest::loadV1Fixture()
{
    QFile fixture(QStringLiteral(CONFAB_STORE_FIXTURES "/confab-v1.sql"));
    ASSERT_TRUE(fixture.open(QIODevice::ReadOnly | QIODevice::Text));
    QStringList statements;
    for (const QString &statement :
         QString::fromUtf8(fixture.readAll()).split(QStringLiteral(";\n"))) {
        QStringList lines = statement.split(u'\n');
        lines.removeIf(
            [](const QString &line) { return line.startsWith(QLatin1StringView("--")); });
        if (!lines.join(u'\n').trimmed().isEmpty())
            statements.append(lines.join(u'\n'));
    }
    rawSql(dbPath(), statements);
}

inline PublishJob job(qint64 channelId, const QString &channel, const QString &from,
                      const QString &cid, const QString &text)
{
    PublishJob j;
    j.channelId = channelId;
    j.channel = channel;
    j.from = from;
    j.cid = cid;
    j.text = text;
    return j;
}

} // namespace confab::store::testing
