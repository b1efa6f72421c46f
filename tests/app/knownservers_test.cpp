// SPDX-License-Identifier: Apache-2.0
// KnownServers, the certificates the user trusted on first use: a round trip through the
// file, its 0600 mode, one pin per origin (scheme, host, port), and a corrupt file that
// starts empty instead of failing.

#include "knownservers.h"

#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <sys/stat.h>

using namespace Qt::StringLiterals;
using namespace confab::client;

namespace {

const QByteArray shaA(32, '\xa1');
const QByteArray shaB(32, '\xb2');
const QUrl lan(u"wss://192.168.1.5:8765/ws"_s);

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(bytes);
}

} // namespace

TEST(KnownServers, TrustedFingerprintsSurviveAReload)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    {
        KnownServers known(dir.path());
        ASSERT_TRUE(known.load()); // no file yet: empty, not an error
        EXPECT_TRUE(known.fingerprintFor(lan).isEmpty());
        ASSERT_TRUE(known.trust(lan, shaA));
        ASSERT_TRUE(known.trust(QUrl(u"wss://10.0.0.2:9000/ws"_s), shaB));
        EXPECT_EQ(known.fingerprintFor(lan), shaA);
    }
    KnownServers again(dir.path());
    ASSERT_TRUE(again.load());
    EXPECT_EQ(again.count(), 2);
    EXPECT_EQ(again.fingerprintFor(lan), shaA);
    EXPECT_EQ(again.fingerprintFor(QUrl(u"wss://10.0.0.2:9000/ws"_s)), shaB);

    // A new certificate replaces the old one; forget() removes it for good.
    ASSERT_TRUE(again.trust(lan, shaB));
    ASSERT_TRUE(again.forget(QUrl(u"wss://10.0.0.2:9000/ws"_s)));
    KnownServers third(dir.path());
    ASSERT_TRUE(third.load());
    EXPECT_EQ(third.count(), 1);
    EXPECT_EQ(third.fingerprintFor(lan), shaB);
    EXPECT_TRUE(third.fingerprintFor(QUrl(u"wss://10.0.0.2:9000/ws"_s)).isEmpty());
}

TEST(KnownServers, FileIsReadableByItsOwnerOnly)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    KnownServers known(dir.path());
    ASSERT_TRUE(known.trust(lan, shaA));
    EXPECT_EQ(known.filePath(), dir.filePath(u"known-servers.json"_s));
    struct stat st
    {};
    ASSERT_EQ(::stat(QFile::encodeName(known.filePath()).constData(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u) << std::oct << (st.st_mode & 07777);
    // Rewritten (QSaveFile makes a new file each time): still 0600.
    ASSERT_TRUE(known.trust(lan, shaB));
    ASSERT_EQ(::stat(QFile::encodeName(known.filePath()).constData(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u) << std::oct << (st.st_mode & 07777);
}

TEST(KnownServers, APinBelongsToOneOrigin)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    KnownServers known(dir.path());
    ASSERT_TRUE(known.trust(lan, shaA));
    // The same origin, whatever the path or the host's case.
    EXPECT_EQ(known.fingerprintFor(QUrl(u"wss://192.168.1.5:8765"_s)), shaA);
    EXPECT_EQ(known.fingerprintFor(QUrl(u"wss://192.168.1.5:8765/other"_s)), shaA);
    // Another port, host or scheme is another server.
    EXPECT_TRUE(known.fingerprintFor(QUrl(u"wss://192.168.1.5:8766/ws"_s)).isEmpty());
    EXPECT_TRUE(known.fingerprintFor(QUrl(u"wss://192.168.1.6:8765/ws"_s)).isEmpty());
    EXPECT_TRUE(known.fingerprintFor(QUrl(u"ws://192.168.1.5:8765/ws"_s)).isEmpty());
    // A missing port is the scheme's default.
    ASSERT_TRUE(known.trust(QUrl(u"wss://Chat.Example/ws"_s), shaB));
    EXPECT_EQ(known.fingerprintFor(QUrl(u"wss://chat.example:443/ws"_s)), shaB);
    EXPECT_EQ(KnownServers::origin(QUrl(u"wss://[::1]:8765/ws"_s)), u"wss://[::1]:8765"_s);
    EXPECT_EQ(KnownServers::origin(lan), u"wss://192.168.1.5:8765"_s);
    // Not a server address, not a digest: refused, nothing kept.
    EXPECT_FALSE(known.trust(QUrl(u"wss:///ws"_s), shaA));
    EXPECT_FALSE(known.trust(lan, QByteArray(20, 'x')));
    EXPECT_EQ(known.fingerprintFor(lan), shaA);
}

TEST(KnownServers, CorruptFileStartsEmptyAndIsReplacedOnTheNextTrust)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString path = dir.filePath(u"known-servers.json"_s);
    for (const QByteArray &bytes :
         {QByteArray("{not json"), QByteArray("[1, 2]"), QByteArray("{\"servers\": 3}"),
          QByteArray("\x00\xff\x10", 3)}) {
        SCOPED_TRACE(bytes.toStdString());
        writeFile(path, bytes);
        KnownServers known(dir.path());
        QString error;
        EXPECT_FALSE(known.load(&error));
        EXPECT_FALSE(error.isEmpty());
        EXPECT_EQ(known.count(), 0);
        EXPECT_TRUE(known.fingerprintFor(lan).isEmpty());
    }
    // One bad entry does not cost the good ones.
    writeFile(path, R"({"servers": {"wss://192.168.1.5:8765": {"sha256": "zz"},
                                   "wss://10.0.0.2:9000": {"sha256": ")" +
                        QByteArray(32, '\xb2').toHex(':') + R"("}}})");
    KnownServers mixed(dir.path());
    EXPECT_TRUE(mixed.load());
    EXPECT_EQ(mixed.count(), 1);
    EXPECT_TRUE(mixed.fingerprintFor(lan).isEmpty());
    EXPECT_EQ(mixed.fingerprintFor(QUrl(u"wss://10.0.0.2:9000/ws"_s)), shaB);

    writeFile(path, "{not json");
    KnownServers known(dir.path());
    known.load();
    ASSERT_TRUE(known.trust(lan, shaA));
    KnownServers reread(dir.path());
    EXPECT_TRUE(reread.load());
    EXPECT_EQ(reread.fingerprintFor(lan), shaA);
}
