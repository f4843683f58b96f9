// The plots of a session that is not training batch norm (plot_builders.h familyPlot): driven with
// the layer-norm example, every series is compared with the family's own values
// (familyValueOf, and the document's value() in the Plots tab), never batch norm's; the plots
// that show batch norm only say why instead.
#include "elements.h"

#include <document/display_settings.h>
#include <document/session_document.h>
#include <plots/plot_builders.h>
#include <plots/plot_view.h>
#include <plots/plots_panel.h>
#include <window/main_window.h>

#include <core/teach/family_catalogue.h>
#include <core/io/session_json.h>

#include <QLabel>
#include <QSpinBox>
#include <QtTest>

#include "spec_series.h"

using namespace bnflow;
using namespace bnflow::ui;
using namespace bnflow::test;

namespace {

std::vector<double> elementsOf(const Eigen::Map<const Matrix>& m)
{
    return elements(Matrix(m));
}

Session loadExample(const char* name)
{
    SessionLoad load = loadSessionFile(std::string(BNFLOW_FAMILY_EXAMPLES "/") + name);
    if (!load.ok())
        throw std::runtime_error(formatProblem(load.problems.front()));
    return *load.session;
}

}  // namespace

class TestFamilyPlots : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void layerNormPlotsShowTheFamilyValues();
    void plotsTabDrawsTheDocumentsLayer();
    void gradcheckChecksTheLayer();
    void batchNormOnlyPlotsSayWhy_data();
    void batchNormOnlyPlotsSayWhy();
    void termsOfOneSample_data();
    void termsOfOneSample();
    void plotsTabDrawsTheTermsOfTheChosenSample();
};

void TestFamilyPlots::layerNormPlotsShowTheFamilyValues()
{
    const Session s = loadExample("layernorm.bnflow.json");
    const FamilyResult result = analyzeFamily(s);
    QVERIFY(result.ok());
    const FamilyAnalysis& a = *result.analysis;

    const PlotSpec gradients = familyPlot("gradients", s, a);
    QVERIFY2(gradients.title.contains("layer norm"), qPrintable(gradients.title));
    const Series& points = series(gradients, 0, "one element of dx");
    QCOMPARE(points.x, elementsOf(familyValueOf("dx", s, a)));        // staged
    QCOMPARE(points.y, elementsOf(familyValueOf("fused_dx", s, a)));  // fused
    QCOMPARE(series(gradients, 1, "fused dx").y, points.y);

    // Layer norm's dx is not batch norm's on the same batch: the plot cannot be batch norm's.
    Session asBatchNorm = s;
    asBatchNorm.norm = {};
    const AnalysisResult batchNorm = analyze(asBatchNorm);
    QVERIFY(batchNorm.ok());
    QVERIFY(points.y != elements(batchNorm.analysis->fused.grads.dx));

    // |fused - staged| at element k: the positive entries as they are, the zeros at the floor.
    const PlotSpec difference = familyPlot("difference", s, a);
    const std::vector<double> fused = points.y, staged = points.x;
    std::size_t drawn = 0;
    for (const Series& part : difference.panels.at(0).series) {
        for (std::size_t k = 0; k < part.x.size(); ++k, ++drawn) {
            const double exact = std::abs(fused[std::size_t(part.x[k])] - staged[std::size_t(part.x[k])]);
            QVERIFY(exact > 0 ? part.y[k] == exact : part.name.startsWith("exactly 0"));
        }
    }
    QCOMPARE(drawn, std::size_t(s.x.size()));

    const PlotSpec params = familyPlot("params", s, a);
    QVERIFY(params.title.contains("layer norm"));
    QCOMPARE(series(params, 0, "dgamma = sum_i dout * xhat").y, elementsOf(familyValueOf("fused_dgamma", s, a)));
    QCOMPARE(series(params, 0, "dbeta = sum_i dout").y, elementsOf(familyValueOf("fused_dbeta", s, a)));
}

void TestFamilyPlots::gradcheckChecksTheLayer()
{
    const Session s = loadExample("layernorm.bnflow.json");
    const FamilyAnalysis a = *analyzeFamily(s).analysis;
    const PlotSpec check = familyPlot("gradcheck", s, a);
    const Series& points = series(check, 0, "one element of dx");
    QCOMPARE(points.x, elementsOf(familyValueOf("fused_dx", s, a)));  // the analytic side is the layer's
    for (std::size_t k = 0; k < points.x.size(); ++k)
        QVERIFY(std::abs(points.y[k] - points.x[k]) <= 1e-7 * (1 + std::abs(points.x[k])));
}

void TestFamilyPlots::batchNormOnlyPlotsSayWhy_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("plot");
    QTest::addColumn<QString>("why");
    QTest::newRow("RMSNorm hsweep") << "rmsnorm.bnflow.json" << "hsweep" << "float64 only";
    QTest::newRow("layer norm timings") << "layernorm.bnflow.json" << "timings" << "bnflow-cli bench --layer layernorm";
    QTest::newRow("group norm timings") << "groupnorm.bnflow.json" << "timings" << "no kernel of group norm is timed";
    QTest::newRow("eval terms") << "batchnorm_eval.bnflow.json" << "terms" << "one term";
}

void TestFamilyPlots::batchNormOnlyPlotsSayWhy()
{
    QFETCH(QString, file);
    QFETCH(QString, plot);
    QFETCH(QString, why);
    const Session s = loadExample(qPrintable(file));
    const FamilyAnalysis a = *analyzeFamily(s).analysis;
    const PlotSpec spec = familyPlot(plot, s, a);
    QVERIFY(spec.panels.empty());  // nothing drawn: the view shows the caption as its message
    QVERIFY2(spec.caption.contains(why), qPrintable(spec.caption));
    QCOMPARE(familyPlotUnavailable(plot, s.norm), spec.caption);
    QVERIFY(familyPlotUnavailable(plot, Session().norm).isEmpty());  // batch norm: drawn
}

// The Plots tab with a layer-norm document: what it draws is the document's value(), after an
// edit too; terms draws a sample's row; the gradient check runs on the layer.
void TestFamilyPlots::plotsTabDrawsTheDocumentsLayer()
{
    SessionDocument document;
    DisplaySettings display;
    MainWindow window(&document, &display);
    document.reset(loadExample("layernorm.bnflow.json"));
    QVERIFY(document.analysis());
    PlotsPanel* panel = window.plotsPanel();
    QVERIFY(window.showView(QStringLiteral("gradients")));
    const auto drawn = [panel] { return panel->view()->spec().panels.at(0).series.at(1); };
    QCOMPARE(drawn().y, elementsOf(*document.value("fused_dx")));
    QCOMPARE(drawn().x, elementsOf(*document.value("dx")));
    QVERIFY(document.setCell(Which::Dout, 0, 0, 4.25));
    QCOMPARE(drawn().y, elementsOf(*document.value("fused_dx")));
    QCOMPARE(drawn().y, elementsOf(familyValueOf("fused_dx", document.session(), *analyzeFamily(document.session()).analysis)));

    QVERIFY(window.showView(QStringLiteral("terms")));  // one sample's row (termsOfOneSample)
    QCOMPARE(panel->view()->spec().panels.at(0).series.back().y.size(), std::size_t(document.session().features()));

    QVERIFY(window.showView(QStringLiteral("gradcheck")));
    QTRY_VERIFY(!panel->computing());
    QCOMPARE(panel->view()->spec().panels.at(0).series.at(1).x, elementsOf(*document.value("fused_dx")));
}

void TestFamilyPlots::termsOfOneSample_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("terms");
    QTest::addColumn<QString>("layer");
    QTest::newRow("layer norm") << "layernorm.bnflow.json" << 3 << "layer norm";
    QTest::newRow("RMSNorm") << "rmsnorm.bnflow.json" << 2 << "RMSNorm";
    QTest::newRow("group norm") << "groupnorm.bnflow.json" << 3 << "group norm";
}

// The per-sample layers' terms plot draws one sample's row: each bar is scale times one term of
// the family's fused form (familyValueOf), the bars of a feature add up to the fused dx, and
// the scale is the statistic of the feature's set (one per group for group norm).
void TestFamilyPlots::termsOfOneSample()
{
    QFETCH(QString, file);
    QFETCH(int, terms);
    QFETCH(QString, layer);
    const Session s = loadExample(qPrintable(file));
    const FamilyAnalysis a = *analyzeFamily(s).analysis;
    const Reduction& r = a.reduction;
    const Eigen::Index i = s.samples() - 1;
    PlotOptions options;
    options.sample = i;
    const PlotSpec spec = familyPlot("terms", s, a, options);
    QCOMPARE(spec.name, QStringLiteral("terms"));
    QCOMPARE(spec.panels.size(), std::size_t(1));
    QVERIFY2(spec.title.contains(QStringLiteral("sample %1").arg(i)) && spec.title.contains(layer), qPrintable(spec.title));
    const std::vector<Series>& drawn = spec.panels[0].series;
    QCOMPARE(int(drawn.size()), terms + 1);  // the bars, then the dx points
    const Eigen::Map<const Matrix> dx = familyValueOf("fused_dx", s, a);
    const Eigen::Map<const Matrix> term1 = familyValueOf("fused_term1", s, a);
    const Eigen::Map<const Matrix> term3 = familyValueOf("fused_term3", s, a);
    for (Eigen::Index j = 0; j < s.features(); ++j) {
        const double scale = a.fused.scale(r.statRow(i), r.statCol(j));
        const std::size_t k = std::size_t(j);
        QCOMPARE(drawn.front().y.at(k), scale * term1(i, j));
        QCOMPARE(drawn[std::size_t(terms - 1)].y.at(k), -scale * term3(i, j));
        if (terms == 3)
            QCOMPARE(drawn[1].y.at(k), -scale * familyValueOf("fused_term2", s, a)(r.statRow(i), r.statCol(j)));
        QCOMPARE(drawn.back().y.at(k), dx(i, j));
        double sum = 0;
        for (int t = 0; t < terms; ++t)
            sum += drawn[std::size_t(t)].y.at(k);
        QVERIFY2(std::abs(sum - dx(i, j)) <= 1e-12 * (1 + std::abs(scale) * (std::abs(term1(i, j)) + std::abs(term3(i, j)))),
                 qPrintable(QStringLiteral("feature %1: bars add to %2, dx %3").arg(j).arg(sum).arg(dx(i, j))));
    }
    // Another sample, another row.
    options.sample = 0;
    QCOMPARE(familyPlot("terms", s, a, options).panels[0].series.back().y.front(), dx(0, 0));
}

// The Plots tab: for a per-sample layer the terms plot asks for a sample, not a feature.
void TestFamilyPlots::plotsTabDrawsTheTermsOfTheChosenSample()
{
    SessionDocument document;
    DisplaySettings display;
    MainWindow window(&document, &display);
    document.reset(loadExample("layernorm.bnflow.json"));
    PlotsPanel* panel = window.plotsPanel();
    QVERIFY(window.showView(QStringLiteral("terms")));
    QSpinBox* sample = panel->findChild<QSpinBox*>(QStringLiteral("termsSample"));
    QSpinBox* feature = panel->findChild<QSpinBox*>(QStringLiteral("termsFeature"));
    QVERIFY(sample && feature);
    QVERIFY(sample->isVisibleTo(panel));
    QVERIFY(!feature->isVisibleTo(panel));
    QCOMPARE(sample->maximum(), int(document.session().samples() - 1));
    panel->setSample(2);
    QCOMPARE(sample->value(), 2);
    const Eigen::Map<const Matrix> dx = *document.value("fused_dx");
    const auto dxDrawn = [panel] { return panel->view()->spec().panels.at(0).series.back().y; };
    QCOMPARE(dxDrawn().size(), std::size_t(document.session().features()));
    QCOMPARE(dxDrawn().front(), dx(2, 0));
    QVERIFY(panel->view()->spec().title.contains(QStringLiteral("sample 2")));

    document.reset(exampleSession());  // batch norm: one feature's column again
    QVERIFY(feature->isVisibleTo(panel));
    QVERIFY(!sample->isVisibleTo(panel));
    QVERIFY(panel->view()->spec().title.contains(QStringLiteral("feature")));
}

QTEST_MAIN(TestFamilyPlots)
#include "test_family_plots.moc"
