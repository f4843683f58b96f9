// The export defects of issue 12 ("What was seen", Exports and Other): each test failed before
// its fix. The plots are built from core's results, rendered and exported as a user would.
#include "elements.h"

#include <document/display_settings.h>
#include <document/examples.h>
#include <document/session_document.h>
#include <plots/plot_builders.h>
#include <plots/plot_export.h>
#include <plots/plot_renderer.h>
#include <plots/plots_panel.h>
#include <plots/timing_controls.h>
#include <walkthrough/handout.h>

#include <core/model/session.h>

#include <qcustomplot.h>

#include <QImage>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>

using namespace bnflow;
using namespace bnflow::ui;

class TestExports : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void svgTextIsThePngTextSize();
    void pngIsThePixelSizeAsked();
    void gradcheckPlotReadsCoresAnalyticDx_data();
    void gradcheckPlotReadsCoresAnalyticDx();
    void timingsCaptionSaysOnlyWhatWasMeasured();
    void integerAxesHaveIntegerTicks();
    void exportSuggestsANameAndConfirms();
    void handoutCoverShowsDout();
    void cancelledTimingsResetTheProgressBar();
    void legendKeepsUnderscores();
};

namespace {

Session randomSession(Eigen::Index n, Eigen::Index d, std::uint64_t seed)
{
    Session s = exampleSession();
    s.x = (5.0 * standardNormalMatrix(n, d, seed).array() + 12.0).matrix();
    s.gamma = RowVector::LinSpaced(d, 0.5, 2.0);
    s.beta = RowVector::LinSpaced(d, -1.0, 1.0);
    s.doutSeed = seed + 1;
    s.dout = standardNormalMatrix(n, d, seed + 1);
    return s;
}

PlotSpec gradientsSpec()
{
    const Session s = exampleSession();
    return documentPlot(QStringLiteral("gradients"), s, *analyze(s).analysis);
}

}  // namespace

// QSvgGenerator's default is 72 dpi: a 15 pt title was 15 user units there and 20 px in the PNG.
void TestExports::svgTextIsThePngTextSize()
{
    const PlotStyle style;  // 10 pt: the title is 15 pt bold
    const QByteArray svg = renderPlotBytes(gradientsSpec(), ImageFormat::Svg, {800, 600, 96}, style);
    QVERIFY(!svg.isEmpty());
    double largest = 0;
    const QRegularExpression size(QStringLiteral("font-size=\"([0-9.]+)(pt|px)?\""));
    for (auto m = size.globalMatch(QString::fromUtf8(svg)); m.hasNext();) {
        const auto match = m.next();
        double value = match.captured(1).toDouble();
        if (match.captured(2) == QLatin1String("pt"))
            value *= 96.0 / 72.0;
        largest = std::max(largest, value);
    }
    QCOMPARE(largest, (style.fontPointSize + 5) * 96.0 / 72.0);
}

// "1600 px x 1000 px at 192 dpi" is a 1600 x 1000 image; the dpi is stored and scales the text.
void TestExports::pngIsThePixelSizeAsked()
{
    const PlotSpec spec = gradientsSpec();
    const QImage at96 = QImage::fromData(renderPlotBytes(spec, ImageFormat::Png, {1600, 1000, 96}, {}), "PNG");
    const QImage at192 = QImage::fromData(renderPlotBytes(spec, ImageFormat::Png, {1600, 1000, 192}, {}), "PNG");
    QCOMPARE(at96.size(), QSize(1600, 1000));
    QCOMPARE(at192.size(), QSize(1600, 1000));
    QCOMPARE(qRound(at192.dotsPerMeterX() * 0.0254), 192);
    QVERIFY(at96 != at192);  // drawn at twice the scale, not the same picture relabelled
}

void TestExports::gradcheckPlotReadsCoresAnalyticDx_data()
{
    QTest::addColumn<int>("which");
    QTest::newRow("built-in") << 0;
    QTest::newRow("CS231n example") << 1;
    QTest::newRow("random 16 x 5") << 2;
    QTest::newRow("random 64 x 3") << 3;
}

// The scatter's "analytic dx" is the Analysis' fused dx (what `grad` prints as fused dx), bit
// for bit: not a third computation.
void TestExports::gradcheckPlotReadsCoresAnalyticDx()
{
    QFETCH(int, which);
    const Session session = which == 0   ? exampleSession()
                            : which == 1 ? examples().at(1).session
                            : which == 2 ? randomSession(16, 5, 7)
                                         : randomSession(64, 3, 11);
    const AnalysisResult result = analyze(session);
    QVERIFY(result.ok());
    const Matrix& fused = result.analysis->fused.grads.dx;
    const PlotSpec spec = checkPlot(QStringLiteral("gradcheck"), session);
    const Series* points = nullptr;
    for (const Series& s : spec.panels.at(0).series)
        if (s.name == QLatin1String("one element of dx"))
            points = &s;
    QVERIFY(points);
    QCOMPARE(points->x.size(), std::size_t(fused.size()));
    int differing = 0;
    const Eigen::Index n = fused.rows();
    for (std::size_t k = 0; k < points->x.size(); ++k)
        if (std::memcmp(&points->x[k], &fused(Eigen::Index(k) % n, Eigen::Index(k) / n), sizeof(double)) != 0)
            ++differing;
    QCOMPARE(differing, 0);
    QVERIFY(spec.panels.at(0).xLabel.contains(QStringLiteral("fused")));
}

void TestExports::timingsCaptionSaysOnlyWhatWasMeasured()
{
    const PlotSpec none = timingsPlot({}, QStringLiteral("test cpu"));
    QVERIFY2(!none.caption.contains(QStringLiteral("Measured on")), qPrintable(none.caption));
    QVERIFY2(!none.caption.contains(QStringLiteral("dashed")), qPrintable(none.caption));

    const auto point = [](Eigen::Index rows, Dtype dtype, Variant variant, double median) {
        TimingPoint p{rows, 64, dtype, variant, {}};
        p.result.minUs = 0.9 * median;
        p.result.p25Us = 0.95 * median;
        p.result.medianUs = median;
        p.result.p75Us = 1.05 * median;
        p.result.samples = 5;
        return p;
    };
    const std::vector<TimingPoint> f64{point(16, Dtype::F64, Variant::Staged, 3), point(16, Dtype::F64, Variant::Fused, 1),
                                       point(64, Dtype::F64, Variant::Staged, 9), point(64, Dtype::F64, Variant::Fused, 4)};
    const PlotSpec only64 = timingsPlot(f64, QStringLiteral("test cpu"));
    QVERIFY2(only64.caption.contains(QStringLiteral("Measured on test cpu")), qPrintable(only64.caption));
    QVERIFY2(!only64.caption.contains(QStringLiteral("float32")), qPrintable(only64.caption));
    QVERIFY2(!only64.caption.contains(QStringLiteral("dashed")), qPrintable(only64.caption));

    std::vector<TimingPoint> both = f64;
    both.push_back(point(16, Dtype::F32, Variant::Staged, 2));
    both.push_back(point(16, Dtype::F32, Variant::Fused, 1));
    const PlotSpec mixed = timingsPlot(both, QStringLiteral("test cpu"));
    QVERIFY2(mixed.caption.contains(QStringLiteral("dashed: float32")), qPrintable(mixed.caption));
    QVERIFY2(!mixed.caption.contains(QStringLiteral("copies")), qPrintable(mixed.caption));  // no copy run

    // The bandwidth panel: each curve's GB/s is s (3 N D + 4 D) bytes over its fastest call; with
    // a copy bandwidth, its line and the two-pass bound (3 N D + 4 D) / (5 N D + 4 D) of it.
    const PlotSpec rated = timingsPlot(f64, QStringLiteral("test cpu"), 12.5);
    QCOMPARE(rated.panels.size(), std::size_t(3));
    QVERIFY2(rated.caption.contains(QStringLiteral("copies 12.5 GB/s")), qPrintable(rated.caption));
    const Panel& rates = rated.panels.at(2);
    const auto series = [&rates](const QString& name) -> const Series* {
        for (const Series& s : rates.series)
            if (s.name == name)
                return &s;
        return nullptr;
    };
    const Series* fused = series(QStringLiteral("f64 fused GB/s"));
    QVERIFY(fused);
    QCOMPARE(fused->y.size(), std::size_t(2));
    QCOMPARE(fused->y.at(1), 8.0 * (3 * 64 * 64 + 4 * 64) / (0.9 * 4 * 1e-6) / 1e9);
    const Series* copy = series(QStringLiteral("copy bandwidth, one core"));
    QVERIFY(copy && !copy->y.empty() && copy->y.front() == 12.5);
    const Series* bound = series(QStringLiteral("two-pass bound"));
    QVERIFY(bound);
    QCOMPARE(bound->y.at(0), 12.5 * (3.0 * 16 * 64 + 4 * 64) / (5.0 * 16 * 64 + 4 * 64));
}

// An axis of element indices k gets ticks at whole k only (never 2.5).
void TestExports::integerAxesHaveIntegerTicks()
{
    const Session s = exampleSession();
    const Analysis analysis = *analyze(s).analysis;
    const std::pair<PlotSpec, int> cases[] = {{checkPlot(QStringLiteral("gradcheck"), s), 1},
                                              {documentPlot(QStringLiteral("difference"), s, analysis), 0}};
    for (const auto& [spec, panel] : cases) {
        QVERIFY2(spec.panels.at(std::size_t(panel)).xLabel.startsWith(QStringLiteral("element k")),
                 qPrintable(spec.name));
        for (const QSize size : {QSize(1600, 1000), QSize(400, 300)}) {
            QCustomPlot plot;
            plot.resize(size);
            const auto rects = renderPlot(&plot, spec, {});
            plot.replot();
            QCPAxis* axis = rects.at(std::size_t(panel))->axis(QCPAxis::atBottom);
            const QVector<double> ticks = axis->tickVector();
            QVERIFY(!ticks.isEmpty());
            for (const double t : ticks)
                QVERIFY2(t == std::round(t), qPrintable(QStringLiteral("%1: tick at %2").arg(spec.name).arg(t)));
        }
    }
}

// The dialog is offered a name made of the session's title and the plot's name; once written,
// the panel says where.
void TestExports::exportSuggestsANameAndConfirms()
{
    SessionDocument document;
    DisplaySettings display;
    PlotsPanel panel(&document, &display);
    QVERIFY(panel.selectPlot(QStringLiteral("params")));
    QTemporaryDir dir;
    QString offered;
    const QString path = dir.filePath(QStringLiteral("chosen.png"));
    panel.chooseFile = [&](const QString&, const QString&, const QString& suggested) {
        offered = suggested;
        return path;
    };
    QSignalSpy confirmed(&panel, &PlotsPanel::exported);
    for (QPushButton* b : panel.findChildren<QPushButton*>())
        if (b->text() == QLatin1String("Export image..."))
            b->click();
    QVERIFY(QFile::exists(path));
    QCOMPARE(QFileInfo(offered).fileName(), QStringLiteral("built-in-example-4-samples-3-features-params.png"));
    QCOMPARE(confirmed.count(), 1);
    QVERIFY(confirmed.at(0).at(0).toString().contains(path));
}

void TestExports::handoutCoverShowsDout()
{
    SessionDocument document;
    DisplaySettings display;
    const QString cover = handoutCoverHtml(document.session(), display, QStringLiteral("feature 0"));
    QVERIFY(cover.contains(QStringLiteral("dout")));
    const Matrix& dout = document.session().dout;
    for (Eigen::Index i = 0; i < dout.rows(); ++i)
        for (Eigen::Index j = 0; j < dout.cols(); ++j)
            QVERIFY2(cover.contains(QStringLiteral(">%1<").arg(display.format(dout(i, j)))),
                     qPrintable(display.format(dout(i, j))));
}

void TestExports::cancelledTimingsResetTheProgressBar()
{
    SessionDocument document;
    DisplaySettings display;
    PlotsPanel panel(&document, &display);
    QVERIFY(panel.selectPlot(QStringLiteral("timings")));
    QPushButton* run = panel.timingControls()->runButton();
    QPushButton* cancel = panel.timingControls()->cancelButton();
    run->click();
    QTRY_VERIFY_WITH_TIMEOUT(panel.timingControls()->progressBar()->value() > 0, 30000);  // part-way through
    cancel->click();
    QTRY_VERIFY_WITH_TIMEOUT(run->isEnabled(), 30000);
    QVERIFY2(panel.timingControls()->progressBar()->value() < panel.timingControls()->progressBar()->minimum() + 1,
             qPrintable(panel.timingControls()->progressBar()->text()));
    QVERIFY(panel.timingControls()->progressBar()->text().isEmpty() || panel.timingControls()->progressBar()->text() == QLatin1String("0%"));
}

// "sum_i" lost its underscore: the glyph reaches a row below the font's descent, outside the
// legend item. A legend entry of underscores only must leave ink beside its sample.
void TestExports::legendKeepsUnderscores()
{
    PlotSpec spec;
    spec.name = QStringLiteral("params");
    spec.title = QStringLiteral("underscores");
    Panel panel{QStringLiteral("feature j"), QStringLiteral("value")};
    Series bars{QStringLiteral("________________"), SeriesKind::Bars, 0};
    bars.x = {0, 1};
    bars.y = {1, 2};
    panel.series = {bars};
    spec.panels = {panel};
    for (const int points : {9, 10, 12}) {
        QCustomPlot plot;
        plot.resize(800, 500);
        PlotStyle style;
        style.fontPointSize = points;
        renderPlot(&plot, spec, style);
        const QImage image = plot.toPixmap(800, 500, 1.0).toImage();
        QCPPlottableLegendItem* item = nullptr;
        for (QCPLayoutElement* element : plot.plotLayout()->elements(true))
            if (auto* legendItem = qobject_cast<QCPPlottableLegendItem*>(element))
                item = legendItem;
        QVERIFY(item);
        const QRect r = item->outerRect();
        int ink = 0;
        for (int y = std::max(0, r.top()); y <= std::min(image.height() - 1, r.bottom() + 4); ++y)
            for (int x = r.left() + 45; x <= std::min(image.width() - 1, r.right()); ++x)
                if (image.pixelColor(x, y).lightness() < 128)
                    ++ink;
        QVERIFY2(ink > 20, qPrintable(QStringLiteral("%1 pt: %2 dark pixels").arg(points).arg(ink)));
    }
}

QTEST_MAIN(TestExports)
#include "test_exports.moc"
