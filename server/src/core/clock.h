// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDateTime>

#include <chrono>

/// The server's two clocks (issue 15). Someone setting the system clock back or forward
/// moves the wall clock but not the monotonic one, so every timeout, grace period, expiry,
/// rate limit and throttle runs on monotonicMs(); wallMs() is only for times people see or
/// that must mean a date: message `ts`, presence `since`/`last_seen`, token expiry in the
/// database, `rewind` seconds.
namespace confab::server::clock {

/// Milliseconds on CLOCK_MONOTONIC (since boot, never 0): only differences mean anything.
inline qint64 monotonicMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

/// Milliseconds since the Unix epoch, as the system clock says (it may jump).
inline qint64 wallMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace confab::server::clock
