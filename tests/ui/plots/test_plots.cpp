// The plots show the document's numbers: every series is compared with the Analysis or the core
// result it was built from. Exports are valid files of the asked size; the view's tooltips give
// exact values. The Plots tab itself is tested in test_plots_panel.cpp.
#include "elements.h"
#include "fuzzy.h"
#include "reference.h"

#include <document/display_settings.h>
#include <plots/plot_builders.h>
#include <plots/plot_export.h>
#include <plots/plot_view.h>

#include <qcustomplot.h>

#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QtTest>

#include "spec_series.h"

using namespace bnflow;
using namespace bnflow::ui;
using namespace bnflow::test;

namespace {

Matrix asMatrix(const std::vector<double>& v)
{
    return Eigen::Map<const Matrix>(v.data(), 1, Eigen::Index(v.size()));
}

struct Loaded {
    Session session;
    Analysis analysis;
};

Loaded load(const QString& caseName)
{
    const test::ReferenceCase c = test::loadReferenceCase(caseName.toStdString());
    AnalysisResult result = analyze(c.session);
    if (!result.ok())
        throw std::runtime_error("reference case does not analyse");
    return {c.session, *result.analysis};
}

TimingPoint fakeTiming(Eigen::Index rows, Dtype dtype, Variant variant, double median)
{
    TimingPoint p{rows, 64, dtype, variant, {}};
    p.result.minUs = 0.9 * median;
    p.result.p25Us = 0.95 * median;
    p.result.medianUs = median;
    p.result.p75Us = 1.1 * median;
    p.result.samples = 7;
    return p;
}

}  // namespace

class TestPlots : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void plotDataEqualsResults_data();
    void plotDataEqualsResults();
    void hsweepHasTheVShape();
    void timingsShowTheMeasuredNumbers();
    void exportsAreValidFiles_data();
    void exportsAreValidFiles();
    void exportRefusesBadTargets();
    void csvHoldsEveryPoint();
    void tooltipGivesTheExactValue();
    void darkThemeIsDark();
    void gradcheckOverflowIsAMessage();
    void gradcheckPlotsOnlyTheSample();
    void hsweepSaysOverflowInsteadOfAFlatLine();
};

void TestPlots::plotDataEqualsResults_data()
{
    QTest::addColumn<QString>("caseName");
    for (const char* name : {"small_4x3", "cs231n_offset_8x5", "negative_gamma_7x3", "offset_1e6_dyadic_16x4",
                             "n1_1x4", "dout_all_ones_5x4", "wide_3x32"})
        QTest::newRow(name) << QString(name);
}

void TestPlots::plotDataEqualsResults()
{
    QFETCH(QString, caseName);
    const Loaded l = load(caseName);
    const Analysis& a = l.analysis;
    const Eigen::Index n = l.session.samples(), d = l.session.features();

    const PlotSpec gradients = gradientsPlot(a);
    const Series& scatter = series(gradients, 0, QStringLiteral("one element of dx"));
    QVERIFY(scatter.x == elements(a.staged.dx));
    QVERIFY(scatter.y == elements(a.fused.grads.dx));
    QCOMPARE(scatter.labels.size(), qsizetype(n * d));
    QVERIFY(series(gradients, 1, QStringLiteral("fused dx")).y == elements(a.fused.grads.dx));
    QVERIFY(series(gradients, 1, QStringLiteral("staged dx")).y == elements(a.staged.dx));
    QCOMPARE(gradients.panels[1].xTickLabels.size(), qsizetype(n * d));

    const PlotSpec difference = differencePlot(a);
    const std::vector<double> diff = elements(a.absDiffDx);
    const double floor = logFloor(diff);
    std::size_t shown = 0;
    for (const Series& s : difference.panels[0].series) {
        for (std::size_t k = 0; k < s.x.size(); ++k) {
            const double expected = diff[std::size_t(s.x[k])];
            QCOMPARE(s.y[k], expected > 0 ? expected : floor);  // exact: the numbers are copied
            QVERIFY(s.y[k] > 0);                                 // everything fits a log axis
        }
        shown += s.x.size();
    }
    QCOMPARE(shown, diff.size());
    QVERIFY(difference.caption.contains(QStringLiteral("%1 of %2 entries are exactly 0")
                                            .arg(std::count(diff.begin(), diff.end(), 0.0)).arg(diff.size())));

    for (Eigen::Index j = 0; j < d; ++j) {
        const PlotSpec terms = termsPlot(a, j);
        const auto& bars = terms.panels[0].series;
        QCOMPARE(bars.size(), std::size_t(4));
        std::vector<double> sum(std::size_t(n), 0.0);
        for (int b = 0; b < 3; ++b)
            for (Eigen::Index i = 0; i < n; ++i)
                sum[std::size_t(i)] += bars[std::size_t(b)].y[std::size_t(i)];
        const Matrix dxColumn = a.fused.grads.dx.col(j).transpose();
        std::string report;
        // The three terms cancel: judge the sum against their size, not against dx.
        const double scale = std::max(test::maxAbs(asMatrix(bars[0].y)), test::maxAbs(asMatrix(bars[2].y))) +
                             std::abs(bars[1].y.empty() ? 0.0 : bars[1].y[0]);
        QVERIFY2(test::closeTo(asMatrix(sum), dxColumn, scale, 1e-13, &report), report.c_str());
        QVERIFY(bars[3].y == std::vector<double>(dxColumn.data(), dxColumn.data() + n));
    }

    const PlotSpec params = paramsPlot(a);
    QVERIFY(params.panels[0].series[0].y == elements(a.fused.grads.dgamma));
    QVERIFY(params.panels[0].series[1].y == elements(a.fused.grads.dbeta));
    QCOMPARE(params.panels[0].xTickLabels.size(), qsizetype(d));

    const GradCheckReport report = gradientCheck(l.session, 1e-5, Dtype::F64);
    const PlotSpec check = gradcheckPlot(report);
    const Series& numeric = series(check, 0, QStringLiteral("one element of dx"));
    QVERIFY(numeric.x == elements(report.analyticDx));
    QVERIFY(numeric.y == elements(report.numericDx));
    const Series& threshold = series(check, 1, QStringLiteral("1e-7: CS231n's pass threshold"));
    QCOMPARE(threshold.y.front(), 1e-7);

    const PlotSpec viaName = documentPlot(QStringLiteral("gradients"), l.session, a);
    QVERIFY(viaName.panels[0].series[1].y == scatter.y);
}

void TestPlots::hsweepHasTheVShape()
{
    const Loaded l = load(QStringLiteral("cs231n_offset_8x5"));
    const auto steps = hsweepSteps();
    QCOMPARE(steps.front(), 1e-1);
    QVERIFY(std::abs(steps.back() - 1e-10) < 1e-24);
    const auto f64 = gradCheckSweep(l.session, steps, Dtype::F64);
    const auto f32 = gradCheckSweep(l.session, steps, Dtype::F32);
    const PlotSpec spec = hsweepPlot(f64, f32);
    const Series& line = series(spec, 0, QStringLiteral("float64"));
    QCOMPARE(line.y.size(), steps.size());
    for (std::size_t k = 0; k < steps.size(); ++k) {
        QCOMPARE(line.x[k], f64[k].h);
        QCOMPARE(line.y[k], f64[k].scaledDx);
    }
    // The V: the best step lies inside the range, far below both ends.
    const auto best = std::min_element(line.y.begin(), line.y.end());
    QVERIFY(best != line.y.begin() && best != line.y.end() - 1);
    QVERIFY(*best * 100 < line.y.front() && *best * 100 < line.y.back());
    // float32 bottoms out higher than float64.
    const Series& single = series(spec, 0, QStringLiteral("float32"));
    QVERIFY(*std::min_element(single.y.begin(), single.y.end()) > *best * 100);
}

void TestPlots::timingsShowTheMeasuredNumbers()
{
    const std::vector<TimingPoint> points{
        fakeTiming(16, Dtype::F64, Variant::Staged, 3.0), fakeTiming(16, Dtype::F64, Variant::Fused, 2.0),
        fakeTiming(64, Dtype::F64, Variant::Staged, 12.0), fakeTiming(64, Dtype::F64, Variant::Fused, 10.0)};
    const PlotSpec spec = timingsPlot(points, QStringLiteral("Test CPU, 2 cores"));
    QCOMPARE(spec.panels.size(), std::size_t(3));  // times, speedup, GB/s
    QCOMPARE(series(spec, 0, QStringLiteral("f64 staged median")).y, (std::vector<double>{3.0, 12.0}));
    QCOMPARE(series(spec, 0, QStringLiteral("f64 fused median")).y, (std::vector<double>{2.0, 10.0}));
    QCOMPARE(series(spec, 0, QStringLiteral("f64 fused quartiles")).low, (std::vector<double>{1.9, 9.5}));
    QCOMPARE(series(spec, 0, QStringLiteral("f64 fused min")).y, (std::vector<double>{1.8, 9.0}));
    QCOMPARE(series(spec, 1, QStringLiteral("f64 median ratio")).y, (std::vector<double>{1.5, 1.2}));
    QCOMPARE(series(spec, 1, QStringLiteral("3x: the speedup the original notes claim")).y.front(), 3.0);
    QVERIFY(spec.panels[0].logX && spec.panels[0].logY);
    QVERIFY(spec.caption.contains(QStringLiteral("Test CPU, 2 cores")));
    QVERIFY(spec.caption.contains(QStringLiteral("f64 1.20x to 1.50x")));
}

void TestPlots::exportsAreValidFiles_data()
{
    QTest::addColumn<QString>("plot");
    QTest::addColumn<QString>("extension");
    for (const QString& plot : plotNames())
        for (const char* extension : {"png", "pdf", "svg"})
            QTest::addRow("%s.%s", qPrintable(plot), extension) << plot << QString(extension);
}

void TestPlots::exportsAreValidFiles()
{
    QFETCH(QString, plot);
    QFETCH(QString, extension);
    const Loaded l = load(QStringLiteral("small_4x3"));
    const PlotSpec spec = plot == QLatin1String("timings")
                              ? timingsPlot({fakeTiming(16, Dtype::F32, Variant::Staged, 3.0),
                                             fakeTiming(16, Dtype::F32, Variant::Fused, 2.0)}, QStringLiteral("cpu"))
                              : documentPlot(plot, l.session, l.analysis);
    QCOMPARE(spec.name, plot);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("plot.") + extension);
    QString error;
    QVERIFY2(exportPlot(spec, path, {640, 480, 144}, {}, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    if (extension == QLatin1String("png")) {
        QVERIFY(bytes.startsWith("\x89PNG\r\n\x1a\n"));
        const QImage image = QImage::fromData(bytes, "PNG");
        QCOMPARE(image.size(), QSize(640, 480));  // exactly the pixels asked, at any dpi (issue 12)
        QCOMPARE(qRound(image.dotsPerMeterX() * 0.0254), 144);
    } else if (extension == QLatin1String("pdf")) {
        QVERIFY(bytes.startsWith("%PDF-"));
        QVERIFY(bytes.trimmed().endsWith("%%EOF"));
    } else {
        QVERIFY(bytes.contains("<svg"));
        QVERIFY(bytes.trimmed().endsWith("</svg>"));
        QVERIFY(bytes.contains(spec.title.toHtmlEscaped().toUtf8()));
        QSvgRenderer svg(bytes);  // it parses and draws: not just text that starts like SVG
        QVERIFY(svg.isValid());
        QCOMPARE(svg.viewBox(), QRect(0, 0, 640, 480));
        QImage drawn(320, 240, QImage::Format_ARGB32);
        drawn.fill(Qt::white);
        QPainter painter(&drawn);
        svg.render(&painter);
        painter.end();
        int dark = 0;
        for (int y = 0; y < drawn.height(); ++y)
            for (int x = 0; x < drawn.width(); ++x)
                dark += drawn.pixelColor(x, y).lightnessF() < 0.5;
        QVERIFY2(dark > 200, qPrintable(QString::number(dark)));  // text and axes were drawn
    }
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("plot.") + extension});
}

void TestPlots::exportRefusesBadTargets()
{
    const Loaded l = load(QStringLiteral("small_4x3"));
    const PlotSpec spec = gradientsPlot(l.analysis);
    QTemporaryDir dir;
    QString error;
    const QString wrongType = dir.filePath(QStringLiteral("plot.jpg"));
    QVERIFY(!exportPlot(spec, wrongType, {}, {}, &error));
    QVERIFY(error.contains(wrongType) && error.contains(QStringLiteral(".png, .pdf or .svg")));
    const QString noFolder = dir.filePath(QStringLiteral("missing/plot.png"));
    QVERIFY(!exportPlot(spec, noFolder, {}, {}, &error));
    QVERIFY(error.contains(noFolder));
    QVERIFY(QDir(dir.path()).entryList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot).isEmpty());
}

void TestPlots::csvHoldsEveryPoint()
{
    const Loaded l = load(QStringLiteral("small_4x3"));
    const PlotSpec spec = termsPlot(l.analysis, 1);
    std::size_t points = 0;
    for (const Series& s : spec.panels[0].series)
        points += s.x.size();
    const QList<QByteArray> lines = plotCsv(spec).trimmed().split('\n');
    QCOMPARE(lines.front(), QByteArray("panel,series,x,y,low,high,label"));
    // Labels hold line breaks inside quotes: count records by their leading panel field.
    const qsizetype records = std::count_if(lines.begin() + 1, lines.end(),
                                            [](const QByteArray& line) { return line.startsWith("0,"); });
    QCOMPARE(std::size_t(records), points);
    const QString dx = DisplaySettings::fullPrecision(l.analysis.fused.grads.dx(2, 1));
    QVERIFY(plotCsv(spec).contains(QStringLiteral("0,dx = sum of the three,2,%1,").arg(dx).toUtf8()));
}

void TestPlots::tooltipGivesTheExactValue()
{
    const Loaded l = load(QStringLiteral("small_4x3"));
    PlotView view;
    view.resize(900, 700);
    view.setSpec(paramsPlot(l.analysis), {});
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.plot()->replot();
    const Series& dgamma = view.spec().panels[0].series[0];
    QCPAxisRect* rect = view.plot()->axisRect(0);
    const QPoint at(qRound(rect->axis(QCPAxis::atBottom)->coordToPixel(dgamma.x[2])),
                    qRound(rect->axis(QCPAxis::atLeft)->coordToPixel(dgamma.y[2])));
    const QString label = view.labelAt(view.plot()->mapTo(&view, at));
    QVERIFY2(label.contains(DisplaySettings::fullPrecision(l.analysis.fused.grads.dgamma(2))), qPrintable(label));
    QVERIFY(label.contains(QStringLiteral("feature 2")));
    QVERIFY(view.labelAt(QPoint(2, 2)).isEmpty());
    QCOMPARE(view.plot()->interactions(), QCP::Interactions(QCP::iRangeDrag | QCP::iRangeZoom));
}

void TestPlots::darkThemeIsDark()
{
    const Loaded l = load(QStringLiteral("small_4x3"));
    const auto corner = [&](Theme theme) {
        return QImage::fromData(renderPlotBytes(gradientsPlot(l.analysis), ImageFormat::Png, {400, 300, 96},
                                                {theme, 10}), "PNG").pixelColor(2, 2);
    };
    QVERIFY(corner(Theme::Dark).lightnessF() < 0.25);
    QVERIFY(corner(Theme::Light).lightnessF() > 0.9);
    QVERIFY(plotColour(4, Theme::Dark).lightnessF() > plotColour(4, Theme::Light).lightnessF());
}

// beta = 1e308 with dout > 0: f = sum(y * dout) overflows. The plot once read "largest nan" and
// drew the NaN entries as "exactly 0".
void TestPlots::gradcheckOverflowIsAMessage()
{
    Session s = load(QStringLiteral("small_4x3")).session;
    s.dout = s.dout.cwiseAbs().array() + 1;
    s.beta[1] = 1e308;
    QVERIFY(analyze(s).ok());
    const PlotSpec spec = checkPlot(QStringLiteral("gradcheck"), s);
    QVERIFY2(spec.caption.contains("overflows a double"), qPrintable(spec.caption));
    QVERIFY2(!spec.caption.contains("nan", Qt::CaseInsensitive), qPrintable(spec.caption));
    for (const Panel& panel : spec.panels)
        for (const Series& series : panel.series)
            QVERIFY2(series.y.empty(), qPrintable(series.name));
}

void TestPlots::gradcheckPlotsOnlyTheSample()
{
    Session s = load(QStringLiteral("big_batch_512x8")).session;
    GradCheckSettings settings;
    settings.samples = 50;
    const GradCheckReport r = gradientCheck(s, settings);
    const PlotSpec spec = gradcheckPlot(r);
    const Series& numeric = series(spec, 0, QStringLiteral("one element of dx"));
    QCOMPARE(numeric.y.size(), std::size_t(50));
    std::size_t drawn = 0;
    for (const Series& e : spec.panels[1].series)
        if (e.kind == SeriesKind::Points)
            for (const double x : e.x) {
                ++drawn;
                QVERIFY(std::binary_search(r.checkedDx.begin(), r.checkedDx.end(), Eigen::Index(x)));
            }
    QCOMPARE(drawn, std::size_t(50));
    QVERIFY2(spec.caption.contains("50 of the 4096 entries"), qPrintable(spec.caption));
}

// x of scale 1e20: fine in float64, but its variance overflows float32 at every step. The
// float32 line once lay flat along the floor.
void TestPlots::hsweepSaysOverflowInsteadOfAFlatLine()
{
    Session s = load(QStringLiteral("small_4x3")).session;
    s.x *= 1e20;
    QVERIFY(analyze(s).ok());
    const PlotSpec spec = checkPlot(QStringLiteral("hsweep"), s);
    QVERIFY(series(spec, 0, QStringLiteral("float32")).y.empty());
    QVERIFY(!series(spec, 0, QStringLiteral("float64")).y.empty());
    QVERIFY2(spec.caption.contains("float32 overflows at 37 of the 37 steps"), qPrintable(spec.caption));
}

QTEST_MAIN(TestPlots)
#include "test_plots.moc"
