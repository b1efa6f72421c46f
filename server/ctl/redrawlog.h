// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QElapsedTimer>
#include <QFile>

namespace confab::ctl {

/// For the console benchmark (tests/bench/console): with CONFABCTL_REDRAW_LOG=FILE set,
/// each redraw that shows new events appends one line to FILE: how long the oldest of them
/// waited since it arrived from the socket (µs), how many there were, and how long drawing
/// took (µs). Off (and free) otherwise.
class RedrawLog
{
public:
    RedrawLog();

    void eventArrived();
    void redrawStarted();
    void redrawFinished();

private:
    QFile m_file;
    QElapsedTimer m_clock;
    qint64 m_oldestPendingNs = -1;
    qint64 m_redrawStartNs = 0;
    int m_pending = 0;
};

} // namespace confab::ctl
