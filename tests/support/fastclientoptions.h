// SPDX-License-Identifier: Apache-2.0
#pragma once
// The client engine's options for tests against a real server: no reachability watcher (the
// tests say when the network changes), short retry delays and handshake deadline, so that
// reconnects happen within a test's patience. Header-only: the support library does not link
// the client engine, the tests that use this do.
#include "chatclient.h"

namespace confab::test {

inline client::ChatClientOptions fastClientOptions(int maxRetryDelayMs = 800)
{
    client::ChatClientOptions options;
    options.connection.watchReachability = false;
    options.connection.backoff = {100, maxRetryDelayMs, 60000};
    options.connection.handshakeTimeoutMs = 5000;
    return options;
}

} // namespace confab::test
