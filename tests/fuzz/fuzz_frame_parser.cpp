// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the protocol codec. Feeds every input to both parsers and checks
// the codec's contract: nothing crashes, whatever parses re-encodes to bytes that parse
// back to the same frame, every rejection encodes to an error reply a client can read, and
// the hand-written `publish` fast path agrees with the general parser wherever it answers.

#include "codec.h"
#include "fastpublish.h"

#include <cstdio>
#include <cstdlib>

namespace {

using namespace confab;

[[noreturn]] void fail(const char *what, QByteArrayView input, const QByteArray &encoded)
{
    std::fprintf(stderr, "%s\ninput:   %.*s\nencoded: %.*s\n", what, int(input.size()),
                 input.data(), int(encoded.size()), encoded.constData());
    std::abort();
}

void checkErrorReply(const ProtocolError &error, QByteArrayView input)
{
    const QByteArray encoded = encodeReplyError(error);
    const auto parsed = parseServerFrame(encoded);
    const auto *frame = std::get_if<ServerFrame>(&parsed);
    const auto *reply = frame ? std::get_if<Reply>(frame) : nullptr;
    if (!reply || reply->error != error.error || reply->id != error.id.value_or(0))
        fail("error reply does not round-trip", input, encoded);
}

void checkFastPath(QByteArrayView input)
{
    const Limits limits;
    const auto fast = detail::parsePublishFast(input, limits);
    if (!fast)
        return;
    const auto general = detail::parseClientFrameGeneral(input, limits);
    const auto *frame = std::get_if<ClientFrame>(&general);
    if (!frame || !(*frame == ClientFrame(*fast)))
        fail("publish fast path disagrees with the general parser", input,
             encodeClientFrame(*fast));
}

void checkClient(QByteArrayView input)
{
    const auto parsed = parseClientFrame(input);
    if (const auto *error = std::get_if<ProtocolError>(&parsed)) {
        checkErrorReply(*error, input);
        return;
    }
    const ClientFrame &frame = std::get<ClientFrame>(parsed);
    const QByteArray encoded = encodeClientFrame(frame);
    const auto again = parseClientFrame(encoded);
    const auto *reparsed = std::get_if<ClientFrame>(&again);
    if (!reparsed || !(*reparsed == frame))
        fail("client frame does not round-trip", input, encoded);
}

void checkServer(QByteArrayView input)
{
    const auto parsed = parseServerFrame(input);
    const auto *frame = std::get_if<ServerFrame>(&parsed);
    if (!frame)
        return;
    const QByteArray encoded = encodeServerFrame(*frame);
    const auto again = parseServerFrame(encoded);
    const auto *reparsed = std::get_if<ServerFrame>(&again);
    if (!reparsed || !(*reparsed == *frame))
        fail("server frame does not round-trip", input, encoded);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(data, qsizetype(size));
    checkFastPath(input);
    checkClient(input);
    checkServer(input);
    return 0;
}
