// SPDX-License-Identifier: Apache-2.0
// The naming and size rules (validation.h) and every field rule of the client frames,
// table-driven: each row is one frame and the error it must get (or none).

#include "testutil.h"
#include "validation.h"

#include <QJsonDocument>

using namespace confab;
using namespace Qt::StringLiterals;

// ---- names -------------------------------------------------------------------------------

struct NameCase
{
    QString name;
    bool valid;
};

void PrintTo(const NameCase &c, std::ostream *os)
{
    *os << c.name.toStdString() << (c.valid ? " (valid)" : " (invalid)");
}

class ChannelNames : public testing::TestWithParam<NameCase>
{};

TEST_P(ChannelNames, Rule)
{
    EXPECT_EQ(rules::isValidChannelName(GetParam().name), GetParam().valid);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ChannelNames,
    testing::Values(NameCase{u"general"_s, true}, NameCase{u"a"_s, true},
                    NameCase{u"a-b_c-0-9"_s, true}, NameCase{QString(64, u'x'), true},
                    NameCase{QString(65, u'x'), false}, NameCase{QString(), false},
                    NameCase{u"General"_s, false}, NameCase{u"a b"_s, false},
                    NameCase{u"a.b"_s, false}, NameCase{u"caf\u00e9"_s, false},
                    NameCase{u"#general"_s, false}, NameCase{u"dm:alice:bob"_s, true},
                    NameCase{u"dm:bob:alice"_s, false}, NameCase{u"dm:alice:alice"_s, false},
                    NameCase{u"dm:alice"_s, false}, NameCase{u"dm::bob"_s, false},
                    NameCase{u"dm:alice:bob:carol"_s, false}, NameCase{u"dm:Alice:bob"_s, false},
                    NameCase{u"dm:a.b:c-d"_s, true},
                    NameCase{u"dm:"_s + QString(32, u'a') + u":"_s + QString(32, u'b'), true},
                    NameCase{u"dm:"_s + QString(33, u'a') + u":b"_s, false},
                    NameCase{u"dm"_s, true}, NameCase{u"DM:alice:bob"_s, false}));

class UserNames : public testing::TestWithParam<NameCase>
{};

TEST_P(UserNames, Rule)
{
    EXPECT_EQ(rules::isValidUserName(GetParam().name), GetParam().valid);
}

INSTANTIATE_TEST_SUITE_P(Table, UserNames,
                         testing::Values(NameCase{u"alice"_s, true}, NameCase{u"a"_s, true},
                                         NameCase{u"bob.smith_2-x"_s, true},
                                         NameCase{QString(32, u'u'), true},
                                         NameCase{QString(33, u'u'), false},
                                         NameCase{QString(), false}, NameCase{u"Alice"_s, false},
                                         NameCase{u"al ice"_s, false}, NameCase{u"al:ice"_s, false},
                                         NameCase{u"al@ice"_s, false},
                                         NameCase{u"\u00e5sa"_s, false}, NameCase{u"..."_s, true}));

TEST(DirectChannels, NameSortsTheTwoUsers)
{
    EXPECT_EQ(rules::directChannelName(u"bob", u"alice"), u"dm:alice:bob"_s);
    EXPECT_EQ(rules::directChannelName(u"alice", u"bob"), u"dm:alice:bob"_s);
}

TEST(DirectChannels, MembersOfAValidName)
{
    const auto members = rules::directChannelMembers(u"dm:alice:bob");
    ASSERT_TRUE(members);
    EXPECT_EQ(members->first, u"alice"_s);
    EXPECT_EQ(members->second, u"bob"_s);
    EXPECT_EQ(rules::directChannelMembers(u"general"), std::nullopt);
    EXPECT_EQ(rules::directChannelMembers(u"dm:bob:alice"), std::nullopt);
    EXPECT_TRUE(rules::isDirectChannelName(u"dm:a:b"));
    EXPECT_FALSE(rules::isDirectChannelName(u"dm-a-b"));
}

// ---- sizes -------------------------------------------------------------------------------

TEST(Utf8Length, CountsBytesNotCharacters)
{
    EXPECT_EQ(rules::utf8Length(u""), 0);
    EXPECT_EQ(rules::utf8Length(u"abc"), 3);
    EXPECT_EQ(rules::utf8Length(u"\u00e9"), 2);
    EXPECT_EQ(rules::utf8Length(u"\u20ac"), 3);
    EXPECT_EQ(rules::utf8Length(u"😀"), 4);
    EXPECT_EQ(rules::utf8Length(QStringView(u"\0", 1)), 1);
    EXPECT_EQ(rules::utf8Length(u"\ufeff\u2028"), 6);
    const QString loneSurrogate(1, QChar(0xd800));
    EXPECT_EQ(rules::utf8Length(loneSurrogate), 3);
    EXPECT_EQ(rules::utf8Length(u"a😀b"_s), QString(u"a😀b"_s).toUtf8().size());
}

struct TextCase
{
    const char *label;
    QString text;
    std::optional<ErrorCode> expected;
};

void PrintTo(const TextCase &c, std::ostream *os)
{
    *os << c.label;
}

class TextRule : public testing::TestWithParam<TextCase>
{};

TEST_P(TextRule, ValidateText)
{
    const auto error = rules::validateText(GetParam().text, 16384);
    EXPECT_EQ(error ? std::optional(error->code) : std::nullopt, GetParam().expected);
    if (error)
        EXPECT_TRUE(error->message.startsWith(u"field 'text' "_s)) << error->message.toStdString();
}

QString repeated(const QString &unit, int times)
{
    return unit.repeated(times);
}

INSTANTIATE_TEST_SUITE_P(
    Table, TextRule,
    testing::Values(
        TextCase{"empty", QString(), ErrorCode::BadRequest},
        TextCase{"one byte", u"a"_s, std::nullopt},
        TextCase{"16384 ascii bytes", QString(16384, u'a'), std::nullopt},
        TextCase{"16385 ascii bytes", QString(16385, u'a'), ErrorCode::TooLarge},
        TextCase{"4096 emoji = 16384 bytes", repeated(u"😀"_s, 4096), std::nullopt},
        TextCase{"4096 emoji + 1 byte", repeated(u"😀"_s, 4096) + u'a', ErrorCode::TooLarge},
        TextCase{"5461 euro = 16383 bytes", repeated(u"\u20ac"_s, 5461), std::nullopt},
        TextCase{"5462 euro = 16386 bytes (5462 chars)", repeated(u"\u20ac"_s, 5462),
                 ErrorCode::TooLarge},
        TextCase{"8192 e-acute = 16384 bytes", repeated(u"\u00e9"_s, 8192), std::nullopt},
        TextCase{"8193 e-acute", repeated(u"\u00e9"_s, 8193), ErrorCode::TooLarge},
        TextCase{"only NUL", QString(1, QChar(0)), std::nullopt}),
    [](const auto &info) { return "case" + std::to_string(info.index); });

TEST(PasswordRule, EightTo1024Bytes)
{
    EXPECT_TRUE(rules::validateNewPassword(u"1234567"));
    EXPECT_FALSE(rules::validateNewPassword(u"12345678"));
    EXPECT_FALSE(rules::validateNewPassword(u"\u00e9\u00e9\u00e9\u00e9")); // 4 chars, 8 bytes
    EXPECT_TRUE(rules::validateNewPassword(u"\u00e9\u00e9\u00e9"));        // 6 bytes
    EXPECT_FALSE(rules::validateNewPassword(QString(1024, u'p')));
    const auto tooLong = rules::validateNewPassword(QString(1025, u'p'));
    ASSERT_TRUE(tooLong);
    EXPECT_EQ(tooLong->code, ErrorCode::BadRequest);
    EXPECT_EQ(tooLong->message, u"field 'password' must be 8-1024 UTF-8 bytes"_s);
}

TEST(DisplayNameRule, OneTo64CharactersWithoutControls)
{
    EXPECT_TRUE(rules::isValidDisplayName(u"Alice"));
    EXPECT_TRUE(rules::isValidDisplayName(u"Ärger 😀 שלום"));
    EXPECT_TRUE(rules::isValidDisplayName(QString(64, u'x')));
    EXPECT_TRUE(rules::isValidDisplayName(repeated(u"😀"_s, 64))); // 64 chars, 128 units
    EXPECT_FALSE(rules::isValidDisplayName(repeated(u"😀"_s, 65)));
    EXPECT_FALSE(rules::isValidDisplayName(QString(65, u'x')));
    EXPECT_FALSE(rules::isValidDisplayName(u""));
    EXPECT_FALSE(rules::isValidDisplayName(u"a\nb"));
    EXPECT_FALSE(rules::isValidDisplayName(u"a\x7f"));
    EXPECT_FALSE(rules::isValidDisplayName(QString(1, QChar(0xdc00))));
}

// ---- the field rules of every client frame -----------------------------------------------

/// One frame and its expected outcome: parses (code nullopt) or fails with `code`; and
/// whether the error carries the request id.
struct FrameCase
{
    const char *label;
    QByteArray json;
    std::optional<ErrorCode> code;
    bool withId = true;
};

void PrintTo(const FrameCase &c, std::ostream *os)
{
    *os << c.label << ": " << c.json.toStdString();
}

constexpr auto Ok = std::nullopt;
constexpr auto Bad = ErrorCode::BadRequest;

std::vector<FrameCase> frameCases()
{
    const QByteArray text16384(16384, 'a');
    const QByteArray emoji4096 = QByteArray("\xf0\x9f\x98\x80").repeated(4096);
    const QByteArray pub = R"({"t":"publish","id":5,"channel":"general","cid":"c1",)";
    return {
        // frame and id
        {"unknown type", R"({"t":"nope","id":5})", ErrorCode::Unsupported},
        {"unknown type, no id", R"({"t":"nope"})", ErrorCode::Unsupported, false},
        {"missing t", R"({"id":5})", Bad},
        {"t not a string", R"({"t":5,"id":5})", Bad},
        {"missing id", R"({"t":"channels"})", Bad, false},
        {"id 0", R"({"t":"channels","id":0})", Bad, false},
        {"id negative", R"({"t":"channels","id":-1})", Bad, false},
        {"id fractional", R"({"t":"channels","id":1.5})", Bad, false},
        {"id 2^53", R"({"t":"channels","id":9007199254740992})", Bad, false},
        {"id huge", R"({"t":"channels","id":1e300})", Bad, false},
        {"id string", R"({"t":"channels","id":"5"})", Bad, false},
        {"id null", R"({"t":"channels","id":null})", Bad, false},
        {"id bool", R"({"t":"channels","id":true})", Bad, false},
        {"id 1", R"({"t":"channels","id":1})", Ok},
        {"id 2^53-1", R"({"t":"channels","id":9007199254740991})", Ok},
        {"id 1.0 is whole", R"({"t":"channels","id":1.0})", Ok},
        {"unknown fields ignored", R"({"t":"channels","id":1,"x":[1,{"y":2}],"z":null})", Ok},
        // hello
        {"hello token", R"({"t":"hello","id":1,"v":1,"auth":{"token":"abc"}})", Ok},
        {"hello password", R"({"t":"hello","id":1,"v":1,"auth":{"user":"al","password":"p"}})", Ok},
        {"hello missing v", R"({"t":"hello","id":1,"auth":{"token":"abc"}})", Bad},
        {"hello v 2", R"({"t":"hello","id":1,"v":2,"auth":{"token":"abc"}})",
         ErrorCode::Unsupported},
        {"hello v 0", R"({"t":"hello","id":1,"v":0,"auth":{"token":"abc"}})",
         ErrorCode::Unsupported},
        {"hello v string", R"({"t":"hello","id":1,"v":"1","auth":{"token":"abc"}})", Bad},
        {"hello no auth", R"({"t":"hello","id":1,"v":1})", Bad},
        {"hello auth not object", R"({"t":"hello","id":1,"v":1,"auth":"abc"})", Bad},
        {"hello empty token", R"({"t":"hello","id":1,"v":1,"auth":{"token":""}})", Bad},
        {"hello token 256",
         R"({"t":"hello","id":1,"v":1,"auth":{"token":")" + QByteArray(256, 't') + "\"}}", Ok},
        {"hello token 257",
         R"({"t":"hello","id":1,"v":1,"auth":{"token":")" + QByteArray(257, 't') + "\"}}", Bad},
        {"hello token and user",
         R"({"t":"hello","id":1,"v":1,"auth":{"token":"a","user":"al","password":"p"}})", Bad},
        {"hello no password", R"({"t":"hello","id":1,"v":1,"auth":{"user":"al"}})", Bad},
        {"hello empty password", R"({"t":"hello","id":1,"v":1,"auth":{"user":"al","password":""}})",
         Bad},
        {"hello bad user", R"({"t":"hello","id":1,"v":1,"auth":{"user":"Al","password":"p"}})",
         Bad},
        {"hello password 1025",
         R"({"t":"hello","id":1,"v":1,"auth":{"user":"al","password":")" + QByteArray(1025, 'p') +
             "\"}}",
         Bad},
        {"hello client 128",
         R"({"t":"hello","id":1,"v":1,"auth":{"token":"a"},"client":")" + QByteArray(128, 'c') +
             "\"}",
         Ok},
        {"hello client 129",
         R"({"t":"hello","id":1,"v":1,"auth":{"token":"a"},"client":")" + QByteArray(129, 'c') +
             "\"}",
         Bad},
        {"hello client number", R"({"t":"hello","id":1,"v":1,"auth":{"token":"a"},"client":3})",
         Bad},
        // register
        {"register", R"({"t":"register","id":1,"user":"bob","password":"12345678"})", Ok},
        {"register short password", R"({"t":"register","id":1,"user":"bob","password":"1234567"})",
         Bad},
        {"register the user name as password",
         R"({"t":"register","id":1,"user":"robert","password":" Robert "})", Bad},
        {"register 4 two-byte chars",
         "{\"t\":\"register\",\"id\":1,\"user\":\"bob\",\"password\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3"
         "\xa9\"}",
         Ok},
        {"register bad user", R"({"t":"register","id":1,"user":"b b","password":"12345678"})", Bad},
        {"register empty display",
         R"({"t":"register","id":1,"user":"bob","password":"12345678","display":""})", Bad},
        {"register control display",
         R"({"t":"register","id":1,"user":"bob","password":"12345678","display":"a\nb"})", Bad},
        {"register display 65",
         R"({"t":"register","id":1,"user":"bob","password":"12345678","display":")" +
             QByteArray(65, 'd') + "\"}",
         Bad},
        // join
        {"join", R"({"t":"join","id":1,"channel":"general"})", Ok},
        {"join dm", R"({"t":"join","id":1,"channel":"dm:alice:bob"})", Ok},
        {"join unsorted dm", R"({"t":"join","id":1,"channel":"dm:bob:alice"})", Bad},
        {"join no channel", R"({"t":"join","id":1})", Bad},
        {"join channel 65", R"({"t":"join","id":1,"channel":")" + QByteArray(65, 'c') + "\"}", Bad},
        {"join since 0", R"({"t":"join","id":1,"channel":"g","since":0})", Ok},
        {"join since -1", R"({"t":"join","id":1,"channel":"g","since":-1})", Bad},
        {"join since string", R"({"t":"join","id":1,"channel":"g","since":"5"})", Bad},
        {"join rewind count", R"({"t":"join","id":1,"channel":"g","rewind":{"count":50}})", Ok},
        {"join rewind seconds", R"({"t":"join","id":1,"channel":"g","rewind":{"seconds":60}})", Ok},
        {"join rewind count 0", R"({"t":"join","id":1,"channel":"g","rewind":{"count":0}})", Bad},
        {"join rewind both",
         R"({"t":"join","id":1,"channel":"g","rewind":{"count":1,"seconds":1}})", Bad},
        {"join rewind empty", R"({"t":"join","id":1,"channel":"g","rewind":{}})", Bad},
        {"join rewind not object", R"({"t":"join","id":1,"channel":"g","rewind":5})", Bad},
        {"join since and rewind",
         R"({"t":"join","id":1,"channel":"g","since":3,"rewind":{"count":1}})", Bad},
        // history
        {"history before", R"({"t":"history","id":1,"channel":"g","before":10})", Ok},
        {"history after 0 limit 200",
         R"({"t":"history","id":1,"channel":"g","after":0,"limit":200})", Ok},
        {"history neither", R"({"t":"history","id":1,"channel":"g"})", Bad},
        {"history both", R"({"t":"history","id":1,"channel":"g","before":5,"after":1})", Bad},
        {"history limit 0", R"({"t":"history","id":1,"channel":"g","after":0,"limit":0})", Bad},
        {"history limit 201", R"({"t":"history","id":1,"channel":"g","after":0,"limit":201})", Bad},
        {"history limit 1.5", R"({"t":"history","id":1,"channel":"g","after":0,"limit":1.5})", Bad},
        // publish
        {"publish", pub + R"("text":"hi"})", Ok},
        {"publish empty text", pub + R"("text":""})", Bad},
        {"publish text number", pub + R"("text":5})", Bad},
        {"publish no text", pub.chopped(1) + "}", Bad},
        {"publish 16384 bytes", pub + "\"text\":\"" + text16384 + "\"}", Ok},
        {"publish 16385 bytes", pub + "\"text\":\"" + text16384 + "a\"}", ErrorCode::TooLarge},
        {"publish 4096 emoji", pub + "\"text\":\"" + emoji4096 + "\"}", Ok},
        {"publish 4096 emoji + 1", pub + "\"text\":\"" + emoji4096 + "a\"}", ErrorCode::TooLarge},
        {"publish escaped NUL", pub + R"("text":"\u0000"})", Ok},
        {"publish lone high surrogate", pub + R"("text":"a\ud800b"})", Bad},
        {"publish lone low surrogate", pub + R"("text":"\udc00"})", Bad},
        {"publish surrogate at end", pub + R"("text":"a\ud83d"})", Bad},
        {"publish escaped pair", pub + R"("text":"\ud83d\ude00"})", Ok},
        {"publish no cid", R"({"t":"publish","id":5,"channel":"g","text":"x"})", Bad},
        {"publish empty cid", R"({"t":"publish","id":5,"channel":"g","cid":"","text":"x"})", Bad},
        {"publish cid 64",
         R"({"t":"publish","id":5,"channel":"g","cid":")" + QByteArray(64, 'c') +
             R"(","text":"x"})",
         Ok},
        {"publish cid 65",
         R"({"t":"publish","id":5,"channel":"g","cid":")" + QByteArray(65, 'c') +
             R"(","text":"x"})",
         Bad},
        {"publish bad channel", R"({"t":"publish","id":5,"channel":"G","cid":"c","text":"x"})",
         Bad},
        // create, invite, leave
        {"create", R"({"t":"create","id":1,"channel":"design"})", Ok},
        {"create dm", R"({"t":"create","id":1,"channel":"dm:alice:bob"})", Bad},
        {"create topic 256",
         R"({"t":"create","id":1,"channel":"d","topic":")" + QByteArray(256, 't') + "\"}", Ok},
        {"create topic 257",
         R"({"t":"create","id":1,"channel":"d","topic":")" + QByteArray(257, 't') + "\"}", Bad},
        {"create private string", R"({"t":"create","id":1,"channel":"d","private":"yes"})", Bad},
        {"invite", R"({"t":"invite","id":1,"channel":"d","user":"bob"})", Ok},
        {"invite no user", R"({"t":"invite","id":1,"channel":"d"})", Bad},
        {"invite bad user", R"({"t":"invite","id":1,"channel":"d","user":"Bob"})", Bad},
        {"leave", R"({"t":"leave","id":1,"channel":"d"})", Ok},
        {"leave bad channel", R"({"t":"leave","id":1,"channel":""})", Bad},
        // id-only requests
        {"logout", R"({"t":"logout","id":1})", Ok},
        {"admin.watch", R"({"t":"admin.watch","id":1})", Ok},
        {"admin.unwatch", R"({"t":"admin.unwatch","id":1})", Ok},
        {"admin.stats", R"({"t":"admin.stats","id":1})", Ok},
        {"admin.stats without id", R"({"t":"admin.stats"})", Bad, false},
        // typing: no id, none needed
        {"typing", R"({"t":"typing","channel":"g","active":true})", Ok},
        {"typing ignores id", R"({"t":"typing","id":-5,"channel":"g","active":false})", Ok},
        {"typing no active", R"({"t":"typing","channel":"g"})", Bad, false},
        {"typing active string", R"({"t":"typing","channel":"g","active":"true"})", Bad, false},
        {"typing bad channel, id ignored", R"({"t":"typing","id":3,"channel":"G","active":true})",
         Bad, false},
        // presence
        {"presence away", R"({"t":"presence","id":1,"status":"away","text":"lunch"})", Ok},
        {"presence dnd", R"({"t":"presence","id":1,"status":"dnd"})", Ok},
        {"presence offline", R"({"t":"presence","id":1,"status":"offline"})", Bad},
        {"presence unknown", R"({"t":"presence","id":1,"status":"busy"})", Bad},
        {"presence text 257",
         R"({"t":"presence","id":1,"status":"online","text":")" + QByteArray(257, 't') + "\"}",
         Bad},
        // admin.kick
        {"kick user", R"({"t":"admin.kick","id":1,"user":"bob"})", Ok},
        {"kick session", R"({"t":"admin.kick","id":1,"session":"s1"})", Ok},
        {"kick neither", R"({"t":"admin.kick","id":1})", Bad},
        {"kick both", R"({"t":"admin.kick","id":1,"user":"bob","session":"s1"})", Bad},
        {"kick empty session", R"({"t":"admin.kick","id":1,"session":""})", Bad},
        {"kick bad user", R"({"t":"admin.kick","id":1,"user":"B"})", Bad},
        // admin.user
        {"user add", R"({"t":"admin.user","id":1,"action":"add","user":"c","password":"12345678"})",
         Ok},
        {"user add short password",
         R"({"t":"admin.user","id":1,"action":"add","user":"c","password":"1234"})", Bad},
        {"user add the user name as password",
         R"({"t":"admin.user","id":1,"action":"add","user":"caroline","password":"caroline"})",
         Bad},
        {"user passwd the user name",
         R"({"t":"admin.user","id":1,"action":"password","user":"caroline","password":"CAROLINE"})",
         Bad},
        {"user add no password", R"({"t":"admin.user","id":1,"action":"add","user":"c"})", Bad},
        {"user add bad role",
         R"({"t":"admin.user","id":1,"action":"add","user":"c","password":"12345678","role":"x"})",
         Bad},
        {"user disable", R"({"t":"admin.user","id":1,"action":"disable","user":"c"})", Ok},
        {"user enable", R"({"t":"admin.user","id":1,"action":"enable","user":"c"})", Ok},
        {"user role", R"({"t":"admin.user","id":1,"action":"role","user":"c","role":"admin"})", Ok},
        {"user role missing", R"({"t":"admin.user","id":1,"action":"role","user":"c"})", Bad},
        {"user password",
         R"({"t":"admin.user","id":1,"action":"password","user":"c","password":"12345678"})", Ok},
        {"user password missing", R"({"t":"admin.user","id":1,"action":"password","user":"c"})",
         Bad},
        {"user unknown action", R"({"t":"admin.user","id":1,"action":"delete","user":"c"})", Bad},
        {"user bad name", R"({"t":"admin.user","id":1,"action":"enable","user":""})", Bad},
    };
}

class FrameRules : public testing::TestWithParam<FrameCase>
{};

TEST_P(FrameRules, ParseGivesTheExpectedOutcome)
{
    const FrameCase &c = GetParam();
    const auto error = test::clientError(c.json);
    EXPECT_EQ(error ? std::optional(error->error.code) : std::nullopt, c.code)
        << testing::PrintToString(error);
    if (!error)
        return;
    EXPECT_FALSE(error->error.message.isEmpty());
    if (c.withId)
        EXPECT_TRUE(error->id.has_value()) << "the error must carry the request id";
    else
        EXPECT_EQ(error->id, std::nullopt);
    if (error->id) {
        const QJsonObject frame = QJsonDocument::fromJson(c.json).object();
        EXPECT_EQ(*error->id, frame.value(u"id"_s).toInteger());
    }
}

INSTANTIATE_TEST_SUITE_P(Table, FrameRules, testing::ValuesIn(frameCases()),
                         [](const testing::TestParamInfo<FrameCase> &info) {
                             std::string name = info.param.label;
                             for (char &ch : name) {
                                 if (!std::isalnum(static_cast<unsigned char>(ch)))
                                     ch = '_';
                             }
                             return name + "_" + std::to_string(info.index);
                         });

// ---- messages and values of parsed frames ------------------------------------------------

TEST(FrameRules, ErrorMessagesNameTheField)
{
    const auto error = test::clientError(R"({"t":"join","id":4,"channel":"No Spaces"})");
    ASSERT_TRUE(error);
    EXPECT_TRUE(error->error.message.startsWith(
        u"field 'channel' must be 1-64 characters of a-z, 0-9, _ or -"_s))
        << error->error.message.toStdString();

    const auto nested =
        test::clientError(R"({"t":"join","id":4,"channel":"g","rewind":{"count":"x"}})");
    ASSERT_TRUE(nested);
    EXPECT_EQ(nested->error.message, u"field 'rewind.count' must be an integer of at least 1"_s);

    const auto id = test::clientError(R"({"t":"leave","id":0,"channel":"g"})");
    ASSERT_TRUE(id);
    EXPECT_EQ(id->error.message, u"field 'id' must be an integer from 1 to 9007199254740991"_s);

    const auto large =
        test::clientError(R"({"t":"publish","id":1,"channel":"g","cid":"c","text":")" +
                          QByteArray(16385, 'a') + "\"}");
    ASSERT_TRUE(large);
    EXPECT_EQ(large->error.message, u"field 'text' must be at most 16384 UTF-8 bytes"_s);

    const auto version = test::clientError(R"({"t":"hello","id":1,"v":3,"auth":{"token":"a"}})");
    ASSERT_TRUE(version);
    EXPECT_TRUE(version->error.message.contains(u"this server speaks protocol version 1"_s));

    const auto unknown = test::clientError(R"({"t":"frobnicate","id":2})");
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->error.message, u"frame type 'frobnicate' is not supported"_s);
}

TEST(FrameRules, TextLimitComesFromLimits)
{
    Limits limits;
    limits.text = 4;
    const QByteArray frame = R"({"t":"publish","id":1,"channel":"g","cid":"c","text":")";
    EXPECT_EQ(test::clientError(frame + "abcd\"}", limits), std::nullopt);
    EXPECT_EQ(test::clientError(frame + "\xf0\x9f\x98\x80\"}", limits), std::nullopt);
    const auto error = test::clientError(frame + "abcde\"}", limits);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->error.code, ErrorCode::TooLarge);
    EXPECT_EQ(error->id, 1);
}

TEST(FrameRules, HistoryLimitComesFromLimits)
{
    Limits limits;
    limits.historyPage = 10;
    const QByteArray frame = R"({"t":"history","id":1,"channel":"g","after":0,"limit":)";
    EXPECT_EQ(test::clientError(frame + "10}", limits), std::nullopt);
    EXPECT_EQ(test::clientError(frame + "11}", limits)->error.code, ErrorCode::BadRequest);
}

TEST(FrameValues, DefaultsAreFilledIn)
{
    const auto history =
        test::clientFrameAs<HistoryRequest>(R"({"t":"history","id":1,"channel":"g","before":9})");
    ASSERT_TRUE(history);
    EXPECT_EQ(history->limit, 50);
    EXPECT_EQ(history->before, 9);
    EXPECT_EQ(history->after, std::nullopt);

    const auto reg = test::clientFrameAs<RegisterRequest>(
        R"({"t":"register","id":1,"user":"bob","password":"12345678"})");
    ASSERT_TRUE(reg);
    EXPECT_EQ(reg->display, u"bob"_s);

    const auto create =
        test::clientFrameAs<CreateRequest>(R"({"t":"create","id":1,"channel":"design"})");
    ASSERT_TRUE(create);
    EXPECT_FALSE(create->isPrivate);
    EXPECT_TRUE(create->topic.isEmpty());
}

TEST(FrameValues, FieldsAreReadExactly)
{
    const auto hello = test::clientFrameAs<HelloRequest>(
        R"({"t":"hello","id":9,"v":1,"auth":{"user":"alice","password":"pw"},"client":"cli"})");
    ASSERT_TRUE(hello);
    EXPECT_EQ(*hello, (HelloRequest{9, 1, {}, u"alice"_s, u"pw"_s, u"cli"_s}));

    const auto join = test::clientFrameAs<JoinRequest>(
        R"({"t":"join","id":3,"channel":"dm:alice:bob","rewind":{"seconds":3600}})");
    ASSERT_TRUE(join);
    EXPECT_EQ(*join, (JoinRequest{3, u"dm:alice:bob"_s, {}, {}, 3600}));

    const auto kick =
        test::clientFrameAs<AdminKickRequest>(R"({"t":"admin.kick","id":2,"session":"s-9"})");
    ASSERT_TRUE(kick);
    EXPECT_EQ(*kick, (AdminKickRequest{2, {}, u"s-9"_s, {}}));

    const auto user = test::clientFrameAs<AdminUserRequest>(
        R"({"t":"admin.user","id":2,"action":"role","user":"c","role":"admin","password":"x"})");
    ASSERT_TRUE(user);
    EXPECT_EQ(*user, (AdminUserRequest{2, AdminUserAction::SetRole, u"c"_s, {}, {}, Role::Admin}));

    const auto typing =
        test::clientFrameAs<TypingNotice>(R"({"t":"typing","id":4,"channel":"g","active":true})");
    ASSERT_TRUE(typing);
    EXPECT_EQ(*typing, (TypingNotice{u"g"_s, true}));
}

TEST(EnumNames, RoundTrip)
{
    for (auto code :
         {ErrorCode::BadRequest, ErrorCode::Unauthorized, ErrorCode::Forbidden, ErrorCode::NotFound,
          ErrorCode::Conflict, ErrorCode::TooLarge, ErrorCode::RateLimited, ErrorCode::NotReady,
          ErrorCode::Unsupported, ErrorCode::Internal})
        EXPECT_EQ(errorCodeFromName(errorCodeName(code).toString()), code);
    EXPECT_EQ(errorCodeName(ErrorCode::RateLimited), "rate_limited"_L1);
    EXPECT_EQ(errorCodeFromName(u"nope"), std::nullopt);
    EXPECT_EQ(roleFromName(u"admin"), Role::Admin);
    EXPECT_EQ(roleFromName(u"root"), std::nullopt);
    EXPECT_EQ(presenceStatusName(PresenceStatus::Dnd), "dnd"_L1);
    EXPECT_EQ(presenceStatusFromName(u"offline"), PresenceStatus::Offline);
    EXPECT_EQ(adminUserActionName(AdminUserAction::ResetPassword), "password"_L1);
    EXPECT_EQ(adminUserActionFromName(u"role"), AdminUserAction::SetRole);
    EXPECT_EQ(adminPresenceKindName(AdminPresenceKind::Disconnect), "disconnect"_L1);
    EXPECT_EQ(byeReasonName(ByeReason::Replaced), "replaced"_L1);
    EXPECT_EQ(byeReasonFromName(u"kicked"), ByeReason::Kicked);
}
