// SPDX-License-Identifier: Apache-2.0
#include "hostaccount.h"

#include "validation.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace confab::client {

namespace {

constexpr int confabctlDeadlineMs = 60000;

} // namespace

HostAccount::HostAccount(QObject *parent)
    : QObject(parent)
{}

QString HostAccount::randomPassword()
{
    static constexpr char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    QString password;
    for (int i = 0; i < 32; ++i)
        password += QChar::fromLatin1(
            alphabet[QRandomGenerator::system()->bounded(int(sizeof(alphabet) - 1))]);
    return password;
}

QString HostAccount::defaultFilePath(const QString &appDataDir)
{
    return QDir(appDataDir).filePath(u"host-account.json"_s);
}

QString HostAccount::userNameFromLogin(const QString &login)
{
    QString name;
    for (const QChar c : login.toLower()) {
        if ((c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'_' || c == u'.' ||
            c == u'-')
            name += c;
    }
    name.truncate(32);
    return rules::isValidUserName(name) ? name : u"host"_s;
}

std::optional<HostCredentials> HostAccount::loadOrCreate(const QString &filePath, QString *error)
{
    auto failWith = [error](const QString &why) -> std::optional<HostCredentials> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    QFile existing(filePath);
    if (existing.exists()) {
        if (!existing.open(QIODevice::ReadOnly))
            return failWith(u"cannot read %1: %2"_s.arg(filePath, existing.errorString()));
        const QJsonObject object = QJsonDocument::fromJson(existing.readAll()).object();
        HostCredentials kept{object.value("user"_L1).toString(),
                             object.value("password"_L1).toString()};
        if (!rules::isValidUserName(kept.user) || kept.password.isEmpty())
            return failWith(u"%1 is damaged; delete it to make a new host account"_s.arg(filePath));
        return kept;
    }

    QString login = qEnvironmentVariable("USER");
    if (login.isEmpty())
        login = qEnvironmentVariable("LOGNAME");
    const HostCredentials made{userNameFromLogin(login), randomPassword()};
    QDir().mkpath(QFileInfo(filePath).absolutePath());
    QSaveFile file(filePath);
    const QJsonObject object{{"user"_L1, made.user}, {"password"_L1, made.password}};
    if (!file.open(QIODevice::WriteOnly) ||
        !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        file.write(QJsonDocument(object).toJson()) < 0 || !file.commit())
        return failWith(u"cannot write %1: %2"_s.arg(filePath, file.errorString()));
    return made;
}

bool HostAccount::ensureOnServer(const QString &confabctlPath, const QString &serverDataDir,
                                 const HostCredentials &credentials,
                                 const QProcessEnvironment &environment)
{
    if (m_process)
        return false;
    m_confabctlPath = confabctlPath;
    m_process = new QProcess(this);
    if (!environment.isEmpty())
        m_process->setProcessEnvironment(environment);
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    connect(m_process, &QProcess::finished, this, &HostAccount::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return;
        const QString why = u"cannot run %1: %2"_s.arg(m_confabctlPath, m_process->errorString());
        m_process->deleteLater();
        m_process = nullptr;
        Q_EMIT finished(false, why);
    });
    // A confabctl that hangs must not leave the host waiting forever.
    QProcess *process = m_process;
    QTimer::singleShot(confabctlDeadlineMs, process, [process] { process->kill(); });
    QDir().mkpath(serverDataDir);
    m_process->start(confabctlPath, {u"--data"_s, serverDataDir, u"user"_s, u"add"_s,
                                     credentials.user, u"--admin"_s, u"--password-stdin"_s});
    m_process->write(credentials.password.toUtf8() + '\n');
    m_process->closeWriteChannel();
    return true;
}

void HostAccount::onFinished()
{
    QProcess *process = std::exchange(m_process, nullptr);
    process->deleteLater();
    const QString output = QString::fromUtf8(process->readAll()).trimmed();
    if (process->exitStatus() == QProcess::NormalExit && process->exitCode() == 0)
        Q_EMIT finished(true, {});
    else if (output.contains(u"already exists"_s))
        Q_EMIT finished(true, {});
    else if (process->exitStatus() != QProcess::NormalExit)
        Q_EMIT finished(false, u"confabctl did not finish making the host's account"_s);
    else
        Q_EMIT finished(false, output.isEmpty()
                                   ? u"confabctl failed (exit code %1)"_s.arg(process->exitCode())
                                   : output);
}

} // namespace confab::client
