// SPDX-License-Identifier: Apache-2.0
// The compact JSON writer: escaping, UTF-8, numbers, structure, exact sizing.

#include "jsonwriter.h"
#include "testutil.h"

#include <QJsonDocument>

#include <limits>

using namespace confab;
using namespace Qt::StringLiterals;

namespace {

QByteArray written(QStringView text)
{
    JsonWriter w;
    w.string(text);
    return w.take();
}

} // namespace

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters)
{
    EXPECT_EQ(written(u"plain"), QByteArray(R"("plain")"));
    EXPECT_EQ(written(u"a\"b"), QByteArray(R"("a\"b")"));
    EXPECT_EQ(written(u"a\\b"), QByteArray(R"("a\\b")"));
    EXPECT_EQ(written(u"\n\r\t"), QByteArray(R"("\u000a\u000d\u0009")"));
    EXPECT_EQ(written(QStringView(u"\0", 1)), QByteArray(R"("\u0000")"));
    EXPECT_EQ(written(u"\x1f\x20"), QByteArray("\"\\u001f \""));
    EXPECT_EQ(written(u"/\x7f"), QByteArray("\"/\x7f\"")); // neither needs escaping
}

TEST(JsonWriter, WritesUtf8)
{
    EXPECT_EQ(written(u"\u00e9"), QByteArray("\"\xc3\xa9\""));
    EXPECT_EQ(written(u"\u20ac"), QByteArray("\"\xe2\x82\xac\""));
    EXPECT_EQ(written(u"\uffff"), QByteArray("\"\xef\xbf\xbf\""));
    EXPECT_EQ(written(u"😀"), QByteArray("\"\xf0\x9f\x98\x80\""));
    EXPECT_EQ(written(u"\U0010ffff"), QByteArray("\"\xf4\x8f\xbf\xbf\""));
    EXPECT_EQ(written(u"\u2028\ufeff"), QByteArray("\"\xe2\x80\xa8\\ufeff\""));
}

TEST(JsonWriter, EscapesUnpairedSurrogatesSoTheyRoundTrip)
{
    const QString high(1, QChar(0xd83d));
    const QString low(1, QChar(0xde00));
    EXPECT_EQ(written(high), QByteArray(R"("\ud83d")"));
    EXPECT_EQ(written(low + high), QByteArray(R"("\ude00\ud83d")"));
    EXPECT_EQ(written(u"a"_s + high + u"b"_s), QByteArray(R"("a\ud83db")"));
    const QString tricky = u"x"_s + high + low + low + high;
    const QByteArray json = "[" + written(tricky) + "]";
    EXPECT_EQ(QJsonDocument::fromJson(json).array().at(0).toString(), tricky);
}

TEST(JsonWriter, QuotedLengthIsExact)
{
    const QString samples[] = {u""_s,
                               u"abc"_s,
                               u"\"\\\n\x01"_s,
                               u"\u00e9\u20ac😀"_s,
                               QString(1, QChar(0xd800)),
                               u"a"_s + QChar(0xdc00),
                               QString(3, QChar(0))};
    for (const QString &s : samples)
        EXPECT_EQ(JsonWriter::quotedLength(s), written(s).size()) << s.toStdString();
}

TEST(JsonWriter, Latin1StringsAreEscapedAndConverted)
{
    JsonWriter w;
    w.string("a\"\xe9"_L1);
    EXPECT_EQ(w.take(), QByteArray("\"a\\\"\xc3\xa9\""));
}

TEST(JsonWriter, Numbers)
{
    JsonWriter w(1); // starts too small: it must grow
    w.beginArray()
        .integer(0)
        .integer(-1)
        .integer(std::numeric_limits<qint64>::max())
        .integer(std::numeric_limits<qint64>::min())
        .number(0.5)
        .number(12.5)
        .number(1e300)
        .number(std::numeric_limits<double>::quiet_NaN())
        .number(std::numeric_limits<double>::infinity())
        .boolean(true)
        .boolean(false)
        .null()
        .endArray();
    EXPECT_EQ(w.take(), QByteArray("[0,-1,9223372036854775807,-9223372036854775808,0.5,12.5,1e+300,"
                                   "null,null,true,false,null]"));
}

TEST(JsonWriter, NestedStructuresGetCommasRight)
{
    JsonWriter w;
    w.beginObject();
    w.key("a"_L1).beginArray().beginObject().endObject().beginArray().endArray().integer(1);
    w.endArray();
    w.key("b"_L1).beginObject().key("c"_L1).string(u"d").endObject();
    w.key("e"_L1).boolean(true);
    w.endObject();
    EXPECT_EQ(w.take(), QByteArray(R"({"a":[{},[],1],"b":{"c":"d"},"e":true})"));
}

TEST(JsonWriter, QJsonValuesMatchQtsReading)
{
    const QByteArray source =
        R"({"s":"x\"\u0001\u00e9","i":9007199254740993,"big":18446744073709551616,)"
        R"("d":0.1,"neg":-2.5e-8,"b":[true,false,null,[],{}],"o":{"k\n":{"z":-0}}})";
    const QJsonObject object = QJsonDocument::fromJson(source).object();
    ASSERT_FALSE(object.isEmpty());
    JsonWriter w(0);
    w.json(object);
    const QByteArray out = w.take();
    QJsonParseError error;
    const QJsonObject reread = QJsonDocument::fromJson(out, &error).object();
    EXPECT_EQ(error.error, QJsonParseError::NoError) << out.toStdString();
    EXPECT_EQ(reread, object) << out.toStdString();
    EXPECT_TRUE(out.contains("9007199254740993")) << "64-bit integers stay exact";
}

TEST(JsonWriter, TakeHandsOverTheBytesAndStartsOver)
{
    JsonWriter w(4);
    w.beginArray().integer(123456).endArray();
    const QByteArray first = w.take();
    EXPECT_EQ(first, QByteArray("[123456]"));
    EXPECT_EQ(first.size(), 8);
    w.boolean(true);
    EXPECT_EQ(w.take(), QByteArray("true")) << "no comma carried over from the first value";
    EXPECT_EQ(w.take(), QByteArray());
}
