// The "Check my gradient" panel driven as a student would: files loaded and dropped, the
// verdicts, the heatmap and the diagnosis read back, the button to the walkthrough step.
#include <check/check_panel.h>
#include <check/error_heatmap.h>
#include <document/display_settings.h>
#include <document/session_document.h>
#include <core/io/session_json.h>
#include <core/teach/catalogue.h>
#include <walkthrough/walkthrough_panel.h>
#include <walkthrough/walkthrough_state.h>
#include <window/main_window.h>

#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QPushButton>
#include <QTabWidget>
#include <QUrl>
#include <QCheckBox>
#include <QLabel>
#include <QTemporaryDir>
#include <QtTest>

using namespace bnflow;
using namespace bnflow::ui;

namespace {

const QString kCases = QStringLiteral(BNFLOW_CHECK_CASES);

QString caseFile(const QString& name)
{
    return kCases + "/" + name;
}

void openSession(SessionDocument& document)
{
    QString error;
    if (!document.open(caseFile("random_5x3.bnflow.json"), &error))
        qFatal("cannot open the session: %s", qPrintable(error));
}

}  // namespace

class TestCheckPanel : public QObject {
    Q_OBJECT
private slots:
    void rightAnswer();
    void mistakeDiagnosedAndStepShown();
    void droppedFiles();
    void heatmapGradesTheErrorAndLabelsItsAxes();
    void badFileNamesIt();
    void sessionEditRechecks();
    void windowJumpsToStep();
    void studentValuesBesideRightAtStep();
    void npzSessionIsNeverOverwritten();
    void anotherLayerIsJudgedToo();
    void float32AnswerSaysItsYardstick();
};

void TestCheckPanel::rightAnswer()
{
    SessionDocument document;
    openSession(document);
    CheckPanel panel(&document);
    QVERIFY(!panel.result());
    panel.loadFile(caseFile("random_5x3.right.npz"));
    QVERIFY2(panel.result(), qPrintable(panel.problem()));
    QVERIFY(panel.result()->correct);
    QVERIFY(panel.verdictLine(0).startsWith("dx: exact"));
    QVERIFY(panel.verdictLine(2).startsWith("dbeta: exact"));
    QCOMPARE(panel.diagnosisList()->count(), 0);
    QVERIFY(!panel.showStepButton()->isEnabled());
    QCOMPARE(panel.heatmap()->errors().rows(), Eigen::Index(5));
}

void TestCheckPanel::mistakeDiagnosedAndStepShown()
{
    SessionDocument document;
    openSession(document);
    CheckPanel panel(&document);
    panel.loadFile(caseFile("random_5x3.var_path_missing.dx.npy"), "dx");
    QVERIFY2(panel.result(), qPrintable(panel.problem()));
    QVERIFY(!panel.result()->correct);
    QVERIFY(panel.verdictLine(0).startsWith("dx: wrong"));
    QCOMPARE(panel.diagnosisList()->count(), 1);
    // Its title, not the command line's name for it (it said "... (var_path_missing)").
    QCOMPARE(panel.diagnosisList()->item(0)->text(), QString("the path through the variance is missing"));
    QVERIFY(panel.verdictLine(0).contains("matches the path through the variance is missing"));
    panel.diagnosisList()->setCurrentRow(0);
    // The step as the step list names it, not its internal id (it said "(step dx_via_var)").
    QVERIFY2(panel.explanationText().contains(QString::fromUtf8("step \u201cdx via var\u201d")),
             qPrintable(panel.explanationText()));
    QVERIFY(!panel.explanationText().contains("dx_via_var"));
    QVERIFY(panel.showStepButton()->isEnabled());
    QSignalSpy spy(&panel, &CheckPanel::showStep);
    QTest::mouseClick(panel.showStepButton(), Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
    const int step = spy.front().front().toInt();
    QCOMPARE(step, CheckPanel::stepIndex("dx_via_var"));
    QCOMPARE(std::string(steps()[std::size_t(step)].id), std::string("dx_via_var"));
    // The heatmap's colour for the worst cell is not the colour of an exact one.
    const TensorVerdict& dx = panel.result()->tensors.front();
    QVERIFY(ErrorHeatmap::colorOf(dx.absError(dx.worstRow, dx.worstCol)) != ErrorHeatmap::colorOf(0));
}

void TestCheckPanel::droppedFiles()
{
    SessionDocument document;
    openSession(document);
    CheckPanel panel(&document);
    QMimeData data;
    data.setUrls({QUrl::fromLocalFile(caseFile("random_5x3.dgamma_dbeta_swapped.dx.npy")),
                  QUrl::fromLocalFile(caseFile("random_5x3.dgamma_dbeta_swapped.dgamma.npy")),
                  QUrl::fromLocalFile(caseFile("random_5x3.dgamma_dbeta_swapped.dbeta.npy"))});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&panel, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&panel, &drop);
    QVERIFY2(panel.result(), qPrintable(panel.problem()));
    QCOMPARE(panel.result()->tensors.size(), std::size_t(3));
    QVERIFY(panel.verdictLine(1).startsWith("dgamma: wrong"));
    QCOMPARE(panel.diagnosisList()->count(), 1);
    QVERIFY(panel.diagnosisList()->item(0)->data(Qt::UserRole).toString() == QLatin1String("dgamma_dbeta_swapped"));
}

void TestCheckPanel::badFileNamesIt()
{
    SessionDocument document;
    openSession(document);
    CheckPanel panel(&document);
    panel.loadFile(caseFile("random_5x3.bad.big_endian.npy"));
    QVERIFY(!panel.result());
    QVERIFY(panel.problem().contains("random_5x3.bad.big_endian.npy"));
    QVERIFY(panel.problem().contains("big-endian"));
    panel.clear();
    QVERIFY(panel.problem().isEmpty());
}

void TestCheckPanel::sessionEditRechecks()
{
    SessionDocument document;
    openSession(document);
    CheckPanel panel(&document);
    panel.loadFile(caseFile("random_5x3.right.dx.npy"));
    QVERIFY(panel.result() && panel.result()->correct);
    QVERIFY(document.setEps(1e-3));  // the same dx is now the answer for another eps
    QVERIFY(panel.result() && !panel.result()->correct);
    QVERIFY(panel.diagnosisList()->item(0)->data(Qt::UserRole).toString() == QLatin1String("eps_mismatch"));
    QVERIFY(document.insertSamples(0, 1));  // and no longer has the session's shape
    QVERIFY(!panel.result());
    QVERIFY(panel.problem().contains("expected (6, 3)"));
}

// Switched to layer norm, the batch-norm answer is judged against layer norm's own dx: wrong,
// and named for what it is, layer norm reduced over the batch (wrong_axis).
void TestCheckPanel::anotherLayerIsJudgedToo()
{
    SessionDocument document;
    openSession(document);
    CheckPanel panel(&document);
    panel.loadFile(caseFile("random_5x3.right.dx.npy"));
    QVERIFY(panel.result() && panel.result()->correct);
    NormConfig layerNorm;
    layerNorm.layer = Layer::LayerNorm;
    QVERIFY(document.setNorm(layerNorm, "layer norm"));
    QVERIFY2(panel.result(), qPrintable(panel.problem()));
    QVERIFY(!panel.result()->correct);
    QCOMPARE(panel.diagnosisList()->count(), 1);
    QVERIFY(panel.diagnosisList()->item(0)->data(Qt::UserRole).toString() == QLatin1String("wrong_axis"));
    QVERIFY(panel.verdictLine(0).startsWith("dx: wrong"));
}

void TestCheckPanel::windowJumpsToStep()
{
    SessionDocument document;
    DisplaySettings display;
    openSession(document);
    MainWindow window(&document, &display);
    QVERIFY(window.showView("check"));
    QCOMPARE(window.tabs()->currentWidget(), window.checkPanel());
    window.checkPanel()->loadFile(caseFile("random_5x3.only_direct_path.dx.npy"));
    QTest::mouseClick(window.checkPanel()->showStepButton(), Qt::LeftButton);
    QCOMPARE(window.tabs()->currentWidget(), static_cast<QWidget*>(window.walkthrough()));
    QCOMPARE(window.walkthroughState()->step(), CheckPanel::stepIndex("dx_via_xhat"));
}

void TestCheckPanel::studentValuesBesideRightAtStep()
{
    SessionDocument document;
    DisplaySettings display;
    openSession(document);
    MainWindow window(&document, &display);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* comparison = window.walkthrough()->findChild<QLabel*>("studentComparison");
    QVERIFY(comparison);
    QVERIFY(comparison->isHidden());  // no student data yet

    window.checkPanel()->loadFile(caseFile("random_5x3.only_direct_path.dx.npy"));
    QTest::mouseClick(window.checkPanel()->showStepButton(), Qt::LeftButton);
    window.walkthroughState()->setFeature(1);
    QVERIFY(comparison->isVisible());
    const QString text = comparison->text();
    QVERIFY2(text.contains("right") && text.contains("yours") && text.contains("difference"), qPrintable(text));
    // Sample 0 of feature 1: the right value, the student's, and their difference, as shown.
    const Matrix& theirs = *window.checkPanel()->student()->dx;
    const double right = document.analysis()->staged.dx(0, 1);
    QVERIFY(text.contains(display.format(right)));
    QVERIFY(text.contains(display.format(theirs(0, 1))));
    QVERIFY(text.contains(display.format(theirs(0, 1) - right)));

    // At the dgamma step the table shows the student's dgamma (1 x D), not their dx.
    window.checkPanel()->loadFile(caseFile("random_5x3.dgamma_dbeta_swapped.dgamma.npy"));
    QVERIFY(window.checkPanel()->student()->dgamma);
    window.walkthroughState()->setStep(CheckPanel::stepIndex("dgamma"));
    window.walkthroughState()->setFeature(2);
    QVERIFY(comparison->isVisible());
    const QString perFeature = comparison->text();
    QVERIFY2(perFeature.contains("Your dgamma"), qPrintable(perFeature));
    const double rightDgamma = document.analysis()->fused.dgamma(2);
    const double theirDgamma = (*window.checkPanel()->student()->dgamma)(2);
    QVERIFY(rightDgamma != theirDgamma);
    QVERIFY(perFeature.contains(display.format(rightDgamma)));
    QVERIFY(perFeature.contains(display.format(theirDgamma)));

    window.checkPanel()->clear();
    QVERIFY(comparison->isHidden());
}

void TestCheckPanel::npzSessionIsNeverOverwritten()
{
    // A session opened from np.savez's archive is an import: saving must ask for a new
    // (.bnflow.json) name rather than write JSON over the student's .npz.
    SessionDocument document;
    QString error;
    QVERIFY2(document.open(caseFile("random_5x3.session.npz"), &error), qPrintable(error));
    QCOMPARE(document.session().samples(), Eigen::Index(5));
    QVERIFY(document.filePath().isEmpty());
}

// A float32 .npy is judged as a float32 answer, and the panel says how much of its error float32
// itself explains; the same numbers as CSV are a float64 answer until the box says float32.
void TestCheckPanel::float32AnswerSaysItsYardstick()
{
    SessionDocument document;
    openSession(document);
    CheckPanel panel(&document);
    panel.loadFile(caseFile("random_5x3.right_f32.dx.npy"));
    QVERIFY2(panel.result() && panel.result()->correct, qPrintable(panel.problem()));
    QVERIFY(panel.result()->float32);
    QVERIFY2(panel.verdictLine(0).contains("float32 answer") && panel.verdictLine(0).contains("explains"),
             qPrintable(panel.verdictLine(0)));
    QVERIFY(panel.findChild<QLabel*>("reference")->text().contains("float32"));

    QTemporaryDir dir;
    const QString csv = dir.filePath("dx.csv");
    {
        const Matrix& dx = *panel.student()->dx;
        QFile file(csv);
        QVERIFY(file.open(QIODevice::WriteOnly));
        for (Eigen::Index i = 0; i < dx.rows(); ++i) {
            QStringList row;
            for (Eigen::Index j = 0; j < dx.cols(); ++j)
                row << QString::number(dx(i, j), 'g', 17);
            file.write((row.join(',') + '\n').toUtf8());
        }
    }
    panel.clear();
    panel.loadFile(csv);
    QVERIFY(panel.result() && !panel.result()->float32);
    QVERIFY2(panel.verdictLine(0).contains("float64 answer"), qPrintable(panel.verdictLine(0)));
    auto* box = panel.findChild<QCheckBox*>("text_float32");
    QVERIFY(box);
    box->click();  // a real click on the real check box
    QVERIFY(panel.result() && panel.result()->float32);
    QVERIFY2(panel.verdictLine(0).contains("float32 answer"), qPrintable(panel.verdictLine(0)));
}

namespace {

int distance(const QColor& a, const QColor& b)
{
    return std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) + std::abs(a.blue() - b.blue());
}

// How much of `area` in the grab is drawn in something other than the background.
int inkIn(const QImage& image, const QRect& area, QRgb background)
{
    int ink = 0;
    for (int y = area.top(); y <= area.bottom(); ++y)
        for (int x = area.left(); x <= area.right(); ++x)
            ink += image.pixel(x, y) != background;
    return ink;
}

}  // namespace

// It showed every wrong cell in nearly the same dark red, without axes: a slightly wrong cell
// and a very wrong one now look different, rounding stays pale, i and j are labelled.
void TestCheckPanel::heatmapGradesTheErrorAndLabelsItsAxes()
{
    ErrorHeatmap heatmap;
    Matrix errors(2, 3);
    errors << 0.0, 1e-4, 1e-12,  // exact, slightly wrong (10x the tolerance), rounding
        0.5, 0.0, 2.0;           // very wrong, exact, larger than the gradient
    heatmap.setErrors(errors, 1.0, 1e-5);
    heatmap.resize(420, 240);
    heatmap.show();
    QVERIFY(QTest::qWaitForWindowExposed(&heatmap));
    const QImage image = heatmap.grab().toImage();
    const auto colourAt = [&](int i, int j) { return QColor(image.pixel(heatmap.cellRect(i, j).center().toPoint())); };
    QVERIFY2(distance(colourAt(0, 1), colourAt(1, 0)) > 200, "slightly and very wrong look alike");
    QVERIFY(distance(colourAt(0, 0), colourAt(0, 2)) < 60);   // rounding is pale like exact
    QVERIFY(distance(colourAt(0, 0), colourAt(0, 1)) > 100);  // just over the tolerance is not
    QCOMPARE(colourAt(1, 2), ErrorHeatmap::colorOf(1.0, 1e-5));

    // Labels left of the cells (i) and above them (j), a colour bar under them.
    const QRect cells = heatmap.cellArea();
    QVERIFY(cells.left() > 20 && cells.top() > 20);
    const QRgb background = heatmap.palette().color(QPalette::Base).rgb();
    QVERIFY(inkIn(image, QRect(0, cells.top(), cells.left() - 1, cells.height()), background) > 30);
    QVERIFY(inkIn(image, QRect(cells.left(), 0, cells.width(), cells.top() - 1), background) > 30);
    QVERIFY(heatmap.legendArea().top() > cells.bottom());
    QVERIFY(inkIn(image, heatmap.legendArea(), background) > heatmap.legendArea().width() * 5);
}

QTEST_MAIN(TestCheckPanel)
#include "test_check_panel.moc"
