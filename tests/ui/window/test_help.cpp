// Help for a student: the derivation typeset (its formulas MathJax images, no TeX-ish text, no
// notes for developers).
#include <check/check_panel.h>
#include <editors/editor_panels.h>
#include <tables/matrix_view.h>
#include <walkthrough/graph_view.h>
#include <walkthrough/walkthrough_panel.h>
#include <window/derivation_dialog.h>
#include <window/start_here.h>

#include "window_fixture.h"

#include <QAction>
#include <QCommandLinkButton>
#include <QDockWidget>
#include <QPushButton>
#include <QSettings>
#include <QTabWidget>
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
    void startHereShowsOnceOnTheFirstRun();
    void startHereLinksGoWhereTheySay_data();
    void startHereLinksGoWhereTheySay();
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

// The first run shows Start here; the next runs do not, but Help > Start here always does.
void TestHelp::startHereShowsOnceOnTheFirstRun()
{
    QSettings().remove(StartHere::shownKey());
    QVERIFY(!window_->startHere());  // a window alone (as in every test) never shows it
    QVERIFY(window_->showStartHereOnFirstRun());
    QVERIFY(window_->startHere() && window_->startHere()->isVisible());
    auto* dock = window_->findChild<QDockWidget*>(QStringLiteral("startHereDock"));
    QVERIFY(dock);
    dock->close();
    QVERIFY(!window_->showStartHereOnFirstRun());  // the second run
    QVERIFY(!dock->isVisible());
    window_->findChild<QAction*>(QStringLiteral("showStartHere"))->trigger();
    QVERIFY(dock->isVisible() && window_->startHere()->isVisible());
    QCOMPARE(window_->findChildren<QDockWidget*>(QStringLiteral("startHereDock")).size(), 1);
    QSettings().remove(StartHere::shownKey());
}

void TestHelp::startHereLinksGoWhereTheySay_data()
{
    QTest::addColumn<int>("step");
    QTest::addColumn<QString>("page");  // the tab it shows (its page's object name or the panel)
    QTest::newRow("edit a number: the batch editor, Results") << int(StartHere::Step::EditAndWatchForward) << "results";
    QTest::newRow("step the backward pass: the walkthrough") << int(StartHere::Step::StepBackward) << "walkthrough";
    QTest::newRow("staged and fused: the fused dx in Results") << int(StartHere::Step::CompareStagedFused) << "results";
    QTest::newRow("check your gradient: Load dx") << int(StartHere::Step::CheckYourGradient) << "check";
    QTest::newRow("the depth lab: the Depth tab") << int(StartHere::Step::OpenDepthLab) << "depth";
}

void TestHelp::startHereLinksGoWhereTheySay()
{
    QFETCH(int, step);
    QFETCH(QString, page);
    window_->showView(QStringLiteral("compare"));  // start somewhere else
    window_->findChild<QAction*>(QStringLiteral("showStartHere"))->trigger();
    QCommandLinkButton* button = window_->startHere()->button(StartHere::Step(step));
    QVERIFY(button && button->isVisible());
    QVERIFY(!button->text().isEmpty() && !button->toolTip().isEmpty());
    QTest::mouseClick(button, Qt::LeftButton);
    QTest::qWait(0);

    // The tab: what showView(page) shows.
    const int shown = window_->tabs()->currentIndex();
    window_->showView(page);
    QCOMPARE(shown, window_->tabs()->currentIndex());
    window_->tabs()->setCurrentIndex(shown);

    QWidget* focus = QApplication::focusWidget();
    QVERIFY(focus);
    switch (StartHere::Step(step)) {
    case StartHere::Step::EditAndWatchForward:
        QCOMPARE(focus, static_cast<QWidget*>(window_->batchPanel()->view()));
        QVERIFY(window_->batchPanel()->view()->currentIndex().isValid());
        break;
    case StartHere::Step::StepBackward:
        QVERIFY2(window_->walkthrough()->isAncestorOf(focus), focus->metaObject()->className());
        break;
    case StartHere::Step::CompareStagedFused:
        QCOMPARE(focus->objectName(), QString("fused_dx"));
        QVERIFY(focus->isVisible());
        break;
    case StartHere::Step::CheckYourGradient:
        QCOMPARE(focus, static_cast<QWidget*>(window_->checkPanel()->findChild<QPushButton*>("load_dx")));
        break;
    case StartHere::Step::OpenDepthLab:
        // The guide folds with the docks into the strip in the tab bar, its steps still there.
        QVERIFY(!window_->startHere()->isVisible());
        QVERIFY(window_->findChild<QWidget*>(QStringLiteral("startHereStrip"))->isVisible());
        break;
    }
}

QTEST_MAIN(TestHelp)
#include "test_help.moc"
