// bnflow-gui-bench: how fast the window reacts. Not a test (nothing is asserted); run it and
// read the numbers. Measures, on a 64 x 16 batch:
//  - edit to repaint: one cell edit through the document (recompute, model signals), then the
//    event loop's turn that repaints what changed (as after a keystroke), many times; min,
//    median, p95. A second row forces a repaint of the whole window on top, as a bound;
//  - the same for a slider-like parameter edit;
//  - start to first painted window, and resident memory at idle, of the real bnflow binary.
#include <document/display_settings.h>
#include <document/session_document.h>
#include <window/main_window.h>

#include <core/model/session_edit.h>
#include <core/math/timing.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QThread>

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

void print(const char* what, const Stats& s, const char* unit)
{
    std::printf("%-44s min %8.3f   median %8.3f   p95 %8.3f  %s\n", what, s.min, s.median, s.p95, unit);
}

int gPaints = 0;  // paint events seen, to prove each edit really repainted

class PaintCounter : public QObject {
public:
    bool eventFilter(QObject*, QEvent* event) override
    {
        if (event->type() == QEvent::Paint)
            ++gPaints;
        return false;
    }
};

template <typename Edit>
Stats editToRepaint(MainWindow& window, int repeats, bool wholeWindow, Edit edit)
{
    std::vector<double> ms;
    QElapsedTimer timer;
    for (int k = 0; k < repeats; ++k) {
        const int paintsBefore = gPaints;
        timer.start();
        edit(k);
        QApplication::processEvents();  // the posted update requests: the real repaint
        if (wholeWindow)
            window.repaint();
        ms.push_back(double(timer.nsecsElapsed()) / 1e6);
        if (gPaints == paintsBefore)
            std::fprintf(stderr, "warning: edit %d painted nothing\n", k);
    }
    return summarize(ms);
}

long residentKb(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').front().toLong();
    return -1;
}

}  // namespace

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? "offscreen" : qgetenv("QT_QPA_PLATFORM"));
    QApplication app(argc, argv);
    const int repeats = argc > 1 ? std::max(10, std::atoi(argv[1])) : 300;
    std::printf("bnflow-gui-bench on %s, platform %s, %d edits per row\n\n",
                machineDescription().c_str(), qPrintable(QApplication::platformName()), repeats);

    DisplaySettings display;
    SessionDocument document;
    Session s = randomizeBatch(exampleSession(), Distribution::Cs231nOffset, 7);
    s.x = (5.0 * standardNormalMatrix(64, 16, 7).array() + 12.0).matrix();
    s.gamma = RowVector::Ones(16);
    s.beta = RowVector::Zero(16);
    s.dout = standardNormalMatrix(64, 16, 8);
    document.reset(s);
    MainWindow window(&document, &display);
    window.show();
    QApplication::processEvents();
    window.repaint();

    PaintCounter counter;
    app.installEventFilter(&counter);
    const auto cellEdit = [&](int k) { document.setCell(Which::X, k % 64, k % 16, 10.0 + k); };
    print("cell edit of x -> recompute -> repaint (ms)", editToRepaint(window, repeats, false, cellEdit), "");
    print("gamma edit (slider drag) -> repaint (ms)",
          editToRepaint(window, repeats, false, [&](int k) { document.setGamma(k % 16, 0.5 + 0.001 * k); }), "");
    print("undo -> repaint (ms)",
          editToRepaint(window, std::min(repeats, 150), false, [&](int) { document.undoStack()->undo(); }), "");
    print("bound: cell edit + whole-window repaint (ms)", editToRepaint(window, repeats, true, cellEdit), "");

    // The real binary, start to first painted window: bnflow --screenshot paints once and exits.
    QTemporaryDir dir;
    std::vector<double> startMs;
    for (int k = 0; k < 15; ++k) {
        QProcess bnflow;
        QElapsedTimer timer;
        timer.start();
        bnflow.start(QStringLiteral(BNFLOW_GUI), {QStringLiteral("--screenshot"), dir.filePath("s.png")});
        bnflow.waitForFinished(30000);
        startMs.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    print("start, paint, save PNG, exit: bnflow (ms)", summarize(startMs), "");

    // Resident memory of an idle bnflow with the example open.
    QProcess idle;
    idle.start(QStringLiteral(BNFLOW_GUI), {});
    idle.waitForStarted();
    QThread::msleep(2000);
    const long kb = residentKb(idle.processId());
    idle.kill();
    idle.waitForFinished();
    std::printf("%-44s %8.1f MB\n", "resident memory of bnflow at idle", double(kb) / 1024.0);
    return 0;
}
