// SPDX-License-Identifier: Apache-2.0
#include "wsframe.h"

namespace confab::server {

QByteArray makeTextFrame(QByteArrayView payload)
{
    const auto size = quint64(payload.size());
    QByteArray frame;
    frame.reserve(qsizetype(size) + 10);
    frame.append(char(0x81)); // FIN + text opcode
    if (size < 126) {
        frame.append(char(size));
    } else if (size <= 0xFFFF) {
        frame.append(char(126));
        frame.append(char(size >> 8));
        frame.append(char(size & 0xFF));
    } else {
        frame.append(char(127));
        for (int shift = 56; shift >= 0; shift -= 8)
            frame.append(char((size >> shift) & 0xFF));
    }
    frame.append(payload.data(), payload.size());
    return frame;
}

} // namespace confab::server
