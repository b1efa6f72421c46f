// SPDX-License-Identifier: Apache-2.0
// Bad input never crashes the parsers and always gets a precise error: truncated JSON,
// non-objects, wrong field types, deep nesting, invalid UTF-8, unpaired surrogates.

#include "testutil.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace confab;
using namespace Qt::StringLiterals;

namespace {

const QByteArray validPublish =
    R"({"t":"publish","id":7,"channel":"general","cid":"c1","text":"hello \u00e9"})";

void expectBadRequest(const QByteArray &json, const char *context)
{
    const auto client = test::clientError(json);
    ASSERT_TRUE(client) << context << ": " << json.toStdString();
    EXPECT_EQ(client->error.code, ErrorCode::BadRequest) << context;
    EXPECT_FALSE(client->error.message.isEmpty()) << context;
    const auto server = test::serverError(json);
    ASSERT_TRUE(server) << context << ": " << json.toStdString();
    EXPECT_EQ(server->error.code, ErrorCode::BadRequest) << context;
}

QByteArray nested(int depth, char open, char close, const QByteArray &inner = {})
{
    return QByteArray(depth, open) + inner + QByteArray(depth, close);
}

} // namespace

TEST(Malformed, EveryTruncationOfAValidFrameIsBadRequest)
{
    ASSERT_FALSE(test::clientError(validPublish));
    for (qsizetype length = 0; length < validPublish.size(); ++length) {
        const QByteArray truncated = validPublish.left(length);
        const auto error = test::clientError(truncated);
        ASSERT_TRUE(error) << truncated.toStdString();
        EXPECT_EQ(error->error.code, ErrorCode::BadRequest) << truncated.toStdString();
        EXPECT_EQ(error->id, std::nullopt) << "no id can be read from broken JSON";
    }
}

TEST(Malformed, NonObjectsAreBadRequest)
{
    for (const char *json :
         {"", " ", "[]", "[1,2]", "5", "-1", "\"publish\"", "null", "true",
          "[{\"t\":\"channels\",\"id\":1}]", "{", "}", "{}{}", "{} x",
          "{\"t\":\"channels\",\"id\":1}]", "{'t':'channels'}", "{t:\"channels\"}", "\xef\xbb\xbf"})
        expectBadRequest(json, json);
}

TEST(Malformed, ArrayTopLevelSaysObjectNeeded)
{
    const auto error = test::clientError("[1]");
    ASSERT_TRUE(error);
    EXPECT_EQ(error->error.message, u"frame must be a JSON object"_s);
}

TEST(Malformed, EmptyObjectNeedsAType)
{
    const auto error = test::clientError("{}");
    ASSERT_TRUE(error);
    EXPECT_EQ(error->error.code, ErrorCode::BadRequest);
    EXPECT_EQ(error->error.message, u"field 't' is required"_s);
    EXPECT_EQ(test::serverError("{}")->error.code, ErrorCode::BadRequest);
}

struct WrongType
{
    const char *field;
    const char *value;
};

TEST(Malformed, WrongFieldTypesAreBadRequestWithTheId)
{
    const WrongType cases[] = {
        {"channel", "5"},      {"channel", "null"}, {"channel", "[\"general\"]"},
        {"channel", "{}"},     {"channel", "true"}, {"cid", "1"},
        {"cid", "[]"},         {"text", "1"},       {"text", "[\"hi\"]"},
        {"text", "{\"a\":1}"}, {"text", "false"},   {"text", "null"},
    };
    for (const WrongType &c : cases) {
        QJsonObject frame = QJsonDocument::fromJson(validPublish).object();
        frame.insert(QString::fromLatin1(c.field),
                     QJsonDocument::fromJson("[" + QByteArray(c.value) + "]").array().at(0));
        const QByteArray json = QJsonDocument(frame).toJson(QJsonDocument::Compact);
        const auto error = test::clientError(json);
        ASSERT_TRUE(error) << json.toStdString();
        EXPECT_EQ(error->error.code, ErrorCode::BadRequest) << json.toStdString();
        EXPECT_EQ(error->id, 7) << json.toStdString();
        EXPECT_TRUE(error->error.message.contains(u"'"_s + QString::fromLatin1(c.field) + u"'"_s))
            << error->error.message.toStdString();
    }
}

TEST(Malformed, HugeNegativeAndFractionalIdsGiveNoId)
{
    for (const char *id : {"0", "-1", "-9007199254740991", "0.5", "7.25", "9007199254740992",
                           "9223372036854775807", "9223372036854775808", "18446744073709551616",
                           "1e19", "1e308", "-1e308", "\"7\"", "[7]", "{\"id\":7}", "null"}) {
        const QByteArray json = R"({"t":"leave","channel":"g","id":)" + QByteArray(id) + "}";
        const auto error = test::clientError(json);
        ASSERT_TRUE(error) << json.toStdString();
        EXPECT_EQ(error->error.code, ErrorCode::BadRequest) << json.toStdString();
        EXPECT_EQ(error->id, std::nullopt) << json.toStdString();
    }
}

TEST(Malformed, IdIsEchoedWhenOtherFieldsAreWrong)
{
    const auto error = test::clientError(R"({"t":"leave","id":9007199254740991})");
    ASSERT_TRUE(error);
    EXPECT_EQ(error->id, 9007199254740991);
}

TEST(Malformed, TenThousandDeepNestingIsRejectedWithoutCrashing)
{
    const QByteArray arrays = nested(10000, '[', ']');
    expectBadRequest(arrays, "10000 arrays");

    QByteArray objects;
    for (int i = 0; i < 10000; ++i)
        objects += "{\"a\":";
    objects += "1" + QByteArray(10000, '}');
    expectBadRequest(objects, "10000 objects");

    // Deep nesting inside an otherwise valid frame, in an ignored field and in a used one.
    const QByteArray inField = R"({"t":"channels","id":1,"x":)" + arrays + "}";
    expectBadRequest(inField, "10000 arrays in a field");
    const QByteArray inText =
        R"({"t":"publish","id":1,"channel":"g","cid":"c","text":)" + arrays + "}";
    expectBadRequest(inText, "10000 arrays as text");
    // Unclosed: the parser must stop without recursing 10,000 levels.
    expectBadRequest(QByteArray(10000, '['), "10000 unclosed arrays");
    expectBadRequest(QByteArray(100000, '{'), "100000 unclosed braces");
}

TEST(Malformed, ModerateNestingInAnIgnoredFieldIsFine)
{
    const QByteArray json = R"({"t":"channels","id":1,"x":)" + nested(500, '[', ']') + "}";
    EXPECT_EQ(test::clientError(json), std::nullopt);
}

TEST(Malformed, DeepOkObjectsSurviveAServerRoundTrip)
{
    QByteArray ok;
    for (int i = 0; i < 500; ++i)
        ok += "{\"a\":";
    ok += "[]" + QByteArray(500, '}');
    const QByteArray json = R"({"t":"reply","id":1,"ok":)" + ok + "}";
    const auto reply = test::serverFrameAs<Reply>(json);
    ASSERT_TRUE(reply);
    EXPECT_EQ(test::serverFrameAs<Reply>(encodeServerFrame(*reply)), reply);
}

TEST(Malformed, InvalidUtf8IsBadRequest)
{
    const QByteArray prefix = R"({"t":"publish","id":1,"channel":"g","cid":"c","text":")";
    const char *badBytes[] = {
        "\xff",             // never valid
        "\xc0\xaf",         // overlong '/'
        "\xe0\x80\xaf",     // overlong
        "\xed\xa0\x80",     // UTF-16 surrogate encoded in UTF-8
        "\xf4\x90\x80\x80", // beyond U+10FFFF
        "\xc3",             // truncated 2-byte sequence
        "\xe2\x82",         // truncated 3-byte sequence
        "\x80",             // lone continuation byte
        ("a\xfe"
         "b"),
    };
    for (const char *bad : badBytes) {
        const QByteArray json = prefix + bad + "\"}";
        const auto error = test::clientError(json);
        ASSERT_TRUE(error) << QByteArray(bad).toHex().toStdString();
        EXPECT_EQ(error->error.code, ErrorCode::BadRequest);
        EXPECT_TRUE(error->error.message.contains(u"UTF-8"_s))
            << error->error.message.toStdString();
    }
    expectBadRequest("{\"t\xff\":\"channels\",\"id\":1}", "invalid UTF-8 in a key");
    expectBadRequest("{\"t\":\"channels\",\"id\":1}\xff", "invalid UTF-8 after the object");
    expectBadRequest("{\"t\":\"channels\",\xff\"id\":1}", "invalid UTF-8 between fields");
}

TEST(Malformed, UnpairedSurrogateEscapesAreBadRequestEverywhere)
{
    for (const char *json : {
             R"({"t":"publish","id":1,"channel":"g","cid":"c","text":"\ud800"})",
             R"({"t":"publish","id":1,"channel":"g","cid":"\udfff","text":"x"})",
             R"({"t":"publish","id":1,"channel":"g","cid":"c","text":"\ude00\ud83d"})",
             R"({"t":"create","id":1,"channel":"g","topic":"\ud800"})",
             R"({"t":"presence","id":1,"status":"away","text":"x\udbff"})",
             R"({"t":"hello","id":1,"v":1,"auth":{"token":"\ud800"}})",
         }) {
        const auto error = test::clientError(json);
        ASSERT_TRUE(error) << json;
        EXPECT_EQ(error->error.code, ErrorCode::BadRequest) << json;
        EXPECT_EQ(error->id, 1) << json;
    }
}

TEST(Malformed, UnknownTypeWithSurrogatesStillGivesAValidReply)
{
    const auto error = test::clientError(R"({"t":"\ud800x","id":4})");
    ASSERT_TRUE(error);
    EXPECT_EQ(error->error.code, ErrorCode::Unsupported);
    EXPECT_EQ(error->id, 4);
    const auto reply = test::serverFrameAs<Reply>(encodeReplyError(*error));
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->error, error->error);

    const QByteArray longType = QByteArray("x").repeated(31) + "\\ud83d\\ude00tail";
    const auto truncated = test::clientError(R"({"t":")" + longType + R"(","id":4})");
    ASSERT_TRUE(truncated);
    EXPECT_TRUE(QStringView(truncated->error.message).isValidUtf16());
}

TEST(Malformed, ControlCharactersAndSpecialTextSurviveByteExact)
{
    const QByteArray text = "\\u0000\\u001f\\\"\\\\\\/ \xe2\x80\xa8\xe2\x80\xa9\xef\xbb\xbf"
                            "\xe2\x80\xae\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a \xf0\x9f\x91\xa9\xe2"
                            "\x80\x8d\xf0\x9f\x92\xbb";
    const auto publish = test::clientFrameAs<PublishRequest>(
        R"({"t":"publish","id":1,"channel":"g","cid":"c","text":")" + text + "\"}");
    ASSERT_TRUE(publish);
    const QString expected = QStringView(u"\0\x1f\"\\/ ", 6).toString() +
                             u"\u2028\u2029\ufeff\u202e\u0639\u0631\u0628\u064a 👩\u200d💻"_s;
    EXPECT_EQ(publish->text, expected);
    // Re-encoding and parsing again gives the same text.
    const auto again = test::clientFrameAs<PublishRequest>(encodeClientFrame(*publish));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->text, expected);
}

TEST(Malformed, ServerFramesWithMissingOrWrongFields)
{
    struct Case
    {
        const char *json;
        ErrorCode code;
    };
    const Case cases[] = {
        {R"({"t":"msg","channel":"g","mid":"m","cid":"c","from":"a","ts":1,"text":"x"})",
         ErrorCode::BadRequest},
        {R"({"t":"msg","channel":"g","seq":"1","mid":"m","cid":"c","from":"a","ts":1,"text":"x"})",
         ErrorCode::BadRequest},
        {R"({"t":"reply","id":1})", ErrorCode::BadRequest},
        {R"({"t":"reply","id":1,"ok":{},"error":{"code":"internal"}})", ErrorCode::BadRequest},
        {R"({"t":"reply","id":1,"ok":[]})", ErrorCode::BadRequest},
        {R"({"t":"reply","id":0,"ok":{}})", ErrorCode::BadRequest},
        {R"({"t":"reply","id":1,"error":{"message":"no code"}})", ErrorCode::BadRequest},
        {R"({"t":"synced","channel":"g","first_seq":-1,"last_seq":0})", ErrorCode::BadRequest},
        {R"({"t":"typing","channel":"g","user":"u"})", ErrorCode::BadRequest},
        {R"({"t":"presence","user":"u","status":"sleeping"})", ErrorCode::BadRequest},
        {R"({"t":"admin.presence","event":"reboot","user":"u","status":"online"})",
         ErrorCode::BadRequest},
        {R"({"t":"admin.presence","event":"connect","user":"u","status":"online",)"
         R"("connection":{"session":"s","channels":[1]}})",
         ErrorCode::BadRequest},
        {R"({"t":"bye","reason":"bored"})", ErrorCode::BadRequest},
        {R"({"t":"bye","reason":"kicked","retry_ms":-5})", ErrorCode::BadRequest},
        {R"({"t":"hello","id":1})", ErrorCode::Unsupported},
        {R"({"t":"reply2","id":1})", ErrorCode::Unsupported},
        {R"({"t":"read","channel":"g"})", ErrorCode::BadRequest},
        {R"({"t":"read","channel":"g","seq":-1})", ErrorCode::BadRequest},
        {R"({"t":"read","seq":3})", ErrorCode::BadRequest},
    };
    for (const Case &c : cases) {
        const auto error = test::serverError(c.json);
        ASSERT_TRUE(error) << c.json;
        EXPECT_EQ(error->error.code, c.code) << c.json;
    }
}

TEST(Malformed, ReadRequestsWithABadSeqOrChannelAreBadRequestWithTheId)
{
    const QByteArray cases[] = {
        R"({"t":"read","id":4,"channel":"general"})",
        R"({"t":"read","id":4,"channel":"general","seq":-1})",
        R"({"t":"read","id":4,"channel":"general","seq":1.5})",
        R"({"t":"read","id":4,"channel":"general","seq":"3"})",
        R"({"t":"read","id":4,"channel":"general","seq":null})",
        R"({"t":"read","id":4,"seq":3})",
        R"({"t":"read","id":4,"channel":"Not A Channel","seq":3})",
    };
    for (const QByteArray &json : cases) {
        const auto error = test::clientError(json);
        ASSERT_TRUE(error) << json.toStdString();
        EXPECT_EQ(error->error.code, ErrorCode::BadRequest) << json.toStdString();
        EXPECT_EQ(error->id, 4) << json.toStdString();
        EXPECT_FALSE(error->error.message.isEmpty());
    }
    const auto noId = test::clientError(R"({"t":"read","channel":"general","seq":3})");
    ASSERT_TRUE(noId);
    EXPECT_EQ(noId->error.code, ErrorCode::BadRequest);
}

TEST(Malformed, ManyFieldsAndDuplicateKeysDoNotConfuseTheParser)
{
    QByteArray json = R"({"t":"leave","id":3,"channel":"g")";
    for (int i = 0; i < 2000; ++i)
        json += ",\"f" + QByteArray::number(i) + "\":" + QByteArray::number(i);
    json += "}";
    const auto leave = test::clientFrameAs<LeaveRequest>(json);
    ASSERT_TRUE(leave);
    EXPECT_EQ(leave->channel, u"g"_s);

    // Duplicate keys: the parse is deterministic and valid either way.
    const auto duplicate = parseClientFrame(R"({"t":"leave","id":3,"channel":"a","channel":"b"})");
    ASSERT_TRUE(std::holds_alternative<ClientFrame>(duplicate));
}
