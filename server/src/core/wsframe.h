// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace confab::server {

/// A complete, unmasked server-to-client WebSocket text frame (RFC 6455 §5.2) carrying
/// `payload` (UTF-8 JSON). Built once per message and written as-is to every recipient.
QByteArray makeTextFrame(QByteArrayView payload);

} // namespace confab::server
