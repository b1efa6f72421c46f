// SPDX-License-Identifier: Apache-2.0
// Runs the tst_*.qml files with Confab.Ui importable from qrc:/qt/qml. The AppContext
// singleton, if a test touches it, uses a throw-away data directory and never signs in.

#include "appcontext.h"

#include <QFont>
#include <QQmlContext>
#include <QQmlEngine>
#include <QQmlExtensionPlugin>
#include <QQuickStyle>
#include <QQuickTextDocument>
#include <QSettings>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextList>
#include <QtQuickTest>

Q_IMPORT_QML_PLUGIN(Confab_UiPlugin)

using namespace Qt::StringLiterals;

// What a text item's document renders, for tests that must look past its source text
// (Text.MarkdownText): `TextProbe.formats(item)` gives {plain, bold, italic, image, code,
// list, quote, anchors: [href…], linkColors: ["#rrggbb"…]} of the item's textDocument.
class TextProbe : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    Q_INVOKABLE QVariantMap formats(QObject *textItem) const
    {
        auto *quickDocument =
            textItem ? textItem->property("textDocument").value<QQuickTextDocument *>() : nullptr;
        const QTextDocument *doc = quickDocument ? quickDocument->textDocument() : nullptr;
        if (!doc)
            return {};
        bool bold = false, italic = false, image = false, code = false, list = false, quote = false;
        QStringList anchors;
        QStringList linkColors;
        for (QTextBlock block = doc->begin(); block.isValid(); block = block.next()) {
            list = list || block.textList();
            quote = quote || block.blockFormat().intProperty(QTextFormat::BlockQuoteLevel) > 0;
            code = code || block.blockFormat().hasProperty(QTextFormat::BlockCodeFence);
            for (auto it = block.begin(); !it.atEnd(); ++it) {
                const QTextCharFormat format = it.fragment().charFormat();
                image = image || format.isImageFormat();
                bold = bold || format.fontWeight() >= QFont::DemiBold;
                italic = italic || format.fontItalic();
                code = code || format.fontFixedPitch() ||
                       format.fontFamilies().toStringList().contains(u"monospace"_s);
                if (format.isAnchor() || !format.anchorHref().isEmpty()) {
                    anchors << format.anchorHref();
                    linkColors << format.foreground().color().name();
                }
            }
        }
        return {{u"plain"_s, doc->toPlainText()},
                {u"bold"_s, bold},
                {u"italic"_s, italic},
                {u"image"_s, image},
                {u"code"_s, code},
                {u"list"_s, list},
                {u"quote"_s, quote},
                {u"anchors"_s, anchors},
                {u"linkColors"_s, linkColors}};
    }
};

class Setup : public QObject
{
    Q_OBJECT
public Q_SLOTS:
    void applicationAvailable()
    {
        QQuickStyle::setStyle(u"Basic"_s);
        // Settings (Theme.mode) go to the throw-away directory, never the user's.
        QCoreApplication::setOrganizationName(u"ConfabTest"_s);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dataDir.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dataDir.path());
        confab::ui::LaunchOptions options;
        options.dataDir = m_dataDir.path();
        confab::ui::AppContext::setLaunchOptions(options);
    }
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(u"qrc:/qt/qml"_s);
        engine->rootContext()->setContextProperty(u"TextProbe"_s, new TextProbe(engine));
    }

private:
    QTemporaryDir m_dataDir;
};

QUICK_TEST_MAIN_WITH_SETUP(confab_ui, Setup)

#include "main.moc"
