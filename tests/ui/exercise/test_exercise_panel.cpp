// Exercise mode driven as a lecturer and a student would, on the real window: cells hidden
// from a results table show "?" in every view; a prediction typed into the hidden cell is
// revealed against the right value; the exercise is saved, reopened locked and unlocked by the
// menu, every step undoable; exports do not leak hidden values; an injected mistake shows its
// output and the invariant it breaks.
#include "window_fixture.h"

#include <exercise/exercise_editor.h>
#include <exercise/exercise_panel.h>
#include <exercise/inject_view.h>
#include <results/results_panel.h>
#include <tables/matrix_view.h>
#include <tables/result_models.h>
#include <tables/editable_model.h>
#include <walkthrough/graph_view.h>
#include <walkthrough/handout.h>
#include <walkthrough/walkthrough_panel.h>
#include <walkthrough/walkthrough_state.h>
#include <window/file_actions.h>

#include <core/teach/catalogue.h>
#include <core/io/session_json.h>

#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QGraphicsItem>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QProcess>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

using namespace bnflow;
using namespace bnflow::ui;

class TestExercisePanel : public QObject, public test::WindowFixture {
    Q_OBJECT
private slots:
    void init() { QVERIFY(openWindow()); }
    void cleanup() { closeWindow(); }

    void hiddenCellShowsQuestionMarkEverywhere();
    void predictionTypedThenRevealed();
    void savedLockedAndUnlockedByMenu();
    void exportsDoNotLeakHiddenValues();
    void injectedMistakeShowsOutputAndBrokenInvariant();

private:
    MatrixView* table(const char* name) const
    {
        return window_->resultsPanel()->findChild<MatrixView*>(QString::fromLatin1(name));
    }
    int stepIndex(std::string_view id) const
    {
        for (std::size_t k = 0; k < steps().size(); ++k)
            if (steps()[k].id == id)
                return int(k);
        return -1;
    }
    QString graphText() const
    {
        QString all;
        for (QGraphicsItem* item : window_->walkthrough()->graph()->scene()->items())
            all += item->toolTip();
        return all;
    }
};

void TestExercisePanel::hiddenCellShowsQuestionMarkEverywhere()
{
    ExercisePanel* panel = window_->exercisePanel();
    MatrixView* dx = table("dx");
    QVERIFY(dx);
    const QModelIndex cell = dx->model()->index(1, 2);
    const double right = document_->analysis()->staged.dx(1, 2);
    QCOMPARE(cell.data().toString(), display_->format(right));

    // The lecturer selects the cell and uses Exercise > Hide Selected Cells.
    window_->activateWindow();
    dx->setFocus();
    dx->setCurrentIndex(cell);
    QTRY_VERIFY(dx->hasFocus());
    panel->hideSelectionAction()->trigger();
    QVERIFY(document_->session().exercise.isHidden("dx", 1, 2));
    QCOMPARE(cell.data().toString(), QStringLiteral("?"));
    QVERIFY(!cell.data(Qt::ToolTipRole).toString().contains(display_->format(right)));
    QVERIFY(cell.data(Qt::EditRole).toString().isEmpty());
    QCOMPARE(table("fused_dx")->model()->index(1, 2).data().toString(), QStringLiteral("?"));
    QCOMPARE(dx->model()->index(0, 2).data().toString(), display_->format(document_->analysis()->staged.dx(0, 2)));
    QVERIFY(window_->statusBar()->currentMessage().contains("dx[1][2]"));
    QVERIFY(document_->isModified());

    // The walkthrough at dx, feature 2: the plugged-in numbers, the step's table, the graph.
    window_->walkthroughState()->setFeature(2);
    window_->walkthroughState()->setStep(stepIndex("dx"));
    const QString plugged = window_->walkthrough()->pluggedText();
    QVERIFY2(plugged.contains("?"), qPrintable(plugged));
    QVERIFY(!plugged.contains(display_->format(right)));
    QCOMPARE(window_->walkthrough()->values()->model()->index(1, 2).data().toString(), QStringLiteral("?"));
    QVERIFY(graphText().contains("?"));
    QVERIFY(!graphText().contains(display_->format(right)));

    // One undo step: undone, the number is back everywhere; redone, hidden again.
    document_->undoStack()->undo();
    QCOMPARE(cell.data().toString(), display_->format(right));
    QVERIFY(!window_->walkthrough()->pluggedText().contains("?"));
    document_->undoStack()->redo();
    QCOMPARE(cell.data().toString(), QStringLiteral("?"));
}

void TestExercisePanel::predictionTypedThenRevealed()
{
    ExercisePanel* panel = window_->exercisePanel();
    QVERIFY(panel->editor()->hideCells("dvar", {{0, 1}}));
    MatrixView* gradients = table("gradients");  // dgamma, dbeta, dvar, dmean by feature
    const QModelIndex cell = gradients->model()->index(2, 1);
    QCOMPARE(cell.data().toString(), QStringLiteral("?"));
    QVERIFY(cell.flags() & Qt::ItemIsEditable);
    QVERIFY(!(gradients->model()->index(2, 0).flags() & Qt::ItemIsEditable));  // not hidden

    // The student types a prediction into the hidden cell.
    const double right = document_->analysis()->staged.dvar(0, 1);
    const double guess = right * 1.02;  // close, not right
    window_->activateWindow();
    gradients->setFocus();
    gradients->setCurrentIndex(cell);
    gradients->edit(cell);
    QTRY_VERIFY(gradients->findChild<QLineEdit*>());
    QLineEdit* editor = gradients->findChild<QLineEdit*>();
    editor->selectAll();
    QTest::keyClicks(editor, DisplaySettings::fullPrecision(guess));
    QTest::keyClick(editor, Qt::Key_Return);
    QTRY_VERIFY(document_->session().exercise.prediction("dvar", {0, 1}));
    QCOMPARE(document_->session().exercise.prediction("dvar", {0, 1})->value, guess);
    QVERIFY(cell.data().toString().startsWith("?"));  // still hidden, the guess beside it
    QVERIFY(document_->session().exercise.isHidden("dvar", 0, 1));

    // Reveal in the Exercise tab: the verdict and the right value.
    window_->showView("exercise");
    QCOMPARE(panel->hiddenList()->count(), 1);
    panel->hiddenList()->setCurrentRow(0);
    QCOMPARE(parseNumber(panel->predictionEdit()->text()).value_or(0), guess);
    panel->revealAction()->trigger();
    QVERIFY(!document_->session().exercise.isHidden("dvar", 0, 1));
    QVERIFY2(panel->verdictLabel()->text().contains("close"), qPrintable(panel->verdictLabel()->text()));
    QVERIFY(panel->verdictLabel()->text().contains(display_->format(right)));
    QCOMPARE(cell.data().toString(), display_->format(right));
    QVERIFY(window_->statusBar()->currentMessage().contains("close"));

    // Reveal is undoable; a right prediction is judged right.
    document_->undoStack()->undo();
    QCOMPARE(cell.data().toString().left(1), QStringLiteral("?"));
    panel->hiddenList()->setCurrentRow(0);
    panel->predictionEdit()->setText(DisplaySettings::fullPrecision(right));
    QTest::keyClick(panel->predictionEdit(), Qt::Key_Return);
    QVERIFY2(panel->verdictLabel()->text().contains("right"), qPrintable(panel->verdictLabel()->text()));
}

void TestExercisePanel::savedLockedAndUnlockedByMenu()
{
    ExercisePanel* panel = window_->exercisePanel();
    QVERIFY(panel->editor()->hideQuantity("dmean"));
    QVERIFY(panel->editor()->hideCells("dxhat", {{0, 0}, {1, 1}}));
    QVERIFY(panel->lecturerControls()->isEnabled());
    panel->lockAction()->trigger();
    QVERIFY(document_->session().exercise.locked);
    QVERIFY(!panel->lecturerControls()->isEnabled());
    QVERIFY(!panel->hideSelectionAction()->isEnabled());
    QVERIFY(!panel->unhideAction()->isEnabled());
    QVERIFY(panel->unlockAction()->isEnabled());
    QVERIFY(!panel->editor()->hideCells("dvar", {{0, 0}}));  // refused while locked
    QVERIFY(!panel->editor()->unhideQuantity("dmean"));
    QVERIFY(window_->statusBar()->currentMessage().contains("locked"));

    QTemporaryDir dir;
    const QString path = dir.filePath("class.bnflow.json");
    QString error;
    QVERIFY2(document_->save(path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY(text.contains("\"exercise\""));
    QVERIFY(text.contains("\"locked\": true"));

    // Opened again (in class): locked, the steps hidden, the controls off.
    QVERIFY2(document_->open(path, &error), qPrintable(error));
    QVERIFY(document_->undoStack()->count() == 0);
    QVERIFY(document_->session().exercise.locked);
    QVERIFY(document_->session().exercise.isHidden("dmean", 0, 2));
    QVERIFY(!panel->lecturerControls()->isEnabled());
    QCOMPARE(table("gradients")->model()->index(3, 2).data().toString(), QStringLiteral("?"));

    // The Exercise menu unlocks; undo locks again, redo unlocks.
    QMenu* menu = window_->findChild<QMenu*>("exerciseMenu");
    QVERIFY(menu && window_->menuBar()->actions().contains(menu->menuAction()));
    QVERIFY(menu);
    QVERIFY(menu->actions().contains(panel->unlockAction()));
    QVERIFY(!panel->unlockAction()->shortcut().isEmpty());
    QVERIFY(!panel->unlockAction()->toolTip().isEmpty());
    panel->unlockAction()->trigger();
    QVERIFY(!document_->session().exercise.locked);
    QVERIFY(panel->lecturerControls()->isEnabled());
    document_->undoStack()->undo();
    QVERIFY(document_->session().exercise.locked);
    document_->undoStack()->redo();
    QVERIFY(!document_->session().exercise.locked);
    QVERIFY(panel->editor()->unhideQuantity("dmean"));
    QVERIFY(!document_->session().exercise.hidesAny("dmean"));
}

// The handout's text, by pdftotext (poppler-utils); empty when it is not installed.
static QString handoutText(const SessionDocument& document, const DisplaySettings& display, const QString& path)
{
    QString error;
    if (!writeHandout(document, display, {}, path, &error))
        return QStringLiteral("handout failed: ") + error;
    QProcess pdftotext;
    pdftotext.start(QStringLiteral("pdftotext"), {path, QStringLiteral("-")});
    if (!pdftotext.waitForFinished(30000) || pdftotext.exitCode() != 0)
        return {};
    return QString::fromUtf8(pdftotext.readAllStandardOutput());
}

void TestExercisePanel::exportsDoNotLeakHiddenValues()
{
    ExercisePanel* panel = window_->exercisePanel();
    QTemporaryDir handoutDir;
    const QString before = handoutText(*document_, *display_, handoutDir.filePath("before.pdf"));
    if (before.isEmpty())
        QSKIP("pdftotext is not installed");
    const QString dxShown = display_->format(document_->analysis()->staged.dx(0, 0));
    QVERIFY2(before.contains(dxShown), qPrintable(dxShown));  // the control: it is findable
    QVERIFY(panel->editor()->hideQuantity("dx"));
    panel->lockAction()->trigger();
    QVERIFY(document_->session().exercise.locked);
    const Matrix dx = document_->analysis()->staged.dx;

    QTemporaryDir dir;
    const QString csvPath = dir.filePath("results.csv");
    QVERIFY(window_->files()->exportResultsCsv(csvPath));
    QFile csv(csvPath);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    int dxLines = 0;
    for (const QByteArray& line : csv.readAll().split('\n')) {
        if (line.startsWith("dx,") || line.startsWith("fused_dx,")) {
            ++dxLines;
            QVERIFY2(line.endsWith(','), line.constData());
        }
    }
    QCOMPARE(dxLines, int(2 * dx.size()));

    window_->walkthroughState()->setStep(stepIndex("dx"));
    const QString svgPath = dir.filePath("graph.svg");
    QString error;
    QVERIFY2(window_->walkthrough()->graph()->exportTo(svgPath, &error), qPrintable(error));
    QFile svg(svgPath);
    QVERIFY(svg.open(QIODevice::ReadOnly));
    const QString svgText = QString::fromUtf8(svg.readAll());
    for (Eigen::Index i = 0; i < dx.rows(); ++i)
        QVERIFY2(!svgText.contains(">" + display_->format(dx(i, 0))), qPrintable(display_->format(dx(i, 0))));
    // The handout PDF: its dx page has "?" where the numbers were.
    const QString after = handoutText(*document_, *display_, handoutDir.filePath("after.pdf"));
    QVERIFY(!after.isEmpty());
    QVERIFY(!after.contains(dxShown));
    QVERIFY(after.contains("?"));
    // Copying the hidden table copies no number either.
    MatrixView* view = table("dx");
    view->selectAll();
    QVERIFY(!view->selectionAsText().contains(display_->format(dx(0, 0))));
}

void TestExercisePanel::injectedMistakeShowsOutputAndBrokenInvariant()
{
    ExercisePanel* panel = window_->exercisePanel();
    QVERIFY(!panel->injectView()->outcome());
    QVERIFY(panel->editor()->inject("mean_path_missing"));
    QCOMPARE(document_->session().exercise.inject, std::string("mean_path_missing"));
    const auto& outcome = panel->injectView()->outcome();
    QVERIFY(outcome && outcome->ok());
    const InjectedMistake& r = *outcome->result;
    QVERIFY(!r.brokenColumns.empty());
    QVERIFY(r.gradCheckFails);
    const QString shown = panel->injectView()->toPlainText();
    QVERIFY2(shown.contains("Broken"), qPrintable(shown));
    QVERIFY(shown.contains("fails"));
    QVERIFY(shown.contains(display_->format(r.wrong.dx(0, 0))));
    QVERIFY(shown.contains(display_->format(r.dxColumnSums[0])));
    QCOMPARE(panel->mistakeBox()->currentData().toString(), QStringLiteral("mean_path_missing"));

    // A mistake that keeps the columns' sums: the gradient check alone catches it.
    QVERIFY(panel->editor()->inject("gamma_not_applied"));
    QVERIFY(panel->injectView()->outcome()->result->brokenColumns.empty());
    QVERIFY(panel->injectView()->toPlainText().contains("does not expose"));

    document_->undoStack()->undo();
    document_->undoStack()->undo();
    QVERIFY(document_->session().exercise.inject.empty());
    QVERIFY(!panel->injectView()->outcome());
}

QTEST_MAIN(TestExercisePanel)
#include "test_exercise_panel.moc"
