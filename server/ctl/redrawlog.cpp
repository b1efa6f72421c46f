// SPDX-License-Identifier: Apache-2.0
#include "redrawlog.h"

namespace confab::ctl {

RedrawLog::RedrawLog()
{
    const QString path = qEnvironmentVariable("CONFABCTL_REDRAW_LOG");
    if (path.isEmpty())
        return;
    m_file.setFileName(path);
    if (m_file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered))
        m_clock.start();
}

void RedrawLog::eventArrived()
{
    if (!m_clock.isValid())
        return;
    if (m_oldestPendingNs < 0)
        m_oldestPendingNs = m_clock.nsecsElapsed();
    ++m_pending;
}

void RedrawLog::redrawStarted()
{
    if (m_clock.isValid())
        m_redrawStartNs = m_clock.nsecsElapsed();
}

void RedrawLog::redrawFinished()
{
    if (!m_clock.isValid() || m_pending == 0)
        return;
    const qint64 now = m_clock.nsecsElapsed();
    const QByteArray line = QByteArray::number((now - m_oldestPendingNs) / 1000) + ' ' +
                            QByteArray::number(m_pending) + ' ' +
                            QByteArray::number((now - m_redrawStartNs) / 1000) + '\n';
    m_file.write(line);
    m_oldestPendingNs = -1;
    m_pending = 0;
}

} // namespace confab::ctl
