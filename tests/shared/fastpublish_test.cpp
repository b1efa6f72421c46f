// SPDX-License-Identifier: Apache-2.0
// The hand-written `publish` parser answers only for the common shape, and then exactly
// as the general parser does; for everything else it steps aside.

#include "fastpublish.h"
#include "testutil.h"

using namespace confab;
using namespace Qt::StringLiterals;

namespace {

std::string printable(const QByteArray &bytes)
{
    return bytes.toStdString();
}

} // namespace

class FastPublishAccepts : public testing::TestWithParam<QByteArray>
{};

TEST_P(FastPublishAccepts, AndAgreesWithTheGeneralParser)
{
    const Limits limits;
    const auto fast = detail::parsePublishFast(GetParam(), limits);
    ASSERT_TRUE(fast) << printable(GetParam());
    const auto general = detail::parseClientFrameGeneral(GetParam(), limits);
    ASSERT_TRUE(std::holds_alternative<ClientFrame>(general)) << testing::PrintToString(general);
    EXPECT_EQ(std::get<ClientFrame>(general), ClientFrame(*fast));
}

std::vector<QByteArray> acceptedFrames()
{
    return {

        QByteArray(R"({"t":"publish","id":7,"channel":"general","cid":"c1","text":"hi"})"),
        QByteArray(R"( { "text" : "hi" , "cid":"c1","channel":"g","id":9007199254740991,)"
                   R"("t":"publish" } )"
                   "\n\t\r"),
        QByteArray(R"({"t":"publish","id":1,"channel":"dm:alice:bob","cid":"c","text":)"
                   R"("\"q\" \\ \/ \b\f\n\r\t \u0000 \u00e9 \uD83D\uDE00 \u2028"})"),
        QByteArray("{\"t\":\"publish\",\"id\":1,\"channel\":\"g\",\"cid\":\"\xc3\xa9\","
                   "\"text\":\"\xef\xbb\xbf"
                   "BOM first \xf0\x9f\x98\x80 \xd7\xa9 \xef\xbf\xbf "
                   "\xf4\x8f\xbf\xbf\"}"),
        QByteArray(R"({"t":"publish","id":1,"channel":"g","cid":")") + QByteArray(64, 'c') +
            R"(","text":")" + QByteArray(16384, 'a') + "\"}",
        QByteArray(R"({"t":"publish","id":1,"channel":"g","cid":"c","text":")") +
            QByteArray("\xf0\x9f\x98\x80").repeated(4096) + "\"}"};
}

INSTANTIATE_TEST_SUITE_P(Shapes, FastPublishAccepts, testing::ValuesIn(acceptedFrames()));

class FastPublishDeclines : public testing::TestWithParam<QByteArray>
{};

TEST_P(FastPublishDeclines, AndLeavesItToTheGeneralParser)
{
    EXPECT_EQ(detail::parsePublishFast(GetParam(), Limits{}), std::nullopt)
        << printable(GetParam());
    // The public entry point still answers, through the general parser.
    const auto result = parseClientFrame(GetParam());
    EXPECT_EQ(result, detail::parseClientFrameGeneral(GetParam(), Limits{}));
}

std::vector<QByteArray> declinedFrames()
{
    return {

        QByteArray(""),
        QByteArray("{}"),
        QByteArray("[]"),
        QByteArray(R"({"t":"publish","id":7,"channel":"general","cid":"c1"})"),
        QByteArray(R"({"t":"publish","id":7,"channel":"general","cid":"c1","text":"hi","x":1})"),
        QByteArray(R"({"t":"publish","id":7,"channel":"g","cid":"c","text":"a","text":"b"})"),
        QByteArray(R"({"t":"publish","id":7.0,"channel":"g","cid":"c","text":"hi"})"),
        QByteArray(R"({"t":"publish","id":1e2,"channel":"g","cid":"c","text":"hi"})"),
        QByteArray(R"({"t":"publish","id":0,"channel":"g","cid":"c","text":"hi"})"),
        QByteArray(R"({"t":"publish","id":-1,"channel":"g","cid":"c","text":"hi"})"),
        QByteArray(R"({"t":"publish","id":07,"channel":"g","cid":"c","text":"hi"})"),
        QByteArray(R"({"t":"publish","id":9007199254740992,"channel":"g","cid":"c","text":"x"})"),
        QByteArray(R"({"t":"publis\u0068","id":1,"channel":"g","cid":"c","text":"hi"})"),
        QByteArray(R"({"t":"join","id":1,"channel":"g","cid":"c","text":"hi"})"),
        QByteArray(R"({"t":"publish","id":1,"channel":"G","cid":"c","text":"hi"})"),
        QByteArray(R"({"t":"publish","id":1,"channel":"g","cid":"","text":"hi"})"),
        QByteArray(R"({"t":"publish","id":1,"channel":"g","cid":"c","text":""})"),
        QByteArray(R"({"t":"publish","id":1,"channel":"g","cid":"c","text":"\ud800"})"),
        QByteArray(R"({"t":"publish","id":1,"channel":"g","cid":"c","text":"\x"})"),
        QByteArray(R"({"t":"publish","id":1,"channel":"g","cid":"c","text":"\u12"})"),
        QByteArray(
            "{\"t\":\"publish\",\"id\":1,\"channel\":\"g\",\"cid\":\"c\",\"text\":\"\x01\"}"),
        QByteArray(
            "{\"t\":\"publish\",\"id\":1,\"channel\":\"g\",\"cid\":\"c\",\"text\":\"\xc0\xaf\"}"),
        QByteArray("{\"t\":\"publish\",\"id\":1,\"channel\":\"g\",\"cid\":\"c\",\"text\":"
                   "\"\xed\xa0\x80\"}"),
        QByteArray(
            "{\"t\":\"publish\",\"id\":1,\"channel\":\"g\",\"cid\":\"c\",\"text\":\"\xe2\x82\"}"),
        QByteArray(R"({"t":"publish","id":1,"channel":"g","cid":"c","text":"hi"} x)"),
        QByteArray(R"({"t":"publish","id":1,"channel":"g","cid":"c","text":"hi")"),
        QByteArray(R"({"t":"publish","id":1,"channel":"g","cid":"c","text":"hi\"})"),
        QByteArray(R"({"t":"publish","id":1,"channel":"g","cid":"c","text":"hi",})"),
        QByteArray(R"({"t":"publish","id":1,"channel":"g","cid":"c","text":")") +
            QByteArray(16385, 'a') + "\"}"};
}

INSTANTIATE_TEST_SUITE_P(Shapes, FastPublishDeclines, testing::ValuesIn(declinedFrames()));

TEST(FastPublish, TextLimitComesFromLimits)
{
    Limits limits;
    limits.text = 3;
    const QByteArray frame = R"({"t":"publish","id":1,"channel":"g","cid":"c","text":"abcd"})";
    EXPECT_EQ(detail::parsePublishFast(frame, limits), std::nullopt);
    limits.text = 4;
    EXPECT_EQ(detail::parsePublishFast(frame, limits),
              (PublishRequest{1, u"g"_s, u"c"_s, u"abcd"_s}));
}
