// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArrayView>
#include <QStringView>

namespace confab::auth {

/// True when `a` and `b` hold the same bytes, in a time that depends on their lengths only,
/// never on where they first differ (OpenSSL's CRYPTO_memcmp): for comparing a secret, or
/// its hash, with one a peer sent. Lengths are not secret (tokens have a fixed length).
bool secretsEqual(QByteArrayView a, QByteArrayView b);
/// The same for text secrets (compared as UTF-16 code units).
bool secretsEqual(QStringView a, QStringView b);

} // namespace confab::auth
