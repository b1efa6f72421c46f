// SPDX-License-Identifier: Apache-2.0
#pragma once

// The protocol codec: one frame (UTF-8 JSON bytes) <-> one typed frame. Pure functions,
// no I/O, safe to call from any thread. Parsing never throws or crashes on any input: it
// returns a typed frame or a precise error (code, sentence, and the request id where one
// could be read).

#include "frames.h"

#include <QByteArray>
#include <QByteArrayView>

#include <variant>

namespace confab {

/// Why a frame was rejected, and the id to answer to (nullopt when none could be read).
struct ProtocolError
{
    Error error;
    std::optional<RequestId> id;
    friend bool operator==(const ProtocolError &, const ProtocolError &) = default;
};

template <typename Frame> using ParseResult = std::variant<Frame, ProtocolError>;

/// Parses and validates a frame from a client (names, field types, id range, text
/// length against `limits.text`, history limit against `limits.historyPage`).
ParseResult<ClientFrame> parseClientFrame(QByteArrayView utf8, const Limits &limits = {});

/// Parses a frame from the server (for clients). Validates shape, not server policy.
ParseResult<ServerFrame> parseServerFrame(QByteArrayView utf8);

/// Compact UTF-8 JSON for a frame.
QByteArray encodeClientFrame(const ClientFrame &frame);
QByteArray encodeServerFrame(const ServerFrame &frame);

/// The `msg` event for a message. Hot path: encode once per message and reuse the bytes
/// for every recipient.
QByteArray encodeMsgEvent(const Message &message);

/// Replies, as the server sends them (`id` 0 is left out: the id could not be read).
QByteArray encodeReplyOk(RequestId id, const QJsonObject &ok);
/// The `publish` reply, byte-identical to encodeReplyOk(id, PublishOk{...}.toJson()). Hot
/// path (one per durable publish): written directly, without building a QJsonObject.
QByteArray encodePublishOk(RequestId id, qint64 seq, const QString &mid, qint64 ts, bool dup);
QByteArray encodeReplyError(RequestId id, const Error &error);
QByteArray encodeReplyError(const ProtocolError &error);

} // namespace confab
