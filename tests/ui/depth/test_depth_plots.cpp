// The Depth tab's plot builders draw core's numbers (no number here is typed in: each is
// compared with core's statistics and histograms), on axes every layer shares; and the lesson
// networks show what makemore part 3 reports, computed by core.
#include <depth/depth_plots.h>
#include <depth/network_document.h>
#include <depth/network_examples.h>

#include <QtTest>

#include <numeric>

using namespace bnflow;
using namespace bnflow::ui;

namespace {

double sum(const std::vector<double>& v)
{
    return std::accumulate(v.begin(), v.end(), 0.0);
}

const Series* find(const Panel& panel, const QString& prefix)
{
    for (const Series& s : panel.series)
        if (s.name.startsWith(prefix))
            return &s;
    return nullptr;
}

// The example whose resource is NAME.bnflow-net.json.
NetworkFile example(const QString& name)
{
    for (const NetworkExample& e : networkExamples())
        if (e.resource.endsWith(QLatin1Char('/') + name + QStringLiteral(".bnflow-net.json")))
            return e.file;
    qFatal("no example %s", qPrintable(name));
}

DepthPass passOf(const NetworkFile& file, Network* network = nullptr)
{
    NetworkInputsLoad load = loadNetworkInputs(file, "");
    if (network)
        *network = load.inputs->network;
    return depthPass(load.inputs->network, load.inputs->data);
}

}  // namespace

class TestDepthPlots : public QObject {
    Q_OBJECT
private slots:
    void activationHistogramsAreCores();
    void gradientHistogramsAreCores();
    void layersShareTheirAxes();
    void ratiosAreCoresStatistics();
    void updatesAreCoresSteps();
    void everyNameBuilds();
    void everyLessonLoads();
    void saturationFallsThroughDepthAtKaimingGain();
    void activationsCollapseAtGainHalf();
    void normsKeepTheStatisticsFlat_data();
    void normsKeepTheStatisticsFlat();
};

void TestDepthPlots::activationHistogramsAreCores()
{
    NetworkDocument d;
    QVERIFY(d.setNorm(std::nullopt));  // tanh without a norm: saturated tails
    const DepthPicture& p = d.picture();
    const PlotSpec spec = depthActivationsPlot(p);
    QCOMPARE(int(spec.panels.size()), p.shape.hidden);
    for (int k = 0; k < p.shape.hidden; ++k) {
        const Panel& panel = spec.panels[std::size_t(k)];
        const Matrix& act = d.pass().forward.hidden[std::size_t(k)].act;
        const Histogram h = histogram(act, -kTanhReach, kTanhReach, kTanhBins, true);
        const Series& body = panel.series[0];
        const Series& tails = panel.series[1];
        QCOMPARE(tails.kind, SeriesKind::Bars);
        // The saturated bars add up to core's saturated share, and every bar is core's bin.
        QVERIFY(std::abs(sum(tails.y) - p.stats[std::size_t(k)].saturated) < 1e-12);
        QVERIFY(std::abs(sum(body.y) + sum(tails.y) - 1.0) < 1e-12);
        for (std::size_t i = 0; i < body.x.size(); ++i) {
            const int bin = int(std::floor((body.x[i] + kTanhReach) / h.width()));
            QCOMPARE(body.y[i], h.fraction[std::size_t(bin)]);
        }
        for (const double x : tails.x)
            QVERIFY(std::abs(x) > kSaturated);
    }
}

void TestDepthPlots::gradientHistogramsAreCores()
{
    NetworkDocument d;
    const DepthPicture& p = d.picture();
    const PlotSpec spec = depthGradientsPlot(p);
    for (int k = 0; k < p.shape.hidden; ++k) {
        const Histogram h = histogram(d.pass().backward.layers[std::size_t(k)].dact, -p.ranges.grad,
                                      p.ranges.grad, kGradientBins, false);
        const Series& body = spec.panels[std::size_t(k)].series[0];
        std::vector<double> nonEmpty;
        for (const double v : h.fraction)
            if (v > 0)
                nonEmpty.push_back(v);
        QCOMPARE(body.y, nonEmpty);
        QVERIFY(body.name.contains(QString::number(p.stats[std::size_t(k)].gradAct.std, 'g', 2)));
    }
}

void TestDepthPlots::layersShareTheirAxes()
{
    NetworkDocument d;
    for (const PlotSpec& spec : {depthActivationsPlot(d.picture()), depthGradientsPlot(d.picture())})
        for (const Panel& panel : spec.panels) {
            QVERIFY(panel.xRange && panel.yRange);
            QCOMPARE(*panel.xRange, *spec.panels.front().xRange);
            QCOMPARE(*panel.yRange, *spec.panels.front().yRange);
            for (const Series& s : panel.series)
                for (const double y : s.y)
                    QVERIFY(y <= panel.yRange->second);
        }
}

void TestDepthPlots::ratiosAreCoresStatistics()
{
    NetworkDocument d;
    const DepthPicture& p = d.picture();
    const PlotSpec spec = depthRatiosPlot(p);
    QCOMPARE(int(spec.panels.size()), 2);
    QVERIFY(spec.panels[0].logY);
    const Series* gradStd = find(spec.panels[0], QStringLiteral("std"));
    const Series* ratio = find(spec.panels[0], QStringLiteral("grad:data"));
    const Series* actStd = find(spec.panels[1], QStringLiteral("std h"));
    const Series* saturated = find(spec.panels[1], QStringLiteral("saturated"));
    QVERIFY(gradStd && ratio && actStd && saturated);
    QCOMPARE(int(ratio->y.size()), p.shape.layerCount());
    for (int k = 0; k < p.shape.layerCount(); ++k) {
        const LayerStatistics& st = p.stats[std::size_t(k)];
        QCOMPARE(ratio->y[std::size_t(k)], st.gradToData);
        if (k < p.shape.hidden) {
            QCOMPARE(gradStd->y[std::size_t(k)], st.gradAct.std);
            QCOMPARE(actStd->y[std::size_t(k)], st.act.std);
            QCOMPARE(saturated->y[std::size_t(k)], st.saturated);
        }
    }
    // Compare: the other network's series beside, dashed.
    d.setCompare(true, std::nullopt);
    const PlotSpec both = depthRatiosPlot(d.picture(), d.comparePicture());
    QCOMPARE(both.panels[0].series.size(), 2 * spec.panels[0].series.size());
    QVERIFY(both.panels[0].series.back().dashed);
}

void TestDepthPlots::updatesAreCoresSteps()
{
    NetworkDocument d;
    Network net = d.network();
    const DepthResult run = runDepth(net, d.data(), 30, d.file().lr);
    QVERIFY(run.ok());
    const PlotSpec spec = depthUpdatesPlot(run.report->steps, d.network().shape.layerCount());
    const Panel& panel = spec.panels.front();
    QVERIFY(panel.logY);
    for (int k = 0; k < d.network().shape.layerCount(); ++k) {
        const Series& s = panel.series[std::size_t(k)];
        QCOMPARE(int(s.y.size()), 30);
        for (int t = 0; t < 30; ++t)
            QCOMPARE(s.y[std::size_t(t)], run.report->steps[std::size_t(t)].updateToData[std::size_t(k)]);
    }
    const Series& guide = panel.series.back();
    QCOMPARE(guide.kind, SeriesKind::HLine);
    QCOMPARE(guide.y.front(), 1e-3);
    // No steps yet: the guide in a frame, and a caption that says how to get them.
    const PlotSpec empty = depthUpdatesPlot({}, 6);
    QVERIFY(empty.panels.front().yRange);
    QVERIFY(empty.caption.contains(QLatin1String("Train")));
}

void TestDepthPlots::everyNameBuilds()
{
    NetworkDocument d;
    for (const QString& name : depthPlotNames()) {
        const PlotSpec spec = depthPlot(name, d.picture(), {});
        QCOMPARE(spec.name, name);
        QVERIFY(!spec.panels.empty());
        QVERIFY(!depthPlotDescription(name).isEmpty());
    }
    QVERIFY(depthPlot(QStringLiteral("depth-nothing"), d.picture(), {}).name.isEmpty());
}

void TestDepthPlots::everyLessonLoads()
{
    QVERIFY(networkExamples().size() >= 9);
    for (const NetworkExample& e : networkExamples()) {
        NetworkDocument d;
        QString error;
        QVERIFY2(d.reset(e.file, {}, &error), qPrintable(error));
        QVERIFY2(!e.file.title.empty(), qPrintable(e.title));  // the note of what to look for
    }
}

// makemore part 3: tanh at gain 5/3 without a norm; the first layer is the most saturated, and
// saturation falls through depth.
void TestDepthPlots::saturationFallsThroughDepthAtKaimingGain()
{
    const NetworkFile file = example(QStringLiteral("tanh_kaiming"));
    QVERIFY(!file.norm);
    QCOMPARE(file.gain, 5.0 / 3.0);
    const DepthPass pass = passOf(file);
    const int last = file.layers - 1;
    QVERIFY(pass.stats[0].saturated > pass.stats[std::size_t(last)].saturated);
    QVERIFY(pass.stats[0].saturated > 2 * pass.stats[std::size_t(last)].saturated);
}

// Too small a gain: the activations' std collapses layer by layer.
void TestDepthPlots::activationsCollapseAtGainHalf()
{
    const NetworkFile file = example(QStringLiteral("tanh_gain0.5"));
    QCOMPARE(file.gain, 0.5);
    const DepthPass pass = passOf(file);
    QVERIFY(pass.stats[std::size_t(file.layers - 1)].act.std < 0.1);
    for (int k = 1; k < file.layers; ++k)
        QVERIFY(pass.stats[std::size_t(k)].act.std < pass.stats[std::size_t(k - 1)].act.std);
}

void TestDepthPlots::normsKeepTheStatisticsFlat_data()
{
    QTest::addColumn<QString>("name");
    for (const char* name : {"tanh_batchnorm", "tanh_batchnorm_gain0.5", "tanh_batchnorm_gain3", "tanh_layernorm", "tanh_rmsnorm"})
        QTest::newRow(name) << QString(name);
}

// With a norm, std(h_k) is nearly the same in every layer, whatever the gain; and saturation
// stays a few percent.
void TestDepthPlots::normsKeepTheStatisticsFlat()
{
    QFETCH(QString, name);
    const NetworkFile file = example(name);
    QVERIFY(file.norm);
    const DepthPass pass = passOf(file);
    double lo = 1e300, hi = 0;
    for (int k = 0; k < file.layers; ++k) {
        lo = std::min(lo, pass.stats[std::size_t(k)].act.std);
        hi = std::max(hi, pass.stats[std::size_t(k)].act.std);
        QVERIFY(pass.stats[std::size_t(k)].saturated < 0.1);
    }
    QVERIFY2(hi / lo < 1.05, qPrintable(QStringLiteral("%1 .. %2").arg(lo).arg(hi)));
}

QTEST_MAIN(TestDepthPlots)
#include "test_depth_plots.moc"
