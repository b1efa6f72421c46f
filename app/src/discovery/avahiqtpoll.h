// SPDX-License-Identifier: Apache-2.0
#pragma once

// Avahi's main-loop hooks (AvahiPoll) served by the Qt event loop of the thread that made
// this object: file-descriptor watches become QSocketNotifiers and timeouts single-shot
// QTimers. Debian ships avahi-qt only for Qt 5, hence this small adapter; it keeps discovery
// on the GUI thread with no extra thread and no blocking wait.
//
// Contract:
// - poll() is valid for this object's lifetime; free every Avahi object made with it (the
//   AvahiClient first) before destroying it.
// - Avahi's callbacks run on this object's thread, from the event loop, never re-entrantly
//   from watch_new/timeout_new. A callback may free its own watch or timeout.
// - Not thread-safe: use it from one thread only.

#include <avahi-common/watch.h>

namespace confab::client {

class AvahiQtPoll
{
public:
    AvahiQtPoll();
    AvahiQtPoll(const AvahiQtPoll &) = delete;
    AvahiQtPoll &operator=(const AvahiQtPoll &) = delete;

    const AvahiPoll *poll() const { return &m_poll; }

private:
    AvahiPoll m_poll{};
};

} // namespace confab::client
