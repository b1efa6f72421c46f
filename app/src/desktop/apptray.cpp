// SPDX-License-Identifier: Apache-2.0
#include "apptray.h"

#include <QAction>
#include <QApplication>
#include <QMenu>
#include <QPainter>
#include <QPainterPath>
#include <QSystemTrayIcon>

using namespace Qt::StringLiterals;

namespace confab::desktop {

namespace {

QPixmap basePixmap()
{
    QPixmap pixmap(64, 64);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    QPainterPath bubble;
    bubble.addRoundedRect(QRectF(5, 7, 54, 41), 11, 11);
    bubble.moveTo(16, 46);
    bubble.lineTo(13, 58);
    bubble.lineTo(28, 47);
    painter.fillPath(bubble.simplified(), QColor(0x3b, 0x7c, 0xe8));
    painter.setBrush(Qt::white);
    painter.setPen(Qt::NoPen);
    for (const int x : {20, 32, 44})
        painter.drawEllipse(QPointF(x, 27.5), 4, 4);
    return pixmap;
}

} // namespace

AppTray::AppTray(QObject *parent)
    : QObject(parent)
{
    if (!isAvailable())
        return;
    m_icon = new QSystemTrayIcon(appIcon(), this);
    m_menu = new QMenu(); // a QMenu cannot have a QObject parent: deleted with the icon
    connect(m_icon, &QObject::destroyed, m_menu, &QObject::deleteLater);
    m_open = m_menu->addAction(tr("Open Confab"), this, &AppTray::openRequested);
    m_menu->addAction(tr("Quit"), qApp, &QCoreApplication::quit);
    m_icon->setContextMenu(m_menu);
    connect(m_icon, &QSystemTrayIcon::activated, this,
            [this](QSystemTrayIcon::ActivationReason why) {
                if (why == QSystemTrayIcon::Trigger)
                    Q_EMIT openRequested();
            });
    update();
    m_icon->show();
}

AppTray::~AppTray()
{
    delete m_icon;
}

bool AppTray::isAvailable()
{
    return qobject_cast<QApplication *>(QCoreApplication::instance()) &&
           QSystemTrayIcon::isSystemTrayAvailable();
}

QIcon AppTray::appIcon()
{
    return QIcon(basePixmap());
}

QIcon AppTray::iconWithCount(int count)
{
    QPixmap pixmap = basePixmap();
    if (count <= 0)
        return QIcon(pixmap);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    const QString text = count > 99 ? u"99+"_s : QString::number(count);
    QFont font = painter.font();
    font.setBold(true);
    font.setPixelSize(text.size() > 2 ? 18 : 24);
    painter.setFont(font);
    const QRectF badge(64 - 36, 0, 36, 36);
    painter.setPen(QPen(Qt::white, 2));
    painter.setBrush(QColor(0xe0, 0x1e, 0x5a));
    painter.drawEllipse(badge.adjusted(1, 1, -1, -1));
    painter.drawText(badge, Qt::AlignCenter, text);
    return QIcon(pixmap);
}

void AppTray::setUnreadTotal(int count)
{
    count = std::max(count, 0);
    if (m_unread == count)
        return;
    m_unread = count;
    update();
}

void AppTray::setNote(const QString &note)
{
    if (m_note == note)
        return;
    m_note = note;
    update();
}

QString AppTray::toolTip() const
{
    QString tip = m_unread > 0 ? tr("Confab: %n unread", nullptr, m_unread) : u"Confab"_s;
    if (!m_note.isEmpty())
        tip += u'\n' + m_note;
    return tip;
}

void AppTray::addAction(QAction *action)
{
    if (m_menu)
        m_menu->insertAction(m_open, action);
}

void AppTray::removeAction(QAction *action)
{
    if (m_menu)
        m_menu->removeAction(action);
}

void AppTray::update()
{
    if (!m_icon)
        return;
    m_icon->setIcon(iconWithCount(m_unread));
    m_icon->setToolTip(toolTip());
}

} // namespace confab::desktop
