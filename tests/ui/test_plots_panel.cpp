// The Plots tab: it follows the document, exports what it shows, keeps the user's zoom across
// edits, and builds the slow plots (gradient check, h sweep) on a worker thread whose newest
// request wins.
#include "elements.h"

#include <document/display_settings.h>
#include <document/session_document.h>
#include <plots/plot_builders.h>
#include <plots/plot_job.h>
#include <plots/plot_view.h>
#include <plots/plots_panel.h>
#include <window/main_window.h>

#include <qcustomplot.h>

#include <QPushButton>
#include <QTabBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <stdexcept>

using namespace bnflow;
using namespace bnflow::ui;
using namespace bnflow::test;

namespace {

Session randomSession(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed)
{
    Session s;
    s.x = standardNormalMatrix(rows, cols, seed);
    s.dout = standardNormalMatrix(rows, cols, seed + 1);
    s.gamma = RowVector::Ones(cols);
    s.beta = RowVector::Zero(cols);
    return s;
}

QCPRange xRange(const PlotView& view)
{
    return view.plot()->axisRect(0)->axis(QCPAxis::atBottom)->range();
}

QCPRange yRange(const PlotView& view)
{
    return view.plot()->axisRect(0)->axis(QCPAxis::atLeft)->range();
}

// One notch of the mouse wheel over the middle of the first panel: QCustomPlot zooms in.
void wheelOverPlot(const PlotView& view)
{
    const QPointF at = view.plot()->axisRect(0)->rect().center();
    QWheelEvent wheel(at, view.plot()->mapToGlobal(at), QPoint(), QPoint(0, 120), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(view.plot(), &wheel);
}

PlotSpec named(const QString& name)
{
    PlotSpec spec;
    spec.name = name;
    return spec;
}

}  // namespace

class TestPlotsPanel : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void panelFollowsTheDocument();
    void panelExportButtons_data();
    void panelExportButtons();
    void zoomSurvivesEdits();
    void tickLabelsFollowTheZoom();
    void jobDeliversOnlyTheNewest();
    void jobCancelAndFailure();
    void cancelStopsARunningCheck();
    void checkPlotsRunOnAWorker();
    void switchingAwayDropsTheCheck();
    void hiddenTabCatchesUpWhenShown();
    void themeChangeDoesNotRecompute();
};

void TestPlotsPanel::panelFollowsTheDocument()
{
    SessionDocument document;
    DisplaySettings display;
    MainWindow window(&document, &display);
    PlotsPanel* panel = window.plotsPanel();
    for (const QString& name : plotNames()) {
        QVERIFY(window.showView(name));
        QTRY_VERIFY(!panel->computing());
        QCOMPARE(panel->view()->spec().name, name);
    }
    QVERIFY(!window.showView(QStringLiteral("nonsense")));
    QVERIFY(window.showView(QStringLiteral("gradients")));
    QVERIFY(document.setCell(Which::Dout, 0, 0, 4.25));
    QVERIFY(panel->view()->spec().panels[0].series[1].y == elements(document.analysis()->fused.grads.dx));
    QVERIFY(window.showView(QStringLiteral("terms")));
    panel->setFeature(1);
    QVERIFY(panel->view()->spec().title.endsWith(QStringLiteral("feature 1")));
    QVERIFY(panel->view()->spec().panels[0].series[3].y ==
            elements(document.analysis()->fused.grads.dx.col(1)));

    QVERIFY(window.showView(QStringLiteral("gradcheck")));
    panel->setStep(1e-3);
    QTRY_VERIFY(!panel->computing());
    QVERIFY(panel->view()->spec().title.endsWith(QStringLiteral("h = 0.001")));
    QVERIFY(panel->view()->spec().panels[0].series[1].y ==
            elements(gradientCheck(document.session(), 1e-3, Dtype::F64).numericDx));
    QVERIFY(window.showView(QStringLiteral("terms")));

    // File > Export plot image... exports the plot on show.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("terms.svg"));
    panel->chooseFile = [&path](const QString&, const QString&, const QString&) { return path; };
    QAction* action = nullptr;
    for (QAction* a : window.findChildren<QAction*>())
        if (a->text() == QLatin1String("Export &plot image..."))
            action = a;
    QVERIFY(action);
    action->trigger();
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll().contains("feature 1"));
}

void TestPlotsPanel::panelExportButtons_data()
{
    QTest::addColumn<QString>("button");
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QByteArray>("magic");
    QTest::newRow("png") << QStringLiteral("Export image...") << QStringLiteral("p.png") << QByteArray("\x89PNG");
    QTest::newRow("pdf") << QStringLiteral("Export image...") << QStringLiteral("p.pdf") << QByteArray("%PDF-");
    QTest::newRow("svg") << QStringLiteral("Export image...") << QStringLiteral("p.svg") << QByteArray("<?xml");
    QTest::newRow("csv") << QStringLiteral("Export CSV...") << QStringLiteral("p.csv") << QByteArray("panel,series,x,y");
}

void TestPlotsPanel::panelExportButtons()
{
    QFETCH(QString, button);
    QFETCH(QString, fileName);
    QFETCH(QByteArray, magic);
    SessionDocument document;
    DisplaySettings display;
    PlotsPanel panel(&document, &display);
    QVERIFY(panel.selectPlot(QStringLiteral("params")));
    QTemporaryDir dir;
    const QString path = dir.filePath(fileName);
    panel.chooseFile = [&path](const QString&, const QString&, const QString&) { return path; };
    QPushButton* target = nullptr;
    for (QPushButton* b : panel.findChildren<QPushButton*>())
        if (b->text() == button)
            target = b;
    QVERIFY(target);
    target->click();
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QVERIFY2(bytes.startsWith(magic), bytes.left(16).constData());
    if (fileName.endsWith(QLatin1String(".png")))  // the panel's defaults: 1600 x 1000 at 96 dpi
        QCOMPARE(QImage::fromData(bytes, "PNG").size(), QSize(1600, 1000));
    if (fileName.endsWith(QLatin1String(".csv")))
        QVERIFY(bytes.contains(DisplaySettings::fullPrecision(document.analysis()->fused.grads.dbeta(0)).toUtf8()));
}

void TestPlotsPanel::zoomSurvivesEdits()
{
    SessionDocument document;
    DisplaySettings display;
    PlotsPanel panel(&document, &display);
    panel.resize(1000, 800);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QVERIFY(panel.selectPlot(QStringLiteral("gradients")));
    PlotView* view = panel.view();
    const QCPRange fitted = xRange(*view);
    QVERIFY(!view->zoomed());

    wheelOverPlot(*view);
    QVERIFY(view->zoomed());
    const QCPRange zoomedX = xRange(*view);
    const QCPRange zoomedY = yRange(*view);
    QVERIFY2(zoomedX.size() < 0.95 * fitted.size(), "the wheel did not zoom in");

    // An edit redraws the plot with new numbers, in the ranges the user chose.
    const std::vector<double> before = view->spec().panels[0].series[1].y;
    QVERIFY(document.setCell(Which::Dout, 1, 1, 7.5));
    QVERIFY(view->spec().panels[0].series[1].y != before);
    QCOMPARE(xRange(*view), zoomedX);
    QCOMPARE(yRange(*view), zoomedY);
    QVERIFY(view->zoomed());

    // Reset zoom fits the data again, as a fresh view of the same plot does.
    panel.resetZoomButton()->click();
    QVERIFY(!view->zoomed());
    PlotView fresh;
    fresh.setSpec(view->spec(), {display.theme(), display.fontPointSize()});
    QCOMPARE(xRange(*view), xRange(fresh));
    QCOMPARE(yRange(*view), yRange(fresh));

    // So does a double-click on the plot.
    wheelOverPlot(*view);
    QVERIFY(view->zoomed());
    QTest::mouseDClick(view->plot(), Qt::LeftButton, Qt::NoModifier,
                       view->plot()->axisRect(0)->rect().center());
    QTRY_VERIFY(!view->zoomed());
    QCOMPARE(xRange(*view), xRange(fresh));

    // Another plot, and coming back, starts from fitted ranges.
    wheelOverPlot(*view);
    QVERIFY(panel.selectPlot(QStringLiteral("params")));
    QVERIFY(!view->zoomed());
    QVERIFY(panel.selectPlot(QStringLiteral("gradients")));
    QVERIFY(!view->zoomed());
    QCOMPARE(xRange(*view), xRange(fresh));
}

// The per-element bars of a 256 x 32 batch have 8192 labels: at most 12 are shown at a time,
// and zooming in shows every label in view.
void TestPlotsPanel::tickLabelsFollowTheZoom()
{
    SessionDocument document;
    document.reset(randomSession(256, 32, 3));
    const PlotSpec spec = gradientsPlot(*document.analysis());
    const QStringList& labels = spec.panels[1].xTickLabels;
    QCOMPARE(labels.size(), qsizetype(256 * 32));
    PlotView view;
    view.setSpec(spec, {});
    QCPAxis* axis = view.plot()->axisRect(1)->axis(QCPAxis::atBottom);
    const auto shown = [axis] {
        return axis->ticker().dynamicCast<QCPAxisTickerText>()->ticks();
    };
    QVERIFY(!shown().isEmpty());
    QVERIFY2(shown().size() <= 12, qPrintable(QString::number(shown().size())));
    for (auto t = shown().cbegin(); t != shown().cend(); ++t)
        QCOMPARE(t.value(), labels[int(t.key())]);

    axis->setRange(100.5, 108.5);  // as a zoom does
    QCOMPARE(shown().size(), 8);  // 101 ... 108, every one
    QCOMPARE(shown().firstKey(), 101.0);
    QCOMPARE(shown().value(104.0), labels[104]);
    axis->setRange(1000, 1060);  // 61 in view: every 6th, at multiples of 6: 1002 ... 1056
    QCOMPARE(shown().size(), 10);
    QCOMPARE(shown().firstKey(), 1002.0);
    QCOMPARE(shown().lastKey(), 1056.0);
    axis->setRange(-1e200, 1e200);  // zoomed far out: still at most 12, still in range
    QVERIFY(!shown().isEmpty() && shown().size() <= 12);
    QVERIFY(shown().firstKey() >= 0 && shown().lastKey() < labels.size());
    axis->setRange(9000, 9100);  // panned past the last element: nothing to label
    QVERIFY(shown().isEmpty());
}

void TestPlotsPanel::jobDeliversOnlyTheNewest()
{
    PlotJob job;
    std::vector<QString> delivered;
    connect(&job, &PlotJob::ready, this, [&](const PlotSpec& spec) { delivered.push_back(spec.name); });
    std::atomic<bool> gate{false};
    std::atomic<int> ran{0};
    job.request([&] {
        while (!gate)
            QThread::msleep(1);
        ++ran;
        return named(QStringLiteral("A"));
    });
    QVERIFY(job.busy());
    // Two more while A runs: B is replaced by C before it starts, A's result is stale.
    job.request([&] { ++ran; return named(QStringLiteral("B")); });
    job.request([&] { ++ran; return named(QStringLiteral("C")); });
    gate = true;
    QTRY_VERIFY(!job.busy());
    QTRY_VERIFY(!job.running());
    QCoreApplication::processEvents();
    QCOMPARE(delivered, std::vector<QString>{QStringLiteral("C")});
    QCOMPARE(ran.load(), 2);  // A and C; B never ran
}

// Cancel reaches the check itself: core polls the job's stop flag between entries, so the
// worker ends at once instead of finishing a computation nobody will see.
void TestPlotsPanel::cancelStopsARunningCheck()
{
    Session session;
    session.x = standardNormalMatrix(256, 32, 1);
    session.dout = standardNormalMatrix(256, 32, 2);
    session.gamma = RowVector::Ones(32);
    session.beta = RowVector::Zero(32);
    PlotJob job;
    std::vector<PlotSpec> delivered;
    connect(&job, &PlotJob::ready, this, [&](const PlotSpec& spec) { delivered.push_back(spec); });
    PlotOptions options;
    options.cancel = job.stopFlag();
    options.progress = job.progressSink();
    std::atomic<bool> finished{false};
    job.request([&, options] {
        PlotSpec spec = checkPlot(QStringLiteral("hsweep"), session, options);  // about 1 s in all
        finished = true;
        return spec;
    });
    QTRY_VERIFY(job.progress().first > 0);  // progress arrives from the worker
    QVERIFY(job.progress().first < job.progress().second);
    job.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(!job.running(), 2000);  // one step of the sweep, not the whole sweep
    QVERIFY(finished);
    QCoreApplication::processEvents();
    QVERIFY(delivered.empty());

    std::atomic<bool> stop{true};
    options.cancel = &stop;
    options.progress = nullptr;
    const PlotSpec spec = checkPlot(QStringLiteral("gradcheck"), session, options);
    QVERIFY(spec.panels.empty());
    QVERIFY2(spec.caption.contains("cancelled"), qPrintable(spec.caption));
}

void TestPlotsPanel::jobCancelAndFailure()
{
    PlotJob job;
    std::vector<PlotSpec> delivered;
    connect(&job, &PlotJob::ready, this, [&](const PlotSpec& spec) { delivered.push_back(spec); });
    std::atomic<bool> gate{false};
    job.request([&] {
        while (!gate)
            QThread::msleep(1);
        return named(QStringLiteral("A"));
    });
    job.cancel();
    QVERIFY(!job.busy());
    gate = true;
    QTRY_VERIFY(!job.running());
    QCoreApplication::processEvents();
    QVERIFY(delivered.empty());

    job.request([]() -> PlotSpec { throw std::runtime_error("no memory for the sweep"); });
    QTRY_VERIFY(!job.busy());
    QCOMPARE(delivered.size(), std::size_t(1));
    QVERIFY(delivered[0].panels.empty());
    QCOMPARE(delivered[0].caption, QStringLiteral("no memory for the sweep"));

    // Destroying a job waits for its worker instead of leaving it writing into freed memory.
    auto* doomed = new PlotJob;
    std::atomic<bool> finished{false};
    doomed->request([&] {
        QThread::msleep(50);
        finished = true;
        return named(QStringLiteral("late"));
    });
    delete doomed;
    QVERIFY(finished);
}

void TestPlotsPanel::checkPlotsRunOnAWorker()
{
    SessionDocument document;
    document.reset(randomSession(64, 16, 7));
    DisplaySettings display;
    PlotsPanel panel(&document, &display);
    QPushButton* exportImage = nullptr;
    for (QPushButton* b : panel.findChildren<QPushButton*>())
        if (b->text() == QLatin1String("Export image..."))
            exportImage = b;
    QVERIFY(exportImage);

    QVERIFY(panel.selectPlot(QStringLiteral("hsweep")));
    // Not computed inside the call: the result arrives through the event loop.
    QVERIFY(panel.computing());
    QCOMPARE(panel.view()->spec().name, QStringLiteral("gradients"));  // the previous plot
    QVERIFY(!exportImage->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(!panel.computing(), 60000);
    QVERIFY(exportImage->isEnabled());
    const PlotSpec expected = checkPlot(QStringLiteral("hsweep"), document.session());
    QCOMPARE(panel.view()->spec().name, QStringLiteral("hsweep"));
    QCOMPARE(panel.view()->spec().panels.size(), expected.panels.size());
    for (std::size_t s = 0; s < expected.panels[0].series.size(); ++s)
        QVERIFY(panel.view()->spec().panels[0].series[s].y == expected.panels[0].series[s].y);

    // A burst of edits while the check runs: the plot ends up showing the last session.
    QVERIFY(panel.selectPlot(QStringLiteral("gradcheck")));
    for (int k = 0; k < 5; ++k)
        QVERIFY(document.setCell(Which::X, k, 2, 0.5 * k - 1.0));
    QVERIFY(panel.computing());
    QTRY_VERIFY_WITH_TIMEOUT(!panel.computing(), 60000);
    QVERIFY(panel.view()->spec().panels[0].series[1].y ==
            elements(gradientCheck(document.session(), 1e-5, Dtype::F64).numericDx));
}

void TestPlotsPanel::switchingAwayDropsTheCheck()
{
    SessionDocument document;
    document.reset(randomSession(128, 16, 11));
    DisplaySettings display;
    PlotsPanel panel(&document, &display);
    QVERIFY(panel.selectPlot(QStringLiteral("hsweep")));
    QVERIFY(panel.selectPlot(QStringLiteral("params")));
    QVERIFY(!panel.computing());
    QCOMPARE(panel.view()->spec().name, QStringLiteral("params"));
    auto* job = panel.findChild<PlotJob*>();
    QVERIFY(job);
    QTRY_VERIFY_WITH_TIMEOUT(!job->running(), 60000);
    QCoreApplication::processEvents();
    QCOMPARE(panel.view()->spec().name, QStringLiteral("params"));  // the late sweep was dropped
}

// A plot is not rebuilt while its tab is hidden (the gradient check would run on every edit for
// nobody); clicking the tab brings it up to date.
void TestPlotsPanel::hiddenTabCatchesUpWhenShown()
{
    SessionDocument document;
    document.reset(randomSession(32, 8, 5));
    DisplaySettings display;
    MainWindow window(&document, &display);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    PlotsPanel* panel = window.plotsPanel();
    QVERIFY(window.showView(QStringLiteral("gradcheck")));
    QTRY_VERIFY(!panel->computing());
    const std::vector<double> before = panel->view()->spec().panels[0].series[1].y;

    QVERIFY(window.showView(QStringLiteral("results")));
    QVERIFY(document.setCell(Which::X, 0, 0, 3.5));
    QVERIFY(document.setCell(Which::Dout, 1, 1, -2.0));
    QVERIFY(!panel->computing());
    QVERIFY(panel->view()->spec().panels[0].series[1].y == before);

    QTabBar* bar = window.tabs()->tabBar();
    QTest::mouseClick(bar, Qt::LeftButton, Qt::NoModifier, bar->tabRect(window.tabs()->indexOf(panel)).center());
    QCOMPARE(window.tabs()->currentWidget(), panel);
    QTRY_VERIFY(!panel->computing());
    QVERIFY(panel->view()->spec().panels[0].series[1].y ==
            elements(gradientCheck(document.session(), 1e-5, Dtype::F64).numericDx));
}

// Switching to the dark theme redraws the gradient check in dark colours without running it.
void TestPlotsPanel::themeChangeDoesNotRecompute()
{
    SessionDocument document;
    DisplaySettings display;
    PlotsPanel panel(&document, &display);
    QVERIFY(panel.selectPlot(QStringLiteral("gradcheck")));
    QTRY_VERIFY(!panel.computing());
    const std::vector<double> numeric = panel.view()->spec().panels[0].series[1].y;
    const auto corner = [&panel] {
        return panel.view()->plot()->toPixmap(300, 200).toImage().pixelColor(2, 2).lightnessF();
    };
    QVERIFY(corner() > 0.9);
    display.setTheme(Theme::Dark);
    QVERIFY(!panel.computing());
    QVERIFY(corner() < 0.25);
    QVERIFY(panel.view()->spec().panels[0].series[1].y == numeric);
    display.setTheme(Theme::Light);  // settings outlive the test
}

QTEST_MAIN(TestPlotsPanel)
#include "test_plots_panel.moc"
