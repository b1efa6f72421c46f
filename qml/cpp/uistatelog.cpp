// SPDX-License-Identifier: Apache-2.0
#include "uistatelog.h"

#include "appcontext.h"
#include "channellistmodel.h"
#include "chatclient.h"
#include "publicchannelsmodel.h"

#include <QAbstractItemModel>
#include <QJsonArray>
#include <QJsonDocument>

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
    connect(context, &AppContext::currentChannelChanged, this, &UiStateLog::write);
    connect(context, &AppContext::signedInChanged, this, &UiStateLog::write);
    watch(context->groupChannels());
    watch(context->directChannels());
    watch(context->engine()->publicChannelsModel());
    write();
}

void UiStateLog::watch(QAbstractItemModel *model)
{
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(model, signal, this, &UiStateLog::write);
    connect(model, &QAbstractItemModel::dataChanged, this, &UiStateLog::write);
    connect(model, &QAbstractItemModel::modelReset, this, &UiStateLog::write);
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
        {u"current"_s, m_context->currentChannel()},
        {u"channels"_s, column(m_context->groupChannels(), client::ChannelListModel::TitleRole)},
        {u"direct"_s, column(m_context->directChannels(), client::ChannelListModel::TitleRole)},
        {u"public"_s,
         column(m_context->engine()->publicChannelsModel(), client::PublicChannelsModel::NameRole)},
        {u"composer"_s, m_composer},
    };
    if (state == m_last)
        return;
    m_last = state;
    m_file.write(QJsonDocument(state).toJson(QJsonDocument::Compact) + '\n');
}

} // namespace confab::ui
