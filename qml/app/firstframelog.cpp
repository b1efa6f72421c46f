// SPDX-License-Identifier: Apache-2.0
#include "firstframelog.h"

#include "messagemodel.h"

#include <QQuickItem>
#include <QQuickWindow>

#include <chrono>
#include <cstdio>

namespace confab::ui {

namespace {

qint64 monotonicNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

/// True when a visible ListView of a MessageModel has at least one message delegate.
bool showsMessages(QQuickItem *item)
{
    if (!item->isVisible())
        return false;
    if (item->inherits("QQuickListView") &&
        qobject_cast<client::MessageModel *>(item->property("model").value<QObject *>())) {
        const int count = item->property("count").toInt();
        for (int row = 0; row < count; ++row) {
            QQuickItem *delegate = nullptr;
            QMetaObject::invokeMethod(item, "itemAtIndex", Qt::DirectConnection,
                                      Q_RETURN_ARG(QQuickItem *, delegate), Q_ARG(int, row));
            if (delegate && delegate->isVisible())
                return true;
        }
        return false;
    }
    const auto children = item->childItems();
    for (QQuickItem *child : children) {
        if (showsMessages(child))
            return true;
    }
    return false;
}

/// Checks the items while the GUI thread waits for the scene graph to synchronise (so reading
/// them is safe with the threaded render loop), then stamps the frame that shows them.
class FirstFrameLog : public QObject
{
public:
    explicit FirstFrameLog(QQuickWindow *window)
        : QObject(window)
    {
        connect(
            window, &QQuickWindow::beforeSynchronizing, this,
            [this, window] {
                if (!m_messagesSynced)
                    m_messagesSynced = showsMessages(window->contentItem());
            },
            Qt::DirectConnection);
        connect(
            window, &QQuickWindow::frameSwapped, this,
            [this] {
                const qint64 now = monotonicNs();
                if (!m_framePrinted) {
                    m_framePrinted = true;
                    std::fprintf(stderr, "confab-first-frame %lld\n", static_cast<long long>(now));
                }
                if (m_messagesSynced && !m_messagesPrinted) {
                    m_messagesPrinted = true;
                    std::fprintf(stderr, "confab-first-messages-frame %lld\n",
                                 static_cast<long long>(now));
                }
            },
            Qt::DirectConnection);
    }

private:
    // Both signals come from one thread (the render thread, or the GUI thread with the basic
    // render loop), so plain flags do.
    bool m_messagesSynced = false;
    bool m_framePrinted = false;
    bool m_messagesPrinted = false;
};

} // namespace

void installFirstFrameLogIfAsked(QQuickWindow *window)
{
    if (window && qEnvironmentVariableIsSet("CONFAB_FIRST_FRAME_LOG"))
        new FirstFrameLog(window);
}

} // namespace confab::ui
