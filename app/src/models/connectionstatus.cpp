// SPDX-License-Identifier: Apache-2.0
#include "connectionstatus.h"

#include "fingerprint.h"

using namespace Qt::StringLiterals;

namespace confab::client {

ConnectionStatus::ConnectionStatus(Connection *connection, QObject *parent)
    : QObject(parent)
    , m_connection(connection)
{
    connect(connection, &Connection::stateChanged, this, &ConnectionStatus::stateChanged);
    connect(connection, &Connection::secondsToRetryChanged, this,
            &ConnectionStatus::secondsToRetryChanged);
    connect(connection, &Connection::errorStringChanged, this,
            &ConnectionStatus::errorStringChanged);
    // The text counts down while waiting to retry.
    connect(connection, &Connection::stateChanged, this, &ConnectionStatus::stateTextChanged);
    connect(connection, &Connection::secondsToRetryChanged, this,
            &ConnectionStatus::stateTextChanged);
    connect(connection, &Connection::certificateNeedsTrust, this,
            [this](const QUrl &url, const QByteArray &sha256) { setCertificate(url, sha256, {}); });
    connect(connection, &Connection::certificateChanged, this,
            [this](const QUrl &url, const QByteArray &expected, const QByteArray &actual) {
                setCertificate(url, actual, expected);
            });
    connect(connection, &Connection::signedIn, this, &ConnectionStatus::clearCertificate);
}

QString ConnectionStatus::pendingFingerprint() const
{
    return m_pendingSha256.isEmpty() ? QString() : fingerprintText(m_pendingSha256);
}

QString ConnectionStatus::trustedFingerprint() const
{
    return m_trustedSha256.isEmpty() ? QString() : fingerprintText(m_trustedSha256);
}

void ConnectionStatus::clearCertificate()
{
    setCertificate({}, {}, {});
}

void ConnectionStatus::setCertificate(const QUrl &url, const QByteArray &pending,
                                      const QByteArray &trusted)
{
    if (m_certificateUrl == url && m_pendingSha256 == pending && m_trustedSha256 == trusted)
        return;
    m_certificateUrl = url;
    m_pendingSha256 = pending;
    m_trustedSha256 = trusted;
    Q_EMIT certificateStateChanged();
}

QString ConnectionStatus::stateText() const
{
    switch (state()) {
    case Connection::State::Offline:
        return u"Offline"_s;
    case Connection::State::Connecting:
        return u"Connecting…"_s;
    case Connection::State::Authenticating:
        return u"Signing in…"_s;
    case Connection::State::Syncing:
        return u"Catching up…"_s;
    case Connection::State::Online:
        return u"Online"_s;
    case Connection::State::WaitingToRetry:
        return u"Reconnecting in %1 s"_s.arg(secondsToRetry());
    }
    return {};
}

void ConnectionStatus::setQueuedCount(int count)
{
    if (m_queued == count)
        return;
    m_queued = count;
    Q_EMIT queuedCountChanged();
}

} // namespace confab::client
