// The state defects of issue 12 ("What was seen", State), each driven through the real window
// offscreen and checked on the document: each test failed before its fix.
#include <document/autosave.h>
#include <document/display_settings.h>
#include <document/examples.h>
#include <document/session_document.h>
#include <editors/editor_panels.h>
#include <editors/parameter_panel.h>
#include <tables/matrix_view.h>
#include <tables/result_models.h>
#include <window/file_actions.h>
#include <window/main_window.h>

#include "window_fixture.h"

#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QToolButton>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSet>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

using namespace bnflow;
using namespace bnflow::ui;

class TestState : public QObject, private bnflow::test::WindowFixture {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init() { openWindow(); }
    void cleanup() { closeWindow(); }
    void epsPresetAndTypedValueAreTwoUndoSteps();
    void exampleAfterARestoredAutosaveIsClean();
    void pasteThatAddsAFeatureAnnouncesTheColumn();
    void parameterEditorsHoldAnyFiniteDouble();
    void returnCommitsAndMovesDown();
    void refusedEpsIsNotLeftInTheField();
    void float32ExampleShowsDistinctValues();
    void doutSeedBoxShowsTheSessionsSeed();
    void disabledMenuItemsLookDisabled_data();
    void disabledMenuItemsLookDisabled();
    void shapeButtonsShowAt12Points();

private:
    MatrixView* xView() const { return window_->batchPanel()->view(); }
    MatrixView* doutView() const { return window_->doutPanel()->view(); }
    void typeInto(MatrixView* view, int row, int column, const QString& text);
    template <typename Editor>
    void typeIntoEditor(Editor* editor, const QString& text);
    void openExample(const QString& titleStart);
};

void TestState::typeInto(MatrixView* view, int row, int column, const QString& text)
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

template <typename Editor>
void TestState::typeIntoEditor(Editor* editor, const QString& text)
{
    editor->setFocus();
    editor->selectAll();
    QTest::keyClicks(editor, text);
    QTest::keyClick(editor, Qt::Key_Return);
}

void TestState::openExample(const QString& titleStart)
{
    const auto& list = examples();
    for (int k = 0; k < int(list.size()); ++k)
        if (list[std::size_t(k)].title.startsWith(titleStart)) {
            window_->files()->openExample(k);
            return;
        }
    QFAIL(qPrintable("no example " + titleStart));
}

// A preset click and a value typed afterwards are two decisions: two undo steps.
void TestState::epsPresetAndTypedValueAreTwoUndoSteps()
{
    ParameterPanel* panel = window_->parameterPanel();
    for (QPushButton* b : panel->findChildren<QPushButton*>())
        if (b->text().contains("Keras"))
            QTest::mouseClick(b, Qt::LeftButton);
    QCOMPARE(document_->session().eps, 1e-3);
    typeIntoEditor(panel->epsEdit(), "0.002");
    QCOMPARE(document_->session().eps, 0.002);
    QCOMPARE(document_->undoStack()->count(), 2);
    document_->undoStack()->undo();
    QCOMPARE(document_->session().eps, 1e-3);
    // A drag of the slider is still one step.
    panel->epsSlider()->setValue(-50);
    panel->epsSlider()->setValue(-49);
    panel->epsSlider()->setValue(-48);
    QCOMPARE(document_->undoStack()->index(), 2);
}

// Restored work, then File > Examples (the restored work discarded): the example is a fresh,
// clean document, and the autosave stops writing (and drops its copy).
void TestState::exampleAfterARestoredAutosaveIsClean()
{
    QTemporaryDir dir;
    Autosave autosave(document_, dir.path(), 20);
    Session restored = exampleSession();
    restored.x(0, 0) = 123;
    document_->restoreUnsaved(restored, {});
    QVERIFY(window_->isWindowModified());
    QTRY_VERIFY(QFile::exists(autosave.sessionPath()));

    window_->files()->askToSave = [](const QString&) { return QMessageBox::Discard; };
    openExample("CS231n");
    QCOMPARE(document_->session().title, std::string("CS231n offset data"));
    QVERIFY(!document_->isModified());
    QVERIFY(!window_->isWindowModified());
    QTRY_VERIFY(!QFile::exists(autosave.sessionPath()));
    QTest::qWait(100);  // several autosave ticks: none writes the clean example
    QVERIFY(!QFile::exists(autosave.sessionPath()));
}

// A paste that reaches past the last feature grows the tables the way "+ feature" does: the
// views announce a column (the current cell stays, the header grows, the other cells are not
// redrawn), not a reset of everything.
void TestState::pasteThatAddsAFeatureAnnouncesTheColumn()
{
    typeInto(doutView(), 0, 0, "0.5");  // a typed dout keeps its values through shape edits
    QTRY_COMPARE(document_->session().dout(0, 0), 0.5);
    const Matrix doutBefore = document_->session().dout;
    QSignalSpy xResets(xView()->model(), &QAbstractItemModel::modelReset);
    QSignalSpy doutResets(doutView()->model(), &QAbstractItemModel::modelReset);
    QSignalSpy xColumns(xView()->model(), &QAbstractItemModel::columnsInserted);
    QSignalSpy doutColumns(doutView()->model(), &QAbstractItemModel::columnsInserted);
    QApplication::clipboard()->setText("7\t8\n");
    xView()->setFocus();
    xView()->setCurrentIndex(xView()->model()->index(1, 2));
    QTest::keyClick(xView(), Qt::Key_V, Qt::ControlModifier);
    QCOMPARE(document_->session().features(), Eigen::Index(4));
    QCOMPARE(document_->session().x(1, 3), 8.0);
    QCOMPARE(document_->undoStack()->count(), 2);
    QCOMPARE(xResets.count(), 0);
    QCOMPARE(doutResets.count(), 0);
    QCOMPARE(xColumns.count(), 1);
    QCOMPARE(doutColumns.count(), 1);
    for (MatrixView* view : {xView(), doutView()}) {
        QCOMPARE(view->model()->columnCount(), 4);
        QCOMPARE(view->horizontalHeader()->count(), 4);
        QCOMPARE(view->model()->headerData(3, Qt::Horizontal).toString(), QString("j=3"));
    }
    QCOMPARE(xView()->currentIndex(), xView()->model()->index(1, 2));
    QCOMPARE(xView()->model()->index(1, 3).data().toString(), QString("8"));
    QCOMPARE(document_->session().dout.leftCols(3), doutBefore);
    QCOMPARE(doutView()->model()->index(0, 0).data().toString(), QString("0.5"));
    document_->undoStack()->undo();
    QCOMPARE(document_->session().features(), Eigen::Index(3));
    QCOMPARE(xView()->horizontalHeader()->count(), 3);

    // A seeded dout is drawn again for the new shape (as for "+ feature"): its view shows the
    // new draw, whole.
    document_->undoStack()->undo();
    QVERIFY(document_->session().doutSeed.has_value());
    QTest::keyClick(xView(), Qt::Key_V, Qt::ControlModifier);
    const Matrix& dout = document_->session().dout;
    QCOMPARE(doutView()->horizontalHeader()->count(), 4);
    for (int i = 0; i < int(dout.rows()); ++i)
        for (int j = 0; j < int(dout.cols()); ++j)
            QCOMPARE(doutView()->model()->index(i, j).data(Qt::EditRole).toString(),
                     DisplaySettings::fullPrecision(dout(i, j)));
}

// beta = 1e308 and gamma = 1.23456 are kept and shown exactly (shortest round-trip text).
void TestState::parameterEditorsHoldAnyFiniteDouble()
{
    ParameterPanel* panel = window_->parameterPanel();
    typeIntoEditor(panel->betaBox(0), "1e308");
    QCOMPARE(document_->session().beta[0], 1e308);
    QCOMPARE(panel->betaBox(0)->property("text").toString(), DisplaySettings::fullPrecision(1e308));
    typeIntoEditor(panel->gammaBox(2), "1.23456");
    QCOMPARE(document_->session().gamma[2], 1.23456);
    QCOMPARE(panel->gammaBox(2)->property("text").toString(), QString("1.23456"));
    typeIntoEditor(panel->gammaBox(1), "-0.1234567890123");
    QCOMPARE(document_->session().gamma[1], -0.1234567890123);
    QCOMPARE(panel->gammaBox(1)->property("text").toString(), QString("-0.1234567890123"));
    // Not a number: refused, and the field shows the value kept.
    typeIntoEditor(panel->gammaBox(1), "abc");
    QCOMPARE(document_->session().gamma[1], -0.1234567890123);
    QCOMPARE(panel->gammaBox(1)->property("text").toString(), QString("-0.1234567890123"));
    QCOMPARE(document_->undoStack()->count(), 3);
}

// Like a spreadsheet: Return commits the cell and moves to the one below.
void TestState::returnCommitsAndMovesDown()
{
    typeInto(xView(), 1, 2, "5.5");
    QTRY_COMPARE(document_->session().x(1, 2), 5.5);
    QTRY_COMPARE(xView()->currentIndex(), xView()->model()->index(2, 2));
    typeInto(doutView(), 0, 1, "2");
    QTRY_COMPARE(document_->session().dout(0, 1), 2.0);
    QTRY_COMPARE(doutView()->currentIndex(), doutView()->model()->index(1, 1));
    // In the last row it stays put.
    typeInto(xView(), 3, 0, "1");
    QTRY_COMPARE(document_->session().x(3, 0), 1.0);
    QTest::qWait(50);
    QCOMPARE(xView()->currentIndex(), xView()->model()->index(3, 0));
}

void TestState::refusedEpsIsNotLeftInTheField()
{
    QLineEdit* eps = window_->parameterPanel()->epsEdit();
    typeIntoEditor(eps, "-1");
    QCOMPARE(document_->session().eps, 1e-5);
    QCOMPARE(eps->text(), QString("1e-05"));
    typeIntoEditor(eps, "zero");
    QCOMPARE(eps->text(), QString("1e-05"));
}

// Values that differ only past the display digits are shown with enough digits to differ.
void TestState::float32ExampleShowsDistinctValues()
{
    openExample("float32");
    const Matrix& x = document_->session().x;
    QAbstractItemModel* model = xView()->model();
    for (int c = 0; c < int(x.cols()); ++c) {
        QSet<double> values;
        QSet<QString> texts;
        for (int r = 0; r < int(x.rows()); ++r) {
            values.insert(x(r, c));
            texts.insert(model->index(r, c).data().toString());
        }
        QCOMPARE(texts.size(), values.size());
    }
    QVERIFY(!model->index(0, 0).data().toString().contains("e+04"));
    // The column is wide enough for the longer text: never elided.
    const QString text = model->index(0, 0).data().toString();
    QVERIFY(xView()->columnWidth(0) >= xView()->fontMetrics().horizontalAdvance(text));
}

// The CS231n example's dout is seed 3: the seed box says 3, and "Random" keeps that dout.
void TestState::doutSeedBoxShowsTheSessionsSeed()
{
    openExample("CS231n");
    QSpinBox* seed = window_->doutPanel()->findChild<QSpinBox*>();
    QVERIFY(seed);
    QCOMPARE(seed->value(), 3);
    const Matrix dout = document_->session().dout;
    for (QPushButton* b : window_->doutPanel()->findChildren<QPushButton*>())
        if (b->text() == "Random")
            QTest::mouseClick(b, Qt::LeftButton);
    QCOMPARE(document_->session().dout, dout);
    window_->files()->askToSave = [](const QString&) { return QMessageBox::Discard; };
    openExample("Small");
    QCOMPARE(seed->value(), 0);
}

void TestState::disabledMenuItemsLookDisabled_data()
{
    QTest::addColumn<bool>("dark");
    QTest::newRow("light") << false;
    QTest::newRow("dark") << true;
}

// The text of a disabled menu item stands out from the menu far less than an enabled one's.
void TestState::disabledMenuItemsLookDisabled()
{
    QFETCH(bool, dark);
    display_->setTheme(dark ? Theme::Dark : Theme::Light);
    QMenu menu;
    QAction* on = menu.addAction(QStringLiteral("Export WWWW MMMM"));
    QAction* off = menu.addAction(QStringLiteral("Export WWWW MMMM"));
    off->setEnabled(false);
    menu.popup(QPoint(20, 20));
    QVERIFY(QTest::qWaitForWindowExposed(&menu));
    const QImage image = menu.grab().toImage();
    const qreal ratio = image.devicePixelRatio();
    // The largest lightness difference from the item's background (its left edge), over the item.
    const auto contrast = [&](QAction* action) {
        const QRect r = menu.actionGeometry(action);
        const int background = image.pixelColor(int((r.left() + 1) * ratio), int(r.center().y() * ratio)).lightness();
        int most = 0;
        for (int y = int(r.top() * ratio); y < int(r.bottom() * ratio); ++y)
            for (int x = int(r.left() * ratio); x < int(r.right() * ratio); ++x)
                most = std::max(most, std::abs(image.pixelColor(x, y).lightness() - background));
        return most;
    };
    const int enabled = contrast(on), disabled = contrast(off);
    display_->setTheme(Theme::Light);
    QVERIFY2(enabled > 100, qPrintable(QString::number(enabled)));
    QVERIFY2(disabled < enabled * 0.6, qPrintable(QStringLiteral("enabled %1, disabled %2").arg(enabled).arg(disabled)));
}

// Preferences at 12 pt: "- feature" was pushed into the toolbar's overflow menu, out of sight.
void TestState::shapeButtonsShowAt12Points()
{
    display_->setFontPointSize(12);
    QTest::qWait(50);
    QWidget* panel = window_->batchPanel();
    int shown = 0;
    for (QToolButton* b : panel->findChildren<QToolButton*>()) {
        const QString text = b->defaultAction() ? b->defaultAction()->text() : b->text();
        if (!text.contains(QStringLiteral("sample")) && !text.contains(QStringLiteral("feature")))
            continue;
        QVERIFY2(b->isVisible(), qPrintable(text));
        QVERIFY2(panel->rect().contains(QRect(b->mapTo(panel, QPoint(0, 0)), b->size())), qPrintable(text));
        ++shown;
    }
    display_->setFontPointSize(10);
    QCOMPARE(shown, 4);
}

QTEST_MAIN(TestState)
#include "test_state.moc"
