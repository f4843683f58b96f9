// The running-statistics tab driven with real widgets: K changed, the table and the plot against
// core's simulation, eval mode taken through the document and undone, a layer-norm session
// refused, and an edit made while the tab is hidden.
#include "window_fixture.h"

#include <plots/plot_view.h>
#include <running/running_panel.h>

#include <core/math/family.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QUndoStack>
#include <QtTest>

using namespace bnflow;
using bnflow::ui::RunningPanel;

class TestRunningPanel : public QObject, public test::WindowFixture {
    Q_OBJECT
private slots:
    void init() { openWindow(QStringLiteral("running")); }
    void cleanup() { closeWindow(); }
    void defaultsShowTenBatches();
    void changingKRecomputesTableAndPlot();
    void oneWeightMapsEachForm();
    void useInEvalModeIsOneUndoStep();
    void layerNormSaysItDoesNotApply();
    void anEditWhileHiddenShowsWhenTheTabDoes();

private:
    RunningPanel* panel() const { return window_->runningPanel(); }
    template <class T> T* child(const char* name) const { return panel()->findChild<T*>(QLatin1String(name)); }
    // What core computes for the panel's settings on the document's session.
    RunningSimulation expected() const { return *simulateRunning(document_->session(), panel()->settings()).simulation; }
    void checkShown(const RunningSimulation& sim) const;
};

// The plot's series and the table's cells are the simulation's numbers for the chosen feature.
void TestRunningPanel::checkShown(const RunningSimulation& sim) const
{
    const Eigen::Index j = panel()->feature();
    const ui::PlotSpec& spec = panel()->plot()->spec();
    QCOMPARE(spec.panels.size(), std::size_t(2));
    for (std::size_t c = 0; c < kConventions.size(); ++c) {
        const RunningHistory& h = sim.history[c];
        const std::vector<double>& means = spec.panels[0].series[c].y;
        const std::vector<double>& vars = spec.panels[1].series[c].y;
        QCOMPARE(Eigen::Index(means.size()), h.mean.rows());
        for (Eigen::Index b = 0; b < h.mean.rows(); ++b) {
            QCOMPARE(means[std::size_t(b)], h.mean(b, j));
            QCOMPARE(vars[std::size_t(b)], h.var(b, j));
        }
        QVERIFY(spec.panels[0].series[c].name.startsWith(QStringLiteral("PyTorch Keras CS231n").split(' ')[int(c)]));
        QCOMPARE(panel()->table()->item(int(c), 2)->text(), display_->format(h.final().mean[j]));
        QCOMPARE(panel()->table()->item(int(c), 3)->text(), display_->format(h.final().var[j]));
        QCOMPARE(panel()->table()->item(int(c), 0)->text(), display_->format(h.momentum));
    }
}

void TestRunningPanel::defaultsShowTenBatches()
{
    QVERIFY(panel()->isVisible());
    QCOMPARE(child<QSpinBox>("runningBatches")->value(), 10);
    QCOMPARE(child<QSpinBox>("runningSeed")->value(), 0);
    QVERIFY(panel()->simulation());
    QCOMPARE(panel()->simulation()->batches.size(), std::size_t(10));
    QCOMPARE(panel()->simulation()->batches.front(), document_->session().x);
    QVERIFY(panel()->problem().isEmpty());
    checkShown(expected());
    // Each library's default momentum, and where each starts.
    QCOMPARE(panel()->simulation()->of(Convention::Keras).momentum, 0.99);
    QCOMPARE(panel()->simulation()->of(Convention::Cs231n).var(0, 0), 0.0);
    QVERIFY(!child<QComboBox>("runningFeature")->toolTip().isEmpty());
}

void TestRunningPanel::changingKRecomputesTableAndPlot()
{
    const RunningSimulation ten = *panel()->simulation();
    auto* batches = child<QSpinBox>("runningBatches");
    batches->selectAll();
    QTest::keyClicks(batches, QStringLiteral("4"));
    QTest::keyClick(batches, Qt::Key_Return);
    QTRY_COMPARE(panel()->simulation()->batches.size(), std::size_t(4));
    checkShown(expected());
    // Fewer batches are the first four of the ten: the same history, cut short.
    QCOMPARE(panel()->simulation()->of(Convention::PyTorch).var.row(4), ten.of(Convention::PyTorch).var.row(4));
    QVERIFY(panel()->table()->item(0, 3)->text() != display_->format(ten.of(Convention::PyTorch).final().var[0]));
    // Another feature, another seed.
    child<QComboBox>("runningFeature")->setCurrentIndex(2);
    QCOMPARE(panel()->feature(), Eigen::Index(2));
    checkShown(expected());
    child<QSpinBox>("runningSeed")->setValue(5);
    checkShown(expected());
    QVERIFY(panel()->simulation()->batches[1] != ten.batches[1]);
}

void TestRunningPanel::oneWeightMapsEachForm()
{
    auto* weight = child<QDoubleSpinBox>("runningWeight");
    QVERIFY(!weight->isEnabled());
    QTest::mouseClick(child<QCheckBox>("runningOneWeight"), Qt::LeftButton);
    QVERIFY(weight->isEnabled());
    weight->setValue(0.25);
    QCOMPARE(panel()->simulation()->of(Convention::PyTorch).momentum, 0.25);
    QCOMPARE(panel()->simulation()->of(Convention::Keras).momentum, 0.75);
    QCOMPARE(panel()->table()->item(1, 1)->text(), display_->format(0.25));  // the weight column
    checkShown(expected());
}

void TestRunningPanel::useInEvalModeIsOneUndoStep()
{
    const NormConfig before = document_->session().norm;
    const int steps = document_->undoStack()->count();
    child<QComboBox>("runningEvalConvention")->setCurrentIndex(1);  // Keras
    child<QComboBox>("runningFeature")->setCurrentIndex(1);
    auto* button = child<QPushButton>("runningUseEval");
    QVERIFY(button->text().contains(QStringLiteral("Keras")));
    const RunningState keras = panel()->simulation()->of(Convention::Keras).final();
    const std::optional<EvalGradient> line = evalGradient(document_->session(), keras.var, 1, 0);
    QVERIFY(line);
    QVERIFY2(panel()->evalLine().contains(display_->format(line->dx)), qPrintable(panel()->evalLine()));
    QVERIFY(panel()->evalLine().contains(display_->format(line->scale)));
    QTest::mouseClick(button, Qt::LeftButton);
    QCOMPARE(document_->undoStack()->count(), steps + 1);
    const NormConfig& now = document_->norm();
    QVERIFY(now.isEval());
    QCOMPARE(*now.runningMean, keras.mean);
    QCOMPARE(*now.runningVar, keras.var);
    // The results are eval mode's: dx = dout * gamma / sqrt(running_var + eps), as the panel said.
    QVERIFY(document_->analysis());
    const double dx = document_->analysis()->fused.dx(0, 1);
    QVERIFY(std::abs(dx - line->dx) <= 1e-15 * std::abs(dx));
    QVERIFY(document_->undoStack()->undoText().contains(QStringLiteral("Keras")));
    // Started from each library's state, the curves stay as they were.
    checkShown(expected());
    document_->undoStack()->undo();
    QCOMPARE(document_->session().norm, before);
    QVERIFY(document_->analysis() && document_->analysis()->reduction.layer == Layer::BatchNorm &&
            !document_->analysis()->reduction.eval);  // training batch norm again
}

void TestRunningPanel::layerNormSaysItDoesNotApply()
{
    Session s = document_->session();
    s.norm.layer = Layer::LayerNorm;
    document_->reset(s);
    QVERIFY(!panel()->simulation());
    QVERIFY2(panel()->problem().contains(QStringLiteral("do not apply")), qPrintable(panel()->problem()));
    QVERIFY(panel()->problem().contains(QStringLiteral("layer norm")));
    QVERIFY(child<QLabel>("runningProblem")->isVisible());
    QVERIFY(!child<QPushButton>("runningUseEval")->isVisible());  // nothing half-valid on offer
    QVERIFY(!panel()->plot()->isVisible());
    QVERIFY(!child<QSpinBox>("runningBatches")->isVisible());
    QVERIFY(!panel()->useInEvalMode());
    QCOMPARE(document_->session().norm.layerOrDefault(), Layer::LayerNorm);
    // Back to batch norm: everything is there again.
    s.norm.layer.reset();
    document_->reset(s);
    QVERIFY(panel()->simulation());
    QVERIFY(child<QPushButton>("runningUseEval")->isVisible());
}

void TestRunningPanel::anEditWhileHiddenShowsWhenTheTabDoes()
{
    const RunningSimulation before = *panel()->simulation();
    window_->showView(QStringLiteral("results"));
    QVERIFY(!panel()->isVisible());
    QVERIFY(document_->setCell(Which::X, 0, 0, 9.0));
    QCOMPARE(panel()->simulation()->batches.front(), before.batches.front());  // not recomputed while hidden
    window_->showView(QStringLiteral("running"));
    QTRY_VERIFY(panel()->isVisible());
    QCOMPARE(panel()->simulation()->batches.front()(0, 0), 9.0);
    checkShown(expected());
}

QTEST_MAIN(TestRunningPanel)
#include "test_running_panel.moc"
