// The Plots tab: it follows the document, exports what it shows, keeps the user's zoom across
// edits and redraws for a theme without recomputing. Its background work: test_plot_job.cpp.
#include "elements.h"
#include "random_session.h"

#include <document/display_settings.h>
#include <document/session_document.h>
#include <plots/plot_builders.h>
#include <plots/plot_view.h>
#include <plots/plots_panel.h>
#include <window/main_window.h>

#include <qcustomplot.h>

#include <QAction>
#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>

using namespace bnflow;
using namespace bnflow::ui;
using namespace bnflow::test;

namespace {

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
    QVERIFY(panel->view()->spec().panels[0].series[1].y == elements(document.analysis()->fused.dx));
    QVERIFY(window.showView(QStringLiteral("terms")));
    panel->setFeature(1);
    QVERIFY(panel->view()->spec().title.endsWith(QStringLiteral("feature 1")));
    QVERIFY(panel->view()->spec().panels[0].series[3].y ==
            elements(document.analysis()->fused.dx.col(1)));

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
        QVERIFY(bytes.contains(DisplaySettings::fullPrecision(document.analysis()->fused.dbeta(0)).toUtf8()));
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
    const PlotSpec spec = familyPlot(QStringLiteral("gradients"), document.session(), *document.analysis());
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
