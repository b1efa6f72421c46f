// SPDX-License-Identifier: Apache-2.0
#include "markdownfilter.h"

#include "safemarkdown.h"

#include <QGuiApplication>
#include <QPalette>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace confab::ui {

MarkdownFilter::MarkdownFilter(QObject *parent)
    : QObject(parent)
{}

MarkdownFilter *MarkdownFilter::create(QQmlEngine *, QJSEngine *)
{
    return new MarkdownFilter;
}

QString MarkdownFilter::safe(const QString &text) const
{
    return client::safeMarkdown(text);
}

bool MarkdownFilter::hasMarkdown(const QString &text) const
{
    return client::hasMarkdown(text);
}

bool MarkdownFilter::isOpenable(const QString &link) const
{
    const QUrl url(link, QUrl::StrictMode);
    if (!url.isValid())
        return false;
    const QString scheme = url.scheme().toLower();
    if (scheme == u"mailto"_s)
        return !url.path().isEmpty();
    return (scheme == u"http"_s || scheme == u"https"_s) && !url.host().isEmpty();
}

QColor MarkdownFilter::linkColor() const
{
    return QGuiApplication::palette().color(QPalette::Link);
}

void MarkdownFilter::setLinkColor(const QColor &color)
{
    if (!color.isValid() || color == linkColor())
        return;
    QPalette palette = QGuiApplication::palette();
    palette.setColor(QPalette::Link, color);
    QGuiApplication::setPalette(palette);
    Q_EMIT linkColorChanged();
}

} // namespace confab::ui
