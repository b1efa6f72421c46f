// SPDX-License-Identifier: Apache-2.0
#pragma once

// Reading a client's WebSocket frames on the server side of a test: the fake servers speak
// the protocol over a bare QTcpSocket so they control every byte they send.

#include <QByteArray>
#include <QtEndian>

#include <optional>

namespace confab::test {

struct MaskedFrame
{
    quint8 opcode = 0;  ///< 0x1 text, 0x8 close, 0x9 ping, 0xA pong
    QByteArray payload; ///< unmasked
};

/// Takes the first complete client frame (FIN+opcode, MASK+length with 126: 16-bit and
/// 127: 64-bit extensions, the mask, the payload) off the front of `buffer`; nullopt while
/// the frame is still incomplete.
inline std::optional<MaskedFrame> takeMaskedFrame(QByteArray &buffer)
{
    if (buffer.size() < 2)
        return std::nullopt;
    const quint8 opcode = quint8(buffer[0]) & 0x0f;
    quint64 length = quint8(buffer[1]) & 0x7f;
    qsizetype offset = 2;
    if (length == 126) {
        if (buffer.size() < 4)
            return std::nullopt;
        length = qFromBigEndian<quint16>(buffer.constData() + 2);
        offset = 4;
    } else if (length == 127) {
        if (buffer.size() < 10)
            return std::nullopt;
        length = qFromBigEndian<quint64>(buffer.constData() + 2);
        offset = 10;
    }
    if (quint64(buffer.size()) < offset + 4 + length)
        return std::nullopt;
    const QByteArray mask = buffer.mid(offset, 4);
    MaskedFrame frame{opcode, buffer.mid(offset + 4, qsizetype(length))};
    buffer.remove(0, offset + 4 + qsizetype(length));
    for (qsizetype i = 0; i < frame.payload.size(); ++i)
        frame.payload[i] = char(frame.payload[i] ^ mask[i % 4]);
    return frame;
}

} // namespace confab::test
