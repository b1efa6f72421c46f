// SPDX-License-Identifier: Apache-2.0
#pragma once

// safeMarkdown() for QML: what MessageModel's `markdown` role holds, for text that does not
// come from the model (and for tests of the delegate with the model's exact output).

#include <QColor>
#include <QObject>
#include <QQmlEngine>

namespace confab::ui {

class MarkdownFilter : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    /// The colour links render in: Qt's Markdown importer takes the application palette's
    /// link colour, so this sets that (Theme binds it to Theme.link). Text already rendered
    /// keeps its colour: delegates render again on linkColorChanged.
    Q_PROPERTY(QColor linkColor READ linkColor WRITE setLinkColor NOTIFY linkColorChanged)
public:
    static MarkdownFilter *create(QQmlEngine *qmlEngine, QJSEngine *jsEngine);

    /// `text` as Markdown that renders no HTML and loads no image (see safemarkdown.h).
    Q_INVOKABLE QString safe(const QString &text) const;
    /// hasMarkdown(): whether `text` needs the Markdown renderer (MessageModel's `formatted`).
    Q_INVOKABLE bool hasMarkdown(const QString &text) const;
    /// Whether a link may be opened outside the app: http, https and mailto only.
    Q_INVOKABLE bool isOpenable(const QString &link) const;

    QColor linkColor() const;
    void setLinkColor(const QColor &color);

Q_SIGNALS:
    void linkColorChanged();

private:
    explicit MarkdownFilter(QObject *parent = nullptr);
};

} // namespace confab::ui
