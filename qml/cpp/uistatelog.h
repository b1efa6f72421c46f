// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the window shows, as JSON lines, for end-to-end tests that drive two app windows with
// real input (tests/desktop): the channel on screen, the sidebar's channels and direct
// conversations (their titles, unread counts and who types there), the public channels listed
// for browsing, the composer's text, the user's own status, whether the window is the active
// one (keys go there), and the conversation on screen:
// its newest messages (author, text, delivery state, seq) and its members' statuses. Written only
// when `CONFAB_UI_STATE_LOG` names a file, and only when something changed; a test reads the last
// line. Like confabctl's CONFAB_REDRAW_LOG: a window for tests, nothing more.

#include <QFile>
#include <QJsonObject>
#include <QList>
#include <QMetaObject>
#include <QObject>

class QAbstractItemModel;

namespace confab::ui {

class AppContext;

class UiStateLog : public QObject
{
    Q_OBJECT
public:
    /// nullptr unless CONFAB_UI_STATE_LOG is set (and the file can be opened).
    static UiStateLog *createIfAsked(AppContext *context);

    /// The composer's text changed (AppContext::setDraft is told of every edit).
    void composerChanged(const QString &text);

private:
    UiStateLog(AppContext *context, const QString &path);
    void watch(QAbstractItemModel *model, QList<QMetaObject::Connection> *connections = nullptr);
    /// Follows the messages and members of the conversation on screen.
    void followCurrent();
    Q_SLOT void write();

    AppContext *m_context;
    QFile m_file;
    QString m_composer;
    QJsonObject m_last;
    QList<QMetaObject::Connection> m_currentConnections;
};

} // namespace confab::ui
