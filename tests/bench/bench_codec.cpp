// SPDX-License-Identifier: Apache-2.0
// Codec hot paths: the server parses every `publish` and encodes one `msg` event per
// message; clients parse every `msg` event. Each with 100 bytes of text.

#include "codec.h"
#include "fastpublish.h"

#include <benchmark/benchmark.h>

using namespace confab;
using namespace Qt::StringLiterals;

namespace {

// 100 bytes of ordinary chat text.
const QString hundredByteText =
    u"Meeting moved to 15:30 in room B; bring the Q3 numbers and the \"draft\" slides, please!!"_s
    u" Thanks, Bob."_s;

Message sampleMessage()
{
    return {u"general"_s,
            1235,
            u"01HZX3K9V7Q2M4N8P6R5T1W0YA"_s,
            u"7f9c2b1e-4d3a-4c8e-9b6f-2a1d0e5c7b94"_s,
            u"alice"_s,
            1732771200000,
            hundredByteText};
}

void BM_ParsePublish(benchmark::State &state)
{
    const QByteArray frame = encodeClientFrame(PublishRequest{
        7, u"general"_s, u"7f9c2b1e-4d3a-4c8e-9b6f-2a1d0e5c7b94"_s, hundredByteText});
    const Limits limits;
    if (hundredByteText.toUtf8().size() != 100)
        state.SkipWithError("the sample text must be 100 bytes");
    for (auto _ : state) {
        auto parsed = parseClientFrame(frame, limits);
        benchmark::DoNotOptimize(parsed);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * frame.size());
}
BENCHMARK(BM_ParsePublish);

// The same frame through the general (QJsonDocument) parser, which the fast path falls
// back to for any other shape: the number to expect for publish frames with extra fields.
void BM_ParsePublishGeneral(benchmark::State &state)
{
    const QByteArray frame = encodeClientFrame(PublishRequest{
        7, u"general"_s, u"7f9c2b1e-4d3a-4c8e-9b6f-2a1d0e5c7b94"_s, hundredByteText});
    const Limits limits;
    for (auto _ : state) {
        auto parsed = detail::parseClientFrameGeneral(frame, limits);
        benchmark::DoNotOptimize(parsed);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * frame.size());
}
BENCHMARK(BM_ParsePublishGeneral);

void BM_EncodeMsgEvent(benchmark::State &state)
{
    const Message message = sampleMessage();
    for (auto _ : state) {
        QByteArray encoded = encodeMsgEvent(message);
        benchmark::DoNotOptimize(encoded);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EncodeMsgEvent);

void BM_ParseMsgEvent(benchmark::State &state)
{
    const QByteArray frame = encodeMsgEvent(sampleMessage());
    for (auto _ : state) {
        auto parsed = parseServerFrame(frame);
        benchmark::DoNotOptimize(parsed);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * frame.size());
}
BENCHMARK(BM_ParseMsgEvent);

} // namespace

BENCHMARK_MAIN();
