// SPDX-License-Identifier: Apache-2.0
#pragma once

// The composer's unsent text, one draft per channel, kept in the local database so that it
// survives a restart and never follows the user into another channel.
//
// Contract:
// - setDraft() is cheap enough for every keystroke: it changes memory only and (re)starts a
//   debounce timer; the dirty drafts are written in one transaction `flushDelayMs` after the
//   last change, on flush(), and when the store is destroyed. A crash loses at most the
//   last `flushDelayMs` of typing.
// - draft() answers from memory (every draft is read once, at construction: drafts are few).
// - An empty (or whitespace-only) text deletes the channel's draft.
// - Uses the database on the thread that created it, like the other repositories.

#include <QHash>
#include <QObject>
#include <QSet>
#include <QSqlDatabase>
#include <QTimer>

namespace confab::client {

class DraftStore : public QObject
{
    Q_OBJECT
public:
    static constexpr int defaultFlushDelayMs = 1000;

    explicit DraftStore(QSqlDatabase db, int flushDelayMs = defaultFlushDelayMs,
                        QObject *parent = nullptr);
    ~DraftStore() override;

    QString draft(const QString &channel) const { return m_drafts.value(channel); }
    void setDraft(const QString &channel, const QString &text);
    /// Writes every changed draft now; false when the database refused.
    bool flush();

private:
    QSqlDatabase m_db;
    QHash<QString, QString> m_drafts;
    QSet<QString> m_dirty;
    QTimer m_flushTimer;
};

} // namespace confab::client
