// SPDX-License-Identifier: Apache-2.0
#include "commands.h"

#include "channelrepository.h"
#include "database.h"
#include "passwordhasher.h"
#include "passwordinput.h"
#include "tokenrepository.h"
#include "userrepository.h"
#include "validation.h"

#include <cstdio>

using namespace Qt::StringLiterals;

namespace confab::ctl {

namespace {

void write(FILE *stream, const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
}

/// Columns padded to their widest cell; the last column is not padded.
void printTable(const QList<QStringList> &rows)
{
    QList<qsizetype> widths;
    for (const QStringList &row : rows) {
        for (qsizetype i = 0; i < row.size(); ++i) {
            if (widths.size() <= i)
                widths.append(0);
            widths[i] = std::max(widths[i], row[i].size());
        }
    }
    for (const QStringList &row : rows) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i)
            line += i + 1 < row.size() ? row[i].leftJustified(widths[i] + 2) : row[i];
        say(line);
    }
}

int invalidUserName(const QString &name)
{
    return fail(
        ExitUsage,
        u"invalid user name '%1': use 1 to %2 characters of a-z, 0-9, _, . and -"_s.arg(name).arg(
            rules::maxUserNameChars));
}

} // namespace

int fail(int code, const QString &message)
{
    write(stderr, u"confabctl: %1\n"_s.arg(message));
    return code;
}

void say(const QString &text)
{
    write(stdout, text + u'\n');
}

int Commands::run(const Request &request)
{
    const QString &name = request.operands.value(0);
    if (request.group == u"user"_s) {
        if (request.command == u"list"_s)
            return userList();
        if (!rules::isValidUserName(name))
            return invalidUserName(name);
        if (request.command == u"add"_s)
            return userAdd(request);
        if (request.command == u"disable"_s)
            return userSetDisabled(name, true);
        if (request.command == u"enable"_s)
            return userSetDisabled(name, false);
        if (request.command == u"passwd"_s)
            return userPasswd(request);
        if (request.command == u"role"_s)
            return userRole(name, request.operands.value(1));
    } else if (request.group == u"channel"_s) {
        if (request.command == u"create"_s)
            return channelCreate(request);
        if (request.command == u"list"_s)
            return channelList();
    }
    return fail(ExitUsage, u"unknown command '%1 %2'"_s.arg(request.group, request.command));
}

std::optional<QString> Commands::newPasswordHash(const QString &user, bool forceStdin,
                                                 int *exitCode)
{
    const auto password = newPassword(user, forceStdin, exitCode);
    if (!password)
        return std::nullopt;
    const QString hash = auth::PasswordHasher::hash(*password, auth::kdfCostFromEnvironment());
    if (hash.isEmpty()) {
        *exitCode = fail(ExitFailed, u"cannot hash the password (out of memory?)"_s);
        return std::nullopt;
    }
    return hash;
}

std::optional<QString> Commands::newPassword(const QString &user, bool forceStdin, int *exitCode)
{
    QString why;
    auto password = PasswordInput::read(u"New password for %1: "_s.arg(user), forceStdin, &why);
    if (!password) {
        *exitCode = fail(ExitFailed, why);
        return std::nullopt;
    }
    if (const QString problem = rules::newPasswordProblem(*password, user); !problem.isEmpty()) {
        *exitCode = fail(ExitUsage, problem);
        return std::nullopt;
    }
    return password;
}

int Commands::userAdd(const Request &request)
{
    const QString &name = request.operands.value(0);
    const QString display = request.display.value_or(name);
    if (!rules::isValidDisplayName(display)) {
        return fail(ExitUsage, u"invalid display name: use 1 to %1 characters, no control "
                               u"characters"_s.arg(rules::maxDisplayChars));
    }
    store::UserRepository users(m_db);
    // Checked before the prompt, so nobody types a password for nothing.
    if (users.find(name))
        return fail(ExitFailed, u"user '%1' already exists"_s.arg(name));
    int code = ExitOk;
    const auto hash = newPasswordHash(name, request.passwordStdin, &code);
    if (!hash)
        return code;
    const UserInfo info{name, display, request.admin ? Role::Admin : Role::User};
    QString error;
    if (!users.add(info, *hash, &error))
        return fail(ExitFailed, error);
    say(u"added user '%1' (%2)"_s.arg(name, roleName(info.role)));
    return ExitOk;
}

int Commands::userList()
{
    QList<QStringList> rows{{u"NAME"_s, u"DISPLAY"_s, u"ROLE"_s, u"DISABLED"_s}};
    for (const store::UserRecord &user : store::UserRepository(m_db).list()) {
        rows.append({user.info.name, user.info.display, QString(roleName(user.info.role)),
                     user.disabled ? u"yes"_s : u"no"_s});
    }
    printTable(rows);
    return ExitOk;
}

int Commands::userSetDisabled(const QString &name, bool disabled)
{
    store::UserRepository users(m_db);
    const auto user = users.find(name);
    if (!user)
        return fail(ExitFailed, u"no user '%1'"_s.arg(name));
    store::Transaction tx(m_db);
    QString error;
    if (!tx.isActive() || !users.setDisabled(name, disabled, &error))
        return fail(ExitFailed, error.isEmpty() ? tx.error() : error);
    // A disabled user is signed out everywhere: their tokens die with the account.
    const int revoked = disabled ? store::TokenRepository(m_db).revokeAll(user->id) : 0;
    if (!tx.commit())
        return fail(ExitFailed, tx.error());
    if (disabled)
        say(u"disabled user '%1'; %2 session token(s) revoked"_s.arg(name).arg(revoked));
    else
        say(u"enabled user '%1'"_s.arg(name));
    return ExitOk;
}

int Commands::userPasswd(const Request &request)
{
    const QString &name = request.operands.value(0);
    store::UserRepository users(m_db);
    const auto user = users.find(name);
    if (!user)
        return fail(ExitFailed, u"no user '%1'"_s.arg(name));
    int code = ExitOk;
    const auto hash = newPasswordHash(name, request.passwordStdin, &code);
    if (!hash)
        return code;
    store::Transaction tx(m_db);
    QString error;
    if (!tx.isActive() || !users.setPasswordHash(name, *hash, &error))
        return fail(ExitFailed, error.isEmpty() ? tx.error() : error);
    const int revoked = store::TokenRepository(m_db).revokeAll(user->id);
    if (!tx.commit())
        return fail(ExitFailed, tx.error());
    say(u"changed the password of '%1'; %2 session token(s) revoked"_s.arg(name).arg(revoked));
    return ExitOk;
}

int Commands::userRole(const QString &name, const QString &roleText)
{
    const auto role = roleFromName(roleText);
    if (!role)
        return fail(ExitUsage, u"invalid role '%1': use admin or user"_s.arg(roleText));
    QString error;
    if (!store::UserRepository(m_db).setRole(name, *role, &error))
        return fail(ExitFailed, error);
    say(u"user '%1' is now %2"_s.arg(name, roleName(*role)));
    return ExitOk;
}

int Commands::channelCreate(const Request &request)
{
    const QString &name = request.operands.value(0);
    // Direct conversations (dm:a:b) are made by their members, never by hand.
    if (!rules::isValidChannelName(name) || name.contains(u':')) {
        return fail(
            ExitUsage,
            u"invalid channel name '%1': use 1 to %2 characters of a-z, 0-9, _ and -"_s.arg(name)
                .arg(rules::maxChannelNameChars));
    }
    const QString topic = request.topic.value_or(QString());
    if (rules::utf8Length(topic) > rules::maxTopicBytes)
        return fail(ExitUsage, u"the topic is longer than %1 bytes"_s.arg(rules::maxTopicBytes));
    QString error;
    if (!store::ChannelRepository(m_db).create(name, topic, request.isPrivate, QString(), &error)) {
        return fail(ExitFailed, error);
    }
    say(u"created %1 channel '%2'"_s.arg(request.isPrivate ? u"private"_s : u"public"_s, name));
    return ExitOk;
}

int Commands::channelList()
{
    store::ChannelRepository channels(m_db);
    QList<QStringList> rows{{u"NAME"_s, u"PRIVATE"_s, u"MEMBERS"_s, u"MESSAGES"_s, u"TOPIC"_s}};
    for (const store::ChannelRecord &record : channels.all()) {
        rows.append({record.channel.name, record.channel.isPrivate ? u"yes"_s : u"no"_s,
                     QString::number(channels.members(record.id).size()),
                     QString::number(record.channel.lastSeq), record.channel.topic});
    }
    printTable(rows);
    return ExitOk;
}

} // namespace confab::ctl
