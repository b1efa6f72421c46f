// SPDX-License-Identifier: Apache-2.0
#pragma once

// Injectable time and randomness for the engine's timing rules (backoff, typing, idle), so
// tests drive them without sleeping. Production code uses the defaults below.

#include <QtGlobal>

#include <functional>

namespace confab::client {

/// Milliseconds on a monotonic clock (only differences are meaningful).
using ClockFn = std::function<qint64()>;
/// A uniformly distributed number in [0, 1).
using RandomFn = std::function<double()>;

/// QElapsedTimer-based monotonic milliseconds.
ClockFn steadyClock();
/// QRandomGenerator::global()-based [0, 1).
RandomFn systemRandom();

} // namespace confab::client
