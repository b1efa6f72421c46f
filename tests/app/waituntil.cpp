// SPDX-License-Identifier: Apache-2.0
#include "waituntil.h"

#include <QCoreApplication>
#include <QDeadlineTimer>

namespace confab::client::test {

bool waitUntil(const std::function<bool()> &predicate, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!predicate()) {
        if (deadline.hasExpired())
            return predicate();
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 5);
    }
    return true;
}

} // namespace confab::client::test
