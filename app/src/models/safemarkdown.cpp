// SPDX-License-Identifier: Apache-2.0
#include "safemarkdown.h"

#include <optional>

using namespace Qt::StringLiterals;

namespace confab::client {

namespace {

struct Fence
{
    QChar ch;
    qsizetype length = 0;
};

bool isAsciiPunctuation(QChar c)
{
    return c.unicode() < 128 && (c.isPunct() || c.isSymbol());
}

qsizetype runLength(QStringView line, qsizetype from, QChar c)
{
    qsizetype n = 0;
    while (from + n < line.size() && line[from + n] == c)
        ++n;
    return n;
}

// A fenced code block that surely opens at the top level: at column 0 (indented, it may sit
// in a list item and end with it), three or more backticks or tildes, and a backtick
// fence's info string without a backtick (else it is inline code).
std::optional<Fence> topLevelFence(QStringView line)
{
    if (line.isEmpty() || (line[0] != u'`' && line[0] != u'~'))
        return std::nullopt;
    const QChar c = line[0];
    const qsizetype n = runLength(line, 0, c);
    if (n < 3 || (c == u'`' && line.mid(n).contains(u'`')))
        return std::nullopt;
    return Fence{c, n};
}

// Whether `line` may close `fence`: looser than CommonMark (text after the run is allowed),
// because closing too early only costs escapes in the code, while closing too late would
// leave Markdown unescaped.
bool mayClose(QStringView line, const Fence &fence)
{
    qsizetype i = 0;
    while (i < line.size() && i < 4 && line[i] == u' ')
        ++i;
    return i <= 3 && runLength(line, i, fence.ch) >= fence.length;
}

// Length of a `<scheme:…>` autolink for http, https or mailto at `at`, or 0.
qsizetype autolinkLength(QStringView line, qsizetype at)
{
    const QStringView rest = line.mid(at + 1);
    if (!rest.startsWith(u"http://"_s, Qt::CaseInsensitive) &&
        !rest.startsWith(u"https://"_s, Qt::CaseInsensitive) &&
        !rest.startsWith(u"mailto:"_s, Qt::CaseInsensitive))
        return 0;
    for (qsizetype i = 0; i < rest.size(); ++i) {
        const QChar c = rest[i];
        if (c == u'>')
            return i + 2;
        if (c == u'<' || c == u'`' || c.isSpace() || c.unicode() < 0x20)
            return 0;
    }
    return 0;
}

// One line outside fenced code: code spans kept, `<` escaped, images made links.
void escapeLine(QStringView line, QString &out)
{
    qsizetype i = 0;
    while (i < line.size()) {
        const QChar c = line[i];
        if (c == u'\\' && i + 1 < line.size() && isAsciiPunctuation(line[i + 1])) {
            out += line.mid(i, 2); // already escaped: keep both
            i += 2;
            continue;
        }
        if (c == u'`') {
            const qsizetype open = runLength(line, i, c);
            qsizetype j = i + open;
            qsizetype close = -1;
            while (j < line.size()) {
                if (line[j] != u'`') {
                    ++j;
                    continue;
                }
                const qsizetype run = runLength(line, j, c);
                if (run == open) {
                    close = j;
                    break;
                }
                j += run;
            }
            // A `|` may split the span into table cells: escape such a span's content.
            if (close >= 0 && !line.mid(i, close - i).contains(u'|')) {
                out += line.mid(i, close + open - i);
                i = close + open;
            } else {
                out += line.mid(i, open);
                i += open;
            }
            continue;
        }
        if (c == u'<') {
            if (const qsizetype n = autolinkLength(line, i)) {
                out += line.mid(i, n);
                i += n;
            } else {
                out += u"\\<"_s;
                ++i;
            }
            continue;
        }
        if (c == u'!' && i + 1 < line.size() && line[i + 1] == u'[') {
            // `\![alt](url)`: a "!" and a link; an empty alt still gets a visible link.
            out += u"\\!"_s;
            if (i + 2 < line.size() && line[i + 2] == u']') {
                out += u"[image]"_s;
                i += 3;
            } else {
                ++i;
            }
            continue;
        }
        out += c;
        ++i;
    }
}

/// Whether the line starting at `start` is blank (or there is none): a paragraph ends there.
bool blankFrom(const QString &text, qsizetype start)
{
    for (qsizetype i = start; i < text.size() && text[i] != u'\n' && text[i] != u'\r'; ++i) {
        if (!text[i].isSpace())
            return false;
    }
    return true;
}

} // namespace

QString safeMarkdown(const QString &text)
{
    QString out;
    out.reserve(text.size() + text.size() / 8);
    std::optional<Fence> fence;
    // After a line with a `|` (a table row, maybe) and until a blank line, a fence line is
    // a table row to the parser: no fence opens there.
    bool maybeTable = false;
    qsizetype start = 0;
    // Lines end at \n, \r\n or \r, as Markdown reads them; each ending is copied as it is.
    while (start <= text.size()) {
        qsizetype end = start;
        while (end < text.size() && text[end] != u'\n' && text[end] != u'\r')
            ++end;
        qsizetype next = end;
        if (next < text.size())
            next +=
                (text[next] == u'\r' && next + 1 < text.size() && text[next + 1] == u'\n') ? 2 : 1;
        const QStringView line = QStringView(text).mid(start, end - start);
        if (fence) {
            out += line;
            if (mayClose(line, *fence))
                fence.reset();
        } else if (!maybeTable && (fence = topLevelFence(line))) {
            out += line;
        } else {
            escapeLine(line, out);
            if (line.trimmed().isEmpty())
                maybeTable = false;
            else if (line.contains(u'|'))
                maybeTable = true;
            // A new line in a chat message is a new line on screen (Shift+Enter), not
            // Markdown's soft break (a space): two spaces make it a hard break.
            if (!line.trimmed().isEmpty() && !line.endsWith(u"  "_s) && !blankFrom(text, next))
                out += u"  "_s;
        }
        out += QStringView(text).mid(end, next - end);
        if (next == text.size() && end == text.size())
            break;
        start = next;
    }
    return out;
}

bool hasMarkdown(const QString &text)
{
    // Characters that start or mark a construct: emphasis, code, links, images, HTML,
    // headings, tables, strikethrough, escapes, entities, setext underlines, autolinks (an
    // image is `![`: its `[` counts).
    static const QString marks = u"*_`[]<>#|~\\&=@"_s;
    if (text.contains(u"://"_s) || text.contains(u"www."_s, Qt::CaseInsensitive))
        return true;
    bool lineStart = true;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (marks.contains(c))
            return true;
        if (lineStart) {
            // Indented code, list items ("- ", "+ ", "1. ", "1) "), thematic breaks.
            if (c.isSpace() && c != u'\n' && c != u'\r')
                return true;
            if (c == u'-' || c == u'+')
                return true;
            if (c.isDigit()) {
                qsizetype j = i;
                while (j < text.size() && text[j].isDigit())
                    ++j;
                if (j < text.size() && (text[j] == u'.' || text[j] == u')'))
                    return true;
            }
        }
        lineStart = c == u'\n' || c == u'\r';
    }
    return false;
}

} // namespace confab::client
