// SPDX-License-Identifier: Apache-2.0
#include "clock.h"

#include <QDeadlineTimer>
#include <QRandomGenerator>

namespace confab::client {

ClockFn steadyClock()
{
    return [] { return QDeadlineTimer::current(Qt::PreciseTimer).deadline(); };
}

RandomFn systemRandom()
{
    return [] { return QRandomGenerator::global()->generateDouble(); };
}

} // namespace confab::client
