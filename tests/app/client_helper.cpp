// SPDX-License-Identifier: Apache-2.0
// A client process for the outbox-survival test: the test kills it (SIGKILL) while its
// outbox is not empty, then runs it again on the same data directory.
//
//   confab_client_helper send  DATA_DIR URL USER PASSWORD CHANNEL COUNT PREFIX
//     signs in, queues COUNT messages "PREFIX-<i>", prints "queued", then one
//     "delivered <i>" line per acknowledged message, and runs until killed.
//   confab_client_helper drain DATA_DIR URL USER PASSWORD
//     resumes the saved session (or signs in), prints "drained" and exits 0 once the
//     outbox is empty.

#include "chatclient.h"
#include "outbox.h"

#include <QCoreApplication>
#include <QTimer>

#include <cstdio>

using namespace Qt::StringLiterals;
using namespace confab::client;

namespace {
void say(const QByteArray &line)
{
    std::fputs(line.constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}
} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 6)
        return 2;
    const QString mode = args[1];
    ChatClientOptions options;
    options.connection.watchReachability = false;
    options.connection.backoff = {100, 1000, 60000};
    ChatClient client(args[2], options);
    QString error;
    if (!client.start(&error)) {
        std::fprintf(stderr, "helper: %s\n", qPrintable(error));
        return 1;
    }
    if (!client.resumeSession())
        client.signIn(QUrl(args[3]), args[4], args[5]);

    if (mode == "send"_L1 && args.size() >= 9) {
        const QString channel = args[6];
        const int count = args[7].toInt();
        const QString prefix = args[8];
        client.joinChannel(channel);
        QObject::connect(&client, &ChatClient::messageDelivered, &app,
                         [](const QString &cid, qint64 seq) {
                             say("delivered " + cid.toUtf8() + ' ' + QByteArray::number(seq));
                         });
        for (int i = 0; i < count; ++i)
            client.sendMessage(channel, u"%1-%2"_s.arg(prefix).arg(i));
        say("queued");
        return app.exec();
    }
    if (mode == "drain"_L1) {
        QTimer poll;
        QObject::connect(&poll, &QTimer::timeout, &app, [&] {
            if (client.connection()->state() == Connection::State::Online &&
                client.outbox()->count() == 0) {
                say("drained");
                app.quit();
            }
        });
        poll.start(20);
        return app.exec();
    }
    return 2;
}
