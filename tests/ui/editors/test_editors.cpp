// The editors driven like a person would: keys and clicks on the real widgets, offscreen.
#include <document/display_settings.h>
#include <document/session_document.h>
#include <editors/editor_panels.h>
#include <editors/parameter_panel.h>
#include <results/results_panel.h>
#include <tables/matrix_view.h>
#include <walkthrough/walkthrough_state.h>
#include <window/file_actions.h>
#include <window/main_window.h>

#include "window_fixture.h"

#include <QApplication>
#include <QClipboard>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSlider>
#include <QStatusBar>
#include <QUndoStack>
#include <QtTest>

using namespace bnflow;
using namespace bnflow::ui;

class TestEditors : public QObject, private bnflow::test::WindowFixture {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init();
    void cleanup();
    void typeIntoACell();
    void nonNumberIsRefusedVisibly_data();
    void nonNumberIsRefusedVisibly();
    void pasteABlockFromASpreadsheet();
    void pasteGarbageIsRefused();
    void copyASelection();
    void shapeShortcutsAndUndo();
    void gammaSpinBoxAndSlider();
    void epsTextSliderAndPresets();
    void doutPresets();
    void doutPresetButtonsKeepTheirPlace();
    void selectingXHighlightsEverywhere();
    void theFrameStaysOnTheSelectedCellThroughEdits();
    void resultsFollowEdits();

private:
    MatrixView* xView() const { return window_->batchPanel()->view(); }
    void typeInto(MatrixView* view, int row, int column, const QString& text);
    QLabel* messageLabel() const;
};

void TestEditors::init()
{
    openWindow();
}

void TestEditors::cleanup()
{
    closeWindow();
}

void TestEditors::typeInto(MatrixView* view, int row, int column, const QString& text)
{
    view->setFocus();
    view->setCurrentIndex(view->model()->index(row, column));
    QTest::keyClick(view, Qt::Key_F2);
    QWidget* editor = QApplication::focusWidget();
    QVERIFY(editor && editor != view);
    QTest::keyClick(editor, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(editor, text);
    QTest::keyClick(editor, Qt::Key_Return);
}

QLabel* TestEditors::messageLabel() const
{
    for (QLabel* label : window_->statusBar()->findChildren<QLabel*>())
        if (label->styleSheet().contains("#b2182b"))
            return label;
    return nullptr;
}

void TestEditors::typeIntoACell()
{
    typeInto(xView(), 2, 1, "-7.25");
    QTRY_COMPARE(document_->session().x(2, 1), -7.25);
    QCOMPARE(xView()->model()->index(2, 1).data().toString(), QString("-7.25"));
    QCOMPARE(document_->undoStack()->count(), 1);
    QVERIFY(window_->isWindowModified());
    typeInto(window_->doutPanel()->view(), 0, 2, "1e-3");
    QTRY_COMPARE(document_->session().dout(0, 2), 1e-3);
    QVERIFY(!document_->session().doutSeed.has_value());  // typed in: no longer the seeded default
}

void TestEditors::nonNumberIsRefusedVisibly_data()
{
    QTest::addColumn<QString>("typed");
    QTest::newRow("word") << "abc";
    QTest::newRow("nan") << "nan";
    QTest::newRow("infinity") << "inf";
    QTest::newRow("overflow") << "1e999";
    QTest::newRow("comma decimal") << "1,5";
    QTest::newRow("two numbers") << "1 2";
}

void TestEditors::nonNumberIsRefusedVisibly()
{
    QFETCH(QString, typed);
    const double before = document_->session().x(1, 1);
    typeInto(xView(), 1, 1, typed);
    QTRY_VERIFY(messageLabel() && messageLabel()->text().contains("x[1][1]"));
    QVERIFY(messageLabel()->isVisible());
    QVERIFY(messageLabel()->text().contains("not a finite number"));
    QCOMPARE(document_->session().x(1, 1), before);
    QCOMPARE(document_->undoStack()->count(), 0);
}

void TestEditors::pasteABlockFromASpreadsheet()
{
    QApplication::clipboard()->setText("1.5\t2.5\n-3\t4e-2\n5\t6\n7\t8\n");
    xView()->setFocus();
    xView()->setCurrentIndex(xView()->model()->index(2, 2));
    QTest::keyClick(xView(), Qt::Key_V, Qt::ControlModifier);
    // The block reaches past the 4 x 3 batch, which grows to 6 x 4 to hold it.
    QCOMPARE(document_->session().samples(), Eigen::Index(6));
    QCOMPARE(document_->session().features(), Eigen::Index(4));
    QCOMPARE(document_->session().x(3, 3), 4e-2);
    QCOMPARE(document_->session().x(5, 2), 7.0);
    QCOMPARE(document_->session().gamma.size(), Eigen::Index(4));
    QCOMPARE(document_->undoStack()->count(), 1);
    QTest::keyClick(xView(), Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(document_->session().samples(), Eigen::Index(4));
}

void TestEditors::pasteGarbageIsRefused()
{
    QApplication::clipboard()->setText("1,2\nthree,4\n");
    xView()->setFocus();
    xView()->setCurrentIndex(xView()->model()->index(0, 0));
    QTest::keyClick(xView(), Qt::Key_V, Qt::ControlModifier);
    QVERIFY(messageLabel()->text().contains("line 2, column 1"));
    QCOMPARE(document_->undoStack()->count(), 0);
    QApplication::clipboard()->setText(QString("1\t2\n").repeated(1000000));  // a million rows
    QTest::keyClick(xView(), Qt::Key_V, Qt::ControlModifier);
    QVERIFY2(messageLabel()->text().contains("256"), qPrintable(messageLabel()->text()));
    QCOMPARE(document_->session().samples(), Eigen::Index(4));
}

void TestEditors::copyASelection()
{
    xView()->setFocus();
    xView()->selectionModel()->select(QItemSelection(xView()->model()->index(0, 1), xView()->model()->index(1, 2)),
                                      QItemSelectionModel::ClearAndSelect);
    QTest::keyClick(xView(), Qt::Key_C, Qt::ControlModifier);
    const Session& s = document_->session();
    QCOMPARE(QApplication::clipboard()->text(),
             QString("%1\t%2\n%3\t%4\n").arg(s.x(0, 1)).arg(s.x(0, 2)).arg(s.x(1, 1)).arg(s.x(1, 2)));
}

void TestEditors::shapeShortcutsAndUndo()
{
    xView()->setFocus();
    xView()->setCurrentIndex(xView()->model()->index(1, 1));
    QTest::keyClick(window_, Qt::Key_Down, Qt::ControlModifier | Qt::AltModifier);
    QCOMPARE(document_->session().samples(), Eigen::Index(5));
    QCOMPARE(document_->session().x.row(2).sum(), 0.0);  // inserted below row 1
    QTest::keyClick(window_, Qt::Key_Right, Qt::ControlModifier | Qt::AltModifier);
    QCOMPARE(document_->session().features(), Eigen::Index(4));
    QCOMPARE(document_->session().dout.cols(), Eigen::Index(4));
    QCOMPARE(document_->session().gamma[2], 1.0);
    // The selection moved with the inserted row and column (no reset); a click selects anew.
    QCOMPARE(xView()->currentIndex(), xView()->model()->index(1, 1));
    QTest::mouseClick(xView()->viewport(), Qt::LeftButton, {}, xView()->visualRect(xView()->model()->index(0, 0)).center());
    QCOMPARE(xView()->currentIndex(), xView()->model()->index(0, 0));
    QTest::keyClick(window_, Qt::Key_Left, Qt::ControlModifier | Qt::AltModifier);
    QTest::keyClick(window_, Qt::Key_Up, Qt::ControlModifier | Qt::AltModifier);
    QCOMPARE(document_->session().samples(), Eigen::Index(4));
    QCOMPARE(document_->session().features(), Eigen::Index(3));
    QCOMPARE(xView()->model()->rowCount(), 4);
    for (int k = 0; k < 4; ++k)
        QTest::keyClick(window_, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(document_->session().x, exampleSession().x);
    QTest::keyClick(window_, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(document_->session().samples(), Eigen::Index(5));
    QTest::keyClick(window_, Qt::Key_Y, Qt::ControlModifier);
    QCOMPARE(document_->session().features(), Eigen::Index(4));
}

void TestEditors::gammaSpinBoxAndSlider()
{
    ParameterPanel* panel = window_->parameterPanel();
    QLineEdit* gamma = panel->gammaBox(1);
    gamma->setFocus();
    gamma->selectAll();
    QTest::keyClicks(gamma, "2.25");
    QTest::keyClick(gamma, Qt::Key_Return);
    QCOMPARE(document_->session().gamma[1], 2.25);
    QCOMPARE(panel->gammaSlider(1)->value(), 225);  // the slider follows
    panel->gammaSlider(1)->setFocus();
    QTest::keyClick(panel->gammaSlider(1), Qt::Key_Right);
    QCOMPARE(document_->session().gamma[1], 2.26);
    QCOMPARE(gamma->text(), QString("2.26"));  // and the field follows the slider
    QTest::keyClick(panel->gammaSlider(1), Qt::Key_Right);
    QCOMPARE(document_->undoStack()->count(), 1);  // one parameter, one undo step
}

void TestEditors::epsTextSliderAndPresets()
{
    ParameterPanel* panel = window_->parameterPanel();
    QLineEdit* eps = panel->epsEdit();
    eps->setFocus();
    eps->selectAll();
    QTest::keyClicks(eps, "0.001");
    QTest::keyClick(eps, Qt::Key_Return);
    QCOMPARE(document_->session().eps, 1e-3);
    QCOMPARE(panel->epsSlider()->value(), -30);
    eps->selectAll();
    QTest::keyClicks(eps, "-1");
    QTest::keyClick(eps, Qt::Key_Return);
    QCOMPARE(document_->session().eps, 1e-3);
    QVERIFY(messageLabel()->text().contains("eps"));
    panel->epsSlider()->setValue(-60);
    QCOMPARE(document_->session().eps, ParameterPanel::epsFromSlider(-60));
    for (QPushButton* b : panel->findChildren<QPushButton*>())
        if (b->text().contains("PyTorch"))
            QTest::mouseClick(b, Qt::LeftButton);
    QCOMPARE(document_->session().eps, 1e-5);
}

// The note under dout's presets changes length (one line, three, none) with the preset
// clicked: the buttons stay where they are, so that the next click lands on the one aimed at.
void TestEditors::doutPresetButtonsKeepTheirPlace()
{
    window_->resize(1366, 768);
    QApplication::processEvents();
    const QList<QPushButton*> buttons = window_->doutPanel()->findChildren<QPushButton*>();
    QVERIFY(buttons.size() >= 4);
    const auto places = [&] {
        QList<QRect> rects;
        for (QPushButton* b : buttons)
            rects << QRect(b->mapTo(window_, QPoint(0, 0)), b->size());
        return rects;
    };
    const QList<QRect> seeded = places();  // "Seeded standard-normal dout (seed 0).": one line
    for (const char* preset : {"All ones", "One-hot", "Random", "From loss", "All ones"}) {
        for (QPushButton* b : buttons)
            if (b->text() == QLatin1String(preset))
                QTest::mouseClick(b, Qt::LeftButton);
        window_->layout()->activate();
        QApplication::processEvents();
        QCOMPARE(places(), seeded);
    }
}

void TestEditors::doutPresets()
{
    const auto click = [this](const QString& text) {
        for (QPushButton* b : window_->doutPanel()->findChildren<QPushButton*>())
            if (b->text() == text)
                QTest::mouseClick(b, Qt::LeftButton);
    };
    click("All ones");
    QVERIFY(document_->session().dout.isOnes());
    QVERIFY(window_->doutPanel()->findChildren<QLabel*>().front()->text().contains("dx is 0"));
    window_->doutPanel()->view()->setCurrentIndex(window_->doutPanel()->view()->model()->index(2, 1));
    click("One-hot");
    QCOMPARE(document_->session().dout.sum(), 1.0);
    QCOMPARE(document_->session().dout(2, 1), 1.0);
    // A cell selected in x afterwards is the one: x and dout share the selection.
    xView()->setCurrentIndex(xView()->model()->index(3, 0));
    click("One-hot");
    QCOMPARE(document_->session().dout.sum(), 1.0);
    QCOMPARE(document_->session().dout(3, 0), 1.0);
    click("From loss");
    QCOMPARE(document_->session().dout, document_->analysis()->forward.y);
    click("Random");
    QVERIFY(document_->session().doutSeed.has_value());
    QCOMPARE(document_->undoStack()->count(), 5);
}

void TestEditors::selectingXHighlightsEverywhere()
{
    xView()->setCurrentIndex(xView()->model()->index(3, 2));
    CellFocus* focus = window_->findChild<CellFocus*>();
    QVERIFY(focus);
    QCOMPARE(focus->row(), 3);
    QCOMPARE(focus->column(), 2);
}

// Regression: every edit used to move the frame to the walkthrough's feature (row -1), because
// the walkthrough re-framed its feature on every document change.
void TestEditors::theFrameStaysOnTheSelectedCellThroughEdits()
{
    CellFocus* focus = window_->findChild<CellFocus*>();
    xView()->setCurrentIndex(xView()->model()->index(2, 1));
    typeInto(xView(), 2, 1, "4.5");
    QTRY_COMPARE(document_->session().x(2, 1), 4.5);
    QTRY_COMPARE(focus->row(), 3);  // Return moved down a row, as in a spreadsheet
    QCOMPARE(focus->column(), 1);
    document_->setGamma(0, 3.0);
    QCOMPARE(focus->row(), 3);
    QCOMPARE(focus->column(), 1);
    window_->walkthroughState()->setFeature(2);  // choosing a feature in the walkthrough frames it
    QCOMPARE(focus->row(), -1);
    QCOMPARE(focus->column(), 2);
}

void TestEditors::resultsFollowEdits()
{
    MatrixView* dx = window_->resultsPanel()->view("fused_dx");
    const QString before = dx->model()->index(0, 0).data(Qt::ToolTipRole).toString();
    typeInto(xView(), 0, 0, "10");
    QTRY_VERIFY(dx->model()->index(0, 0).data(Qt::ToolTipRole).toString() != before);
    QCOMPARE(dx->model()->index(0, 0).data(Qt::ToolTipRole).toString(),
             DisplaySettings::fullPrecision(document_->analysis()->fused.dx(0, 0)));
    document_->setEps(0);
    typeInto(xView(), 0, 1, "2");
    typeInto(xView(), 1, 1, "2");
    typeInto(xView(), 2, 1, "2");
    typeInto(xView(), 3, 1, "2");  // feature 1 is now constant, with eps = 0
    QTRY_VERIFY(!document_->analysis());
    QLabel* problem = window_->resultsPanel()->findChild<QLabel*>("problem");
    QVERIFY(problem->isVisible());
    QVERIFY(problem->text().contains("eps = 0"));
    QCOMPARE(dx->model()->rowCount(), 0);
    QTest::keyClick(window_, Qt::Key_Z, Qt::ControlModifier);
    QTRY_VERIFY(document_->analysis());
    QVERIFY(!problem->isVisible());
}

QTEST_MAIN(TestEditors)
#include "test_editors.moc"
