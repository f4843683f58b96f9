// The walkthrough under the normalization family (issue 13): its step list and graph are the
// session layer's, and the reduction is made visible: when a statistic is selected, in the
// walkthrough or by a click in the results tables, the batch editor tints the cells that share
// it: a column for batch norm, a row for layer norm and RMSNorm, a block of D/G features of a row
// for group norm. Driven with real clicks offscreen; the tint is read from the batch model's
// BackgroundRole.
#include <document/session_document.h>
#include <editors/editor_panels.h>
#include <results/results_panel.h>
#include <tables/matrix_view.h>
#include <walkthrough/graph_view.h>
#include <walkthrough/handout.h>
#include <walkthrough/walkthrough_panel.h>
#include <walkthrough/walkthrough_state.h>
#include <window/main_window.h>

#include <core/teach/catalogue.h>
#include <core/teach/family_catalogue.h>
#include <core/teach/graph.h>
#include <core/model/session.h>

#include <document/display_settings.h>

#include "window_fixture.h"

#include <QLabel>
#include <QListWidget>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

using namespace bnflow;
using namespace bnflow::ui;

namespace {

// Cells of the batch as "i,j", row by row.
using CellList = QStringList;

Session sessionOf(const NormConfig& norm)
{
    Session s = exampleSession();
    s.x = 2.0 * standardNormalMatrix(5, 4, 7);
    s.x.array() += 0.5;
    s.gamma = RowVector::Ones(4);
    s.beta = RowVector::Zero(4);
    s.dout = standardNormalMatrix(5, 4, 8);
    s.doutSeed.reset();
    s.norm = norm;
    return s;
}

}  // namespace

class TestFamilyWalkthrough : public QObject, private bnflow::test::WindowFixture {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init() { openWindow(QStringLiteral("walkthrough")); }
    void cleanup() { closeWindow(); }
    void layerNormMeanShowsItsRow();
    void groupNormShowsItsBlock();
    void batchNormShowsItsColumn();
    void resultsClickSelectsAStatistic();
    void resultsClickOnASampleStatistic();
    void evalModeReducesNothing();
    void stepsAndGraphFollowTheLayer();
    void sampleBoxPicksTheSet();
    void handoutDrawsTheLayersGraph();

private:
    MatrixView* batch() const { return window_->batchPanel()->view(); }
    // The batch cells drawn with the set's tint.
    CellList tinted() const;
    void goToStep(std::string_view id);
    void clickBatch(int row, int column);
};

CellList TestFamilyWalkthrough::tinted() const
{
    CellList cells;
    const QAbstractItemModel* model = batch()->model();
    for (int i = 0; i < model->rowCount(); ++i)
        for (int j = 0; j < model->columnCount(); ++j)
            if (model->index(i, j).data(Qt::BackgroundRole).isValid())
                cells << QStringLiteral("%1,%2").arg(i).arg(j);
    return cells;
}

void TestFamilyWalkthrough::goToStep(std::string_view id)
{
    const auto& all = window_->walkthroughState()->steps();
    for (std::size_t k = 0; k < all.size(); ++k)
        if (all[k].id == id) {
            window_->walkthroughState()->setStep(int(k));
            return;
        }
    QFAIL("no such step");
}

void TestFamilyWalkthrough::clickBatch(int row, int column)
{
    const QModelIndex index = batch()->model()->index(row, column);
    batch()->scrollTo(index);
    QTest::mouseClick(batch()->viewport(), Qt::LeftButton, {}, batch()->visualRect(index).center());
    QCOMPARE(batch()->currentIndex(), index);
}

void TestFamilyWalkthrough::layerNormMeanShowsItsRow()
{
    NormConfig ln;
    ln.layer = Layer::LayerNorm;
    document_->reset(sessionOf(ln));
    goToStep("xhat");
    clickBatch(2, 1);        // sample 2 selected in the batch
    QVERIFY(tinted().isEmpty());  // xhat is one value per element: no set
    goToStep("mean");
    QCOMPARE(tinted(), (CellList{"2,0", "2,1", "2,2", "2,3"}));
    QCOMPARE(window_->walkthroughState()->sample(), 2);
    const QString tip = batch()->model()->index(2, 3).data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(QStringLiteral("x[2][*]")), qPrintable(tip));
    clickBatch(4, 0);        // another sample: its row
    QCOMPARE(tinted(), (CellList{"4,0", "4,1", "4,2", "4,3"}));
    goToStep("dvar");        // a gradient summed over the set: the same row
    QCOMPARE(tinted(), (CellList{"4,0", "4,1", "4,2", "4,3"}));
    goToStep("dx");
    QVERIFY(tinted().isEmpty());

    // The statistic's own table in the walkthrough: row 2 of mean (N x 1) is sample 2's set.
    goToStep("mean");
    MatrixView* values = window_->walkthrough()->values();
    QCOMPARE(values->model()->rowCount(), 5);
    QCOMPARE(values->model()->columnCount(), 1);
    const QModelIndex row2 = values->model()->index(2, 0);
    QTest::mouseClick(values->viewport(), Qt::LeftButton, {}, values->visualRect(row2).center());
    QCOMPARE(window_->walkthroughState()->sample(), 2);
    QCOMPARE(tinted(), (CellList{"2,0", "2,1", "2,2", "2,3"}));
    // The graph's mean node shows that set's value, not feature j's (layer norm has no column
    // of means); the numbers line names the set too.
    const double mean2 = document_->session().x.row(2).mean();
    const QString node = window_->walkthrough()->graph()->nodeText(QStringLiteral("mean"));
    QVERIFY2(node.contains(QStringLiteral("x[2][*]: ") + display_->format(mean2)), qPrintable(node));
    QVERIFY2(window_->walkthrough()->pluggedText().contains(QStringLiteral("x[2][*]")),
             qPrintable(window_->walkthrough()->pluggedText()));
    // ... with layer norm's formula and that row's numbers plugged in, ending in its mean.
    const QString plugged = window_->walkthrough()->pluggedText();
    const double first = document_->session().x(2, 0);
    QVERIFY2(plugged.contains(QStringLiteral("/4")) || plugged.contains(QStringLiteral("/ 4")), qPrintable(plugged));
    QVERIFY2(plugged.contains(QString::number(first, 'g', display_->significantDigits()).replace('-', QChar(0x2212))),
             qPrintable(plugged));
    QVERIFY2(plugged.endsWith(display_->format(mean2).replace('-', QChar(0x2212))) ||
                 plugged.contains(QStringLiteral("\u2192  ") + display_->format(mean2)),
             qPrintable(plugged));
}

void TestFamilyWalkthrough::groupNormShowsItsBlock()
{
    NormConfig gn;
    gn.layer = Layer::GroupNorm;
    gn.groups = 2;
    document_->reset(sessionOf(gn));
    goToStep("var");
    clickBatch(2, 3);        // sample 2, feature 3: the second group of row 2
    window_->walkthroughState()->setFeature(3);
    QCOMPARE(tinted(), (CellList{"2,2", "2,3"}));
    window_->walkthroughState()->setFeature(0);  // the first group of the same sample
    QCOMPARE(tinted(), (CellList{"2,0", "2,1"}));
    // var is N x G: the cell (3, 1) of its table is sample 3's second group.
    MatrixView* values = window_->walkthrough()->values();
    QCOMPARE(values->model()->columnCount(), 2);
    QCOMPARE(values->model()->headerData(1, Qt::Horizontal).toString(), QStringLiteral("g=1"));  // a group, not a feature
    const QModelIndex cell = values->model()->index(3, 1);
    QTest::mouseClick(values->viewport(), Qt::LeftButton, {}, values->visualRect(cell).center());
    QCOMPARE(tinted(), (CellList{"3,2", "3,3"}));
    QCOMPARE(window_->walkthroughState()->feature(), 2);  // the group's first feature
}

void TestFamilyWalkthrough::batchNormShowsItsColumn()
{
    document_->reset(sessionOf(NormConfig{}));
    goToStep("inv_std");
    window_->walkthroughState()->setFeature(1);
    QCOMPARE(tinted(), (CellList{"0,1", "1,1", "2,1", "3,1", "4,1"}));
    // Clicking a statistic's cell in the walkthrough's own table picks that feature's set.
    MatrixView* values = window_->walkthrough()->values();
    const QModelIndex cell = values->model()->index(0, 3);
    QTest::mouseClick(values->viewport(), Qt::LeftButton, {}, values->visualRect(cell).center());
    QCOMPARE(window_->walkthroughState()->feature(), 3);
    QCOMPARE(tinted(), (CellList{"0,3", "1,3", "2,3", "3,3", "4,3"}));
    // Another tab: the walkthrough takes its selection back.
    window_->showView(QStringLiteral("results"));
    QTRY_VERIFY(tinted().isEmpty());
}

void TestFamilyWalkthrough::resultsClickSelectsAStatistic()
{
    document_->reset(sessionOf(NormConfig{}));
    window_->showView(QStringLiteral("results"));
    MatrixView* forward = window_->resultsPanel()->view(QStringLiteral("forward"));
    QVERIFY(forward);
    int varRow = -1;
    for (int r = 0; r < forward->model()->rowCount(); ++r)
        if (forward->model()->headerData(r, Qt::Vertical, Qt::DisplayRole).toString().startsWith(QStringLiteral("var")))
            varRow = r;
    QVERIFY(varRow >= 0);
    const QModelIndex var2 = forward->model()->index(varRow, 2);
    QTest::mouseClick(forward->viewport(), Qt::LeftButton, {}, forward->visualRect(var2).center());
    QCOMPARE(tinted(), (CellList{"0,2", "1,2", "2,2", "3,2", "4,2"}));
    // gamma is per feature but no statistic of a set: nothing.
    const QModelIndex gamma = forward->model()->index(0, 1);
    QTest::mouseClick(forward->viewport(), Qt::LeftButton, {}, forward->visualRect(gamma).center());
    QVERIFY(tinted().isEmpty());
}

void TestFamilyWalkthrough::resultsClickOnASampleStatistic()
{
    NormConfig ln;
    ln.layer = Layer::LayerNorm;
    document_->reset(sessionOf(ln));
    window_->showView(QStringLiteral("results"));
    MatrixView* statistics = window_->resultsPanel()->view(QStringLiteral("statistics"));
    QVERIFY(statistics && statistics->isVisible());
    const QModelIndex var1 = statistics->model()->index(1, 1);  // columns: mean, var, invStd
    QTest::mouseClick(statistics->viewport(), Qt::LeftButton, {}, statistics->visualRect(var1).center());
    QCOMPARE(window_->batchPanel()->view()->model()->index(1, 0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("var")), true);
    QCOMPARE(tinted(), (CellList{"1,0", "1,1", "1,2", "1,3"}));
}

void TestFamilyWalkthrough::evalModeReducesNothing()
{
    NormConfig eval;
    eval.mode = Mode::Eval;
    eval.runningMean = RowVector::Zero(4);
    eval.runningVar = RowVector::Ones(4);
    document_->reset(sessionOf(eval));
    goToStep("inv_std");
    clickBatch(1, 1);
    QVERIFY(tinted().isEmpty());
}

// The step list, the slider and the graph are the layer's: RMSNorm has no mean, eval mode its
// short chain; back on batch norm, its own list again.
void TestFamilyWalkthrough::stepsAndGraphFollowTheLayer()
{
    auto* list = window_->walkthrough()->findChild<QListWidget*>();
    QVERIFY(list);
    QCOMPARE(list->count(), int(steps().size()));
    NormConfig rms;
    rms.layer = Layer::RmsNorm;
    document_->reset(sessionOf(rms));
    QCOMPARE(list->count(), int(bnflow::steps(Layer::RmsNorm).size()));
    QCOMPARE(&window_->walkthroughState()->steps(), &bnflow::steps(Layer::RmsNorm));
    goToStep("rrms");
    QCOMPARE(list->currentRow(), window_->walkthroughState()->step());
    QVERIFY(list->currentItem()->text().startsWith(QStringLiteral("rrms")));
    GraphView* graph = window_->walkthrough()->graph();
    QVERIFY(!graph->nodeRect(QStringLiteral("ms")).isEmpty());
    QVERIFY(graph->nodeRect(QStringLiteral("mean")).isEmpty());  // no mean in RMSNorm
    QCOMPARE(graph->activeNodes(), QStringList{QStringLiteral("rrms")});
    QCOMPARE(graph->activeEdges(), QStringList{QStringLiteral("ms>rrms")});
    goToStep("dx");
    QCOMPARE(graph->activeArrows(), (QStringList{QStringLiteral("ms>x"), QStringLiteral("xhat>x")}));

    NormConfig eval;
    eval.mode = Mode::Eval;
    eval.runningMean = RowVector::Zero(4);
    eval.runningVar = RowVector::Ones(4);
    document_->reset(sessionOf(eval));
    QCOMPARE(list->count(), int(bnflow::steps(Layer::BatchNorm, Mode::Eval).size()));
    QVERIFY(!graph->nodeRect(QStringLiteral("running_mean")).isEmpty());
    QVERIFY(graph->nodeText(QStringLiteral("running_var")).contains(QStringLiteral("constant")));
    goToStep("dx");
    QCOMPARE(graph->activeEdges(), (QStringList{QStringLiteral("x>xmu"), QStringLiteral("xmu>xhat")}));

    document_->reset(sessionOf(NormConfig{}));
    QCOMPARE(list->count(), int(steps().size()));
    QVERIFY(!graph->nodeRect(QStringLiteral("mean")).isEmpty());
}

// The sample i box beside feature j: shown for the layers with a statistic per sample (lecture
// mode hides the batch, whose selected cell is the other way to pick a sample); it picks the
// set whose numbers are plugged in and whose cells the batch tints, and follows a click there.
void TestFamilyWalkthrough::sampleBoxPicksTheSet()
{
    auto* sample = window_->walkthrough()->findChild<QSpinBox*>(QStringLiteral("walkthroughSample"));
    QVERIFY(sample);
    document_->reset(sessionOf(NormConfig{}));
    QVERIFY(!sample->isVisibleTo(window_->walkthrough()));  // batch norm: one statistic per feature

    NormConfig ln;
    ln.layer = Layer::LayerNorm;
    document_->reset(sessionOf(ln));
    QVERIFY(sample->isVisibleTo(window_->walkthrough()));
    QCOMPARE(sample->maximum(), 4);
    goToStep("mean");
    sample->setValue(3);
    QCOMPARE(window_->walkthroughState()->sample(), 3);
    QCOMPARE(tinted(), (CellList{"3,0", "3,1", "3,2", "3,3"}));
    QVERIFY2(window_->walkthrough()->pluggedText().startsWith(QStringLiteral("x[3][*]")),
             qPrintable(window_->walkthrough()->pluggedText()));
    // The graph's x and x − μ show that sample's row too (batch norm's show feature j's column).
    const Matrix& x = document_->session().x;
    const auto rowText = [this](const Matrix& m, int i) {
        QStringList parts;
        for (Eigen::Index c = 0; c < m.cols(); ++c)
            parts << display_->format(m(i, c));
        return QStringLiteral("[") + parts.join(QStringLiteral(", ")) + QStringLiteral("]");
    };
    QVERIFY2(window_->walkthrough()->graph()->nodeText(QStringLiteral("x")).contains(rowText(x, 3)),
             qPrintable(window_->walkthrough()->graph()->nodeText(QStringLiteral("x"))));
    QVERIFY2(window_->walkthrough()->graph()->nodeText(QStringLiteral("xmu")).contains(rowText(Matrix(*document_->value("xmu")), 3)),
             qPrintable(window_->walkthrough()->graph()->nodeText(QStringLiteral("xmu"))));
    clickBatch(1, 2);  // the batch's selection moves the box too
    QCOMPARE(sample->value(), 1);

    NormConfig eval;
    eval.mode = Mode::Eval;
    eval.runningMean = RowVector::Zero(4);
    eval.runningVar = RowVector::Ones(4);
    document_->reset(sessionOf(eval));
    QVERIFY(!sample->isVisibleTo(window_->walkthrough()));  // eval: the running statistics, per feature
}

// The handout of another layer prints its graph under every page, as batch norm's does, with
// text no smaller than 8 pt (the graph's smallest text is reported by writeHandout).
void TestFamilyWalkthrough::handoutDrawsTheLayersGraph()
{
    NormConfig gn;
    gn.layer = Layer::GroupNorm;
    gn.groups = 2;
    document_->reset(sessionOf(gn));
    QTemporaryDir dir;
    QString error;
    double points = 0;
    QVERIFY2(writeHandout(*document_, *display_, {3, 4}, dir.filePath("gn.pdf"), &error, &points), qPrintable(error));
    qInfo("the group-norm handout graph's smallest text: %.2f pt", points);
    QVERIFY2(points >= 8.0 && points < 1e9, qPrintable(QStringLiteral("%1 pt").arg(points)));
}

QTEST_MAIN(TestFamilyWalkthrough)
#include "test_family_walkthrough.moc"
