// SPDX-License-Identifier: Apache-2.0
#include "serverlink.h"

#include "commands.h"
#include "version.h"

#include <QEventLoop>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace confab::ctl {

namespace {

client::ConnectionOptions linkOptions(const ServerTarget &target)
{
    client::ConnectionOptions options;
    options.clientName = u"confabctl/"_s + QLatin1StringView(confab::shortVersion);
    options.pinnedSha256 = target.pinnedSha256;
    options.extraCaCertificates = target.caCertificates;
    // A console on a server over ssh has no use for the desktop's network monitor.
    options.watchReachability = false;
    return options;
}

} // namespace

ServerLink::ServerLink(ServerTarget target, QObject *parent)
    : QObject(parent)
    , m_target(std::move(target))
    , m_connection(linkOptions(m_target), this)
{}

int ServerLink::signIn(std::chrono::milliseconds deadline)
{
    using State = client::Connection::State;
    QEventLoop loop;
    int result = ExitCannotConnect;
    const auto finish = [&](int code, const QString &why) {
        result = code;
        m_error = why;
        loop.quit();
    };
    const QString where = m_target.url.toDisplayString();
    QTimer timer;
    timer.setSingleShot(true);
    connect(&timer, &QTimer::timeout, &loop, [&] {
        const QString reason = m_connection.errorString();
        finish(ExitCannotConnect,
               reason.isEmpty()
                   ? u"cannot connect to %1 within %2 s"_s.arg(where).arg(deadline.count() / 1000.0)
                   : u"cannot connect to %1 within %2 s: %3"_s.arg(where)
                         .arg(deadline.count() / 1000.0)
                         .arg(reason));
    });
    QMetaObject::Connection signedIn =
        connect(&m_connection, &client::Connection::signedIn, &loop, [&] { finish(ExitOk, {}); });
    QMetaObject::Connection rejected =
        connect(&m_connection, &client::Connection::credentialsRejected, &loop, [&](bool token) {
            finish(ExitUnauthorized,
                   token
                       ? u"the saved sign-in for %1 is no longer valid; run confabctl login"_s.arg(
                             where)
                       : u"%1 refused the user name or password"_s.arg(where));
        });
    QMetaObject::Connection stopped =
        connect(&m_connection, &client::Connection::stateChanged, &loop, [&](State state) {
            // A first attempt that failed is the answer a command line wants (as curl's):
            // the engine's retries are for the console that is already watching.
            if (state == State::WaitingToRetry) {
                finish(ExitCannotConnect,
                       u"cannot connect to %1: %2"_s.arg(where, m_connection.errorString()));
                return;
            }
            if (state != State::Offline)
                return;
            QString why = m_connection.errorString();
            if (!m_connection.peerSha256().isEmpty() && why.contains(u"certificate"_s)) {
                why += u" Its SHA-256 fingerprint is %1; if that is the server's, run again "
                       u"with --trust-fingerprint %1."_s.arg(
                           fingerprintText(m_connection.peerSha256()));
            }
            finish(ExitCannotConnect, u"cannot connect to %1: %2"_s.arg(where, why));
        });

    client::Connection::Credentials credentials;
    credentials.user = m_target.user;
    credentials.password = m_target.password;
    credentials.token = m_target.token;
    timer.start(deadline);
    m_connection.open(m_target.url, credentials);
    if (m_connection.state() == State::Offline) // a URL refused before any attempt
        finish(ExitCannotConnect,
               u"cannot connect to %1: %2"_s.arg(where, m_connection.errorString()));
    else
        loop.exec();
    disconnect(signedIn);
    disconnect(rejected);
    disconnect(stopped);
    if (result == ExitOk)
        m_connection.setOnline(); // confabctl joins nothing: nothing to catch up on
    else
        m_connection.close();
    return result;
}

std::optional<Reply> ServerLink::call(ClientFrame frame, QString *error)
{
    QEventLoop loop;
    std::optional<Reply> answer;
    bool answered = false;
    const bool sent =
        m_connection.request(std::move(frame), [&](const std::optional<Reply> &reply) {
            answer = reply;
            answered = true;
            loop.quit();
        });
    if (!sent) {
        *error = u"not signed in to %1"_s.arg(m_target.url.toDisplayString());
        return std::nullopt;
    }
    if (!answered)
        loop.exec();
    if (!answer)
        *error = u"the connection to %1 ended before the server answered"_s.arg(
            m_target.url.toDisplayString());
    return answer;
}

} // namespace confab::ctl
