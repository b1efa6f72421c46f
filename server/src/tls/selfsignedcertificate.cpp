// SPDX-License-Identifier: Apache-2.0
#include "selfsignedcertificate.h"

#include "fingerprint.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QLoggingCategory>
#include <QNetworkInterface>
#include <QSet>
#include <QSysInfo>
#include <QUrl>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace confab::tls {

namespace {

Q_LOGGING_CATEGORY(lcTls, "confab.tls", QtInfoMsg)

// ---- RAII for every OpenSSL object ---------------------------------------------------------

template <auto Free> struct Deleter
{
    template <typename T> void operator()(T *object) const { Free(object); }
};
using PKeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;
using GeneralNamePtr = std::unique_ptr<GENERAL_NAME, Deleter<GENERAL_NAME_free>>;
using Ia5StringPtr = std::unique_ptr<ASN1_IA5STRING, Deleter<ASN1_IA5STRING_free>>;
using OctetStringPtr = std::unique_ptr<ASN1_OCTET_STRING, Deleter<ASN1_OCTET_STRING_free>>;

/// `what` failed: the sentence, with what OpenSSL's error queue says (and the queue emptied).
QString opensslError(const QString &what)
{
    QStringList reasons;
    while (const unsigned long code = ERR_get_error()) {
        char text[256];
        ERR_error_string_n(code, text, sizeof text);
        reasons.append(QString::fromLatin1(text));
    }
    if (reasons.isEmpty())
        return what;
    return u"%1: %2"_s.arg(what, reasons.join(u"; "_s));
}

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

/// A PEM passphrase callback that refuses: OpenSSL's default would prompt on the terminal.
int noPassphrase(char *, int, int, void *)
{
    return -1;
}

// ---- making the key and the certificate ----------------------------------------------------

bool addExtension(X509 *cert, int nid, const char *value, QString *error)
{
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
    const ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    if (!extension || X509_add_ext(cert, extension.get(), -1) != 1) {
        *error = opensslError(u"cannot add the extension %1 = %2 to the certificate"_s.arg(
            QString::fromLatin1(OBJ_nid2sn(nid)), QString::fromLatin1(value)));
        return false;
    }
    return true;
}

bool appendDnsName(GENERAL_NAMES *names, const QByteArray &dns)
{
    Ia5StringPtr text(ASN1_IA5STRING_new());
    if (!text || ASN1_STRING_set(text.get(), dns.constData(), int(dns.size())) != 1)
        return false;
    GeneralNamePtr name(GENERAL_NAME_new());
    if (!name)
        return false;
    GENERAL_NAME_set0_value(name.get(), GEN_DNS, text.release());
    if (sk_GENERAL_NAME_push(names, name.get()) == 0)
        return false;
    name.release();
    return true;
}

bool appendIpAddress(GENERAL_NAMES *names, const QHostAddress &address)
{
    QByteArray bytes;
    if (address.protocol() == QAbstractSocket::IPv4Protocol) {
        const quint32 v4 = address.toIPv4Address();
        const char octets[4] = {char(v4 >> 24), char(v4 >> 16), char(v4 >> 8), char(v4)};
        bytes = QByteArray(octets, 4);
    } else {
        const Q_IPV6ADDR v6 = address.toIPv6Address();
        bytes = QByteArray(reinterpret_cast<const char *>(v6.c), 16);
    }
    OctetStringPtr octets(ASN1_OCTET_STRING_new());
    if (!octets ||
        ASN1_OCTET_STRING_set(octets.get(), reinterpret_cast<const uchar *>(bytes.data()),
                              int(bytes.size())) != 1)
        return false;
    GeneralNamePtr name(GENERAL_NAME_new());
    if (!name)
        return false;
    GENERAL_NAME_set0_value(name.get(), GEN_IPADD, octets.release());
    if (sk_GENERAL_NAME_push(names, name.get()) == 0)
        return false;
    name.release();
    return true;
}

/// A DNS name as it goes into a certificate: ASCII (IDNA), lower case, or empty when it is
/// not a usable name.
QByteArray dnsForm(const QString &name)
{
    const QByteArray ace = QUrl::toAce(name.trimmed().toLower());
    if (ace.isEmpty() || ace.size() > 253)
        return {};
    for (const char c : ace) {
        if (!(std::isalnum(uchar(c)) || c == '-' || c == '.'))
            return {};
    }
    return ace;
}

/// subjectAltName built from structures, not from a config string, so no host name can
/// smuggle in a name of its own (a comma in "DNS:a,IP:…").
bool addSubjectAltNames(X509 *cert, const CertificateSubject &subject, QString *error)
{
    GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
    if (!names) {
        *error = opensslError(u"cannot make the certificate's subjectAltName"_s);
        return false;
    }
    QSet<QByteArray> seenDns;
    for (const QString &name : QStringList{subject.hostName, u"localhost"_s} + subject.dnsNames) {
        const QByteArray dns = dnsForm(name);
        if (dns.isEmpty() || seenDns.contains(dns))
            continue;
        seenDns.insert(dns);
        if (!appendDnsName(names.get(), dns)) {
            *error = opensslError(
                u"cannot add DNS:%1 to the certificate"_s.arg(QString::fromLatin1(dns)));
            return false;
        }
    }
    QList<QHostAddress> seenAddresses;
    const QList<QHostAddress> loopbacks{QHostAddress(QHostAddress::LocalHost),
                                        QHostAddress(QHostAddress::LocalHostIPv6)};
    for (QHostAddress address : loopbacks + subject.addresses) {
        address.setScopeId(QString()); // fe80::1%eth0 and fe80::1%eth1 are one name
        bool isV4 = false;
        const quint32 v4 = address.toIPv4Address(&isV4);
        if (isV4)
            address = QHostAddress(v4); // ::ffff:1.2.3.4 is 1.2.3.4
        if (address.isNull() || seenAddresses.contains(address))
            continue;
        seenAddresses.append(address);
        if (!appendIpAddress(names.get(), address)) {
            *error = opensslError(u"cannot add IP:%1 to the certificate"_s.arg(address.toString()));
            return false;
        }
    }
    if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
        *error = opensslError(u"cannot add subjectAltName to the certificate"_s);
        return false;
    }
    return true;
}

/// 128 random bits (RFC 5280: a positive integer of at most 20 octets, unique per issuer;
/// being random also keeps two certificates of one host apart). The DER encoding adds a
/// zero octet when the top bit is set: 17 octets at most.
bool setRandomSerial(X509 *cert, QString *error)
{
    unsigned char bytes[16];
    BignumPtr serial;
    do {
        if (RAND_bytes(bytes, sizeof bytes) != 1) {
            *error = opensslError(u"cannot draw a random serial number"_s);
            return false;
        }
        serial.reset(BN_bin2bn(bytes, sizeof bytes, nullptr));
    } while (serial && BN_is_zero(serial.get()));
    if (!serial || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert))) {
        *error = opensslError(u"cannot set the certificate's serial number"_s);
        return false;
    }
    return true;
}

X509Ptr makeCertificate(EVP_PKEY *key, const CertificateSubject &subject, int validityDays,
                        QString *error)
{
    X509Ptr cert(X509_new());
    if (!cert) {
        *error = opensslError(u"cannot make a certificate"_s);
        return nullptr;
    }
    if (X509_set_version(cert.get(), X509_VERSION_3) != 1) {
        *error = opensslError(u"cannot make an X.509 v3 certificate"_s);
        return nullptr;
    }
    if (!setRandomSerial(cert.get(), error))
        return nullptr;
    // From an hour ago: a client whose clock is a little behind must not see it "not yet
    // valid".
    if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) ||
        !X509_time_adj_ex(X509_getm_notAfter(cert.get()), validityDays, 0, nullptr)) {
        *error = opensslError(u"cannot set the certificate's validity"_s);
        return nullptr;
    }
    // The CN is at most 64 characters (RFC 5280's ub-common-name); the full name is in the
    // subjectAltName, which is what clients match.
    QString commonNameText = subject.hostName.trimmed().left(64);
    if (commonNameText.isEmpty())
        commonNameText = u"localhost"_s;
    const QByteArray commonName = commonNameText.toUtf8();
    X509_NAME *name = X509_get_subject_name(cert.get()); // owned by the certificate
    if (!name ||
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char *>(commonName.constData()),
                                   int(commonName.size()), -1, 0) != 1 ||
        X509_set_issuer_name(cert.get(), name) != 1) {
        *error =
            opensslError(u"cannot name the certificate CN=%1"_s.arg(QString::fromUtf8(commonName)));
        return nullptr;
    }
    if (X509_set_pubkey(cert.get(), key) != 1) {
        *error = opensslError(u"cannot put the public key into the certificate"_s);
        return nullptr;
    }
    if (!addExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE", error) ||
        !addExtension(cert.get(), NID_key_usage, "critical,digitalSignature", error) ||
        !addExtension(cert.get(), NID_ext_key_usage, "serverAuth", error) ||
        !addExtension(cert.get(), NID_subject_key_identifier, "hash", error) ||
        !addSubjectAltNames(cert.get(), subject, error))
        return nullptr;
    if (X509_sign(cert.get(), key, EVP_sha256()) <= 0) {
        *error = opensslError(u"cannot sign the certificate"_s);
        return nullptr;
    }
    return cert;
}

std::optional<QString> digestText(X509 *cert, QString *error)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (X509_digest(cert, EVP_sha256(), digest, &length) != 1) {
        *error = opensslError(u"cannot compute the certificate's SHA-256 fingerprint"_s);
        return std::nullopt;
    }
    return confab::fingerprintText(QByteArray(reinterpret_cast<const char *>(digest), int(length)));
}

// ---- files ---------------------------------------------------------------------------------

/// A descriptor closed on every way out.
class FileDescriptor
{
public:
    explicit FileDescriptor(int fd)
        : m_fd(fd)
    {}
    ~FileDescriptor()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    FileDescriptor(const FileDescriptor &) = delete;
    FileDescriptor &operator=(const FileDescriptor &) = delete;
    int get() const { return m_fd; }
    /// Closes now, reporting the error a late write may only show here.
    bool close()
    {
        const int fd = m_fd;
        m_fd = -1;
        return ::close(fd) == 0;
    }

private:
    int m_fd;
};

/// A file written beside `path` and renamed over it once complete: a reader sees the old
/// file or the whole new one, never a part. Removed unless it was renamed into place.
class PendingFile
{
public:
    explicit PendingFile(QString path)
        : m_path(std::move(path))
        , m_name(QFile::encodeName(m_path) + ".XXXXXX")
    {}
    ~PendingFile()
    {
        if (m_created && !m_renamed)
            ::unlink(m_name.constData());
    }
    PendingFile(const PendingFile &) = delete;
    PendingFile &operator=(const PendingFile &) = delete;

    /// Creates the file (mkostemp: 0600 whatever the umask, so no byte is ever readable by
    /// others), gives it `mode`, writes `data` and flushes it to the disk.
    bool write(const char *data, size_t size, mode_t mode, QString *error)
    {
        FileDescriptor fd(::mkostemp(m_name.data(), O_CLOEXEC));
        m_created = fd.get() >= 0;
        if (!m_created) {
            *error = u"cannot create a file beside %1: %2"_s.arg(m_path, errnoText(errno));
            return false;
        }
        if (::fchmod(fd.get(), mode) != 0) {
            *error = u"cannot set the mode of a file beside %1: %2"_s.arg(m_path, errnoText(errno));
            return false;
        }
        while (size > 0) {
            const ssize_t written = ::write(fd.get(), data, size);
            if (written < 0 && errno == EINTR)
                continue;
            if (written <= 0) {
                *error = u"cannot write %1: %2"_s.arg(m_path, errnoText(errno));
                return false;
            }
            data += written;
            size -= size_t(written);
        }
        if (::fsync(fd.get()) != 0 || !fd.close()) {
            *error = u"cannot write %1: %2"_s.arg(m_path, errnoText(errno));
            return false;
        }
        return true;
    }

    bool commit(QString *error)
    {
        m_renamed = ::rename(m_name.constData(), QFile::encodeName(m_path).constData()) == 0;
        if (!m_renamed)
            *error = u"cannot replace %1: %2"_s.arg(m_path, errnoText(errno));
        return m_renamed;
    }

private:
    QString m_path;
    QByteArray m_name;
    bool m_created = false;
    bool m_renamed = false;
};

/// The renames survive a power cut only once the folder itself is on the disk.
void syncFolder(const QString &dir)
{
    const FileDescriptor fd(
        ::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() >= 0)
        ::fsync(fd.get());
}

/// What a memory BIO holds, without copying it (a key must not linger in more places).
std::pair<const char *, size_t> contents(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return {data, size > 0 ? size_t(size) : 0};
}

/// A file's bytes in a read-only memory BIO over `buffer`; nullptr with a sentence.
BioPtr readFile(const QString &path, const QString &what, QByteArray *buffer, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"cannot read the TLS %1 %2: %3"_s.arg(what, path, file.errorString());
        return nullptr;
    }
    *buffer = file.readAll();
    BioPtr bio(BIO_new_mem_buf(buffer->constData(), int(buffer->size())));
    if (!bio)
        *error = opensslError(u"cannot read the TLS %1 %2"_s.arg(what, path));
    return bio;
}

X509Ptr readCertificate(const QString &path, QString *error)
{
    QByteArray pem;
    const BioPtr bio = readFile(path, u"certificate"_s, &pem, error);
    if (!bio)
        return nullptr;
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, noPassphrase, nullptr));
    if (!cert)
        *error = opensslError(u"%1 holds no PEM certificate"_s.arg(path));
    return cert;
}

QDateTime toDateTime(const ASN1_TIME *time)
{
    std::tm parts{};
    if (!time || ASN1_TIME_to_tm(time, &parts) != 1)
        return {};
    return QDateTime::fromSecsSinceEpoch(qint64(::timegm(&parts)), Qt::UTC);
}

} // namespace

// ---- public --------------------------------------------------------------------------------

CertificateSubject CertificateSubject::thisMachine()
{
    CertificateSubject subject;
    subject.hostName = QSysInfo::machineHostName();
    if (!subject.hostName.isEmpty() && !subject.hostName.contains(u'.') &&
        subject.hostName != u"localhost"_s)
        subject.dnsNames.append(subject.hostName + u".local"_s);
    for (const QHostAddress &address : QNetworkInterface::allAddresses()) {
        if (!address.isLoopback())
            subject.addresses.append(address);
    }
    return subject;
}

std::optional<QString> SelfSignedCertificate::create(const QString &certPath,
                                                     const QString &keyPath,
                                                     const CertificateSubject &subject,
                                                     QString *error, int validityDays)
{
    ERR_clear_error();
    const PKeyPtr key(EVP_EC_gen("P-256"));
    if (!key) {
        *error = opensslError(u"cannot make an EC P-256 key"_s);
        return std::nullopt;
    }
    const X509Ptr cert = makeCertificate(key.get(), subject, validityDays, error);
    if (!cert)
        return std::nullopt;
    const auto fingerprint = digestText(cert.get(), error);
    if (!fingerprint)
        return std::nullopt;

    // PEM in memory first: a file is only written once everything has worked. A memory
    // BIO wipes its buffer when freed (BUF_MEM_free clears it), so the key leaves no copy.
    const BioPtr certPem(BIO_new(BIO_s_mem()));
    const BioPtr keyPem(BIO_new(BIO_s_mem()));
    if (!certPem || !keyPem || PEM_write_bio_X509(certPem.get(), cert.get()) != 1 ||
        PEM_write_bio_PrivateKey(keyPem.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
            1) {
        *error = opensslError(u"cannot write the certificate and key as PEM"_s);
        return std::nullopt;
    }
    const auto [keyData, keySize] = contents(keyPem.get());
    const auto [certData, certSize] = contents(certPem.get());
    if (keySize == 0 || certSize == 0) {
        *error = opensslError(u"cannot write the certificate and key as PEM"_s);
        return std::nullopt;
    }
    // Both complete on the disk before either replaces anything, so a failure (a full disk)
    // leaves the old pair as it was. The key is renamed first: a certificate is never in
    // place without its key.
    PendingFile keyFile(keyPath);
    PendingFile certFile(certPath);
    if (!keyFile.write(keyData, keySize, S_IRUSR | S_IWUSR, error) ||
        !certFile.write(certData, certSize, S_IRUSR | S_IWUSR | S_IRGRP | S_IROTH, error) ||
        !keyFile.commit(error) || !certFile.commit(error))
        return std::nullopt;
    syncFolder(QFileInfo(keyPath).absolutePath());
    if (QFileInfo(certPath).absolutePath() != QFileInfo(keyPath).absolutePath())
        syncFolder(QFileInfo(certPath).absolutePath());
    return fingerprint;
}

std::optional<CertificateInfo> SelfSignedCertificate::check(const QString &certPath,
                                                            const QString &keyPath, QString *error)
{
    ERR_clear_error();
    const X509Ptr cert = readCertificate(certPath, error);
    if (!cert)
        return std::nullopt;
    QByteArray keyBuffer;
    const BioPtr keyBio = readFile(keyPath, u"key"_s, &keyBuffer, error);
    if (!keyBio)
        return std::nullopt;
    const PKeyPtr key(PEM_read_bio_PrivateKey(keyBio.get(), nullptr, noPassphrase, nullptr));
    // Not needed any more, and secret.
    OPENSSL_cleanse(keyBuffer.data(), size_t(keyBuffer.size()));
    if (!key) {
        *error = opensslError(
            u"%1 holds no usable PEM private key (an unencrypted RSA or EC key)"_s.arg(keyPath));
        return std::nullopt;
    }
    if (X509_check_private_key(cert.get(), key.get()) != 1) {
        *error = opensslError(
            u"the TLS key %1 does not belong to the certificate %2"_s.arg(keyPath, certPath));
        return std::nullopt;
    }
    CertificateInfo info;
    const auto fingerprint = digestText(cert.get(), error);
    if (!fingerprint)
        return std::nullopt;
    info.fingerprint = *fingerprint;
    info.notBefore = toDateTime(X509_get0_notBefore(cert.get()));
    info.notAfter = toDateTime(X509_get0_notAfter(cert.get()));
    if (!info.notBefore.isValid() || !info.notAfter.isValid()) {
        *error = opensslError(u"cannot read the validity of the certificate %1"_s.arg(certPath));
        return std::nullopt;
    }
    return info;
}

std::optional<QString> SelfSignedCertificate::fingerprint(const QString &certPath, QString *error)
{
    ERR_clear_error();
    const X509Ptr cert = readCertificate(certPath, error);
    if (!cert)
        return std::nullopt;
    return digestText(cert.get(), error);
}

std::optional<SelfSignedPair> ensureSelfSigned(const QString &dir, QString *error,
                                               const CertificateSubject &subject)
{
    const QFileInfo dirInfo(dir);
    const QString folder = dirInfo.absoluteFilePath();
    const QByteArray native = QFile::encodeName(folder);
    if (dirInfo.exists() && !dirInfo.isDir()) {
        *error =
            u"%1 is not a folder (confabd keeps its self-signed certificate there)"_s.arg(folder);
        return std::nullopt;
    }
    if (!dirInfo.exists()) {
        if (!QDir().mkpath(dirInfo.absolutePath())) {
            *error = u"cannot create the folder %1"_s.arg(dirInfo.absolutePath());
            return std::nullopt;
        }
        if (::mkdir(native.constData(), S_IRWXU) != 0 && errno != EEXIST) {
            *error = u"cannot create the folder %1: %2"_s.arg(folder, errnoText(errno));
            return std::nullopt;
        }
    }

    // Two confabd starting on one data folder must not pair one's key with the other's
    // certificate.
    QLockFile lock(QDir(folder).filePath(u".lock"_s));
    if (!lock.tryLock(10000)) {
        *error = u"cannot lock %1 (is another confabd making its certificate?)"_s.arg(
            QDir(folder).filePath(u".lock"_s));
        return std::nullopt;
    }

    SelfSignedPair pair;
    pair.certificatePath = QDir(folder).filePath(u"cert.pem"_s);
    pair.keyPath = QDir(folder).filePath(u"key.pem"_s);
    const bool haveCert = QFileInfo::exists(pair.certificatePath);
    const bool haveKey = QFileInfo::exists(pair.keyPath);
    if (haveCert && haveKey) {
        const auto info = SelfSignedCertificate::check(pair.certificatePath, pair.keyPath, error);
        if (!info) {
            *error += u" (confabd made them for --tls-self-signed; remove both to have it "
                      u"make a new pair, whose fingerprint every client must accept again)"_s;
            return std::nullopt;
        }
        if (info->notAfter > QDateTime::currentDateTimeUtc().addDays(renewBeforeDays)) {
            pair.info = *info;
            pair.origin = SelfSignedPair::Origin::Kept;
            return pair;
        }
        qCWarning(lcTls).noquote()
            << u"the self-signed certificate %1 (SHA-256 %2) ends on %3: making a new one; "
               u"clients will be asked to accept its fingerprint"_s.arg(
                   pair.certificatePath, info->fingerprint, info->notAfter.toString(Qt::ISODate));
        pair.origin = SelfSignedPair::Origin::Renewed;
    } else {
        pair.origin = SelfSignedPair::Origin::Created;
    }

    // Ours alone: the folder holds a private key.
    if (::chmod(native.constData(), S_IRWXU) != 0) {
        *error =
            u"cannot make the folder %1 private (mode 0700): %2"_s.arg(folder, errnoText(errno));
        return std::nullopt;
    }
    const auto fingerprint =
        SelfSignedCertificate::create(pair.certificatePath, pair.keyPath, subject, error);
    if (!fingerprint)
        return std::nullopt;
    const auto info = SelfSignedCertificate::check(pair.certificatePath, pair.keyPath, error);
    if (!info)
        return std::nullopt;
    pair.info = *info;
    qCInfo(lcTls).noquote() << u"made a self-signed certificate %1 (SHA-256 %2), valid until %3"_s
                                   .arg(pair.certificatePath, pair.info.fingerprint,
                                        pair.info.notAfter.toString(Qt::ISODate));
    return pair;
}

} // namespace confab::tls
