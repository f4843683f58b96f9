// Lecture mode on a projector (issue 12; issue 13 for the other layers): at 1280 x 720, and at
// QT_SCALE_FACTOR=2 on 1080p (960 x 540 logical), every node of every layer's graph is inside
// the pane at every step, its text no smaller than the interface font (at 2x: as many physical
// pixels as it has unscaled). Each layer with its example session.
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
    void lectureModeShowsTheWholeGraphOnAProjector_data();
    void lectureModeShowsTheWholeGraphOnAProjector();
    void lectureModeShowsTheWholeGraphAtTwiceTheScale_data() { lectureModeShowsTheWholeGraphOnAProjector_data(); }
    void lectureModeShowsTheWholeGraphAtTwiceTheScale();

private:
    GraphView* graph() const { return window_->walkthrough()->graph(); }
    void showsTheWholeGraph(const QString& example, QSize size, double ratio);
};

// F5 at 1280 x 720: every node of the graph inside the pane, at every step, with text at least
// the interface font's size (the formula and its numbers stand beside the graph). Before, the
// graph's bottom third was below the screen's edge.
void TestGraphLecture::lectureModeShowsTheWholeGraphOnAProjector_data()
{
    QTest::addColumn<QString>("example");  // "" for the built-in batch-norm example
    QTest::newRow("batch norm") << QString();
    for (const char* name : {"layernorm", "rmsnorm", "groupnorm", "batchnorm_eval"})
        QTest::newRow(name) << QString(BNFLOW_FAMILY_EXAMPLES "/%1.bnflow.json").arg(name);
}

void TestGraphLecture::lectureModeShowsTheWholeGraphOnAProjector()
{
    QFETCH(QString, example);
    showsTheWholeGraph(example, QSize(1280, 720), 1.0);
}

// A 1080p projector at QT_SCALE_FACTOR=2: 960 x 540 logical pixels. The whole graph is on
// screen at every step, its text at least as many physical pixels as the interface font has on
// an unscaled screen. Run by ctest as test_graph_lecture_2x (this test skips at 1x).
void TestGraphLecture::lectureModeShowsTheWholeGraphAtTwiceTheScale()
{
    const double ratio = window_->devicePixelRatioF();
    if (ratio < 2)
        QSKIP("needs QT_SCALE_FACTOR=2 (ctest runs it as test_graph_lecture_2x)");
    QFETCH(QString, example);
    showsTheWholeGraph(example, QSize(960, 540), ratio);
    qInfo("960x540 at 2x: smallest graph text %.1f physical px, interface font %.1f logical px",
          smallestTextPixels(graph()) * ratio, uiFontPixels());
}

// Lecture mode with `example` (empty: the built-in one) in a window of `size` logical pixels:
// every node of the layer's graph inside the pane at every step, the smallest text at least the
// interface font's size in physical pixels (`ratio` of them per logical one).
void TestGraphLecture::showsTheWholeGraph(const QString& example, QSize size, double ratio)
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
        for (auto it = nodes.begin(); it != nodes.end(); ++it)
            QVERIFY2(pane.contains(it.value()), qPrintable(QStringLiteral("step %1: %2 at %3,%4 %5x%6 outside %7x%8")
                                                               .arg(step + 1).arg(it.key()).arg(it.value().x()).arg(it.value().y())
                                                               .arg(it.value().width()).arg(it.value().height())
                                                               .arg(pane.width()).arg(pane.height())));
        QVERIFY(smallestTextPixels(graph()) * ratio >= uiFontPixels() - 0.5);
    }
}

QTEST_MAIN(TestGraphLecture)
#include "test_graph_lecture.moc"
