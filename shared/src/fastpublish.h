// SPDX-License-Identifier: Apache-2.0
#pragma once

// Internal to confab_shared (and its tests and fuzz target): the two paths of
// parseClientFrame(). `publish` is the server's hottest frame, so it has a hand-written
// parser that skips QJsonDocument for the common shape; everything else, and every error,
// goes through the general parser.

#include "codec.h"

namespace confab::detail {

/// Parses a `publish` frame of the common shape: one flat object whose members are exactly
/// `t`, `id` (digits only), `channel`, `cid` and `text`, in any order, each once, with
/// every value valid. For anything else it returns nullopt and decides nothing: the caller
/// falls back to the general parser, which also words the errors. Where it returns a frame,
/// the general parser returns the same frame (the fuzz target checks this).
std::optional<PublishRequest> parsePublishFast(QByteArrayView utf8, const Limits &limits);

/// The general parser: QJsonDocument plus field rules, for every frame type.
ParseResult<ClientFrame> parseClientFrameGeneral(QByteArrayView utf8, const Limits &limits);

} // namespace confab::detail
