// SPDX-License-Identifier: Apache-2.0
#include "secretcompare.h"

#include <QString>

#include <gtest/gtest.h>

using namespace Qt::StringLiterals;
using confab::auth::secretsEqual;

TEST(SecretCompare, EqualOnlyForTheSameBytes)
{
    EXPECT_TRUE(secretsEqual(QByteArrayView("abc"), QByteArrayView("abc")));
    EXPECT_TRUE(secretsEqual(QByteArrayView(), QByteArrayView("")));
    EXPECT_FALSE(secretsEqual(QByteArrayView("abc"), QByteArrayView("abd")));
    EXPECT_FALSE(secretsEqual(QByteArrayView("abc"), QByteArrayView("xbc")));
    EXPECT_FALSE(secretsEqual(QByteArrayView("abc"), QByteArrayView("abcd")));
    EXPECT_FALSE(secretsEqual(QByteArrayView("abc"), QByteArrayView()));
    // Bytes past a NUL count too.
    EXPECT_FALSE(secretsEqual(QByteArrayView("a\0b", 3), QByteArrayView("a\0c", 3)));
}

TEST(SecretCompare, TextComparesEveryCodeUnit)
{
    EXPECT_TRUE(secretsEqual(u"tökén"_s, u"tökén"_s));
    EXPECT_FALSE(secretsEqual(u"tökén"_s, u"tökén2"_s));
    EXPECT_FALSE(secretsEqual(u"token"_s, u"Token"_s));
    // Same low bytes, different high bytes: a compare of one byte per character would pass.
    EXPECT_FALSE(secretsEqual(QStringView(u"\u0141"), QStringView(u"\u0041")));
    EXPECT_TRUE(secretsEqual(QString(), QString()));
}
