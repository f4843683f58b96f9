// bnflow-depth-gui-bench [REPEATS [--drag-only]]: how fast the Depth tab reacts (doc/depth.md#the-depth-tab). Not a test
// (nothing is asserted); run it and read the numbers. On the default network (5 x 100 tanh with
// batch norm, batch 32), at 1366 x 768:
//  - a gain-slider drag: one slider step (the document recomputes, every plot is rebuilt), then
//    the event loop's turn that repaints; min, median, p95. Target: p95 < 16 ms.
//  - Train: 1000 SGD steps in the background, from the click to the plotted result, with the
//    number of progress updates the bar received; min and median of 7 runs. Target: < 2 s.
#include <depth/depth_panel.h>
#include <depth/depth_trainer.h>
#include <depth/network_document.h>
#include <document/display_settings.h>
#include <document/session_document.h>
#include <window/main_window.h>

#include <core/math/timing.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace bnflow;
using namespace bnflow::ui;

namespace {

struct Stats {
    double min, median, p95;
};

Stats summarize(std::vector<double> samples)
{
    std::sort(samples.begin(), samples.end());
    return {samples.front(), sortedQuantile(samples, 0.5), sortedQuantile(samples, 0.95)};
}

int gPaints = 0;

class PaintCounter : public QObject {
public:
    bool eventFilter(QObject*, QEvent* event) override
    {
        if (event->type() == QEvent::Paint)
            ++gPaints;
        return false;
    }
};

}  // namespace

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? "offscreen" : qgetenv("QT_QPA_PLATFORM"));
    QApplication app(argc, argv);
    const int repeats = argc > 1 ? std::max(10, std::atoi(argv[1])) : 200;
    std::printf("bnflow-depth-gui-bench on %s, platform %s\n\n", machineDescription().c_str(),
                qPrintable(QApplication::platformName()));

    DisplaySettings display;
    SessionDocument document;
    MainWindow window(&document, &display);
    window.resize(1366, 768);
    window.showView(QStringLiteral("depth"));
    window.show();
    QApplication::processEvents();
    window.repaint();
    PaintCounter counter;
    app.installEventFilter(&counter);

    DepthPanel* panel = window.depthPanel();
    auto* slider = panel->findChild<QSlider*>(QStringLiteral("depthGainSlider"));
    std::vector<double> ms;
    QElapsedTimer timer;
    slider->setSliderDown(true);
    int quiet = 0;
    for (int k = 0; k < repeats; ++k) {
        const int paintsBefore = gPaints;
        timer.start();
        slider->setSliderPosition(50 + (k * 7) % 250);  // 0.5 .. 3, as a hand drags
        QApplication::processEvents();
        ms.push_back(double(timer.nsecsElapsed()) / 1e6);
        quiet += gPaints == paintsBefore;
    }
    slider->setSliderDown(false);
    const Stats drag = summarize(ms);
    std::printf("%-46s min %8.3f   median %8.3f   p95 %8.3f\n", "gain-slider step -> rebuild -> repaint (ms)",
                drag.min, drag.median, drag.p95);
    if (quiet)
        std::printf("warning: %d slider steps painted nothing\n", quiet);

    if (argc > 2 && QByteArray(argv[2]) == "--drag-only")  // for a profiler
        return 0;
    panel->findChild<QSpinBox*>(QStringLiteral("depthSteps"))->setValue(1000);
    auto* train = panel->findChild<QPushButton*>(QStringLiteral("depthTrain"));
    std::vector<double> seconds;
    int updates = 0;
    QObject::connect(panel->trainer(), &DepthTrainer::progress, [&updates] { ++updates; });
    for (int run = 0; run < 7; ++run) {
        QEventLoop loop;
        const auto done = QObject::connect(panel->trainer(), &DepthTrainer::finished, &loop, &QEventLoop::quit);
        timer.start();
        train->click();
        loop.exec();
        QApplication::processEvents();  // the update plot drawn
        seconds.push_back(double(timer.nsecsElapsed()) / 1e9);
        QObject::disconnect(done);
    }
    const Stats training = summarize(seconds);
    std::printf("%-46s min %8.3f   median %8.3f   (%zu steps; %d progress updates over %zu runs)\n",
                "Train 1000 SGD steps, click to plot (s)", training.min, training.median,
                panel->trainer()->steps().size(), updates, seconds.size());
    return 0;
}
