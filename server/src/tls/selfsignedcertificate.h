// SPDX-License-Identifier: Apache-2.0
#pragma once

// A certificate and key of confabd's own for wss:// on a local network (issue 12): an EC
// P-256 key and a self-signed X.509 v3 server certificate for this machine's names and
// addresses, made with OpenSSL 3's C API. Clients cannot check it against a CA; they see its
// SHA-256 fingerprint and accept it once (trust on first use). Errors come back as a
// sentence, never as an exception or a crash.

#include <QByteArray>
#include <QDateTime>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace confab::tls {

/// Whom a new certificate names.
struct CertificateSubject
{
    QString hostName;              ///< the subject's CN and a DNS name ("localhost" if empty)
    QStringList dnsNames;          ///< further DNS names ("localhost" is always one)
    QList<QHostAddress> addresses; ///< IP addresses (127.0.0.1 and ::1 are always some)

    /// This machine: its host name (and `<name>.local` for mDNS when it has no dot) and
    /// every non-loopback address of its network interfaces.
    static CertificateSubject thisMachine();
};

/// What reading an existing pair found out.
struct CertificateInfo
{
    QString fingerprint; ///< SHA-256 of the DER certificate, "AB:CD:…"
    QDateTime notBefore; ///< UTC
    QDateTime notAfter;  ///< UTC
};

class SelfSignedCertificate
{
public:
    // 825 days, not 10 years: Apple's platforms refuse TLS server certificates valid for
    // longer (even self-signed ones a user trusted), and clients that pin the certificate
    // still check its dates. A pinned certificate gains nothing from a long life, and
    // confabd makes a new one on its own before this one runs out (see ensure()), so the
    // cost of the shorter life is one "accept the new fingerprint" every two years or so.
    static constexpr int defaultValidityDays = 825;

    /// Makes a new key and certificate for `subject`, valid from an hour ago (clocks of the
    /// clients may lag) for `validityDays`, and writes them as PEM to `certPath` (0644) and
    /// `keyPath` (0600 from its creation on), each atomically (a temporary file renamed over
    /// the old one). Their folder must exist. Returns the fingerprint, or nullopt with a
    /// sentence in `error`.
    static std::optional<QString> create(const QString &certPath, const QString &keyPath,
                                         const CertificateSubject &subject, QString *error,
                                         int validityDays = defaultValidityDays);

    /// Reads a PEM certificate and key and checks that the key is the certificate's.
    /// Nullopt with a sentence when either cannot be read or parsed, or they do not match.
    static std::optional<CertificateInfo> check(const QString &certPath, const QString &keyPath,
                                                QString *error);

    /// The fingerprint of the first certificate of a PEM file (the server's own in a chain).
    static std::optional<QString> fingerprint(const QString &certPath, QString *error);
};

/// The pair confabd serves with `server.tls_self_signed`.
struct SelfSignedPair
{
    enum class Origin {
        Kept,    ///< both files were there, readable and matching
        Created, ///< one or both were missing: a new pair
        Renewed, ///< the old certificate ran out within renewBeforeDays: a new pair
    };
    QString certificatePath;
    QString keyPath;
    CertificateInfo info;
    Origin origin = Origin::Kept;
};

/// A certificate this close to its end is replaced at start, so clients never see it expire
/// (the host app restarts confabd far more often than this).
inline constexpr int renewBeforeDays = 30;

/// `dir`/cert.pem and `dir`/key.pem: kept when both exist, made when either is missing,
/// made anew when the certificate ends within renewBeforeDays. `dir` is created 0700 (and
/// an existing one made 0700 when a pair is written into it). Refuses (nullopt and a
/// sentence) when the files exist but cannot be read or do not match: they are never
/// silently replaced, since a new certificate means every client must accept it again.
std::optional<SelfSignedPair>
ensureSelfSigned(const QString &dir, QString *error,
                 const CertificateSubject &subject = CertificateSubject::thisMachine());

} // namespace confab::tls
