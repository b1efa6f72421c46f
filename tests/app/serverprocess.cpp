// SPDX-License-Identifier: Apache-2.0
#include "serverprocess.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace confab::client::test {

QProcessEnvironment fastKdfEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"CONFAB_KDF_MEMORY_KIB"_s, u"64"_s);
    env.insert(u"CONFAB_KDF_ITERATIONS"_s, u"1"_s);
    return env;
}

bool addUser(const QString &dataDir, const QString &name, const QString &password, QString *output)
{
    QProcess ctl;
    ctl.setProcessEnvironment(fastKdfEnvironment());
    ctl.start(QStringLiteral(CONFABCTL_PATH),
              {u"--data"_s, dataDir, u"user"_s, u"add"_s, name, u"--password-stdin"_s});
    if (!ctl.waitForStarted(5000))
        return false;
    ctl.write(password.toUtf8() + "\n");
    ctl.closeWriteChannel();
    if (!ctl.waitForFinished(15000)) {
        ctl.kill();
        ctl.waitForFinished(2000);
        return false;
    }
    if (output)
        *output = QString::fromUtf8(ctl.readAllStandardOutput() + ctl.readAllStandardError());
    return ctl.exitStatus() == QProcess::NormalExit && ctl.exitCode() == 0;
}

ServerProcess::ServerProcess(QString dataDir, QStringList extraArgs)
    : m_dataDir(std::move(dataDir))
    , m_extraArgs(std::move(extraArgs))
{
    m_process.setProcessEnvironment(fastKdfEnvironment());
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process,
                     [this] { m_stdout += m_process.readAllStandardOutput(); });
}

ServerProcess::~ServerProcess()
{
    kill();
}

bool ServerProcess::start(int port, QString *error)
{
    m_stdout.clear();
    QStringList args{u"--listen"_s,
                     u"127.0.0.1:%1"_s.arg(port),
                     u"--data"_s,
                     m_dataDir,
                     u"--auth-kdf-memory-kib"_s,
                     u"64"_s,
                     u"--auth-kdf-iterations"_s,
                     u"1"_s,
                     u"--timing-heartbeat-ms"_s,
                     u"1000"_s};
    m_process.start(QStringLiteral(CONFABD_PATH), args + m_extraArgs);
    if (!m_process.waitForStarted(5000)) {
        if (error)
            *error = m_process.errorString();
        return false;
    }
    if (!waitUntil([this] { return m_stdout.contains('\n') || !isRunning(); }, 15000)) {
        if (error)
            *error = u"confabd printed nothing"_s;
        return false;
    }
    static const QRegularExpression re(u"^listening on (wss?://\\S+/ws)"_s);
    const auto match = re.match(QString::fromUtf8(m_stdout));
    if (!match.hasMatch()) {
        if (error)
            *error = u"unexpected output: "_s + QString::fromUtf8(m_stdout);
        return false;
    }
    m_url = QUrl(match.captured(1));
    return true;
}

void ServerProcess::kill()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.kill();
    m_process.waitForFinished(5000);
}

void ServerProcess::terminate()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!waitUntil([this] { return !isRunning(); }, 10000))
        kill();
}

bool ServerProcess::restart(QString *error)
{
    kill();
    return start(port(), error);
}

bool ServerProcess::isRunning() const
{
    return m_process.state() != QProcess::NotRunning;
}

} // namespace confab::client::test
