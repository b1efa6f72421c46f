// SPDX-License-Identifier: Apache-2.0
#pragma once

// SIGTERM and SIGINT as a call on the event loop, for the processes that must end cleanly
// when asked to (confabd says `bye shutdown`; a hosting app stops its server first).
//
// Contract:
// - The handler runs on the thread of `context`'s event loop, once per signal, never inside
//   the signal handler itself (which only writes a byte to a socket pair).
// - Call once per process; a second call replaces the handler.

#include <QObject>

#include <functional>

namespace confab {

void installQuitSignalHandlers(QObject *context, std::function<void()> handler);

} // namespace confab
