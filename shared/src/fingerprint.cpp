// SPDX-License-Identifier: Apache-2.0
#include "fingerprint.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace confab {

QString fingerprintText(const QByteArray &sha256)
{
    return QString::fromLatin1(sha256.toHex(':').toUpper());
}

std::optional<QByteArray> parseFingerprint(const QString &text)
{
    QString hex = text.trimmed();
    if (hex.startsWith(u"sha256:"_s, Qt::CaseInsensitive))
        hex = hex.mid(7);
    hex.remove(u':');
    static const QRegularExpression hexDigits(u"^[0-9A-Fa-f]{64}$"_s);
    if (!hexDigits.match(hex).hasMatch())
        return std::nullopt;
    return QByteArray::fromHex(hex.toLatin1());
}

} // namespace confab
