// SPDX-License-Identifier: Apache-2.0
// confab-console-bench: how the admin console keeps up (issue 11). A real confabd with
// --users accounts, --active of them signed in and changing status --rate times a second in
// all, and a real `confabctl presence --watch` following it:
//   screen: the full-screen console on a pseudo-terminal, with CONFABCTL_REDRAW_LOG: how
//           long each event waited from the socket to the redrawn screen, and the console's
//           CPU;
//   lines:  the same watch printing lines to a pipe (the peer in the same run: the same
//           events without a screen), its CPU.
// Prints a summary and one JSON line. See docs/benchmarks.md, "Admin console".

#include "bulkaccounts.h"
#include "confabprocess.h"
#include "testclient.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSocketNotifier>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <memory>
#include <vector>

#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using confab::test::TestClient;

namespace {

constexpr auto kPassword = "benchpass1";

/// Runs the event loop (the load, the consoles' output) for `ms`: a measurement window.
void runFor(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

double percentile(std::vector<qint64> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return double(values[std::min(values.size() - 1, std::size_t(p * double(values.size())))]);
}

/// A console process: confabctl on a pseudo-terminal (its output read and dropped, as a
/// terminal would take it), or on a pipe.
class Console
{
public:
    Console(const QString &ctl, const QStringList &args, const QProcessEnvironment &env,
            bool onTerminal)
    {
        if (!onTerminal) {
            m_process = std::make_unique<QProcess>();
            m_process->setProcessEnvironment(env);
            m_process->setStandardOutputFile(QProcess::nullDevice());
            m_process->start(ctl, args);
            m_process->waitForStarted();
            m_pid = pid_t(m_process->processId());
            return;
        }
        struct winsize size = {50, 200, 0, 0};
        int master = -1;
        const QByteArray program = ctl.toLocal8Bit();
        QList<QByteArray> argBytes{program};
        for (const QString &a : args)
            argBytes.append(a.toLocal8Bit());
        QList<QByteArray> envBytes;
        for (const QString &e : env.toStringList())
            envBytes.append(e.toLocal8Bit());
        m_pid = forkpty(&master, nullptr, nullptr, &size);
        if (m_pid == 0) {
            std::vector<char *> argv, envp;
            for (QByteArray &a : argBytes)
                argv.push_back(a.data());
            argv.push_back(nullptr);
            for (QByteArray &e : envBytes)
                envp.push_back(e.data());
            envp.push_back(nullptr);
            execve(program.constData(), argv.data(), envp.data());
            _exit(127);
        }
        m_master = master;
        m_reader = std::make_unique<QSocketNotifier>(master, QSocketNotifier::Read);
        QObject::connect(m_reader.get(), &QSocketNotifier::activated, [this] {
            char buffer[65536];
            const ssize_t n = ::read(m_master, buffer, sizeof buffer);
            if (n > 0)
                m_screenBytes += n;
            else
                m_reader->setEnabled(false);
        });
    }
    ~Console()
    {
        if (m_process) {
            m_process->kill();
            m_process->waitForFinished();
        } else if (m_pid > 0) {
            ::kill(m_pid, SIGKILL);
            waitpid(m_pid, nullptr, 0);
            ::close(m_master);
        }
    }
    pid_t pid() const { return m_pid; }
    qint64 screenBytes() const { return m_screenBytes; }

private:
    std::unique_ptr<QProcess> m_process;
    std::unique_ptr<QSocketNotifier> m_reader;
    pid_t m_pid = -1;
    int m_master = -1;
    qint64 m_screenBytes = 0;
};

struct Result
{
    double cpuPercent = 0;
    double eventsPerSecond = 0;
    double redrawsPerSecond = 0;
    double p50 = 0, p90 = 0, p99 = 0, max = 0; ///< event → redrawn, ms (screen only)
    double drawP50 = 0, drawMax = 0;           ///< one redraw's own time, ms
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"The admin console under presence load."_s);
    parser.addHelpOption();
    parser.addOptions({{u"users"_s, u"Accounts."_s, u"N"_s, u"10000"_s},
                       {u"active"_s, u"Signed-in users changing status."_s, u"N"_s, u"1000"_s},
                       {u"rate"_s, u"Status changes per second, in all."_s, u"N"_s, u"1000"_s},
                       {u"duration-s"_s, u"Seconds measured per mode."_s, u"S"_s, u"10"_s}});
    parser.process(app);
    const int userCount = parser.value(u"users"_s).toInt();
    const int active = std::min(parser.value(u"active"_s).toInt(), userCount - 1);
    const int rate = parser.value(u"rate"_s).toInt();
    const int durationS = parser.value(u"duration-s"_s).toInt();

    QTemporaryDir home;
    const QString data = home.filePath(u"data"_s);
    QString why;
    if (!confab::test::makeBulkAccounts(data, userCount - 1, QString::fromLatin1(kPassword),
                                        &why)) {
        qCritical("cannot make the accounts: %s", qPrintable(why));
        return 1;
    }
    confab::test::ConfabdProcess server(
        data, {u"--limits-connections-per-address"_s, u"0"_s, u"--limits-connections-per-user"_s,
               u"0"_s, u"--auth-max-failures"_s, u"1000000"_s, u"--limits-request-rate-per-s"_s,
               u"100000"_s, u"--limits-request-burst"_s, u"100000"_s});
    if (!server.start(0, &why)) {
        qCritical("confabd: %s", qPrintable(why));
        return 1;
    }

    std::vector<std::unique_ptr<TestClient>> clients;
    for (int i = 0; i < active; ++i) {
        auto client = std::make_unique<TestClient>();
        client->setRecordAll(false);
        if (!client->open(server.url()) ||
            !client->hello(confab::test::bulkUserName(i), QString::fromLatin1(kPassword))) {
            qCritical("client %d could not sign in", i);
            return 1;
        }
        clients.push_back(std::move(client));
    }

    QProcessEnvironment env = confab::test::fastKdfEnvironment();
    env.insert(u"HOME"_s, home.path());
    env.insert(u"XDG_CONFIG_HOME"_s, home.filePath(u"config"_s));
    env.insert(u"TERM"_s, u"xterm"_s);
    QProcess login; // the consoles below use the kept sign-in
    login.setProcessEnvironment(env);
    login.start(confab::test::confabctlPath(), {u"--url"_s, server.url().toString(), u"--user"_s,
                                                u"root"_s, u"--password-stdin"_s, u"login"_s});
    login.write(QByteArray(kPassword) + '\n');
    login.closeWriteChannel();
    if (!login.waitForFinished(30000) || login.exitCode() != 0) {
        qCritical("confabctl login: %s", login.readAllStandardError().constData());
        return 1;
    }

    // The load: `rate` status changes a second, spread over the active users in turn.
    qint64 sent = 0;
    QElapsedTimer loadClock;
    QTimer driver;
    driver.setTimerType(Qt::PreciseTimer);
    driver.setInterval(2);
    QObject::connect(&driver, &QTimer::timeout, [&] {
        const qint64 due = loadClock.elapsed() * rate / 1000;
        for (; sent < due; ++sent) {
            TestClient &client = *clients[std::size_t(sent % active)];
            const bool away = (sent / active) % 2 == 0;
            client.sendRequest(
                {{u"t"_s, u"presence"_s}, {u"status"_s, away ? u"away"_s : u"online"_s}});
        }
    });
    QTimer drain; // replies are not looked at: keep the inboxes empty
    drain.setInterval(500);
    QObject::connect(&drain, &QTimer::timeout, [&] {
        for (auto &client : clients)
            client->take(u"reply"_s);
    });
    drain.start();

    const auto run = [&](bool onTerminal) {
        const QString log =
            home.filePath(onTerminal ? u"redraw-screen.log"_s : u"redraw-lines.log"_s);
        QProcessEnvironment consoleEnv = env;
        if (onTerminal)
            consoleEnv.insert(u"CONFABCTL_REDRAW_LOG"_s, log);
        QStringList args{u"--url"_s, server.url().toString(), u"presence"_s, u"--watch"_s};
        if (!onTerminal)
            args.append(u"--json"_s);
        Console console(confab::test::confabctlPath(), args, consoleEnv, onTerminal);
        // Let it sign in and draw the snapshot under load, then measure.
        runFor(3000);
        QFile file(log);
        qint64 logStart = 0;
        if (onTerminal && file.open(QIODevice::ReadOnly))
            logStart = file.size();
        const qint64 cpu0 = confab::test::processCpuMs(console.pid());
        const qint64 sent0 = sent;
        QElapsedTimer window;
        window.start();
        runFor(durationS * 1000);
        const qint64 cpu1 = confab::test::processCpuMs(console.pid());
        const double seconds = double(window.elapsed()) / 1000.0;
        Result result;
        result.cpuPercent = double(cpu1 - cpu0) / 10.0 / seconds;
        result.eventsPerSecond = double(sent - sent0) / seconds;
        if (onTerminal) {
            file.seek(logStart);
            std::vector<qint64> waits, draws;
            while (!file.atEnd()) {
                const QList<QByteArray> f = file.readLine().trimmed().split(' ');
                if (f.size() == 3) {
                    waits.push_back(f[0].toLongLong());
                    draws.push_back(f[2].toLongLong());
                }
            }
            result.redrawsPerSecond = double(waits.size()) / seconds;
            result.p50 = percentile(waits, 0.5) / 1000;
            result.p90 = percentile(waits, 0.9) / 1000;
            result.p99 = percentile(waits, 0.99) / 1000;
            result.max = percentile(waits, 1.0) / 1000;
            result.drawP50 = percentile(draws, 0.5) / 1000;
            result.drawMax = percentile(draws, 1.0) / 1000;
        }
        return result;
    };

    loadClock.start();
    driver.start();
    const Result screen = run(true);
    const Result lines = run(false);
    driver.stop();

    std::printf("console under %d status changes/s, %d accounts, %d signed in:\n", rate, userCount,
                active);
    std::printf("  screen: %.1f%% CPU, %.0f redraws/s, event -> redrawn p50 %.1f p90 %.1f p99 %.1f "
                "max %.1f ms (one redraw p50 %.2f max %.2f ms)\n",
                screen.cpuPercent, screen.redrawsPerSecond, screen.p50, screen.p90, screen.p99,
                screen.max, screen.drawP50, screen.drawMax);
    std::printf("  lines (peer: same events, no screen): %.1f%% CPU; screen/lines CPU %.2fx\n",
                lines.cpuPercent, lines.cpuPercent > 0 ? screen.cpuPercent / lines.cpuPercent : 0);
    const QJsonObject json{{u"scenario"_s, u"console"_s},
                           {u"users"_s, userCount},
                           {u"active"_s, active},
                           {u"rate"_s, rate},
                           {u"events_per_s"_s, screen.eventsPerSecond},
                           {u"screen_cpu_pct"_s, screen.cpuPercent},
                           {u"lines_cpu_pct"_s, lines.cpuPercent},
                           {u"redraws_per_s"_s, screen.redrawsPerSecond},
                           {u"redrawn_p50_ms"_s, screen.p50},
                           {u"redrawn_p90_ms"_s, screen.p90},
                           {u"redrawn_p99_ms"_s, screen.p99},
                           {u"redrawn_max_ms"_s, screen.max},
                           {u"redraw_p50_ms"_s, screen.drawP50},
                           {u"redraw_max_ms"_s, screen.drawMax}};
    std::printf("%s\n", QJsonDocument(json).toJson(QJsonDocument::Compact).constData());
    return 0;
}
