// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the status bar shows about the connection: its state, the seconds until the next
// attempt, the error that stopped it, and how many messages wait in the outbox. A QObject
// with properties rather than a list model: it is one record, not a list.
//
// Certificates: after the connection stopped on a certificate the user has not trusted
// (Connection::certificateNeedsTrust) or one that differs from the trusted one
// (Connection::certificateChanged), `pendingFingerprint` shows it ("AB:CD:…") and
// `certificateChanged` tells the two apart (`trustedFingerprint` is then the old one).
// Cleared on the next sign-in, or by clearCertificate() (ChatClient: a sign-in elsewhere).

#include "connection.h"

#include <QObject>

namespace confab::client {

class ConnectionStatus : public QObject
{
    Q_OBJECT
    Q_PROPERTY(confab::client::Connection::State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString stateText READ stateText NOTIFY stateTextChanged)
    Q_PROPERTY(int secondsToRetry READ secondsToRetry NOTIFY secondsToRetryChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
    Q_PROPERTY(int queuedCount READ queuedCount NOTIFY queuedCountChanged)
    Q_PROPERTY(QString pendingFingerprint READ pendingFingerprint NOTIFY certificateStateChanged)
    Q_PROPERTY(QString trustedFingerprint READ trustedFingerprint NOTIFY certificateStateChanged)
    Q_PROPERTY(bool certificateChanged READ isCertificateChanged NOTIFY certificateStateChanged)
    Q_PROPERTY(QUrl certificateUrl READ certificateUrl NOTIFY certificateStateChanged)
public:
    explicit ConnectionStatus(Connection *connection, QObject *parent = nullptr);

    Connection::State state() const { return m_connection->state(); }
    QString stateText() const;
    int secondsToRetry() const { return m_connection->secondsToRetry(); }
    QString errorString() const { return m_connection->errorString(); }
    int queuedCount() const { return m_queued; }
    void setQueuedCount(int count);

    /// The refused certificate's fingerprint ("AB:CD:…"); empty when none waits.
    QString pendingFingerprint() const;
    /// When the certificate changed: the fingerprint trusted before; empty otherwise.
    QString trustedFingerprint() const;
    bool isCertificateChanged() const { return !m_trustedSha256.isEmpty(); }
    /// The server whose certificate waits for a decision.
    QUrl certificateUrl() const { return m_certificateUrl; }
    QByteArray pendingSha256() const { return m_pendingSha256; }
    void clearCertificate();

Q_SIGNALS:
    void stateChanged();
    void stateTextChanged();
    void secondsToRetryChanged();
    void errorStringChanged();
    void queuedCountChanged();
    void certificateStateChanged();

private:
    Connection *m_connection;
    void setCertificate(const QUrl &url, const QByteArray &pending, const QByteArray &trusted);

    int m_queued = 0;
    QUrl m_certificateUrl;
    QByteArray m_pendingSha256;
    QByteArray m_trustedSha256; ///< set only when the certificate changed
};

} // namespace confab::client
