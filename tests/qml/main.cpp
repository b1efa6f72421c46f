// SPDX-License-Identifier: Apache-2.0
// Runs the tst_*.qml files with Confab.Ui importable from qrc:/qt/qml. The AppContext
// singleton, if a test touches it, uses a throw-away data directory and never signs in.

#include "appcontext.h"

#include <QQmlEngine>
#include <QQmlExtensionPlugin>
#include <QQuickStyle>
#include <QTemporaryDir>
#include <QtQuickTest>

Q_IMPORT_QML_PLUGIN(Confab_UiPlugin)

using namespace Qt::StringLiterals;

class Setup : public QObject
{
    Q_OBJECT
public Q_SLOTS:
    void applicationAvailable()
    {
        QQuickStyle::setStyle(u"Basic"_s);
        confab::ui::LaunchOptions options;
        options.dataDir = m_dataDir.path();
        confab::ui::AppContext::setLaunchOptions(options);
    }
    void qmlEngineAvailable(QQmlEngine *engine) { engine->addImportPath(u"qrc:/qt/qml"_s); }

private:
    QTemporaryDir m_dataDir;
};

QUICK_TEST_MAIN_WITH_SETUP(confab_ui, Setup)

#include "main.moc"
