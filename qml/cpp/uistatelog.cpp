// SPDX-License-Identifier: Apache-2.0
#include "uistatelog.h"

#include "appcontext.h"
#include "channellistmodel.h"
#include "chatclient.h"
#include "membermodel.h"
#include "messagemodel.h"
#include "publicchannelsmodel.h"

#include <QAbstractItemModel>
#include <QGuiApplication>
#include <QMetaProperty>
#include <QQuickItem>
#include <QQuickTextDocument>
#include <QQuickWindow>
#include <QTextBlock>
#include <QTextDocument>
#include <QTimer>

#include <QJsonArray>
#include <QJsonDocument>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace confab::ui {

namespace {

QJsonArray column(const QAbstractItemModel *model, int role)
{
    QJsonArray values;
    for (int row = 0; row < model->rowCount(); ++row)
        values.append(model->index(row, 0).data(role).toString());
    return values;
}

/// The model's role called `name` (roles by name: the log needs no model's enum).
int role(const QAbstractItemModel *model, const QByteArray &name)
{
    return model->roleNames().key(name, -1);
}

/// For each conversation with unread messages or someone typing, by name:
/// {"unread": n, "typing": [users]}.
QJsonObject activity(const QList<const QAbstractItemModel *> &models)
{
    QJsonObject byName;
    for (const QAbstractItemModel *model : models) {
        for (int row = 0; row < model->rowCount(); ++row) {
            const QModelIndex index = model->index(row, 0);
            const int unread = index.data(client::ChannelListModel::UnreadCountRole).toInt();
            const QStringList typing =
                index.data(client::ChannelListModel::TypingUsersRole).toStringList();
            if (unread == 0 && typing.isEmpty())
                continue;
            byName.insert(
                index.data(client::ChannelListModel::NameRole).toString(),
                QJsonObject{
                    {u"unread"_s, unread},
                    {u"mentioned"_s, index.data(client::ChannelListModel::MentionedRole).toBool()},
                    {u"typing"_s, QJsonArray::fromStringList(typing)}});
        }
    }
    return byName;
}

/// The newest `count` messages of `model`: author, text, state (sent, pending, failed), seq,
/// and whether the "New messages" line is above it.
QJsonArray newestMessages(const QAbstractItemModel *model, int count)
{
    QJsonArray messages;
    if (!model)
        return messages;
    static const char *const states[] = {"sent", "pending", "failed"};
    for (int row = std::max(0, model->rowCount() - count); row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row, 0);
        const int state = index.data(client::MessageModel::StateRole).toInt();
        messages.append(QJsonObject{
            {u"author"_s, index.data(client::MessageModel::AuthorRole).toString()},
            {u"text"_s, index.data(client::MessageModel::TextRole).toString()},
            {u"state"_s, QLatin1StringView(states[std::clamp(state, 0, 2)])},
            {u"seq"_s, index.data(client::MessageModel::SeqRole).toLongLong()},
            {u"first_unread"_s, index.data(client::MessageModel::FirstUnreadRole).toBool()},
        });
    }
    return messages;
}

/// Each member of `model`: user, status and status text.
QJsonArray memberStatuses(const QAbstractItemModel *model)
{
    QJsonArray members;
    if (!model)
        return members;
    const int statusText = role(model, "statusText");
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row, 0);
        members.append(QJsonObject{
            {u"user"_s, index.data(client::MemberModel::UserRole).toString()},
            {u"status"_s, index.data(client::MemberModel::StatusRole).toString()},
            {u"text"_s, statusText < 0 ? QString() : index.data(statusText).toString()},
        });
    }
    return members;
}

/// What the window's message texts show, as rendered (the delegates' text documents, so
/// Markdown is what the renderer made of it): each visible message's plain text and the
/// parts drawn in bold or as code.
/// The items under `item` (the visual tree: delegates are not QObject children) named `name`.
void collectItems(QQuickItem *item, const QString &name, QList<QQuickItem *> *found)
{
    if (item->objectName() == name)
        found->append(item);
    for (QQuickItem *child : item->childItems())
        collectItems(child, name, found);
}

QJsonArray renderedMessages()
{
    QJsonArray shown;
    for (QWindow *window : QGuiApplication::topLevelWindows()) {
        auto *quickWindow = qobject_cast<QQuickWindow *>(window);
        if (!quickWindow)
            continue;
        QList<QQuickItem *> texts;
        collectItems(quickWindow->contentItem(), u"messageText"_s, &texts);
        for (QQuickItem *item : texts) {
            auto *document = item->property("textDocument").value<QQuickTextDocument *>();
            if (!document || !item->isVisible())
                continue;
            QJsonArray bold, code;
            for (QTextBlock block = document->textDocument()->begin(); block.isValid();
                 block = block.next()) {
                for (auto it = block.begin(); !it.atEnd(); ++it) {
                    const QTextFragment fragment = it.fragment();
                    if (fragment.charFormat().fontWeight() >= QFont::Bold)
                        bold.append(fragment.text());
                    if (fragment.charFormat().fontFixedPitch())
                        code.append(fragment.text());
                }
            }
            shown.append(QJsonObject{{u"plain"_s, document->textDocument()->toPlainText()},
                                     {u"bold"_s, bold},
                                     {u"code"_s, code}});
        }
    }
    return shown;
}

} // namespace

UiStateLog *UiStateLog::createIfAsked(AppContext *context)
{
    const QString path = qEnvironmentVariable("CONFAB_UI_STATE_LOG");
    if (path.isEmpty())
        return nullptr;
    auto *log = new UiStateLog(context, path);
    if (!log->m_file.isOpen()) {
        delete log;
        return nullptr;
    }
    return log;
}

UiStateLog::UiStateLog(AppContext *context, const QString &path)
    : QObject(context)
    , m_context(context)
    , m_file(path)
{
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered))
        return;
    connect(context, &AppContext::currentChannelChanged, this, &UiStateLog::followCurrent);
    connect(context, &AppContext::signedInChanged, this, &UiStateLog::write);
    watch(context->groupChannels());
    watch(context->directChannels());
    watch(context->engine()->publicChannelsModel());
    // The own status by name: the engine's `status` property, when it has one.
    const QMetaObject *engineType = context->engine()->metaObject();
    const int statusIndex = engineType->indexOfProperty("status");
    if (statusIndex >= 0 && engineType->property(statusIndex).hasNotifySignal()) {
        connect(context->engine(), engineType->property(statusIndex).notifySignal(), this,
                metaObject()->method(metaObject()->indexOfMethod("write()")));
    }
    followCurrent();
    // Delegates are made after the model changes they show: look again now and then.
    auto *again = new QTimer(this);
    connect(again, &QTimer::timeout, this, &UiStateLog::write);
    again->start(250);
}

void UiStateLog::watch(QAbstractItemModel *model, QList<QMetaObject::Connection> *connections)
{
    QList<QMetaObject::Connection> made;
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        made << connect(model, signal, this, &UiStateLog::write);
    made << connect(model, &QAbstractItemModel::dataChanged, this, &UiStateLog::write);
    made << connect(model, &QAbstractItemModel::modelReset, this, &UiStateLog::write);
    if (connections)
        *connections << made;
}

void UiStateLog::followCurrent()
{
    for (const QMetaObject::Connection &connection : std::as_const(m_currentConnections))
        disconnect(connection);
    m_currentConnections.clear();
    if (auto *messages = m_context->messages())
        watch(messages, &m_currentConnections);
    if (auto *members = m_context->members())
        watch(members, &m_currentConnections);
    write();
}

void UiStateLog::composerChanged(const QString &text)
{
    m_composer = text;
    write();
}

void UiStateLog::write()
{
    const QJsonObject state{
        {u"signed_in"_s, m_context->isSignedIn()},
        {u"active"_s, m_context->isWindowActive()},
        {u"current"_s, m_context->currentChannel()},
        {u"channels"_s, column(m_context->groupChannels(), client::ChannelListModel::TitleRole)},
        {u"direct"_s, column(m_context->directChannels(), client::ChannelListModel::TitleRole)},
        {u"public"_s,
         column(m_context->engine()->publicChannelsModel(), client::PublicChannelsModel::NameRole)},
        {u"composer"_s, m_composer},
        {u"activity"_s, activity({m_context->groupChannels(), m_context->directChannels()})},
        {u"status"_s, m_context->engine()->property("status").toString()},
        {u"messages"_s, newestMessages(m_context->messages(), 6)},
        {u"members"_s, memberStatuses(m_context->members())},
        {u"rendered"_s, renderedMessages()},
    };
    if (state == m_last)
        return;
    m_last = state;
    m_file.write(QJsonDocument(state).toJson(QJsonDocument::Compact) + '\n');
}

} // namespace confab::ui
