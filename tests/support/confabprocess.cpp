// SPDX-License-Identifier: Apache-2.0
#include "confabprocess.h"

#include "testclient.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace confab::test {

QString confabdPath()
{
    return QStringLiteral(CONFABD_PATH);
}

QString confabctlPath()
{
    return QStringLiteral(CONFABCTL_PATH);
}

QProcessEnvironment fastKdfEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"CONFAB_KDF_MEMORY_KIB"_s, u"64"_s);
    env.insert(u"CONFAB_KDF_ITERATIONS"_s, u"1"_s);
    return env;
}

int runConfabctl(const QStringList &args, const QByteArray &stdinData, QString *output)
{
    QProcess ctl;
    ctl.setProcessEnvironment(fastKdfEnvironment());
    ctl.start(confabctlPath(), args);
    if (!ctl.waitForStarted(5000))
        return -1;
    ctl.write(stdinData);
    ctl.closeWriteChannel();
    if (!ctl.waitForFinished(15000)) {
        ctl.kill();
        ctl.waitForFinished(2000);
        return -1;
    }
    if (output)
        *output = QString::fromUtf8(ctl.readAllStandardOutput() + ctl.readAllStandardError());
    return ctl.exitStatus() == QProcess::NormalExit ? ctl.exitCode() : -1;
}

bool addUser(const QString &dataDir, const QString &name, const QString &password, bool admin,
             QString *output)
{
    QStringList args{u"--data"_s, dataDir, u"user"_s, u"add"_s, name};
    if (admin)
        args << u"--admin"_s;
    return runConfabctl(args << u"--password-stdin"_s, password.toUtf8() + "\n", output) == 0;
}

qint64 processCpuMs(qint64 pid)
{
    QFile stat(u"/proc/%1/stat"_s.arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray text = stat.readAll();
    // Fields after the command name, which is in parentheses and may contain spaces.
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return -1;
    const qint64 ticks = fields[11].toLongLong() + fields[12].toLongLong(); // utime, stime
    return ticks * 1000 / ::sysconf(_SC_CLK_TCK);
}

bool makeSelfSignedCertificate(const QString &dir, QString *error)
{
    QProcess openssl;
    openssl.setProcessChannelMode(QProcess::MergedChannels);
    openssl.start(u"openssl"_s,
                  {u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s, u"-subj"_s,
                   u"/CN=localhost"_s, u"-days"_s, u"1"_s, u"-keyout"_s,
                   QDir(dir).filePath(u"key.pem"_s), u"-out"_s, QDir(dir).filePath(u"cert.pem"_s),
                   u"-addext"_s, u"subjectAltName=IP:127.0.0.1,DNS:localhost"_s});
    if (!openssl.waitForFinished(30000) || openssl.exitStatus() != QProcess::NormalExit ||
        openssl.exitCode() != 0) {
        *error = QString::fromUtf8(openssl.readAll()) + openssl.errorString();
        return false;
    }
    return true;
}

ConfabdProcess::ConfabdProcess(QString dataDir, QStringList extraArgs)
    : m_dataDir(std::move(dataDir))
    , m_extraArgs(std::move(extraArgs))
{
    m_process.setProcessEnvironment(fastKdfEnvironment());
    QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process,
                     [this] { m_stdout += m_process.readAllStandardOutput(); });
    QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process,
                     [this] { m_stderr += m_process.readAllStandardError(); });
}

ConfabdProcess::~ConfabdProcess()
{
    kill();
}

bool ConfabdProcess::start(int port, QString *error)
{
    auto fail = [&](const QString &why) {
        if (error)
            *error = why + u"; stderr: "_s + errorOutput();
        return false;
    };
    m_stdout.clear();
    m_stderr.clear();
    const QStringList args{u"--listen"_s,
                           u"127.0.0.1:%1"_s.arg(port),
                           u"--data"_s,
                           m_dataDir,
                           u"--auth-kdf-memory-kib"_s,
                           u"64"_s,
                           u"--auth-kdf-iterations"_s,
                           u"1"_s};
    m_process.start(confabdPath(), args + m_extraArgs);
    if (!m_process.waitForStarted(5000))
        return fail(m_process.errorString());
    if (!waitUntil([this] { return m_stdout.contains('\n') || !isRunning(); }, 15000))
        return fail(u"confabd printed no line"_s);
    const QString line = QString::fromUtf8(m_stdout.left(m_stdout.indexOf('\n')));
    static const QRegularExpression re(u"^listening on (wss?://[^/\\s]+/ws)$"_s);
    const auto match = re.match(line);
    if (!match.hasMatch())
        return fail(u"first line: '%1'"_s.arg(line));
    m_url = QUrl(match.captured(1));
    if (!m_url.isValid() || m_url.port() <= 0)
        return fail(u"no port in '%1'"_s.arg(line));
    return true;
}

void ConfabdProcess::kill()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.kill();
    m_process.waitForFinished(5000);
}

void ConfabdProcess::terminate()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!waitForExit(10000))
        kill();
}

bool ConfabdProcess::restart(QString *error)
{
    kill();
    return start(port(), error);
}

bool ConfabdProcess::isRunning() const
{
    return m_process.state() != QProcess::NotRunning;
}

bool ConfabdProcess::waitForExit(int timeoutMs)
{
    return waitUntil([this] { return !isRunning(); }, timeoutMs);
}

} // namespace confab::test
