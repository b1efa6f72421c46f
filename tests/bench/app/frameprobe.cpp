// SPDX-License-Identifier: Apache-2.0
#include "frameprobe.h"

#include "messagemodel.h"

#include <QQuickItem>
#include <QQuickWindow>
#include <QThread>

#include <chrono>

namespace confab::bench {

qint64 monotonicNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

QQuickItem *findMessageList(QQuickItem *root)
{
    if (!root || !root->isVisible())
        return nullptr;
    if (root->inherits("QQuickListView") &&
        qobject_cast<client::MessageModel *>(root->property("model").value<QObject *>()))
        return root;
    const auto children = root->childItems();
    for (QQuickItem *child : children) {
        if (QQuickItem *list = findMessageList(child))
            return list;
    }
    return nullptr;
}

namespace {

QQuickItem *delegateAt(QQuickItem *list, int row)
{
    QQuickItem *item = nullptr;
    QMetaObject::invokeMethod(list, "itemAtIndex", Qt::DirectConnection,
                              Q_RETURN_ARG(QQuickItem *, item), Q_ARG(int, row));
    return item;
}

} // namespace

FrameProbe::FrameProbe(QQuickWindow *window)
    : QObject(window)
    , m_window(window)
{
    m_frames.reserve(1 << 16);
    connect(window, &QQuickWindow::beforeSynchronizing, this, &FrameProbe::synchronising,
            Qt::DirectConnection);
    connect(window, &QQuickWindow::frameSwapped, this, &FrameProbe::swapped, Qt::DirectConnection);
}

void FrameProbe::synchronising()
{
    m_pending = Frame{};
    m_pending.syncNs = monotonicNs();
    if (!m_list || !m_list->isVisible())
        m_list = findMessageList(m_window->contentItem());
    QQuickItem *list = m_list;
    if (!list)
        return;
    m_pending.model = list->property("model").value<QObject *>();
    const int count = list->property("count").toInt();
    m_pending.shown = count > 0 && (delegateAt(list, count - 1) || delegateAt(list, 0));
    m_pending.atEnd = list->property("atYEnd").toBool();
}

void FrameProbe::swapped()
{
    m_pending.swapNs = monotonicNs();
    m_swapsOnGuiThread = QThread::currentThread() == thread();
    const std::lock_guard lock(m_mutex);
    m_frames.push_back(m_pending);
}

std::vector<FrameProbe::Frame> FrameProbe::frames() const
{
    const std::lock_guard lock(m_mutex);
    return m_frames;
}

qsizetype FrameProbe::frameCount() const
{
    const std::lock_guard lock(m_mutex);
    return qsizetype(m_frames.size());
}

} // namespace confab::bench
