// SPDX-License-Identifier: Apache-2.0
#include "channeldirectory.h"

#include "logging.h"
#include "stores.h"
#include "validation.h"

using namespace Qt::StringLiterals;

namespace confab::server {

namespace {
const QString generalChannel = u"general"_s;
}

ChannelDirectory::ChannelDirectory(store::ChannelStore &store, store::AccountStore &accounts)
    : m_store(store)
    , m_accounts(accounts)
{}

std::optional<store::ChannelRecord> ChannelDirectory::find(const QString &name)
{
    if (auto it = m_records.constFind(name); it != m_records.cend())
        return *it;
    auto record = m_store.findChannel(name);
    if (record)
        m_records.insert(name, *record);
    return record;
}

Expected<store::ChannelRecord> ChannelDirectory::open(const QString &user, const QString &name,
                                                      bool openDirect, bool *createdDirect)
{
    if (createdDirect)
        *createdDirect = false;
    auto record = find(name);
    if (const auto pair = rules::directChannelMembers(name)) {
        if (pair->first != user && pair->second != user)
            return Error{ErrorCode::Forbidden, u"only its two members can open %1"_s.arg(name),
                         std::nullopt};
        if (!record && openDirect) {
            const QString other = pair->first == user ? pair->second : pair->first;
            if (!m_accounts.findUser(other))
                return Error{ErrorCode::NotFound, u"there is no user '%1'"_s.arg(other),
                             std::nullopt};
            QString error;
            record = m_store.ensureDirect(name, &error);
            if (!record)
                return Error{ErrorCode::Internal, error, std::nullopt};
            m_records.insert(name, *record);
            if (createdDirect)
                *createdDirect = true;
        }
    }
    if (!record)
        return Error{ErrorCode::NotFound, u"there is no channel '%1'"_s.arg(name), std::nullopt};
    if (record->channel.isPrivate && !loadMembers(*record).contains(user))
        return Error{ErrorCode::Forbidden, u"'%1' is private and you are not a member"_s.arg(name),
                     std::nullopt};
    return *record;
}

QSet<QString> &ChannelDirectory::loadMembers(const store::ChannelRecord &record)
{
    auto it = m_members.find(record.channel.name);
    if (it == m_members.end()) {
        const QStringList members = m_store.members(record.id);
        it = m_members.insert(record.channel.name, QSet<QString>(members.cbegin(), members.cend()));
    }
    return *it;
}

const QSet<QString> &ChannelDirectory::members(const QString &channel)
{
    static const QSet<QString> none;
    if (auto it = m_members.constFind(channel); it != m_members.cend())
        return *it;
    const auto record = find(channel);
    return record ? loadMembers(*record) : none;
}

bool ChannelDirectory::isMember(const QString &channel, const QString &user)
{
    return members(channel).contains(user);
}

Expected<store::ChannelRecord> ChannelDirectory::create(const QString &name, const QString &topic,
                                                        bool isPrivate, const QString &creator)
{
    QString error;
    bool conflict = false;
    const auto record = m_store.createChannel(name, topic, isPrivate, creator, &error, &conflict);
    if (!record)
        return Error{conflict ? ErrorCode::Conflict : ErrorCode::Internal, error, std::nullopt};
    m_records.insert(name, *record);
    m_members.insert(name, {creator});
    return *record;
}

int ChannelDirectory::createdBy(const QString &user) const
{
    return m_store.createdBy(user);
}

std::optional<Error> ChannelDirectory::addMember(const store::ChannelRecord &record,
                                                 const QString &user)
{
    QSet<QString> &members = loadMembers(record);
    if (members.contains(user))
        return std::nullopt;
    QString error;
    if (!m_store.addMember(record.id, user, &error))
        return Error{ErrorCode::Internal, error, std::nullopt};
    members.insert(user);
    return std::nullopt;
}

void ChannelDirectory::removeMember(const store::ChannelRecord &record, const QString &user)
{
    QString error;
    if (!m_store.removeMember(record.id, user, &error))
        qCWarning(lcRouter) << "leave" << record.channel.name << "kept the membership:" << error;
    loadMembers(record).remove(user);
}

void ChannelDirectory::accountAdded(const QString &user)
{
    if (auto it = m_members.find(generalChannel); it != m_members.end())
        it->insert(user);
}

QList<store::ChannelRecord> ChannelDirectory::memberOf(const QString &user) const
{
    return m_store.memberOf(user);
}

QList<store::ChannelRecord> ChannelDirectory::visibleTo(const QString &user, const QString &after,
                                                        int limit) const
{
    return m_store.visibleTo(user, after, limit);
}

} // namespace confab::server
