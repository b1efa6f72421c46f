// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace confab {

/// A certificate's SHA-256 digest as people compare it: "AB:CD:…" (32 bytes, upper-case hex
/// joined by colons), the form confabd prints and confabctl and the app show.
QString fingerprintText(const QByteArray &sha256);
/// Parses "AB:CD:…", "abcd…" or "sha256:…"; nullopt unless it is 32 bytes.
std::optional<QByteArray> parseFingerprint(const QString &text);

} // namespace confab
