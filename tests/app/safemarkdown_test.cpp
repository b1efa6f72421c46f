// SPDX-License-Identifier: Apache-2.0
// safeMarkdown() through Qt's own Markdown renderer, as Text.MarkdownText uses it
// (QTextDocument::setMarkdown, GitHub dialect, HTML allowed): HTML and images from a
// message never render, and ordinary Markdown still does.

#include "safemarkdown.h"

#include <QGuiApplication>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextFragment>
#include <QTextList>
#include <gtest/gtest.h>

using confab::client::hasMarkdown;
using confab::client::safeMarkdown;
using namespace Qt::StringLiterals;

namespace {

// What a reader sees of a rendered document.
struct Rendered
{
    QString plain;
    QStringList anchors; ///< hrefs of the links
    bool image = false;
    bool bold = false;
    bool italic = false;
    bool code = false; ///< a fixed-pitch fragment or code block
    bool list = false;
    bool quote = false;
    bool table = false;
    bool other = false; ///< colours, underline without link, font sizes: HTML's marks
};

Rendered render(const QString &markdown)
{
    QTextDocument doc;
    doc.setMarkdown(markdown); // the default features: Text.MarkdownText's
    Rendered r;
    r.plain = doc.toPlainText();
    for (QTextBlock block = doc.begin(); block.isValid(); block = block.next()) {
        if (block.textList())
            r.list = true;
        if (block.blockFormat().hasProperty(QTextFormat::BlockQuoteLevel) &&
            block.blockFormat().intProperty(QTextFormat::BlockQuoteLevel) > 0)
            r.quote = true;
        if (block.blockFormat().hasProperty(QTextFormat::BlockCodeFence) ||
            block.blockFormat().hasProperty(QTextFormat::BlockCodeLanguage))
            r.code = true;
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment f = it.fragment();
            const QTextCharFormat cf = f.charFormat();
            if (cf.isImageFormat())
                r.image = true;
            if (cf.isAnchor() || !cf.anchorHref().isEmpty())
                r.anchors << cf.anchorHref();
            if (cf.fontWeight() >= QFont::DemiBold)
                r.bold = true;
            if (cf.fontItalic())
                r.italic = true;
            if (cf.fontFixedPitch() || cf.fontFamilies().toStringList().contains(u"monospace"_s))
                r.code = true;
            // Colours and sizes that HTML could set (code keeps its own look).
            const bool code = cf.fontFixedPitch() ||
                              cf.fontFamilies().toStringList().contains(u"monospace"_s) ||
                              block.blockFormat().hasProperty(QTextFormat::BlockCodeFence);
            if (!code && cf.hasProperty(QTextFormat::ForegroundBrush) && !cf.isAnchor())
                r.other = true;
            if (!code && (cf.hasProperty(QTextFormat::FontPointSize) ||
                          cf.hasProperty(QTextFormat::FontPixelSize) ||
                          cf.hasProperty(QTextFormat::BackgroundBrush)))
                r.other = true;
        }
    }
    QTextFrame *root = doc.rootFrame();
    for (auto it = root->begin(); !it.atEnd(); ++it) {
        if (it.currentFrame())
            r.table = true;
    }
    return r;
}

// Nothing of `input`'s HTML renders: no image, link, emphasis or colour, and the
// text `literal` shows as typed.
void expectInert(const QString &input, const QString &literal)
{
    SCOPED_TRACE(input.toStdString());
    const Rendered r = render(safeMarkdown(input));
    EXPECT_FALSE(r.image);
    EXPECT_TRUE(r.anchors.isEmpty()) << r.anchors.join(u' ').toStdString();
    EXPECT_FALSE(r.bold);
    EXPECT_FALSE(r.italic);
    EXPECT_FALSE(r.other);
    EXPECT_TRUE(r.plain.contains(literal)) << r.plain.toStdString();
}

} // namespace

// The premise: without safeMarkdown the renderer does take HTML from the text.
TEST(SafeMarkdown, RendererTakesRawHtmlWithoutIt)
{
    EXPECT_TRUE(render(u"<b>x</b>"_s).bold);
    EXPECT_TRUE(render(u"![logo](http://example.com/a.png)"_s).image);
    EXPECT_FALSE(render(u"<a href=\"javascript:alert(1)\">x</a>"_s).anchors.isEmpty());
}

TEST(SafeMarkdown, InlineHtmlShowsAsText)
{
    expectInert(u"<b>x</b>"_s, u"<b>x</b>"_s);
    expectInert(u"hello <i>there</i> you"_s, u"hello <i>there</i> you"_s);
    expectInert(u"<img src=\"http://example.com/x.png\">"_s,
                u"<img src=\"http://example.com/x.png\">"_s);
    expectInert(u"<script>alert(1)</script>"_s, u"<script>alert(1)</script>"_s);
    expectInert(u"<a href=\"javascript:alert(1)\">click</a>"_s,
                u"<a href=\"javascript:alert(1)\">"_s);
    expectInert(u"<span style=\"color:red;font-size:40px\">big</span>"_s, u"<span style="_s);
    expectInert(u"x <!-- hidden --> y"_s, u"<!-- hidden -->"_s);
    expectInert(u"<font color=red>red</font>"_s, u"<font color=red>"_s);
}

TEST(SafeMarkdown, HtmlBlocksShowAsText)
{
    expectInert(u"<div>\n<b>bold</b>\n</div>"_s, u"<b>bold</b>"_s);
    expectInert(u"<table><tr><td>cell</td></tr></table>"_s, u"<td>cell</td>"_s);
    EXPECT_FALSE(render(safeMarkdown(u"<table><tr><td>cell</td></tr></table>"_s)).table);
    EXPECT_TRUE(render(u"<table><tr><td>cell</td></tr></table>"_s).table); // the premise
    expectInert(u"<pre>\n<img src=x>\n</pre>"_s, u"<img src=x>"_s);
    expectInert(u"para\n\n<style>body{color:red}</style>\n"_s, u"<style>"_s);
    expectInert(u"<?php echo 1 ?>"_s, u"<?php"_s);
    expectInert(u"<![CDATA[<b>x</b>]]>"_s, u"<b>x</b>"_s);
}

TEST(SafeMarkdown, HtmlInsideListsQuotesAndHeadings)
{
    expectInert(u"- <b>one</b>\n- <img src=x>"_s, u"<b>one</b>"_s);
    expectInert(u"1. item\n\n   <div><b>x</b></div>"_s, u"<b>x</b>"_s);
    expectInert(u"> <b>quoted</b>\n> <img src=x>"_s, u"<b>quoted</b>"_s);
    // A heading is bold of itself: the tag shows as typed, and nothing else renders.
    const Rendered heading = render(safeMarkdown(u"# <i>title</i> <img src=x>"_s));
    EXPECT_TRUE(heading.plain.contains(u"<i>title</i> <img src=x>"_s));
    EXPECT_FALSE(heading.italic);
    EXPECT_FALSE(heading.image);
    expectInert(u"- a\n\n  ```\n<b>x</b>\n```"_s, u"<b>x</b>"_s);
}

TEST(SafeMarkdown, EntityAndEscapeTricks)
{
    expectInert(u"&lt;b&gt;x&lt;/b&gt;"_s, u"<b>x</b>"_s);
    expectInert(u"&#60;b&#62;x&#60;/b&#62;"_s, u"<b>x</b>"_s);
    expectInert(u"\\\\<b>x</b>"_s, u"<b>x</b>"_s);
    expectInert(u"\\<b>x</b>"_s, u"<b>x</b>"_s);
    expectInert(u"<b\n>x</b>"_s, u"x"_s);
    expectInert(u"line\r<b>x</b>\r"_s, u"<b>x</b>"_s);
    expectInert(u"`a\r- <b>x</b>`"_s, u"<b>x</b>"_s);
    expectInert(u"`a\n- <b>x</b>`"_s, u"<b>x</b>"_s);
    expectInert(u"`a\n> <b>x</b>`"_s, u"<b>x</b>"_s);
}

TEST(SafeMarkdown, CodeThatIsNotCodeIsEscaped)
{
    // Spans and fences the parser might not take for code: never left unescaped.
    expectInert(u"    ```\n<b>x</b>\n```"_s, u"<b>x</b>"_s);
    expectInert(u"  ```\n<b>x</b>"_s, u"<b>x"_s); // code to the parser: a backslash shows
    expectInert(u"x\n``` `\n<b>x</b>"_s, u"<b>x</b>"_s);
    expectInert(u"\\`<b>x</b>`"_s, u"<b>x</b>"_s);
    expectInert(u"> ```\n<b>x</b>\n```"_s, u"<b>x</b>"_s);
    // A fence right after a line that may be a table row is a table row to the parser.
    expectInert(u"a | b\n--|--\n```\n<b>x</b>\n```"_s, u"<b>x"_s);
    expectInert(u"|a|\n|-|\n|c|\n~~~\n<b>x</b>\n~~~"_s, u"<b>x"_s);
    // Fences that do open after other blocks: their code shows as typed, and after them
    // Markdown is escaped again.
    for (const QString &before : {u"para"_s, u"- item"_s, u"> quote"_s, u"    code"_s, u""_s}) {
        const QString input = before + u"\n```\n<b>x</b>\n```\n<i>after</i>"_s;
        expectInert(input, u"<b>x</b>"_s);
        expectInert(input, u"<i>after</i>"_s);
    }
    for (const QString &heading : {u"# h"_s, u"para\n==="_s}) { // bold of themselves
        const Rendered r = render(safeMarkdown(heading + u"\n```\n<b>x</b>\n```\n<i>y</i>"_s));
        EXPECT_TRUE(r.code);
        EXPECT_TRUE(r.plain.contains(u"<b>x</b>"_s));
        EXPECT_TRUE(r.plain.contains(u"<i>y</i>"_s));
        EXPECT_FALSE(r.italic);
    }
    // Tables (header cells left empty: headers are bold of themselves).
    expectInert(u"|  |  |\n|---|---|\n| `x | <b>y</b> ` | z |"_s, u"<b>y"_s);
    expectInert(u"|  |  |\n|---|---|\n```\n<b>x</b>\n```"_s, u"<b>x</b>"_s);
    expectInert(u"|  |  |\n|---|---|\n| <b>x</b> | <img src=y> |"_s, u"<b>x</b>"_s);
}

TEST(SafeMarkdown, ImagesBecomeLinks)
{
    for (const QString &input :
         {u"![](http://example.com/a.png)"_s, u"![logo](http://example.com/a.png)"_s,
          u"![logo][r]\n\n[r]: http://example.com/a.png"_s, u"- ![x](http://example.com/a.png)"_s,
          u"[![x](http://example.com/a.png)](http://example.com)"_s}) {
        SCOPED_TRACE(input.toStdString());
        const Rendered r = render(safeMarkdown(input));
        EXPECT_FALSE(r.image);
        EXPECT_FALSE(r.anchors.isEmpty()); // still reachable, as a link
    }
    EXPECT_TRUE(
        render(safeMarkdown(u"![](http://example.com/a.png)"_s)).plain.contains(u"image"_s));
}

TEST(SafeMarkdown, OrdinaryMarkdownStillRenders)
{
    const Rendered bold = render(safeMarkdown(u"**bold** and *it*"_s));
    EXPECT_TRUE(bold.bold);
    EXPECT_TRUE(bold.italic);
    EXPECT_EQ(bold.plain, u"bold and it"_s);

    const Rendered span = render(safeMarkdown(u"use `a < b && <tag>` here"_s));
    EXPECT_TRUE(span.code);
    EXPECT_EQ(span.plain, u"use a < b && <tag> here"_s);

    const Rendered block = render(safeMarkdown(u"```cpp\nif (a < b) { <x>; }\n```"_s));
    EXPECT_TRUE(block.code);
    EXPECT_EQ(block.plain, u"if (a < b) { <x>; }"_s);

    const Rendered tildes = render(safeMarkdown(u"~~~\n<b>x</b>\n~~~\nafter <i>"_s));
    EXPECT_TRUE(tildes.code);
    EXPECT_TRUE(tildes.plain.contains(u"<b>x</b>"_s));
    EXPECT_TRUE(tildes.plain.contains(u"after <i>"_s));

    EXPECT_TRUE(render(safeMarkdown(u"- one\n- two"_s)).list);
    EXPECT_TRUE(render(safeMarkdown(u"1. one\n2. two"_s)).list);
    EXPECT_TRUE(render(safeMarkdown(u"> quoted"_s)).quote);

    const Rendered link = render(safeMarkdown(u"[site](https://example.com/a?b=1&c=2)"_s));
    EXPECT_EQ(link.anchors, QStringList{u"https://example.com/a?b=1&c=2"_s});
    EXPECT_EQ(link.plain, u"site"_s);

    EXPECT_EQ(render(safeMarkdown(u"a < b > c"_s)).plain, u"a < b > c"_s);
    EXPECT_EQ(render(safeMarkdown(u"wow!"_s)).plain, u"wow!"_s);
    EXPECT_EQ(render(safeMarkdown(u"1 \\* 2"_s)).plain, u"1 * 2"_s);
}

TEST(SafeMarkdown, PlainUrlsAndAutolinksAreLinked)
{
    const Rendered plain = render(safeMarkdown(u"see https://example.com/x for more"_s));
    EXPECT_EQ(plain.anchors, QStringList{u"https://example.com/x"_s});
    const Rendered angle = render(safeMarkdown(u"see <https://example.com/y>"_s));
    EXPECT_EQ(angle.anchors, QStringList{u"https://example.com/y"_s});
    EXPECT_EQ(angle.plain, u"see https://example.com/y"_s);
    const Rendered mail = render(safeMarkdown(u"<mailto:a@example.com>"_s));
    EXPECT_EQ(mail.anchors, QStringList{u"mailto:a@example.com"_s});
}

TEST(SafeMarkdown, UnchangedWithoutHtmlOrImages)
{
    for (const QString &text :
         {u""_s, u"hello"_s, u"**a** _b_ `c<d`"_s, u"```\n<x>\n```\n"_s, u"one\n\ntwo\n"_s}) {
        EXPECT_EQ(safeMarkdown(text), text);
    }
}

// Shift+Enter starts a new line in the composer: the line shows as one, not as Markdown's
// soft break (a space); code keeps its bytes; a blank line still starts a paragraph.
TEST(SafeMarkdown, ALineBreakShowsAsOne)
{
    ASSERT_EQ(render(u"first line\nsecond line"_s).plain, u"first line second line"_s)
        << "the premise: Markdown alone joins the lines";
    EXPECT_EQ(render(safeMarkdown(u"first line\nsecond line"_s)).plain,
              u"first line\nsecond line"_s);
    EXPECT_EQ(render(safeMarkdown(u"a\r\nb\rc"_s)).plain, u"a\nb\nc"_s);
    EXPECT_EQ(render(safeMarkdown(u"**bold**\n- one\n- two"_s)).plain, u"bold\none\ntwo"_s);
    EXPECT_EQ(safeMarkdown(u"```\nx\ny\n```"_s), u"```\nx\ny\n```"_s);
    EXPECT_EQ(render(safeMarkdown(u"para\n\nnext"_s)).plain, u"para\nnext"_s);
}

// Text without Markdown renders exactly as plain text shows it, so a view may skip the
// parser; anything with a construct (or a link) is said to have Markdown.
TEST(SafeMarkdown, TextWithoutMarkdownRendersAsItself)
{
    for (const QString &text :
         {u"hello"_s, u"lunch at 12:30?"_s, u"Merged. Thanks for the quick review!"_s,
          u"first line\nsecond line"_s, u"it costs 5.00 (or 4)"_s, u"ça va? 🙂 日本語"_s,
          u"a, b; c: d\ne"_s, u"50% done, 3/4 left"_s, u"end-to-end tests"_s}) {
        EXPECT_FALSE(hasMarkdown(text)) << text.toStdString();
        EXPECT_EQ(render(safeMarkdown(text)).plain, text) << text.toStdString();
    }
    for (const QString &text : {u"**bold**"_s,        u"_it_"_s,
                                u"`code`"_s,          u"[a](b)"_s,
                                u"<b>x</b>"_s,        u"# title"_s,
                                u"a | b"_s,           u"~~gone~~"_s,
                                u"a \\* b"_s,         u"&amp;"_s,
                                u"title\n==="_s,      u"see https://example.org"_s,
                                u"www.example.org"_s, u"bob@example.org"_s,
                                u"- item"_s,          u"+ item"_s,
                                u"1. first"_s,        u"2) second"_s,
                                u"    code"_s,        u"text\n- item"_s,
                                u"![img](x)"_s}) {
        EXPECT_TRUE(hasMarkdown(text)) << text.toStdString();
    }
}

int main(int argc, char **argv)
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen"); // also when ctest lists the tests
    QGuiApplication app(argc, argv);             // QTextDocument lays out with fonts
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
