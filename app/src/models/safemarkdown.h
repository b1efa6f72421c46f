// SPDX-License-Identifier: Apache-2.0
#pragma once

// Message text made safe for Qt's Markdown renderer (Text.MarkdownText, which is
// QTextDocument::setMarkdown with the GitHub dialect). That dialect passes inline and block
// HTML through to the rich-text engine, and loads the images of `![..](..)`: neither may
// come from another user. safeMarkdown() returns the same Markdown with
//  - every `<` outside code spans and fenced code blocks backslash-escaped, so no HTML tag,
//    comment or HTML block can start (the tag shows as literal text); `<https://…>`,
//    `<http://…>` and `<mailto:…>` autolinks stay as they are;
//  - every image `![alt](url)` / `![alt][ref]` turned into a plain link (`!` then the link),
//    so nothing is loaded.
//  - every line break outside fenced code a hard break (two spaces before it), so a message
//    written on several lines shows on several lines, as the user wrote it.
// Code spans (on one line) and top-level fenced code blocks keep their text byte for byte.
// Where its scan is unsure (an indented code block, a code span over several lines, a fence
// inside a list or right after a table row), it escapes: the worst case is a visible
// backslash, never HTML.
// Pure and thread-safe.

#include <QString>

namespace confab::client {

QString safeMarkdown(const QString &text);

/// Whether `text` may contain Markdown (or a link) at all; when not, it renders exactly as
/// plain text does, and a view can skip the Markdown parser (most chat lines: cheaper to
/// scroll). Errs towards true.
bool hasMarkdown(const QString &text);

} // namespace confab::client
