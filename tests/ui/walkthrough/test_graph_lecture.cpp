// Lecture mode on a projector (issue 12; issue 13 for the other layers; issue 26 for the size): at
// 1280 x 720, and at QT_SCALE_FACTOR=2 on 1080p (960 x 540 logical), the step's lit nodes of
// every layer's graph are in the pane at every step, their digits at least 2.5 % of the screen's
// height, no text smaller than the interface font (at 2x: as many physical pixels as it has
// unscaled). Each layer with its example session. (Until issue 26 the whole graph was fitted to
// the pane, its digits 11-12 px at 720: too small for a room; the rest now scrolls, faded.)
#include <document/display_settings.h>
#include <document/session_document.h>
#include <walkthrough/graph_view.h>
#include <walkthrough/lecture_mode.h>
#include <walkthrough/walkthrough_panel.h>
#include <walkthrough/walkthrough_state.h>
#include <window/main_window.h>

#include <core/teach/graph.h>
#include <core/io/session_json.h>

#include "graph_probe.h"
#include "window_fixture.h"

#include <QtTest>

using namespace bnflow;
using namespace bnflow::ui;
using namespace bnflow::test;

class TestGraphLecture : public QObject, private bnflow::test::WindowFixture {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init()
    {
        if (openWindow(QStringLiteral("walkthrough")))
            window_->walkthrough()->setFocus();
    }
    void cleanup() { closeWindow(); }
    void lectureModeShowsTheStepOnAProjector_data();
    void lectureModeShowsTheStepOnAProjector();
    void lectureModeShowsTheStepAtTwiceTheScale_data() { lectureModeShowsTheStepOnAProjector_data(); }
    void lectureModeShowsTheStepAtTwiceTheScale();

private:
    GraphView* graph() const { return window_->walkthrough()->graph(); }
    void showsTheStep(const QString& example, QSize size, double ratio);
};

// F5 at 1280 x 720: the step's nodes inside the pane, at every step, with text at least the
// interface font's size (the formula and its numbers stand beside the graph). Before issue 12,
// the graph's bottom third was below the screen's edge.
void TestGraphLecture::lectureModeShowsTheStepOnAProjector_data()
{
    QTest::addColumn<QString>("example");  // "" for the built-in batch-norm example
    QTest::newRow("batch norm") << QString();
    for (const char* name : {"layernorm", "rmsnorm", "groupnorm", "batchnorm_eval"})
        QTest::newRow(name) << QString(BNFLOW_FAMILY_EXAMPLES "/%1.bnflow.json").arg(name);
}

void TestGraphLecture::lectureModeShowsTheStepOnAProjector()
{
    QFETCH(QString, example);
    showsTheStep(example, QSize(1280, 720), 1.0);
}

// A 1080p projector at QT_SCALE_FACTOR=2: 960 x 540 logical pixels. The step's nodes are on
// screen at every step, the text at least as many physical pixels as the interface font has on
// an unscaled screen. Run by ctest as test_graph_lecture_2x (this test skips at 1x).
void TestGraphLecture::lectureModeShowsTheStepAtTwiceTheScale()
{
    const double ratio = window_->devicePixelRatioF();
    if (ratio < 2)
        QSKIP("needs QT_SCALE_FACTOR=2 (ctest runs it as test_graph_lecture_2x)");
    QFETCH(QString, example);
    showsTheStep(example, QSize(960, 540), ratio);
    qInfo("960x540 at 2x: smallest graph text %.1f physical px, interface font %.1f logical px",
          smallestTextPixels(graph()) * ratio, uiFontPixels());
}

// Lecture mode with `example` (empty: the built-in one) in a window of `size` logical pixels:
// at every step the first lit node wholly inside the pane and the others at least in part, the
// lit nodes' text at least 2.5 % of the window's height, the smallest text at least the
// interface font's size in physical pixels (`ratio` of them per logical one).
void TestGraphLecture::showsTheStep(const QString& example, QSize size, double ratio)
{
    if (!example.isEmpty()) {  // every layer's graph, with the numbers of its example
        SessionLoad load = loadSessionFile(example.toStdString());
        QVERIFY(load.ok());
        document_->reset(*load.session, example);
    }
    display_->setAnimateGraph(false);
    QTest::keyClick(window_, Qt::Key_F5);
    QVERIFY(window_->lectureMode()->isActive());
    // The offscreen screen is 800 x 600 and has no window manager: the projector's size is given
    // to the window itself, docks, menus and tabs still hidden by lecture mode.
    window_->showNormal();
    window_->resize(size);
    QTRY_VERIFY(window_->walkthrough()->width() >= size.width() - 20 &&
                window_->walkthrough()->height() >= size.height() - 20);
    const std::vector<GraphNode>& layerNodes = graphOf(document_->norm().layerOrDefault(), document_->norm().modeOrDefault()).nodes();
    for (int step = 0; step < window_->walkthroughState()->stepCount(); ++step) {
        window_->walkthroughState()->setStep(step);
        QApplication::processEvents();
        const QRect pane = graph()->viewport()->rect();
        const QMap<QString, QRect> nodes = nodesOnScreen(graph(), layerNodes);
        QCOMPARE(nodes.size(), int(layerNodes.size()));
        const QStringList lit = graph()->activeNodes();
        for (int k = 0; k < lit.size(); ++k) {
            const QRect box = nodes.value(lit[k]);
            QVERIFY2(k == 0 ? pane.contains(box) : pane.intersects(box),
                     qPrintable(QStringLiteral("step %1: %2 at %3,%4 %5x%6 outside %7x%8")
                                    .arg(step + 1).arg(lit[k]).arg(box.x()).arg(box.y())
                                    .arg(box.width()).arg(box.height()).arg(pane.width()).arg(pane.height())));
        }
        if (!lit.isEmpty())
            QVERIFY(QFontInfo(graph()->font()).pixelSize() * graph()->transform().m22() >= 0.025 * size.height() - 0.5);
        QVERIFY(smallestTextPixels(graph()) * ratio >= uiFontPixels() - 0.5);
    }
}

QTEST_MAIN(TestGraphLecture)
#include "test_graph_lecture.moc"
