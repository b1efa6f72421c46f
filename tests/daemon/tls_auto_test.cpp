// SPDX-License-Identifier: Apache-2.0
// confabd --tls-self-signed (issue 12, the built-in server): on a fresh data folder it makes
// a certificate and key of its own, serves wss:// with them and prints their SHA-256
// fingerprint after the `listening on` line; it keeps them across restarts, refuses to start
// on a damaged pair, and a certificate and key that are given win. The real binary, spawned.

#include "daemonfixture.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>

#include <sys/stat.h>

using namespace Qt::StringLiterals;
using namespace confab::test;

namespace {

int fileMode(const QString &path)
{
    struct stat st
    {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 07777);
}

QSslCertificate certificateAt(const QString &path)
{
    const QList<QSslCertificate> all = QSslCertificate::fromPath(path, QSsl::Pem);
    return all.isEmpty() ? QSslCertificate() : all.first();
}

QString fingerprintOf(const QSslCertificate &cert)
{
    return QString::fromLatin1(cert.digest(QCryptographicHash::Sha256).toHex(':').toUpper());
}

/// `openssl x509 -noout -fingerprint -sha256`, as docs/operations.md tells a host to run.
QString opensslFingerprint(const QString &certPath)
{
    QProcess openssl;
    openssl.start(u"openssl"_s,
                  {u"x509"_s, u"-noout"_s, u"-fingerprint"_s, u"-sha256"_s, u"-in"_s, certPath});
    if (!openssl.waitForFinished(10000) || openssl.exitCode() != 0)
        return {};
    const QString out = QString::fromLatin1(openssl.readAllStandardOutput()).trimmed();
    return out.mid(out.indexOf(u'=') + 1); // "sha256 Fingerprint=AB:CD:…"
}

class TlsAutoTest : public DaemonTest
{
protected:
    QString tlsDir() const { return dataDir.filePath(u"tls"_s); }
    QString certPath() const { return dataDir.filePath(u"tls/cert.pem"_s); }
    QString keyPath() const { return dataDir.filePath(u"tls/key.pem"_s); }

    /// The fingerprint confabd printed, checking the line comes right after `listening on`
    /// and has the exact form `certificate fingerprint (SHA-256): AB:CD:…` (32 bytes).
    static QString printedFingerprint(Daemon &daemon)
    {
        static const QRegularExpression line(
            u"^certificate fingerprint \\(SHA-256\\): ([0-9A-F]{2}(?::[0-9A-F]{2}){31})$"_s);
        QStringList lines;
        waitUntil(
            [&] {
                lines = daemon.stdoutText().split(u'\n');
                return lines.size() >= 3 || !daemon.isRunning(); // two lines and the rest
            },
            10000);
        if (lines.size() < 3) {
            ADD_FAILURE() << "no second line on stdout: '" << daemon.stdoutText().toStdString()
                          << "'; stderr: " << daemon.errorOutput().toStdString();
            return {};
        }
        EXPECT_TRUE(lines[0].startsWith(u"listening on wss://"_s)) << lines[0].toStdString();
        const auto match = line.match(lines[1]);
        if (!match.hasMatch()) {
            ADD_FAILURE() << "second line: '" << lines[1].toStdString() << "'";
            return {};
        }
        return match.captured(1);
    }

    /// A client that trusts exactly `cert` as its CA and verifies everything else.
    static std::unique_ptr<TestClient> trustingClient(const QSslCertificate &cert)
    {
        auto client = std::make_unique<TestClient>();
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setCaCertificates({cert});
        ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);
        client->setSslConfiguration(ssl);
        return client;
    }

    /// confabd run to its end with `args` (it is expected to refuse to start).
    struct Refusal
    {
        int exitCode = -1;
        QString out;
        QString err;
    };
    Refusal runToEnd(const QStringList &args)
    {
        QProcess confabd;
        confabd.setProcessEnvironment(fastKdfEnvironment());
        confabd.start(confabdPath(),
                      QStringList{u"--listen"_s, u"127.0.0.1:0"_s, u"--data"_s, dataDir.path()} +
                          args);
        Refusal result;
        if (!confabd.waitForFinished(15000)) {
            confabd.kill();
            confabd.waitForFinished(5000);
            ADD_FAILURE() << "confabd kept running with " << args.join(u' ').toStdString();
            return result;
        }
        result.exitCode = confabd.exitStatus() == QProcess::NormalExit ? confabd.exitCode() : -1;
        result.out = QString::fromUtf8(confabd.readAllStandardOutput());
        result.err = QString::fromUtf8(confabd.readAllStandardError());
        return result;
    }
};

TEST_F(TlsAutoTest, FreshDataDirServesWssWithANewCertificateAndPrintsItsFingerprint)
{
    ASSERT_FALSE(QFileInfo::exists(tlsDir()));
    Daemon daemon;
    ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path(), {u"--tls-self-signed"_s}));
    ASSERT_EQ(daemon.url().scheme(), u"wss"_s);
    const QString printed = printedFingerprint(daemon);
    ASSERT_FALSE(printed.isEmpty());

    // The pair in the data folder: the certificate is the one printed, the key private.
    const QSslCertificate cert = certificateAt(certPath());
    ASSERT_FALSE(cert.isNull()) << "no certificate in " << certPath().toStdString();
    EXPECT_EQ(fingerprintOf(cert), printed);
    EXPECT_EQ(opensslFingerprint(certPath()), printed);
    EXPECT_EQ(fileMode(keyPath()), 0600);
    EXPECT_EQ(fileMode(tlsDir()), 0700);
    EXPECT_TRUE(cert.subjectAlternativeNames().values(QSsl::DnsEntry).contains(u"localhost"_s));
    EXPECT_NEAR(QDateTime::currentDateTimeUtc().daysTo(cert.expiryDate()), 825, 1);

    // A client that was given the certificate verifies it (name 127.0.0.1, dates, signature)
    // and signs in.
    QUrl url = daemon.url();
    url.setHost(u"127.0.0.1"_s);
    auto trusting = trustingClient(cert);
    ASSERT_TRUE(trusting->open(url)) << "stderr: " << daemon.errorOutput().toStdString();
    const auto hello = trusting->hello(u"alice"_s, password);
    ASSERT_TRUE(hello);
    EXPECT_TRUE(isOk(*hello)) << dump(*hello).toStdString();

    // Trust on first use: a client that knows only the printed fingerprint ignores the
    // "self-signed" error for exactly that certificate, and sees the same fingerprint.
    TestClient pinning;
    pinning.setIgnoredSslErrors({QSslError(QSslError::SelfSignedCertificate, cert)});
    ASSERT_TRUE(pinning.open(url));
    EXPECT_EQ(fingerprintOf(pinning.socket()->sslConfiguration().peerCertificate()), printed);
    const auto pinnedHello = pinning.hello(u"alice"_s, password);
    ASSERT_TRUE(pinnedHello);
    EXPECT_TRUE(isOk(*pinnedHello)) << dump(*pinnedHello).toStdString();

    // One that trusts nothing is refused.
    TestClient untrusting;
    EXPECT_FALSE(untrusting.open(url, 5000)) << "the handshake succeeded without trust";
}

TEST_F(TlsAutoTest, RestartKeepsTheCertificateAndItsFingerprint)
{
    Daemon daemon;
    ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path(), {u"--tls-self-signed"_s}));
    const QString first = printedFingerprint(daemon);
    ASSERT_FALSE(first.isEmpty());
    const QSslCertificate firstCert = certificateAt(certPath());
    ASSERT_FALSE(firstCert.isNull());
    daemon.terminate();
    ASSERT_FALSE(daemon.isRunning());

    QString error;
    ASSERT_TRUE(daemon.ConfabdProcess::start(0, &error)) << error.toStdString();
    EXPECT_EQ(printedFingerprint(daemon), first);
    EXPECT_EQ(certificateAt(certPath()), firstCert);

    // A client that accepted the first certificate still gets in.
    QUrl url = daemon.url();
    url.setHost(u"127.0.0.1"_s);
    auto client = trustingClient(firstCert);
    ASSERT_TRUE(client->open(url)) << "stderr: " << daemon.errorOutput().toStdString();
    const auto hello = client->hello(u"alice"_s, password);
    ASSERT_TRUE(hello && isOk(*hello));
}

TEST_F(TlsAutoTest, DamagedKeyRefusesToStartWithASentence)
{
    {
        Daemon daemon;
        ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path(), {u"--tls-self-signed"_s}));
        daemon.terminate();
    }
    QFile key(keyPath());
    ASSERT_TRUE(key.open(QIODevice::ReadWrite));
    QByteArray pem = key.readAll();
    ASSERT_GT(pem.size(), 60);
    pem[40] = pem[40] == 'A' ? 'B' : 'A'; // a flipped character inside the base64
    pem.truncate(pem.size() - 20);        // and the end cut off
    ASSERT_TRUE(key.resize(0));
    ASSERT_TRUE(key.seek(0));
    ASSERT_EQ(key.write(pem), pem.size());
    key.close();

    const Refusal refusal = runToEnd({u"--tls-self-signed"_s});
    EXPECT_NE(refusal.exitCode, 0);
    EXPECT_NE(refusal.exitCode, -1) << "confabd crashed";
    EXPECT_FALSE(refusal.out.contains(u"listening on"_s)) << refusal.out.toStdString();
    EXPECT_TRUE(refusal.err.contains(u"confabd: "_s + keyPath())) << refusal.err.toStdString();
    EXPECT_TRUE(refusal.err.contains(u"no usable PEM private key"_s)) << refusal.err.toStdString();

    // Left as it was: a new pair would make every client accept a new fingerprint.
    QFile after(keyPath());
    ASSERT_TRUE(after.open(QIODevice::ReadOnly));
    EXPECT_EQ(after.readAll(), pem);
}

TEST_F(TlsAutoTest, KeyOfAnotherCertificateRefusesToStart)
{
    {
        Daemon daemon;
        ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path(), {u"--tls-self-signed"_s}));
        daemon.terminate();
    }
    QTemporaryDir other;
    ASSERT_TRUE(other.isValid());
    QString error;
    ASSERT_TRUE(makeSelfSignedCertificate(other.path(), &error)) << error.toStdString();
    ASSERT_TRUE(QFile::remove(keyPath()));
    ASSERT_TRUE(QFile::copy(other.filePath(u"key.pem"_s), keyPath()));

    const Refusal refusal = runToEnd({u"--tls-self-signed"_s});
    EXPECT_NE(refusal.exitCode, 0);
    EXPECT_NE(refusal.exitCode, -1) << "confabd crashed";
    EXPECT_FALSE(refusal.out.contains(u"listening on"_s)) << refusal.out.toStdString();
    EXPECT_TRUE(refusal.err.contains(u"does not belong to the certificate"_s))
        << refusal.err.toStdString();
}

TEST_F(TlsAutoTest, GivenCertificateAndKeyWinAndTheirFingerprintIsPrinted)
{
    QTemporaryDir certDir;
    ASSERT_TRUE(certDir.isValid());
    QString error;
    ASSERT_TRUE(makeSelfSignedCertificate(certDir.path(), &error)) << error.toStdString();
    const QString cert = certDir.filePath(u"cert.pem"_s);
    const QString key = certDir.filePath(u"key.pem"_s);
    const QSslCertificate given = certificateAt(cert);
    ASSERT_FALSE(given.isNull());

    // With and without --tls-self-signed: the given pair is served, its fingerprint printed.
    for (const QStringList &extra : {QStringList{u"--tls-self-signed"_s}, QStringList{}}) {
        Daemon daemon;
        ASSERT_NO_FATAL_FAILURE(daemon.start(
            dataDir.path(), extra + QStringList{u"--tls-cert"_s, cert, u"--tls-key"_s, key}));
        ASSERT_EQ(daemon.url().scheme(), u"wss"_s);
        EXPECT_EQ(printedFingerprint(daemon), fingerprintOf(given));
        QUrl url = daemon.url();
        url.setHost(u"127.0.0.1"_s);
        auto client = trustingClient(given);
        ASSERT_TRUE(client->open(url)) << "stderr: " << daemon.errorOutput().toStdString();
        EXPECT_EQ(client->socket()->sslConfiguration().peerCertificate(), given);
        const auto hello = client->hello(u"alice"_s, password);
        ASSERT_TRUE(hello && isOk(*hello));
    }
    EXPECT_FALSE(QFileInfo::exists(tlsDir())) << "a certificate was made though one was given";
}

TEST_F(TlsAutoTest, PlainWsPrintsNoFingerprint)
{
    Daemon daemon;
    ASSERT_NO_FATAL_FAILURE(daemon.start(dataDir.path()));
    ASSERT_EQ(daemon.url().scheme(), u"ws"_s);
    // Everything confabd printed is read once it has exited.
    daemon.terminate();
    ASSERT_FALSE(daemon.isRunning());
    EXPECT_FALSE(daemon.stdoutText().contains(u"fingerprint"_s))
        << daemon.stdoutText().toStdString();
    EXPECT_FALSE(daemon.errorOutput().contains(u"certificate"_s))
        << daemon.errorOutput().toStdString();
    EXPECT_FALSE(QFileInfo::exists(tlsDir()));
}

TEST_F(TlsAutoTest, ConfigFileSettingOnANewDataFolderKeepsEverythingPrivate)
{
    const QString fresh = dataDir.filePath(u"new/data"_s);
    const QString config = dataDir.filePath(u"confabd.ini"_s);
    QFile ini(config);
    ASSERT_TRUE(ini.open(QIODevice::WriteOnly));
    ini.write("[server]\ntls_self_signed = true\n");
    ini.close();

    Daemon daemon;
    ASSERT_NO_FATAL_FAILURE(daemon.start(fresh, {u"--config"_s, config}));
    ASSERT_EQ(daemon.url().scheme(), u"wss"_s);
    const QString printed = printedFingerprint(daemon);
    EXPECT_EQ(printed, fingerprintOf(certificateAt(fresh + u"/tls/cert.pem"_s)));
    EXPECT_EQ(fileMode(fresh), 0700);
    EXPECT_EQ(fileMode(fresh + u"/tls"_s), 0700);
    EXPECT_EQ(fileMode(fresh + u"/tls/key.pem"_s), 0600);

    QProcess help;
    help.start(confabdPath(), {u"--help"_s});
    ASSERT_TRUE(help.waitForFinished(10000));
    const QString helpText = QString::fromUtf8(help.readAllStandardOutput());
    EXPECT_TRUE(helpText.contains(u"--tls-self-signed"_s)) << helpText.toStdString();
    EXPECT_TRUE(helpText.contains(u"--server-tls-self-signed"_s)) << helpText.toStdString();
}

} // namespace
