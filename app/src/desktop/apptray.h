// SPDX-License-Identifier: Apache-2.0
#pragma once

// The app's one tray icon, where the desktop has a tray: the unread total drawn on the icon
// and said in the tooltip, and a menu with "Open Confab" and "Quit". Others add their own
// entries above those (hosting adds "Stop hosting" while it runs in the background).
//
// Contract:
// - isAvailable(): a QApplication runs and the desktop has a tray. Without one nothing is
//   shown, but the unread total, tooltip and icon are still kept (and tested).
// - Lives on the GUI thread.

#include <QIcon>
#include <QList>
#include <QObject>

class QAction;
class QMenu;
class QSystemTrayIcon;

namespace confab::desktop {

class AppTray : public QObject
{
    Q_OBJECT
public:
    explicit AppTray(QObject *parent = nullptr);
    ~AppTray() override;

    static bool isAvailable();
    /// The app's icon (packaging/icons/confab.svg: a bubble with three typing dots), drawn
    /// here because Debian's Qt has no SVG icon engine unless qt6-svg is installed.
    static QIcon appIcon();
    /// appIcon() with `count` in a red badge (none when 0; "99+" above 99).
    static QIcon iconWithCount(int count);

    int unreadTotal() const { return m_unread; }
    void setUnreadTotal(int count);
    /// A line under the unread total in the tooltip (e.g. "Hosting a server"); empty: none.
    void setNote(const QString &note);
    QString toolTip() const;

    /// Adds `action` above "Open Confab" (the caller owns it; removeAction() takes it out).
    void addAction(QAction *action);
    void removeAction(QAction *action);
    /// Shown in the tray now (false without a tray).
    bool isShown() const { return m_icon != nullptr; }

Q_SIGNALS:
    /// "Open Confab", or a click on the icon.
    void openRequested();

private:
    void update();

    QSystemTrayIcon *m_icon = nullptr;
    QMenu *m_menu = nullptr;
    QAction *m_open = nullptr;
    int m_unread = 0;
    QString m_note;
};

} // namespace confab::desktop
