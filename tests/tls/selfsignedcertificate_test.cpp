// SPDX-License-Identifier: Apache-2.0
// confab_tls (issue 12): the self-signed certificate confabd makes for wss:// on a local
// network. What it writes is read back with Qt's own TLS classes (not with the code that
// wrote it): names, dates, extensions, file modes, and a real handshake on loopback.

#include "selfsignedcertificate.h"
#include "testclient.h" // waitUntil

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QNetworkInterface>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QSslCertificateExtension>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QSysInfo>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using confab::tls::CertificateSubject;
using confab::tls::ensureSelfSigned;
using confab::tls::SelfSignedCertificate;
using confab::tls::SelfSignedPair;

namespace {

QSslCertificate readCertificate(const QString &path)
{
    const QList<QSslCertificate> all = QSslCertificate::fromPath(path, QSsl::Pem);
    return all.isEmpty() ? QSslCertificate() : all.first();
}

QSslKey readKey(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QSslKey(file.readAll(), QSsl::Ec, QSsl::Pem);
}

QString qtFingerprint(const QSslCertificate &cert)
{
    return QString::fromLatin1(cert.digest(QCryptographicHash::Sha256).toHex(':').toUpper());
}

int fileMode(const QString &path)
{
    struct stat st
    {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 07777);
}

QStringList dnsNames(const QSslCertificate &cert)
{
    return cert.subjectAlternativeNames().values(QSsl::DnsEntry);
}

QList<QHostAddress> ipAddresses(const QSslCertificate &cert)
{
    QList<QHostAddress> addresses;
    for (const QString &text : cert.subjectAlternativeNames().values(QSsl::IpAddressEntry))
        addresses.append(QHostAddress(text));
    return addresses;
}

CertificateSubject testSubject()
{
    CertificateSubject subject;
    subject.hostName = u"confab-host"_s;
    subject.dnsNames = {u"confab-host.local"_s};
    subject.addresses = {QHostAddress(u"192.168.1.7"_s), QHostAddress(u"fd00::7"_s)};
    return subject;
}

class SelfSignedCertificateTest : public ::testing::Test
{
protected:
    void SetUp() override { ASSERT_TRUE(dir.isValid()); }

    /// Makes a pair in `dir` (or `where`), valid for `validityDays` (unset: the default);
    /// its fingerprint.
    QString create(const CertificateSubject &subject = testSubject(),
                   std::optional<int> validityDays = std::nullopt, const QString &where = QString())
    {
        const QString folder = where.isEmpty() ? dir.path() : where;
        QString error;
        const QString cert = folder + u"/cert.pem"_s;
        const QString key = folder + u"/key.pem"_s;
        const auto fingerprint =
            validityDays ? SelfSignedCertificate::create(cert, key, subject, &error, *validityDays)
                         : SelfSignedCertificate::create(cert, key, subject, &error);
        EXPECT_TRUE(fingerprint) << error.toStdString();
        EXPECT_TRUE(error.isEmpty()) << error.toStdString();
        return fingerprint.value_or(QString());
    }

    QString certPath() const { return dir.filePath(u"cert.pem"_s); }
    QString keyPath() const { return dir.filePath(u"key.pem"_s); }

    QTemporaryDir dir;
};

TEST_F(SelfSignedCertificateTest, CertificateNamesTheHostItsAddressesAndLoopback)
{
    create();
    const QSslCertificate cert = readCertificate(certPath());
    ASSERT_FALSE(cert.isNull()) << "no PEM certificate in " << certPath().toStdString();

    EXPECT_EQ(cert.subjectInfo(QSslCertificate::CommonName), QStringList{u"confab-host"_s});
    // Issued by itself. (QSslCertificate::isSelfSigned() says false: it asks OpenSSL's
    // X509_check_issued, which also wants the keyCertSign usage a CA:FALSE certificate must
    // not have. OpenSSL's verifier calls it self-signed, see the handshake test.)
    EXPECT_EQ(cert.issuerInfo(QSslCertificate::CommonName),
              cert.subjectInfo(QSslCertificate::CommonName));
    EXPECT_EQ(cert.version(), "3");
    const QStringList dns = dnsNames(cert);
    for (const QString &name : {u"confab-host"_s, u"confab-host.local"_s, u"localhost"_s})
        EXPECT_TRUE(dns.contains(name))
            << "no DNS:" << name.toStdString() << " in " << dns.join(u',').toStdString();
    EXPECT_EQ(dns.size(), 3) << dns.join(u',').toStdString();
    const QList<QHostAddress> ips = ipAddresses(cert);
    for (const QHostAddress &address :
         {QHostAddress(QHostAddress::LocalHost), QHostAddress(QHostAddress::LocalHostIPv6),
          QHostAddress(u"192.168.1.7"_s), QHostAddress(u"fd00::7"_s)})
        EXPECT_TRUE(ips.contains(address)) << "no IP:" << address.toString().toStdString();
    EXPECT_EQ(ips.size(), 4);
}

TEST_F(SelfSignedCertificateTest, ValidFromAnHourAgoFor825Days)
{
    const QDateTime before = QDateTime::currentDateTimeUtc();
    create();
    const QDateTime after = QDateTime::currentDateTimeUtc();
    const QSslCertificate cert = readCertificate(certPath());
    ASSERT_FALSE(cert.isNull());
    EXPECT_LE(cert.effectiveDate(), before.addSecs(-3600 + 1));
    EXPECT_GE(cert.effectiveDate(), before.addSecs(-3600 - 2));
    EXPECT_GE(cert.expiryDate(), before.addDays(825).addSecs(-2));
    EXPECT_LE(cert.expiryDate(), after.addDays(825).addSecs(1));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    EXPECT_TRUE(cert.effectiveDate() <= now && now < cert.expiryDate()) << "not valid now";
}

TEST_F(SelfSignedCertificateTest, ServerOnlyExtensionsSha256AndA128BitSerial)
{
    create();
    const QSslCertificate cert = readCertificate(certPath());
    ASSERT_FALSE(cert.isNull());
    QMap<QString, QSslCertificateExtension> byName;
    for (const QSslCertificateExtension &extension : cert.extensions())
        byName.insert(extension.name(), extension);
    ASSERT_TRUE(byName.contains(u"basicConstraints"_s));
    EXPECT_TRUE(byName[u"basicConstraints"_s].isCritical());
    EXPECT_FALSE(byName[u"basicConstraints"_s].value().toMap().value(u"ca"_s).toBool());
    ASSERT_TRUE(byName.contains(u"keyUsage"_s));
    EXPECT_TRUE(byName[u"keyUsage"_s].isCritical());
    ASSERT_TRUE(byName.contains(u"extendedKeyUsage"_s));
    ASSERT_TRUE(byName.contains(u"subjectAltName"_s));

    // What Qt does not parse, OpenSSL's text form shows.
    const QString text = cert.toText();
    EXPECT_TRUE(text.contains(u"Signature Algorithm: ecdsa-with-SHA256"_s)) << text.toStdString();
    EXPECT_TRUE(text.contains(u"TLS Web Server Authentication"_s)) << text.toStdString();
    EXPECT_TRUE(text.contains(u"Digital Signature"_s)) << text.toStdString();
    EXPECT_FALSE(text.contains(u"Certificate Sign"_s)) << text.toStdString();
    EXPECT_TRUE(text.contains(u"CA:FALSE"_s)) << text.toStdString();
    EXPECT_TRUE(text.contains(u"NIST CURVE: P-256"_s) || text.contains(u"prime256v1"_s))
        << text.toStdString();

    // Qt prints the serial as colon-separated hex bytes: 128 random bits, so 16 of them
    // (fewer only when the first bytes drew zeros: 8 or fewer has a chance of 2^-64).
    const QByteArray serial = cert.serialNumber();
    const qsizetype serialBytes = QByteArray(serial).replace(':', "").size() / 2;
    EXPECT_LE(serialBytes, 16) << serial.toStdString();
    EXPECT_GT(serialBytes, 8) << serial.toStdString();
    create();
    EXPECT_NE(readCertificate(certPath()).serialNumber(), serial) << "the serial is not random";
}

TEST_F(SelfSignedCertificateTest, FingerprintIsTheSha256OfTheCertificateAsConfabctlPrintsIt)
{
    const QString fingerprint = create();
    const QSslCertificate cert = readCertificate(certPath());
    ASSERT_FALSE(cert.isNull());
    EXPECT_EQ(fingerprint, qtFingerprint(cert));
    static const QRegularExpression form(u"^[0-9A-F]{2}(:[0-9A-F]{2}){31}$"_s);
    EXPECT_TRUE(form.match(fingerprint).hasMatch()) << fingerprint.toStdString();

    QString error;
    EXPECT_EQ(SelfSignedCertificate::fingerprint(certPath(), &error), fingerprint)
        << error.toStdString();
    const auto info = SelfSignedCertificate::check(certPath(), keyPath(), &error);
    ASSERT_TRUE(info) << error.toStdString();
    EXPECT_EQ(info->fingerprint, fingerprint);
    EXPECT_EQ(info->notAfter, cert.expiryDate());
    EXPECT_EQ(info->notBefore, cert.effectiveDate());

    EXPECT_NE(create(), fingerprint) << "a new pair has the old fingerprint";
}

TEST_F(SelfSignedCertificateTest, KeyIsPrivateFromTheStartAndNoTemporaryFileIsLeft)
{
    // Even with a umask that would let everyone read a new file.
    const mode_t oldMask = ::umask(0);
    create();
    ::umask(oldMask);
    EXPECT_EQ(fileMode(keyPath()), 0600);
    EXPECT_EQ(fileMode(certPath()), 0644);
    EXPECT_EQ(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
              (QStringList{u"cert.pem"_s, u"key.pem"_s}));

    // Replacing a pair replaces the files (atomically), keeping the key 0600.
    ASSERT_EQ(::chmod(QFile::encodeName(keyPath()).constData(), 0644), 0);
    create();
    EXPECT_EQ(fileMode(keyPath()), 0600);
    EXPECT_EQ(
        QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).size(),
        2);
}

TEST_F(SelfSignedCertificateTest, KeyLoadsInQtAndMatchesTheCertificateInAHandshake)
{
    const QString fingerprint = create();
    const QSslCertificate cert = readCertificate(certPath());
    const QSslKey key = readKey(keyPath());
    ASSERT_FALSE(cert.isNull());
    ASSERT_FALSE(key.isNull()) << "Qt cannot load " << keyPath().toStdString();
    EXPECT_EQ(key.algorithm(), QSsl::Ec);
    EXPECT_EQ(key.type(), QSsl::PrivateKey);
    EXPECT_EQ(key.length(), 256);

    QSslConfiguration serverConfig = QSslConfiguration::defaultConfiguration();
    serverConfig.setLocalCertificate(cert);
    serverConfig.setPrivateKey(key);
    serverConfig.setPeerVerifyMode(QSslSocket::VerifyNone);
    QSslServer server;
    server.setSslConfiguration(serverConfig);
    ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0)) << server.errorString().toStdString();

    // The client trusts exactly this certificate and verifies everything else: the name
    // (both the IP and the DNS name of the SANs), the dates, the signature.
    for (const QString &peerName : {u"127.0.0.1"_s, u"localhost"_s}) {
        QSslConfiguration clientConfig = QSslConfiguration::defaultConfiguration();
        clientConfig.setCaCertificates({cert});
        clientConfig.setPeerVerifyMode(QSslSocket::VerifyPeer);
        QSslSocket client;
        client.setSslConfiguration(clientConfig);
        QList<QSslError> errors;
        QObject::connect(&client, &QSslSocket::sslErrors, &client,
                         [&](const QList<QSslError> &e) { errors += e; });
        client.connectToHostEncrypted(u"127.0.0.1"_s, server.serverPort(), peerName);
        ASSERT_TRUE(confab::test::waitUntil(
            [&] {
                return client.isEncrypted() || !errors.isEmpty() ||
                       client.state() == QAbstractSocket::UnconnectedState;
            },
            10000));
        QStringList errorTexts;
        for (const QSslError &e : errors)
            errorTexts.append(e.errorString());
        ASSERT_TRUE(client.isEncrypted()) << "handshake with peer name " << peerName.toStdString()
                                          << " failed: " << errorTexts.join(u"; "_s).toStdString()
                                          << client.errorString().toStdString();
        EXPECT_EQ(qtFingerprint(client.peerCertificate()), fingerprint);
        // QSslServer hands out a connection once its side of the handshake is done too.
        ASSERT_TRUE(confab::test::waitUntil([&] { return server.hasPendingConnections(); }));
        auto *serverSide = qobject_cast<QSslSocket *>(server.nextPendingConnection());
        ASSERT_TRUE(serverSide);
        EXPECT_TRUE(serverSide->isEncrypted());
        client.disconnectFromHost();
    }
    // A client that trusts nothing of its own is told the certificate is self-signed (what
    // a user is asked to accept once), with the same certificate to compare fingerprints.
    QSslSocket untrusting;
    QList<QSslError> errors;
    QObject::connect(&untrusting, &QSslSocket::sslErrors, &untrusting,
                     [&](const QList<QSslError> &e) { errors += e; });
    untrusting.connectToHostEncrypted(u"127.0.0.1"_s, server.serverPort());
    ASSERT_TRUE(confab::test::waitUntil([&] { return !errors.isEmpty(); }, 10000));
    QList<QSslError::SslError> kinds;
    for (const QSslError &e : errors)
        kinds.append(e.error());
    EXPECT_TRUE(kinds.contains(QSslError::SelfSignedCertificate));
    EXPECT_EQ(qtFingerprint(errors.first().certificate()), fingerprint);
    EXPECT_FALSE(untrusting.isEncrypted());
    untrusting.abort();
}

TEST_F(SelfSignedCertificateTest, ThisMachineIsNamedWithEveryAddress)
{
    const CertificateSubject machine = CertificateSubject::thisMachine();
    EXPECT_EQ(machine.hostName, QSysInfo::machineHostName());
    create(machine);
    const QSslCertificate cert = readCertificate(certPath());
    ASSERT_FALSE(cert.isNull());
    const QStringList dns = dnsNames(cert);
    EXPECT_TRUE(dns.contains(u"localhost"_s)) << dns.join(u',').toStdString();
    if (!QSysInfo::machineHostName().isEmpty())
        EXPECT_TRUE(dns.contains(QSysInfo::machineHostName().toLower()))
            << dns.join(u',').toStdString();
    const QList<QHostAddress> ips = ipAddresses(cert);
    EXPECT_TRUE(ips.contains(QHostAddress(QHostAddress::LocalHost)));
    EXPECT_TRUE(ips.contains(QHostAddress(QHostAddress::LocalHostIPv6)));
    for (QHostAddress address : QNetworkInterface::allAddresses()) {
        if (address.isLoopback())
            continue;
        address.setScopeId(QString());
        EXPECT_TRUE(ips.contains(address)) << "no IP:" << address.toString().toStdString();
    }
}

TEST_F(SelfSignedCertificateTest, AHostNameCannotAddNamesOfItsOwn)
{
    CertificateSubject subject;
    subject.hostName = u"evil,IP:10.9.8.7,DNS:bank.example"_s;
    create(subject);
    const QSslCertificate cert = readCertificate(certPath());
    ASSERT_FALSE(cert.isNull());
    EXPECT_EQ(dnsNames(cert), QStringList{u"localhost"_s});
    EXPECT_FALSE(ipAddresses(cert).contains(QHostAddress(u"10.9.8.7"_s)));
    // A long host name: the CN is cut to 64 characters, the DNS name keeps all of it.
    subject.hostName = QString(60, u'a') + u"."_s + QString(60, u'b') + u".example"_s;
    create(subject);
    const QSslCertificate longName = readCertificate(certPath());
    ASSERT_FALSE(longName.isNull());
    EXPECT_EQ(longName.subjectInfo(QSslCertificate::CommonName).value(0).size(), 64);
    EXPECT_TRUE(dnsNames(longName).contains(subject.hostName));
}

TEST_F(SelfSignedCertificateTest, FailuresAreSentencesNotCrashes)
{
    QString error;
    const QString missingFolder = dir.filePath(u"no/such/folder"_s);
    EXPECT_FALSE(SelfSignedCertificate::create(
        missingFolder + u"/cert.pem"_s, missingFolder + u"/key.pem"_s, testSubject(), &error));
    EXPECT_TRUE(error.contains(missingFolder)) << error.toStdString();

    create();
    error.clear();
    EXPECT_FALSE(SelfSignedCertificate::check(certPath(), dir.filePath(u"absent.pem"_s), &error));
    EXPECT_TRUE(error.contains(u"absent.pem"_s)) << error.toStdString();

    // A damaged key.
    QFile key(keyPath());
    ASSERT_TRUE(key.open(QIODevice::WriteOnly | QIODevice::Truncate));
    key.write("-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n");
    key.close();
    error.clear();
    EXPECT_FALSE(SelfSignedCertificate::check(certPath(), keyPath(), &error));
    EXPECT_TRUE(error.contains(keyPath()) && error.contains(u"no usable PEM private key"_s))
        << error.toStdString();

    // A certificate that is not one.
    QFile cert(certPath());
    ASSERT_TRUE(cert.open(QIODevice::WriteOnly | QIODevice::Truncate));
    cert.write("hello\n");
    cert.close();
    error.clear();
    EXPECT_FALSE(SelfSignedCertificate::fingerprint(certPath(), &error));
    EXPECT_TRUE(error.contains(certPath()) && error.contains(u"no PEM certificate"_s))
        << error.toStdString();
}

TEST_F(SelfSignedCertificateTest, AKeyOfAnotherPairDoesNotMatch)
{
    QTemporaryDir other;
    ASSERT_TRUE(other.isValid());
    create();
    create(testSubject(), std::nullopt, other.path());
    QString error;
    EXPECT_FALSE(SelfSignedCertificate::check(certPath(), other.filePath(u"key.pem"_s), &error));
    EXPECT_TRUE(error.contains(u"does not belong to the certificate"_s)) << error.toStdString();
}

// ---- ensureSelfSigned: what confabd does with --tls-self-signed -----------------------------

TEST_F(SelfSignedCertificateTest, EnsureMakesAPrivateFolderOnceAndThenKeepsThePair)
{
    const QString tls = dir.filePath(u"data/tls"_s);
    QString error;
    const auto first = ensureSelfSigned(tls, &error, testSubject());
    ASSERT_TRUE(first) << error.toStdString();
    EXPECT_EQ(first->origin, SelfSignedPair::Origin::Created);
    EXPECT_EQ(first->certificatePath, tls + u"/cert.pem"_s);
    EXPECT_EQ(first->keyPath, tls + u"/key.pem"_s);
    EXPECT_EQ(fileMode(tls), 0700);
    EXPECT_EQ(fileMode(first->keyPath), 0600);
    EXPECT_EQ(first->info.fingerprint, qtFingerprint(readCertificate(first->certificatePath)));

    const auto second = ensureSelfSigned(tls, &error, testSubject());
    ASSERT_TRUE(second) << error.toStdString();
    EXPECT_EQ(second->origin, SelfSignedPair::Origin::Kept);
    EXPECT_EQ(second->info.fingerprint, first->info.fingerprint);

    // One of the two missing: a new pair.
    ASSERT_TRUE(QFile::remove(first->keyPath));
    const auto third = ensureSelfSigned(tls, &error, testSubject());
    ASSERT_TRUE(third) << error.toStdString();
    EXPECT_EQ(third->origin, SelfSignedPair::Origin::Created);
    EXPECT_NE(third->info.fingerprint, first->info.fingerprint);
    EXPECT_EQ(SelfSignedCertificate::check(third->certificatePath, third->keyPath, &error)
                  .value_or(confab::tls::CertificateInfo{})
                  .fingerprint,
              third->info.fingerprint);
}

TEST_F(SelfSignedCertificateTest, EnsureTightensAFolderItWritesInto)
{
    const QString tls = dir.filePath(u"tls"_s);
    ASSERT_TRUE(QDir().mkpath(tls));
    ASSERT_EQ(::chmod(QFile::encodeName(tls).constData(), 0755), 0);
    QString error;
    ASSERT_TRUE(ensureSelfSigned(tls, &error, testSubject())) << error.toStdString();
    EXPECT_EQ(fileMode(tls), 0700);
}

TEST_F(SelfSignedCertificateTest, EnsureRenewsACertificateAboutToEnd)
{
    const QString tls = dir.path();
    const QString old = create(testSubject(), confab::tls::renewBeforeDays - 1);
    QString error;
    const auto renewed = ensureSelfSigned(tls, &error, testSubject());
    ASSERT_TRUE(renewed) << error.toStdString();
    EXPECT_EQ(renewed->origin, SelfSignedPair::Origin::Renewed);
    EXPECT_NE(renewed->info.fingerprint, old);
    EXPECT_GT(renewed->info.notAfter, QDateTime::currentDateTimeUtc().addDays(800));

    // One with more time left is kept.
    const QString fresh = create(testSubject(), confab::tls::renewBeforeDays + 2);
    const auto kept = ensureSelfSigned(tls, &error, testSubject());
    ASSERT_TRUE(kept) << error.toStdString();
    EXPECT_EQ(kept->origin, SelfSignedPair::Origin::Kept);
    EXPECT_EQ(kept->info.fingerprint, fresh);
}

TEST_F(SelfSignedCertificateTest, EnsureRefusesADamagedOrForeignPairAndLeavesItAlone)
{
    const QString tls = dir.path();
    create();
    QFile key(keyPath());
    ASSERT_TRUE(key.open(QIODevice::WriteOnly | QIODevice::Truncate));
    key.write("garbage\n");
    key.close();
    QString error;
    EXPECT_FALSE(ensureSelfSigned(tls, &error, testSubject()));
    EXPECT_TRUE(error.contains(keyPath())) << error.toStdString();
    QFile again(keyPath());
    ASSERT_TRUE(again.open(QIODevice::ReadOnly));
    EXPECT_EQ(again.readAll(), "garbage\n") << "a damaged key was replaced";

    // Unreadable (as for another user).
    create();
    ASSERT_EQ(::chmod(QFile::encodeName(keyPath()).constData(), 0), 0);
    if (::geteuid() != 0) { // root reads it anyway
        error.clear();
        EXPECT_FALSE(ensureSelfSigned(tls, &error, testSubject()));
        EXPECT_TRUE(error.contains(u"cannot read the TLS key"_s)) << error.toStdString();
    }
}

} // namespace
