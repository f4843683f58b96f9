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

#include <family_catalogue.h>
#include <session_json.h>

#include <QLabel>
#include <QtTest>

using namespace bnflow;
using namespace bnflow::ui;
using namespace bnflow::test;

namespace {

const Series& series(const PlotSpec& spec, std::size_t panel, const QString& name)
{
    for (const Series& s : spec.panels.at(panel).series)
        if (s.name == name)
            return s;
    static const Series none;
    QTest::qFail(qPrintable(QStringLiteral("no series '%1' in %2").arg(name, spec.name)), __FILE__, __LINE__);
    return none;
}

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
    QTest::newRow("layer norm terms") << "layernorm.bnflow.json" << "terms" << "sums over each sample's features";
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
// edit too; terms says why it is not drawn; the gradient check runs on the layer.
void TestFamilyPlots::plotsTabDrawsTheDocumentsLayer()
{
    SessionDocument document;
    DisplaySettings display;
    MainWindow window(&document, &display);
    document.reset(loadExample("layernorm.bnflow.json"));
    QVERIFY(document.family());
    PlotsPanel* panel = window.plotsPanel();
    QVERIFY(window.showView(QStringLiteral("gradients")));
    const auto drawn = [panel] { return panel->view()->spec().panels.at(0).series.at(1); };
    QCOMPARE(drawn().y, elementsOf(*document.value("fused_dx")));
    QCOMPARE(drawn().x, elementsOf(*document.value("dx")));
    QVERIFY(document.setCell(Which::Dout, 0, 0, 4.25));
    QCOMPARE(drawn().y, elementsOf(*document.value("fused_dx")));
    QCOMPARE(drawn().y, elementsOf(familyValueOf("fused_dx", document.session(), *analyzeFamily(document.session()).analysis)));

    QVERIFY(window.showView(QStringLiteral("terms")));
    QVERIFY(panel->view()->spec().panels.empty());
    bool said = false;
    for (const QLabel* label : panel->findChildren<QLabel*>())
        said = said || label->text().contains(QStringLiteral("sums over each sample's features"));
    QVERIFY(said);

    QVERIFY(window.showView(QStringLiteral("gradcheck")));
    QTRY_VERIFY(!panel->computing());
    QCOMPARE(panel->view()->spec().panels.at(0).series.at(1).x, elementsOf(*document.value("fused_dx")));
}

QTEST_MAIN(TestFamilyPlots)
#include "test_family_plots.moc"
