// SPDX-License-Identifier: Apache-2.0
#pragma once

// The client tests wait with the shared helper (tests/support), with a longer default.
#include "testclient.h"

namespace confab::client::test {

inline bool waitUntil(const std::function<bool()> &predicate, int timeoutMs = 10000)
{
    return confab::test::waitUntil(predicate, timeoutMs);
}

} // namespace confab::client::test
