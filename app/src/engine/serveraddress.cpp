// SPDX-License-Identifier: Apache-2.0
#include "serveraddress.h"

using namespace Qt::StringLiterals;

namespace confab::client {

namespace {

std::optional<QUrl> refuse(const QString &typed, QString *error)
{
    if (error) {
        *error =
            typed.isEmpty()
                ? u"Enter the server's address, e.g. ws://chat.example.org:8765/ws."_s
                : u"“%1” is not a server address; use e.g. ws://chat.example.org:8765/ws."_s.arg(
                      typed);
    }
    return std::nullopt;
}

} // namespace

std::optional<QUrl> normalizeServerUrl(const QString &typed, QString *error)
{
    const QString text = typed.trimmed();
    if (text.isEmpty() || text.contains(QChar(u' ')))
        return refuse(text, error);
    // Found by hand: QUrl reads "localhost:8899" as the scheme "localhost".
    QString rest = text;
    QString scheme = u"ws"_s;
    if (const qsizetype sep = text.indexOf(u"://"_s); sep >= 0) {
        scheme = text.left(sep).toLower();
        rest = text.mid(sep + 3);
        if (scheme == "http"_L1)
            scheme = u"ws"_s;
        else if (scheme == "https"_L1)
            scheme = u"wss"_s;
        else if (scheme != "ws"_L1 && scheme != "wss"_L1)
            return refuse(text, error);
    }
    QUrl url(scheme + u"://"_s + rest, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() || !url.userInfo().isEmpty() ||
        (rest.contains(u':') && !rest.startsWith(u'[') && url.port() <= 0 &&
         rest.section(u'/', 0, 0).contains(u':')))
        return refuse(text, error);
    if (url.path().isEmpty() || url.path() == "/"_L1)
        url.setPath(u"/ws"_s);
    if (error)
        error->clear();
    return url;
}

} // namespace confab::client
