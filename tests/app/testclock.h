// SPDX-License-Identifier: Apache-2.0
#pragma once

// A hand-driven clock for the engine's timing rules: tests advance it instead of sleeping.

#include "clock.h"

#include <memory>

namespace confab::client::test {

class ManualClock
{
public:
    ClockFn fn() const
    {
        return [now = m_now] { return *now; };
    }
    void advance(qint64 ms) { *m_now += ms; }
    qint64 now() const { return *m_now; }

private:
    std::shared_ptr<qint64> m_now = std::make_shared<qint64>(1'000'000);
};

} // namespace confab::client::test
