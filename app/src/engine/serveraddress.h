// SPDX-License-Identifier: Apache-2.0
#pragma once

// What people type as a server address, turned into the WebSocket URL the engine opens.
//
// Contract (pure, no I/O):
// - Accepted: `host`, `host:port`, `ws://…`, `wss://…`, `http://…` (read as ws://) and
//   `https://…` (read as wss://); scheme and host are case-insensitive; spaces around are
//   trimmed. No scheme means ws://. An empty path (or `/`) becomes `/ws`; another path is
//   kept as typed. The port is kept when given (no default is added: the scheme's is used).
// - Anything else (another scheme, no host, a bad port, spaces inside) gives nullopt and a
//   sentence for the user in `error`, naming what was typed and showing a good example.

#include <QString>
#include <QUrl>

#include <optional>

namespace confab::client {

std::optional<QUrl> normalizeServerUrl(const QString &typed, QString *error = nullptr);

} // namespace confab::client
