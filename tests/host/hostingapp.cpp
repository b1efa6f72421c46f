// SPDX-License-Identifier: Apache-2.0
#include "hostingapp.h"

#include "confabprocess.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

#include <csignal>

using namespace Qt::StringLiterals;

namespace confab::test {

HostingApp::HostingApp(QString appDataDir)
    : m_appDataDir(std::move(appDataDir))
{}

HostingApp::~HostingApp()
{
    if (!isRunning())
        return;
    // As a user quits: the app stops its server. Only if it hangs, both are killed (a killed
    // app would leave its confabd running: it is meant to survive the app's crash).
    const qint64 server = serverPid();
    if (terminate(10000) != -1)
        return;
    m_process.kill();
    m_process.waitForFinished(5000);
    if (server > 0)
        ::kill(pid_t(server), SIGKILL);
}

bool HostingApp::start(const QString &listen, const QString &name, QString *error)
{
    QProcessEnvironment env = fastKdfEnvironment();
    env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    env.insert(u"CONFAB_CONFABD"_s, confabdPath());
    env.insert(u"CONFAB_CONFABCTL"_s, confabctlPath());
    m_process.setProcessEnvironment(env);
    m_stdout.clear();
    m_stderr.clear();
    m_url = QUrl();
    QStringList args{u"--host"_s, u"--listen"_s, listen, u"--data"_s, m_appDataDir};
    if (!name.isEmpty())
        args << u"--name"_s << name;
    m_process.start(QString::fromUtf8(CONFAB_APP_PATH), args);
    static const QRegularExpression hosting(u"^hosting on (wss?://\\S+)$"_s,
                                            QRegularExpression::MultilineOption);
    const bool up = QTest::qWaitFor(
        [&] {
            m_stdout += m_process.readAllStandardOutput();
            m_stderr += m_process.readAllStandardError();
            const auto match = hosting.match(QString::fromUtf8(m_stdout));
            if (match.hasMatch())
                m_url = QUrl(match.captured(1));
            return m_url.isValid() || m_process.state() == QProcess::NotRunning;
        },
        30000);
    if (up && m_url.isValid())
        return true;
    if (error)
        *error = u"the app did not say `hosting on`: %1"_s.arg(output().right(2000));
    return false;
}

int HostingApp::terminate(int timeoutMs)
{
    if (!isRunning())
        return m_process.exitCode();
    ::kill(pid_t(m_process.processId()), SIGTERM);
    if (!m_process.waitForFinished(timeoutMs))
        return -1;
    m_stdout += m_process.readAllStandardOutput();
    m_stderr += m_process.readAllStandardError();
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

qint64 HostingApp::serverPid() const
{
    // Every thread of the app may have forked: look at each thread's children.
    const QString tasks = u"/proc/%1/task"_s.arg(pid());
    const QStringList threads = QDir(tasks).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &thread : threads) {
        QFile children(u"%1/%2/children"_s.arg(tasks, thread));
        if (!children.open(QIODevice::ReadOnly))
            continue;
        const QList<QByteArray> pids = children.readAll().simplified().split(' ');
        for (const QByteArray &child : pids) {
            QFile comm(u"/proc/%1/comm"_s.arg(QString::fromLatin1(child)));
            if (comm.open(QIODevice::ReadOnly) && comm.readAll().trimmed() == "confabd")
                return child.toLongLong();
        }
    }
    return 0;
}

QString HostingApp::serverDataDir() const
{
    return QDir(m_appDataDir).filePath(u"server"_s);
}

} // namespace confab::test
