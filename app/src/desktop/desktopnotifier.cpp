// SPDX-License-Identifier: Apache-2.0
#include "desktopnotifier.h"

#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QLoggingCategory>

using namespace Qt::StringLiterals;

namespace confab::desktop {

Q_LOGGING_CATEGORY(lcNotify, "confab.desktop.notify")

namespace {

QDBusMessage call(const QString &method)
{
    return QDBusMessage::createMethodCall(QLatin1StringView(DesktopNotifier::service),
                                          QLatin1StringView(DesktopNotifier::path),
                                          QLatin1StringView(DesktopNotifier::service), method);
}

} // namespace

DesktopNotifier::DesktopNotifier(QDBusConnection bus, QObject *parent)
    : QObject(parent)
    , m_bus(std::move(bus))
{
    if (!m_bus.isConnected()) {
        setUnavailable(u"no session bus"_s);
        return;
    }
    // Any sender: a service started on demand has no owner yet; our ids filter the rest.
    const QString interface = QLatin1StringView(service);
    m_bus.connect(QString(), QLatin1StringView(path), interface, u"ActionInvoked"_s, this,
                  SLOT(onActionInvoked(uint, QString)));
    m_bus.connect(QString(), QLatin1StringView(path), interface, u"NotificationClosed"_s, this,
                  SLOT(onClosed(uint, uint)));
    auto *caps = new QDBusPendingCallWatcher(m_bus.asyncCall(call(u"GetCapabilities"_s)), this);
    connect(caps, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher *w) {
        w->deleteLater();
        const QDBusPendingReply<QStringList> reply = *w;
        if (reply.isError())
            setUnavailable(reply.error().message());
        else
            m_markup = reply.value().contains(u"body-markup"_s);
    });
}

void DesktopNotifier::setUnavailable(const QString &why)
{
    if (!m_available)
        return;
    m_available = false;
    qCInfo(lcNotify) << "desktop notifications are off:" << why;
    Q_EMIT availableChanged(false);
}

void DesktopNotifier::show(const QString &channel, const QString &summary, const QString &body)
{
    if (!m_available)
        return;
    Entry &entry = m_entries[channel];
    if (entry.waiting) {
        entry.next = Pending{summary, body}; // once we know the id it replaces
        return;
    }
    send(channel, {summary, body});
}

void DesktopNotifier::send(const QString &channel, const Pending &content)
{
    Entry &entry = m_entries[channel];
    entry.waiting = true;
    QDBusMessage notify = call(u"Notify"_s);
    const QVariantMap hints{{u"category"_s, u"im.received"_s}, {u"desktop-entry"_s, u"confab"_s}};
    notify << u"Confab"_s << entry.id << QString() << content.summary
           << (m_markup ? content.body.toHtmlEscaped() : content.body)
           << QStringList{u"default"_s, tr("Open")} << hints << qint32(-1);
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(notify), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [this, channel](QDBusPendingCallWatcher *w) { onAnswered(channel, w); });
}

void DesktopNotifier::onAnswered(const QString &channel, QDBusPendingCallWatcher *call)
{
    call->deleteLater();
    const QDBusPendingReply<uint> reply = *call;
    Entry &entry = m_entries[channel];
    entry.waiting = false;
    if (reply.isError()) {
        m_entries.remove(channel);
        setUnavailable(reply.error().message());
        return;
    }
    if (entry.id != reply.value())
        m_channels.remove(entry.id);
    entry.id = reply.value();
    m_channels.insert(entry.id, channel);
    Q_EMIT shown(channel, entry.id);
    if (entry.next) {
        const Pending next = *std::exchange(entry.next, std::nullopt);
        send(channel, next);
    }
}

void DesktopNotifier::withdraw(const QString &channel)
{
    const auto it = m_entries.constFind(channel);
    if (!m_available || it == m_entries.cend() || it->id == 0)
        return;
    QDBusMessage close = call(u"CloseNotification"_s);
    close << it->id;
    m_bus.asyncCall(close); // answered by NotificationClosed
}

void DesktopNotifier::onActionInvoked(uint id, const QString &action)
{
    const auto it = m_channels.constFind(id);
    if (it != m_channels.cend() && action == u"default"_s)
        Q_EMIT activated(*it);
}

void DesktopNotifier::onClosed(uint id, uint reason)
{
    Q_UNUSED(reason)
    const QString channel = m_channels.take(id);
    if (channel.isEmpty())
        return;
    auto it = m_entries.find(channel);
    if (it != m_entries.end() && it->id == id && !it->waiting)
        m_entries.erase(it);
    Q_EMIT closed(channel);
}

} // namespace confab::desktop
