// The Plots tab's background work: PlotJob runs the slow plots (gradient check, h sweep) on a
// worker thread, delivers only the newest request, stops a running check on cancel, reports a
// failure as a caption, and the panel drops or catches up on results the user no longer sees.
#include "elements.h"
#include "random_session.h"

#include <document/display_settings.h>
#include <document/session_document.h>
#include <plots/plot_builders.h>
#include <plots/plot_job.h>
#include <plots/plot_view.h>
#include <plots/plots_panel.h>
#include <window/main_window.h>

#include <QPushButton>
#include <QTabBar>
#include <QTabWidget>
#include <QtTest>

#include <atomic>
#include <stdexcept>

using namespace bnflow;
using namespace bnflow::ui;
using namespace bnflow::test;

namespace {

PlotSpec named(const QString& name)
{
    PlotSpec spec;
    spec.name = name;
    return spec;
}

}  // namespace

class TestPlotJob : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void jobDeliversOnlyTheNewest();
    void jobCancelAndFailure();
    void cancelStopsARunningCheck();
    void checkPlotsRunOnAWorker();
    void switchingAwayDropsTheCheck();
    void hiddenTabCatchesUpWhenShown();
};

void TestPlotJob::jobDeliversOnlyTheNewest()
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
void TestPlotJob::cancelStopsARunningCheck()
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

void TestPlotJob::jobCancelAndFailure()
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

void TestPlotJob::checkPlotsRunOnAWorker()
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

void TestPlotJob::switchingAwayDropsTheCheck()
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
void TestPlotJob::hiddenTabCatchesUpWhenShown()
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

QTEST_MAIN(TestPlotJob)
#include "test_plot_job.moc"
