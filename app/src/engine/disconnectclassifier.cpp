// SPDX-License-Identifier: Apache-2.0
#include "disconnectclassifier.h"

#include "closecode.h"
#include "errortext.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace confab::client {

namespace {

DisconnectVerdict stop(const QString &reason)
{
    return {DisconnectVerdict::Action::StopForGood, 0, reason, false};
}

DisconnectVerdict retry(std::optional<QString> reason)
{
    return {DisconnectVerdict::Action::Retry, 0, std::move(reason), false};
}

} // namespace

int refusedHttpStatus(const QString &socketErrorText)
{
    static const QRegularExpression re(u"status code: (\\d{3})"_s);
    const auto match = re.match(socketErrorText);
    return match.hasMatch() ? match.captured(1).toInt() : 0;
}

DisconnectVerdict classifyDisconnect(const DisconnectFacts &facts)
{
    // Errors a user must act on come first: once one is known, nothing later changes it.
    if (facts.certificateChange) {
        return stop(errortext::certificateChanged(facts.url, facts.certificateChange->pinnedSha256,
                                                  facts.certificateChange->actualSha256));
    }
    if (!facts.unknownCertificateSha256.isEmpty()) {
        return stop(errortext::certificateNeedsTrust(facts.url, facts.unknownCertificateSha256,
                                                     facts.certificateErrors.join(u"; "_s)));
    }
    if (!facts.certificateErrors.isEmpty())
        return stop(errortext::certificate(facts.certificateErrors.join(u"; "_s)));
    if (facts.closeCode == int(CloseCode::Kicked) ||
        (facts.bye && facts.bye->reason == ByeReason::Kicked))
        // A 4002 counts even when the bye was lost.
        return stop(errortext::kicked(facts.bye ? facts.bye->message : QString()));
    if (facts.subprotocolMismatch || facts.helloUnreadable)
        return stop(errortext::versionMismatch());
    if (facts.registerError)
        return stop(errortext::registerFailed(facts.user, *facts.registerError));
    if (facts.helloError) {
        switch (facts.helloError->code) {
        case ErrorCode::Unauthorized:
        case ErrorCode::Forbidden: {
            // confabd names a disabled account only in its message (no code of its own).
            const bool disabled = facts.helloError->message.contains(u"disabled"_s);
            DisconnectVerdict verdict = stop(disabled           ? errortext::accountDisabled()
                                             : !facts.usedToken ? errortext::badCredentials()
                                             : facts.afterKick  ? errortext::revokedAfterKick()
                                                                : errortext::sessionExpired());
            verdict.credentialsRejected = true;
            return verdict;
        }
        case ErrorCode::Unsupported:
        case ErrorCode::BadRequest:
            return stop(errortext::versionMismatch());
        default:
            if (facts.firstSignIn)
                return stop(facts.helloError->message);
            return retry(facts.helloError->message);
        }
    }
    if (facts.socketError == QAbstractSocket::ConnectionRefusedError && facts.reachedServer &&
        !facts.handshakeDone) {
        // Something answered HTTP, but not with 101 Switching Protocols: a web server that
        // is not confabd, or a wrong path. A 5xx is a proxy whose backend is down: that may
        // pass. (QWebSocket names the status only in its error text; a translated text that
        // hides it counts as a wrong URL.)
        if (refusedHttpStatus(facts.socketErrorText) >= 500) {
            if (facts.firstSignIn)
                return stop(errortext::unreachable(facts.url));
            return retry(errortext::unreachable(facts.url));
        }
        return stop(errortext::wrongUrl(facts.url));
    }
    if (facts.closeCode == int(CloseCode::Policy) && !facts.signedIn)
        return stop(errortext::wrongUrl(facts.url)); // confabd: "unknown path; use /ws"

    std::optional<QString> reason;
    if (facts.socketError)
        reason = errortext::socketError(facts.url, *facts.socketError, facts.socketErrorText);
    else if (!facts.handshakeDone && !facts.timedOut)
        reason = errortext::unreachable(facts.url); // closed before any error was reported
    // A server its host stopped: "cannot reach" would send the user checking the network.
    const bool serverStopped = facts.bye && facts.bye->reason == ByeReason::Shutdown;
    if (serverStopped || (facts.afterShutdown && !facts.signedIn))
        reason = errortext::serverStopped();
    if (facts.firstSignIn && !facts.signedIn)
        return stop(reason.value_or(errortext::noAnswer(facts.url)));
    DisconnectVerdict verdict = retry(std::move(reason));
    if (facts.bye && facts.bye->retryMs) {
        verdict.action = DisconnectVerdict::Action::RetryAfter;
        verdict.retryAfterMs = std::max<qint64>(0, *facts.bye->retryMs);
    }
    return verdict;
}

} // namespace confab::client
