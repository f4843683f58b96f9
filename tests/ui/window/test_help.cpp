// Help for a student: the derivation typeset (its formulas MathJax images, no TeX-ish text, no
// notes for developers).
#include <window/derivation_dialog.h>

#include "window_fixture.h"

#include <QAction>
#include <QFile>
#include <QImage>
#include <QRegularExpression>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextDocument>
#include <QUrl>
#include <QtTest>

using namespace bnflow;
using namespace bnflow::ui;

class TestHelp : public QObject, private bnflow::test::WindowFixture {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init() { QVERIFY(openWindow()); }
    void cleanup() { closeWindow(); }
    void derivationIsTypeset();
    void derivationFormulasAreRenderedFromTheCurrentText();
};

namespace {

DerivationDialog* openDerivation(QWidget* window)
{
    auto* action = window->findChild<QAction*>(QStringLiteral("showDerivation"));
    if (!action)
        return nullptr;
    action->trigger();
    return window->findChild<DerivationDialog*>();
}

QString compiledDerivation()
{
    QFile file(QStringLiteral(":/help/derivation.md"));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

}  // namespace

// The text a student reads has no hats or subscripts written as TeX, no source paths, and every
// display formula is an image that loads.
void TestHelp::derivationIsTypeset()
{
    DerivationDialog* dialog = openDerivation(window_);
    QVERIFY(dialog && dialog->isVisible());
    const QString text = dialog->browser()->toPlainText();
    QVERIFY(text.contains(QLatin1String("Fused backward pass")));
    QVERIFY2(!text.contains(QLatin1Char('^')), "a hat or a power written as ^");
    QVERIFY2(!text.contains(QRegularExpression(QStringLiteral("_[a-zA-Z0-9{]"))), "a subscript written as _");
    QVERIFY2(!text.contains(QLatin1String("core/")), "a source path");
    QVERIFY2(!text.contains(QLatin1Char('\\')), "TeX shown as text");
    QVERIFY2(!text.contains(QChar(0x0302)), "a combining hat, which fonts draw beside the x");

    const QStringList keys = dialog->formulaKeys();
    QVERIFY(keys.size() >= 20);
    QTextDocument* document = dialog->browser()->document();
    for (const QString& key : keys) {
        const QVariant resource = document->resource(QTextDocument::ImageResource,
                                                     QUrl(QStringLiteral("formula:") + key));
        const QImage image = resource.value<QImage>();
        QVERIFY2(!image.isNull(), qPrintable(key));
        QVERIFY2(image.width() > 20 && image.height() > 10, qPrintable(key));
    }
    // Each formula is in the document as an image.
    QStringList images;
    for (QTextBlock block = document->begin(); block.isValid(); block = block.next())
        for (auto it = block.begin(); !it.atEnd(); ++it)
            if (it.fragment().charFormat().isImageFormat())
                images << it.fragment().charFormat().toImageFormat().name();
    QStringList expected;
    for (const QString& key : keys)
        expected << QStringLiteral("formula:") + key;
    images.removeAll(QStringLiteral("formula:derivation/xhat"));
    QCOMPARE(images, expected);
    QVERIFY(!document->resource(QTextDocument::ImageResource, QUrl(QStringLiteral("formula:derivation/xhat")))
                 .value<QImage>().isNull());
}

// render.cjs lists the TeX it rendered: a formula edited in the text but not re-rendered fails.
void TestHelp::derivationFormulasAreRenderedFromTheCurrentText()
{
    QVERIFY(openDerivation(window_));  // registers the compiled-in resources
    const QStringList formulas = DerivationDialog::displayFormulas(compiledDerivation());
    QVERIFY(!formulas.isEmpty());
    QFile rendered(QStringLiteral(":/formulas/derivation/tex.txt"));
    QVERIFY(rendered.open(QIODevice::ReadOnly));
    const QString tex = QString::fromUtf8(rendered.readAll());
    QCOMPARE(tex, formulas.join(QStringLiteral("\n%%\n")) + QLatin1Char('\n'));
}

QTEST_MAIN(TestHelp)
#include "test_help.moc"
