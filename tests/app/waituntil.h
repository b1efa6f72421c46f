// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <functional>

namespace confab::client::test {

/// Runs the event loop until `predicate` holds or `timeoutMs` passes; returns the predicate.
/// Never a fixed sleep: it returns as soon as the condition is met.
bool waitUntil(const std::function<bool()> &predicate, int timeoutMs = 10000);

} // namespace confab::client::test
