// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace confab {

/// The WebSocket close codes of the protocol (docs/protocol.md, "Close codes"), for the
/// server that sends them and the clients that act on them.
enum class CloseCode : int {
    Normal = 1000,             ///< signed out, or shutdown after `bye`
    BinaryFrame = 1003,        ///< a binary frame: text only
    InvalidUtf8 = 1007,        ///< a text frame that is not UTF-8
    Policy = 1008,             ///< too many bad frames or failed hellos, wrong path
    TooLarge = 1009,           ///< a frame over `limits.frame`
    Internal = 1011,           ///< the server failed
    NoHello = 4001,            ///< no successful `hello` in time
    Kicked = 4002,             ///< an admin or an account change ended the session
    SlowConsumer = 4008,       ///< unsent bytes over the server's cap: resume with `since`
    TooManyConnections = 4009, ///< over the per-address or per-user connection limit
};

} // namespace confab
