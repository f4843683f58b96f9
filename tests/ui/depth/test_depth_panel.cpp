// The Depth tab driven through its widgets: the settings' spin boxes, combo boxes, the gain's
// slider and preset buttons change the network document (one undo step each) and the plots;
// Train runs in the background with progress and can be cancelled; a layer's norm opens in the
// walkthrough with that layer's batch; network files and lessons open in the tab.
#include "window_fixture.h"

#include <depth/depth_panel.h>
#include <depth/depth_trainer.h>
#include <depth/network_document.h>
#include <depth/network_examples.h>
#include <plots/plot_view.h>
#include <walkthrough/lecture_mode.h>
#include <walkthrough/walkthrough_panel.h>
#include <window/file_actions.h>

#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

#include <qcustomplot.h>

using namespace bnflow;
using namespace bnflow::ui;

class TestDepthPanel : public QObject, bnflow::test::WindowFixture {
    Q_OBJECT
private slots:
    void init() { QVERIFY(openWindow(QStringLiteral("depth"))); }
    void cleanup()
    {
        network()->undoStack()->setClean();
        closeWindow();
    }
    void spinBoxesEditTheNetwork();
    void comboBoxesEditTheNetwork();
    void gainPresetsAndSlider();
    void compareShowsTheOtherNormBeside();
    void trainRunsInTheBackground();
    void trainCanBeCancelled();
    void clickingANormOpensTheWalkthrough();
    void clickingALayersHistogramOpensItsNorm();
    void titleNamesTheNetworkOnTheDepthTab();
    void statusBarSpeaksOfTheNetworkOnTheDepthTab();
    void networkFilesOpenAndSaveInTheTab();
    void lessonsAreInFileExamples();
    void exportWritesTheTabsPlot();
    void lectureModeFromTheTabGivesTheDocksBack();

private:
    DepthPanel* panel() const { return window_->depthPanel(); }
    NetworkDocument* network() const { return window_->networkDocument(); }
    template <typename T> T* child(const char* name) const
    {
        T* w = panel()->findChild<T*>(QLatin1String(name));
        [&] { QVERIFY2(w, name); }();
        return w;
    }
};

void TestDepthPanel::spinBoxesEditTheNetwork()
{
    QVERIFY(window_->tabs()->currentWidget()->isAncestorOf(panel()));
    auto* layers = child<QSpinBox>("depthLayers");
    layers->setFocus();
    QTest::keyClick(layers, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(layers, "3");
    QTest::keyClick(layers, Qt::Key_Return);
    QCOMPARE(network()->file().layers, 3);
    QCOMPARE(network()->undoStack()->count(), 1);  // typed digits are one step, on Enter
    QCOMPARE(int(panel()->activationsView()->spec().panels.size()), 3);
    QCOMPARE(int(panel()->gradientsView()->spec().panels.size()), 3);

    auto* width = child<QSpinBox>("depthWidth");
    QTest::keyClick(width, Qt::Key_Down);
    QCOMPARE(network()->file().width, Eigen::Index(99));
    QCOMPARE(network()->network().layers[0].W.cols(), Eigen::Index(99));
    auto* batch = child<QSpinBox>("depthBatch");
    QTest::keyClick(batch, Qt::Key_Up);
    QCOMPARE(network()->data().x.rows(), Eigen::Index(33));
    auto* seed = child<QSpinBox>("depthSeed");
    QTest::keyClick(seed, Qt::Key_Up);
    QCOMPARE(network()->file().seed, std::uint64_t(43));
    QCOMPARE(network()->undoStack()->count(), 4);

    network()->undoStack()->undo();
    QCOMPARE(seed->value(), 42);  // the widgets follow the document
    network()->undoStack()->setIndex(0);
    QCOMPARE(layers->value(), 5);
    QCOMPARE(int(panel()->activationsView()->spec().panels.size()), 5);
}

void TestDepthPanel::comboBoxesEditTheNetwork()
{
    auto* norm = child<QComboBox>("depthNorm");
    QCOMPARE(norm->currentData().toString(), QStringLiteral("batchnorm"));
    norm->setFocus();
    QTest::keyClick(norm, Qt::Key_Up);  // batch norm -> none
    QVERIFY(!network()->file().norm);
    QVERIFY(panel()->activationsView()->spec().title.contains(QLatin1String("no norm")));
    QTest::keyClick(norm, Qt::Key_Down);
    QTest::keyClick(norm, Qt::Key_Down);
    QCOMPARE(network()->file().norm, std::optional<Layer>(Layer::LayerNorm));
    auto* activation = child<QComboBox>("depthActivation");
    QTest::keyClick(activation, Qt::Key_Down);
    QCOMPARE(network()->file().activation, Activation::Relu);
    // relu has no saturated tails to mark
    QCOMPARE(int(panel()->activationsView()->spec().panels[0].series.size()), 1);
    QCOMPARE(network()->undoStack()->count(), 4);
}

void TestDepthPanel::gainPresetsAndSlider()
{
    const std::pair<const char*, double> presets[] = {{"0.5", 0.5}, {"3", 3.0}, {"1", 1.0}, {"5/3", 5.0 / 3.0}};
    int steps = 0;
    for (const auto& [text, value] : presets) {
        auto* button = panel()->findChild<QPushButton*>(QStringLiteral("gainPreset ") + QLatin1String(text));
        QVERIFY2(button, text);
        const double lossBefore = network()->picture().loss;
        QTest::mouseClick(button, Qt::LeftButton);
        QCOMPARE(network()->file().gain, value);
        QCOMPARE(child<QDoubleSpinBox>("depthGain")->value(), std::round(value * 1e4) / 1e4);
        QVERIFY(network()->picture().loss != lossBefore);
        QCOMPARE(network()->undoStack()->count(), ++steps);
    }
    // A drag: many gains, one undo step.
    auto* slider = child<QSlider>("depthGainSlider");
    slider->setSliderDown(true);
    for (int v = 60; v <= 240; v += 20)
        slider->setSliderPosition(v);
    slider->setSliderDown(false);
    QCOMPARE(network()->file().gain, 2.4);
    QCOMPARE(network()->undoStack()->count(), steps + 1);
    QCOMPARE(panel()->ratiosView()->spec().panels[1].series[0].y[0], network()->picture().stats[0].act.std);
    network()->undoStack()->undo();
    QCOMPARE(network()->file().gain, 5.0 / 3.0);
}

void TestDepthPanel::compareShowsTheOtherNormBeside()
{
    QVERIFY(panel()->compareActivationsView()->isHidden());
    auto* compare = child<QComboBox>("depthCompare");
    compare->setFocus();
    QTest::keyClick(compare, Qt::Key_Down);  // off -> no norm
    QVERIFY(network()->comparePicture());
    // On a laptop the two networks' histograms of one kind stand side by side, none cut off:
    // activations first, gradients on the Histograms box.
    window_->resize(1366, 768);
    const auto shown = [this] {
        QList<PlotView*> views;
        for (PlotView* v : {panel()->activationsView(), panel()->gradientsView(), panel()->compareActivationsView(),
                            panel()->compareGradientsView()})
            if (!v->isHidden())
                views << v;
        return views;
    };
    const auto wholeOnScreen = [this](PlotView* v) {
        const QRect inWindow(v->mapTo(window_, QPoint(0, 0)), v->size());
        return inWindow.right() < window_->width() && v->width() >= v->minimumWidth();
    };
    QCOMPARE(shown(), (QList<PlotView*>{panel()->activationsView(), panel()->compareActivationsView()}));
    QTRY_VERIFY(wholeOnScreen(panel()->compareActivationsView()));
    auto* kind = child<QComboBox>("depthCompareShows");
    QVERIFY(kind->isEnabled());
    kind->setFocus();
    QTest::keyClick(kind, Qt::Key_Down);  // gradients
    QCOMPARE(shown(), (QList<PlotView*>{panel()->gradientsView(), panel()->compareGradientsView()}));
    QTRY_VERIFY(wholeOnScreen(panel()->compareGradientsView()));
    QVERIFY(panel()->compareActivationsView()->spec().title.contains(QLatin1String("no norm")));
    QCOMPARE(panel()->compareActivationsView()->spec().panels[0].xRange, panel()->activationsView()->spec().panels[0].xRange);
    QCOMPARE(network()->undoStack()->count(), 0);
    compare->setFocus();
    QTest::keyClick(compare, Qt::Key_Up);
    QVERIFY(panel()->compareActivationsView()->isHidden());
    QCOMPARE(shown(), (QList<PlotView*>{panel()->activationsView(), panel()->gradientsView()}));
    QVERIFY(!kind->isEnabled());
}

void TestDepthPanel::trainRunsInTheBackground()
{
    auto* steps = child<QSpinBox>("depthSteps");
    steps->setValue(400);
    QSignalSpy progress(panel()->trainer(), &DepthTrainer::progress);
    QSignalSpy finished(panel()->trainer(), &DepthTrainer::finished);
    QTest::mouseClick(child<QPushButton>("depthTrain"), Qt::LeftButton);
    QVERIFY(panel()->trainer()->isRunning() || !finished.isEmpty());
    QVERIFY(!child<QPushButton>("depthTrain")->isEnabled() || !finished.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    QCOMPARE(finished.front().front().toBool(), false);
    QVERIFY(progress.count() >= 1);
    QCOMPARE(child<QProgressBar>("depthProgress")->value(), 400);
    QCOMPARE(int(panel()->trainer()->steps().size()), 400);
    // The plot is core's run of the same steps.
    Network net = network()->network();
    const DepthResult run = runDepth(net, network()->data(), 400, network()->file().lr);
    const Series& first = panel()->updatesView()->spec().panels[0].series[0];
    QCOMPARE(int(first.y.size()), 400);
    QCOMPARE(first.y.back(), run.report->steps.back().updateToData[0]);
    QVERIFY(child<QPushButton>("depthTrain")->isEnabled());
    // An edit makes the steps stale: they go.
    QVERIFY(network()->setSeed(5));
    QVERIFY(panel()->trainer()->steps().empty());
    QVERIFY(panel()->updatesView()->spec().panels[0].series[0].y.empty());
}

void TestDepthPanel::trainCanBeCancelled()
{
    child<QSpinBox>("depthSteps")->setValue(100000);
    QSignalSpy finished(panel()->trainer(), &DepthTrainer::finished);
    QTest::mouseClick(child<QPushButton>("depthTrain"), Qt::LeftButton);
    auto* bar = child<QProgressBar>("depthProgress");
    QTRY_VERIFY_WITH_TIMEOUT(bar->value() > 0, 30000);  // the bar moves while it runs
    QVERIFY(child<QPushButton>("depthCancel")->isEnabled());
    QTest::mouseClick(child<QPushButton>("depthCancel"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    QCOMPARE(finished.front().front().toBool(), true);
    const std::size_t done = panel()->trainer()->steps().size();
    QVERIFY(done > 0 && done < 100000);
    QCOMPARE(panel()->updatesView()->spec().panels[0].series[0].y.size(), done);
    QVERIFY(child<QLabel>("depthMessage")->text().contains(QLatin1String("Cancelled")));
}

void TestDepthPanel::clickingANormOpensTheWalkthrough()
{
    auto* layer = child<QComboBox>("depthLayer");
    layer->setCurrentIndex(2);
    QTest::mouseClick(child<QPushButton>("depthOpenNorm"), Qt::LeftButton);
    QCOMPARE(window_->tabs()->currentWidget(), static_cast<QWidget*>(window_->walkthrough()));
    const Session& s = document_->session();
    QVERIFY(s.x == network()->pass().forward.hidden[2].pre);
    QVERIFY(s.gamma == network()->network().layers[2].gamma);
    QCOMPARE(s.norm.layerOrDefault(), Layer::BatchNorm);
    QVERIFY(document_->filePath().isEmpty());  // untitled
    QVERIFY(document_->isComputed());
    // The session's docks are back with the session.
    QVERIFY(!window_->findChild<QDockWidget*>(QStringLiteral("batchDock"))->isHidden());
    // Without a norm there is nothing to open.
    QVERIFY(network()->setNorm(std::nullopt));
    QVERIFY(!child<QPushButton>("depthOpenNorm")->isEnabled());
}

void TestDepthPanel::clickingALayersHistogramOpensItsNorm()
{
    window_->resize(1366, 768);
    QCustomPlot* plot = panel()->findChild<PlotView*>(QStringLiteral("depthGradients"))->plot();
    QTRY_VERIFY(plot->isVisible() && plot->axisRectCount() == network()->file().layers);
    // A double-click (which fits the ranges again) opens nothing.
    const QPoint third = plot->axisRect(3)->rect().center();
    QTest::mouseDClick(plot, Qt::LeftButton, Qt::NoModifier, third);
    QTest::qWait(QApplication::doubleClickInterval() + 100);
    QVERIFY(window_->tabs()->currentWidget() != static_cast<QWidget*>(window_->walkthrough()));
    // A drag pans; it opens nothing either.
    QTest::mousePress(plot, Qt::LeftButton, Qt::NoModifier, third);
    QTest::mouseMove(plot, third + QPoint(30, 0));
    QTest::mouseRelease(plot, Qt::LeftButton, Qt::NoModifier, third + QPoint(30, 0));
    QTest::qWait(QApplication::doubleClickInterval() + 100);
    QVERIFY(window_->tabs()->currentWidget() != static_cast<QWidget*>(window_->walkthrough()));
    // A click on layer 3's gradients opens layer 3's norm with its batch.
    QTest::mouseClick(plot, Qt::LeftButton, Qt::NoModifier, third);
    QTRY_COMPARE(window_->tabs()->currentWidget(), static_cast<QWidget*>(window_->walkthrough()));
    QVERIFY(document_->session().x == network()->pass().forward.hidden[3].pre);
    QCOMPARE(child<QComboBox>("depthLayer")->currentIndex(), 3);
}

void TestDepthPanel::titleNamesTheNetworkOnTheDepthTab()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("deep.bnflow-net.json"));
    QString error;
    QVERIFY2(network()->save(path, &error), qPrintable(error));
    QVERIFY(window_->windowTitle().startsWith(QLatin1String("deep.bnflow-net.json")));
    QVERIFY(!window_->isWindowModified());
    QVERIFY(network()->setGain(0.5));
    QVERIFY(window_->isWindowModified());
    // The Results tab edits the session: its title, its modified state.
    window_->showView(QStringLiteral("results"));
    QVERIFY(!window_->windowTitle().contains(QLatin1String("deep")));
    QVERIFY(!window_->isWindowModified());
    window_->showView(QStringLiteral("depth"));
    QVERIFY(window_->windowTitle().startsWith(QLatin1String("deep.bnflow-net.json")));
    QVERIFY(window_->isWindowModified());
}

void TestDepthPanel::networkFilesOpenAndSaveInTheTab()
{
    QTemporaryDir dir;
    window_->showView(QStringLiteral("results"));
    QVERIFY(network()->setGain(0.5));
    window_->showView(QStringLiteral("depth"));
    QVERIFY(window_->findChild<QDockWidget*>(QStringLiteral("batchDock"))->isHidden());  // the tab takes their room
    const QString path = dir.filePath("n.bnflow-net.json");
    window_->files()->chooseFile = [&](const QString&, const QString&, bool, const QString&) { return path; };
    window_->files()->saveAction()->trigger();  // File > Save while the Depth tab shows: the network
    QVERIFY(!network()->isModified());
    QVERIFY(FileActions::isNetworkFile(path));
    QVERIFY(!document_->isModified());

    // Any name: the "format" says it is a network.
    const QString renamed = dir.filePath("plain.json");
    QVERIFY(QFile::copy(path, renamed));
    QVERIFY(network()->setLayers(2));
    network()->undoStack()->setClean();
    window_->showView(QStringLiteral("results"));
    QVERIFY(window_->files()->openPath(renamed));
    QVERIFY(window_->tabs()->currentWidget()->isAncestorOf(panel()));
    QCOMPARE(network()->file().gain, 0.5);
    QCOMPARE(network()->file().layers, 5);
}

void TestDepthPanel::lessonsAreInFileExamples()
{
    QMenu* lessons = nullptr;
    for (QAction* a : window_->files()->examplesMenu()->actions())
        if (a->menu() && a->text().contains(QLatin1String("Networks")))
            lessons = a->menu();
    QVERIFY(lessons);
    QCOMPARE(lessons->actions().size(), int(networkExamples().size()));
    window_->showView(QStringLiteral("results"));
    for (QAction* a : lessons->actions()) {
        QVERIFY(!a->statusTip().isEmpty());  // the note
        if (a->text().contains(QLatin1String("gain 0.5")) && a->text().contains(QLatin1String("no norm")))
            a->trigger();
    }
    QVERIFY(window_->tabs()->currentWidget()->isAncestorOf(panel()));
    QCOMPARE(network()->file().gain, 0.5);
    QVERIFY(!network()->file().norm);
}

void TestDepthPanel::exportWritesTheTabsPlot()
{
    QTemporaryDir dir;
    for (const char* ext : {"png", "svg", "pdf", "csv"}) {
        const QString path = dir.filePath(QStringLiteral("a.") + QLatin1String(ext));
        panel()->chooseFile = [&](const QString&, const QString&, const QString&) { return path; };
        QSignalSpy exported(panel(), &DepthPanel::exported);
        panel()->chooseAndExport();
        QCOMPARE(exported.count(), 1);
        QVERIFY(QFile(path).size() > 100);
    }
    QString error;
    QVERIFY(!panel()->exportPlotTo(QStringLiteral("depth-ratios"), dir.filePath("a.txt"), &error));
    QVERIFY(!error.isEmpty());
}

// F5 on the Depth tab: the lecture is the walkthrough's, without docks; after it the session's
// docks are back, with the walkthrough.
void TestDepthPanel::lectureModeFromTheTabGivesTheDocksBack()
{
    auto* batch = window_->findChild<QDockWidget*>(QStringLiteral("batchDock"));
    QVERIFY(batch->isHidden());
    QVERIFY(!panel()->activationsView()->spec().caption.isEmpty());
    // F5 on the Depth tab lectures the depth lab itself: full screen, larger type, no captions.
    window_->lectureMode()->setActive(true);
    QVERIFY(window_->tabs()->currentWidget()->isAncestorOf(panel()));
    QVERIFY(window_->menuBar()->isHidden());
    QVERIFY(panel()->lectureScale() > 1.0);
    QVERIFY(panel()->activationsView()->spec().caption.isEmpty());
    QCOMPARE(panel()->activationsView()->spec().panels[0].legendColumns, 1);
    const double scale = panel()->lectureScale();
    window_->lectureMode()->larger();  // Ctrl +
    QVERIFY(panel()->lectureScale() > scale);
    QVERIFY(batch->isHidden());
    window_->lectureMode()->setActive(false);
    QCOMPARE(panel()->lectureScale(), 1.0);
    QVERIFY(!panel()->activationsView()->spec().caption.isEmpty());
    QVERIFY(window_->tabs()->currentWidget()->isAncestorOf(panel()));
    QVERIFY(batch->isHidden());  // still the Depth tab, which takes their room
    window_->showView(QStringLiteral("results"));
    QVERIFY(!batch->isHidden());
    // From any other tab, F5 lectures the walkthrough as before.
    window_->lectureMode()->setActive(true);
    QCOMPARE(window_->tabs()->currentWidget(), static_cast<QWidget*>(window_->walkthrough()));
    QVERIFY(batch->isHidden());
    window_->lectureMode()->setActive(false);
    QVERIFY(!batch->isHidden());
    QCOMPARE(panel()->lectureScale(), 1.0);
}

// The status bar said "N = 4, D = 3, eps = 1e-05 | max |fused - staged| ..." on the Depth tab: the
// session's, which the tab does not show. There it speaks of the network, and follows its edits.
void TestDepthPanel::statusBarSpeaksOfTheNetworkOnTheDepthTab()
{
    const auto statusText = [this] {
        QStringList texts;
        for (QLabel* label : window_->statusBar()->findChildren<QLabel*>())
            if (label->isVisible())
                texts << label->text();
        return texts.join(QStringLiteral(" | "));
    };
    QVERIFY(window_->tabs()->currentWidget()->isAncestorOf(panel()));
    QString text = statusText();
    QVERIFY2(!text.contains(QStringLiteral("eps =")) && !text.contains(QStringLiteral("fused")), qPrintable(text));
    const auto layers = [this] {
        const int l = network()->file().layers;
        return l == 1 ? QStringLiteral("1 hidden layer ") : QStringLiteral("%1 hidden layers").arg(l);
    };
    QVERIFY2(text.contains(layers()), qPrintable(text));
    auto* spin = child<QSpinBox>("depthLayers");
    spin->setFocus();
    QTest::keyClick(spin, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(spin, "5");
    QTest::keyClick(spin, Qt::Key_Return);
    QCOMPARE(network()->file().layers, 5);
    QTRY_VERIFY2(statusText().contains(layers()), qPrintable(statusText()));
    // Back on a tab of the session: the session's summary.
    window_->showView(QStringLiteral("results"));
    QTRY_VERIFY2(statusText().contains(QStringLiteral("eps =")), qPrintable(statusText()));
    QVERIFY(!statusText().contains(layers()));
}

QTEST_MAIN(TestDepthPanel)
#include "test_depth_panel.moc"
