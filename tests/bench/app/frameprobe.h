// SPDX-License-Identifier: Apache-2.0
#pragma once

// Records every frame a window presents: when the scene graph synchronised it (the GUI
// thread waiting, so the items can be read safely even with the threaded render loop), when
// QQuickWindow::frameSwapped reported it, and what the message list showed in it. Times are
// CLOCK_MONOTONIC nanoseconds (steady_clock), comparable across processes on this machine.

#include <QObject>
#include <QPointer>
#include <QQuickItem>

#include <atomic>
#include <mutex>
#include <vector>

class QQuickWindow;

namespace confab::bench {

qint64 monotonicNs();

/// The window's message list: the visible ListView whose model is a MessageModel.
QQuickItem *findMessageList(QQuickItem *root);

class FrameProbe : public QObject
{
public:
    struct Frame
    {
        qint64 syncNs = 0;
        qint64 swapNs = 0;
        const QObject *model = nullptr; ///< the list's model when synchronised
        bool shown = false;             ///< rows, and a delegate for the first or last of them
        bool atEnd = false;             ///< scrolled to the newest message
    };

    explicit FrameProbe(QQuickWindow *window);

    /// Frames swapped so far (a copy).
    std::vector<Frame> frames() const;
    qsizetype frameCount() const;
    /// True with the basic render loop (frames on the GUI thread), false with the threaded.
    bool swapsOnGuiThread() const { return m_swapsOnGuiThread; }

private:
    void synchronising();
    void swapped();

    QQuickWindow *m_window;
    QPointer<QQuickItem> m_list; ///< found once: the chat page keeps its list
    Frame m_pending;             ///< filled on sync, completed on swap (one thread)
    mutable std::mutex m_mutex;
    std::vector<Frame> m_frames;
    std::atomic<bool> m_swapsOnGuiThread = false;
};

} // namespace confab::bench
