// The walkthrough's graph on a laptop and on a projector (issue 26): on a 1366 x 768 screen the
// docks fold away while the walkthrough is shown and come back as they were; the value table
// takes its rows' height, the graph the rest; the backward animation plays in the normal window;
// a share is written beside its edge, never over it. In lecture mode at 1280 x 720 the step's
// digits are at least 2.5 % of the screen's height and Ctrl + grows the graph. Step names whole,
// numbers never split across lines.
#include <check/check_panel.h>
#include <document/examples.h>
#include <tables/matrix_view.h>
#include <walkthrough/graph_view.h>
#include <walkthrough/lecture_mode.h>
#include <walkthrough/step_list_delegate.h>
#include <walkthrough/walkthrough_panel.h>
#include <walkthrough/walkthrough_state.h>
#include <window/main_window.h>

#include <core/io/session_json.h>
#include <core/teach/catalogue.h>

#include "window_fixture.h"

#include <QAbstractButton>
#include <QAction>
#include <QDockWidget>
#include <QFontMetricsF>
#include <QGraphicsLineItem>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QRegularExpression>
#include <QScrollBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTextBoundaryFinder>
#include <QtTest>

using namespace bnflow;
using namespace bnflow::ui;
using namespace bnflow::test;

namespace {

constexpr int kNameRole = 2, kActiveRole = 1, kLabelRole = 4;  // graph_items.h

// The examples with a graph of their own: the built-in batch norm and each other layer's.
std::vector<const Example*> layerExamples()
{
    std::vector<const Example*> out;
    for (const Example& example : examples())
        if (&example == &examples().front() || !example.section.isEmpty())
            out.push_back(&example);
    return out;
}

QList<QDockWidget*> docks(QWidget* window)
{
    return window->findChildren<QDockWidget*>();
}

}  // namespace

class TestWalkthroughRoom : public QObject, private WindowFixture {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init() { openWindow(QStringLiteral("results")); }
    void cleanup() { closeWindow(); }
    void docksFoldWhileTheWalkthroughIsShownOnALaptop();
    void aDockReopenedByHandStays();
    void docksStayOnALargeScreen();
    void startHereFoldsToAStripOnALaptop();
    void valueTableTakesItsRowsOnly();
    void backwardAnimationPlaysInTheNormalWindow();
    void sharesAreWrittenBesideTheirEdges();
    void lectureDigitsReadAcrossARoom();
    void ctrlPlusGrowsTheGraphInLectureMode();
    void stepNamesAreWholeOnALaptop();
    void numbersAreNeverSplit();

private:
    GraphView* graph() const { return window_->walkthrough()->graph(); }
    void showWalkthrough(QSize size);
    // The on-screen pixel size of the lit nodes' value lines (font pixel size x zoom): the smallest.
    double litValuePixels() const;
    // The height of their digits' ink on screen (a digit is shorter than the font's pixel size).
    double litDigitPixels() const;
};

void TestWalkthroughRoom::showWalkthrough(QSize size)
{
    window_->resize(size);
    QTest::qWait(20);
    window_->tabs()->setCurrentWidget(window_->walkthrough());
    QTest::qWait(20);
}

double TestWalkthroughRoom::litValuePixels() const
{
    double smallest = 1e9;
    for (QGraphicsItem* item : graph()->scene()->items())
        if (dynamic_cast<QGraphicsRectItem*>(item) && item->data(kActiveRole).toBool() && !item->data(kLabelRole).toBool()) {
            const QList<QGraphicsItem*> lines = item->childItems();
            auto* value = lines.size() > 1 ? dynamic_cast<QGraphicsSimpleTextItem*>(lines[1]) : nullptr;
            if (value)
                smallest = std::min(smallest, QFontInfo(value->font()).pixelSize() * graph()->transform().m22());
        }
    return smallest;
}

double TestWalkthroughRoom::litDigitPixels() const
{
    double smallest = 1e9;
    for (QGraphicsItem* item : graph()->scene()->items())
        if (dynamic_cast<QGraphicsRectItem*>(item) && item->data(kActiveRole).toBool() && !item->data(kLabelRole).toBool()) {
            const QList<QGraphicsItem*> lines = item->childItems();
            if (auto* value = lines.size() > 1 ? dynamic_cast<QGraphicsSimpleTextItem*>(lines[1]) : nullptr) {
                const double ink = QFontMetricsF(value->font()).tightBoundingRect(QStringLiteral("0123456789")).height();
                smallest = std::min(smallest, ink * graph()->transform().m22());
            }
        }
    return smallest;
}

// At 1366 x 768 the batch editor, dout and the parameters took 40 % of the width beside the
// walkthrough. Now they fold away while it is the tab shown, and come back where they were.
void TestWalkthroughRoom::docksFoldWhileTheWalkthroughIsShownOnALaptop()
{
    window_->resize(1366, 768);
    QTest::qWait(20);
    QMap<QDockWidget*, QRect> before;
    for (QDockWidget* dock : docks(window_))
        if (dock->isVisible())
            before[dock] = dock->geometry();
    QCOMPARE(before.size(), 3);
    window_->tabs()->setCurrentWidget(window_->walkthrough());
    for (QDockWidget* dock : docks(window_))
        QTRY_VERIFY2(!dock->isVisible(), qPrintable(dock->objectName()));
    // The graph pane gets most of the tab.
    QTRY_VERIFY(graph()->width() > window_->width() * 6 / 10);
    const QSize tab = window_->walkthrough()->size();
    QVERIFY2(graph()->width() * graph()->height() > tab.width() * tab.height() / 2,
             qPrintable(QStringLiteral("graph %1x%2 in a %3x%4 tab").arg(graph()->width()).arg(graph()->height())
                            .arg(tab.width()).arg(tab.height())));
    window_->tabs()->setCurrentIndex(0);
    for (auto it = before.begin(); it != before.end(); ++it) {
        QTRY_VERIFY2(it.key()->isVisible(), qPrintable(it.key()->objectName()));
        QTRY_COMPARE(it.key()->geometry(), it.value());
    }
}

// A dock the user opens again (View menu) while the walkthrough is shown stays open, also when
// the window is resized; the others come back on leaving the tab.
void TestWalkthroughRoom::aDockReopenedByHandStays()
{
    showWalkthrough(QSize(1366, 768));
    auto* batch = window_->findChild<QDockWidget*>(QStringLiteral("batchDock"));
    QTRY_VERIFY(!batch->isVisible());
    batch->toggleViewAction()->trigger();
    QTRY_VERIFY(batch->isVisible());
    window_->resize(1300, 760);
    QTest::qWait(20);
    QVERIFY(batch->isVisible());
    window_->tabs()->setCurrentIndex(0);
    for (QDockWidget* dock : docks(window_))
        QTRY_VERIFY2(dock->isVisible(), qPrintable(dock->objectName()));
    // Back on the walkthrough: the dock the user wanted there is still there.
    window_->tabs()->setCurrentWidget(window_->walkthrough());
    QTest::qWait(20);
    QVERIFY(batch->isVisible());
    QVERIFY(!window_->findChild<QDockWidget*>(QStringLiteral("doutDock"))->isVisible());
    // A dock the user closes by hand stays closed after the walkthrough.
    batch->toggleViewAction()->trigger();
    window_->tabs()->setCurrentIndex(0);
    QTest::qWait(20);
    QVERIFY(!batch->isVisible());
    QVERIFY(window_->findChild<QDockWidget*>(QStringLiteral("doutDock"))->isVisible());
}

void TestWalkthroughRoom::docksStayOnALargeScreen()
{
    showWalkthrough(QSize(1900, 1000));
    for (QDockWidget* dock : docks(window_))
        QVERIFY2(dock->isVisible(), qPrintable(dock->objectName()));
}

// On a first run at 1366 x 768 the Start here dock stayed beside the walkthrough and took a
// quarter of the width from the graph. Now it folds with the others into a strip in the tab bar's
// corner: its five steps are still a click each, and one click brings the whole list back.
void TestWalkthroughRoom::startHereFoldsToAStripOnALaptop()
{
    window_->resize(1366, 768);
    window_->findChild<QAction*>(QStringLiteral("showStartHere"))->trigger();
    auto* startHere = window_->findChild<QDockWidget*>(QStringLiteral("startHereDock"));
    QVERIFY(startHere);
    QTRY_VERIFY(startHere->isVisible());
    window_->tabs()->setCurrentWidget(window_->walkthrough());
    QTest::qWait(20);
    // The graph has the room it has without Start here.
    QTRY_VERIFY2(graph()->width() > window_->width() * 6 / 10,
                 qPrintable(QStringLiteral("graph %1 px of %2").arg(graph()->width()).arg(window_->width())));
    QVERIFY(!startHere->isVisible());
    // The strip, in the tab bar's row: no room from the graph.
    auto* strip = window_->findChild<QWidget*>(QStringLiteral("startHereStrip"));
    QVERIFY(strip);
    QTRY_VERIFY(strip->isVisible());
    QVERIFY(strip->mapTo(window_, QPoint(0, strip->height())).y()
            <= window_->walkthrough()->mapTo(window_, QPoint(0, 0)).y());
    // Step 4 is a click away, and leads to the Check tab, where the docks (and Start here) return.
    auto* check = strip->findChild<QAbstractButton*>(QStringLiteral("startCheck"));
    QVERIFY(check && check->isVisible() && !check->toolTip().isEmpty());
    QTest::mouseClick(check, Qt::LeftButton);
    QTRY_VERIFY(window_->checkPanel()->isVisible());
    QVERIFY(window_->tabs()->currentWidget() != window_->walkthrough());
    QTRY_VERIFY(startHere->isVisible());
    QTRY_VERIFY(!strip->isVisible());
    // Back on the walkthrough, "Start here" brings the list back, and it stays there.
    window_->tabs()->setCurrentWidget(window_->walkthrough());
    QTRY_VERIFY(strip->isVisible());
    auto* back = strip->findChild<QAbstractButton*>(QStringLiteral("startHereBack"));
    QVERIFY(back);
    QTest::mouseClick(back, Qt::LeftButton);
    QTRY_VERIFY(startHere->isVisible());
    QTRY_VERIFY(!strip->isVisible());
    window_->tabs()->setCurrentIndex(0);
    window_->tabs()->setCurrentWidget(window_->walkthrough());
    QTest::qWait(20);
    QVERIFY(startHere->isVisible());
    // Where the docks stay, the hidden strip keeps no room from the tab titles (at 2x they
    // elided to "R...", "Wal..." beside the room kept for it).
    window_->resize(1100, 700);
    window_->tabs()->setCurrentIndex(0);
    QTRY_VERIFY(!strip->isVisible());
    QTabBar* bar = window_->tabs()->tabBar();
    QTRY_VERIFY2(bar->width() >= std::min(bar->sizeHint().width(), window_->tabs()->width() - 40),
                 qPrintable(QStringLiteral("tab bar %1 px in a %2 px tab widget, its tabs want %3")
                                .arg(bar->width()).arg(window_->tabs()->width()).arg(bar->sizeHint().width())));
    window_->resize(1366, 768);
    // Closed by hand: neither the dock nor the strip.
    startHere->close();
    QTest::qWait(20);
    QVERIFY(!strip->isVisible());
}

// The step's values are at most N x D: the table is as tall as its rows, the graph has the rest
// (a large window gave the table a third of the height, mostly empty).
void TestWalkthroughRoom::valueTableTakesItsRowsOnly()
{
    for (QSize size : {QSize(1366, 768), QSize(1900, 1100), QSize(1100, 700)}) {
        showWalkthrough(size);
        MatrixView* values = window_->walkthrough()->values();
        for (int step = 0; step < window_->walkthroughState()->stepCount(); ++step) {
            window_->walkthroughState()->setStep(step);
            QApplication::processEvents();
            QVERIFY2(values->verticalScrollBar()->maximum() == 0,  // every row shown
                     qPrintable(QStringLiteral("%1x%2, step %3: the values table is %4 px tall, its rows need more")
                                    .arg(size.width()).arg(size.height()).arg(step + 1).arg(values->height())));
        }
        const int rows = int(document_->session().samples());
        const int wanted = values->horizontalHeader()->height() + rows * values->verticalHeader()->defaultSectionSize()
                           + 2 * values->frameWidth() + values->horizontalScrollBar()->sizeHint().height();
        QVERIFY2(values->height() <= wanted, qPrintable(QStringLiteral("%1x%2: %3 > %4").arg(size.width())
                                                            .arg(size.height()).arg(values->height()).arg(wanted)));
        QVERIFY(graph()->height() > 2 * values->height());
    }
}

// In the laptop's window the text above the graph changes height from step to step; the pane's
// resize ended the animation before it was seen (it played only in lecture mode).
void TestWalkthroughRoom::backwardAnimationPlaysInTheNormalWindow()
{
    showWalkthrough(QSize(1366, 768));
    WalkthroughState* state = window_->walkthroughState();
    int animated = 0;
    for (int step = 0; step + 1 < state->stepCount(); ++step) {
        state->setStep(step);
        QTRY_VERIFY(!graph()->isAnimating());
        state->next();
        const bool litBackward = !graph()->activeArrows().isEmpty() && state->currentStep().phase == Phase::Staged;
        for (int k = 0; k < 3; ++k)
            QApplication::processEvents();  // the layout settles: the pane may change size
        if (!litBackward)
            continue;
        QVERIFY2(graph()->isAnimating(), state->currentStep().id.data());
        ++animated;
    }
    QVERIFY(animated >= 10);
}

// Each share sits beside its edge: no point of the edge's line inside the label's box (at batch
// norm's dx via var the lit edge x − μ -> var was hidden under its own share).
void TestWalkthroughRoom::sharesAreWrittenBesideTheirEdges()
{
    display_->setAnimateGraph(false);
    showWalkthrough(QSize(1366, 768));
    int checked = 0;
    for (const Example* example : layerExamples()) {
        document_->reset(example->session);
        for (int step = 0; step < window_->walkthroughState()->stepCount(); ++step) {
            window_->walkthroughState()->setStep(step);
            QMap<QString, QLineF> lines;
            for (QGraphicsItem* item : graph()->scene()->items())
                if (auto* line = dynamic_cast<QGraphicsLineItem*>(item))
                    lines[item->data(kNameRole).toString()] = line->line();
            for (QGraphicsItem* item : graph()->scene()->items()) {
                if (!item->data(kLabelRole).toBool())
                    continue;
                const QRectF box = static_cast<QGraphicsRectItem*>(item)->rect();
                const QLineF edge = lines.value(item->data(kNameRole).toString());
                QVERIFY(!edge.isNull());
                for (int k = 0; k <= 100; ++k)
                    QVERIFY2(!box.contains(edge.pointAt(k / 100.0)),
                             qPrintable(QStringLiteral("%1, step %2: the share of %3 covers its edge")
                                            .arg(example->title).arg(step + 1).arg(item->data(kNameRole).toString())));
                ++checked;
            }
        }
    }
    QVERIFY(checked > 50);
}

// F5 at 1280 x 720: the lit nodes' digits at least 18 px tall (2.5 % of the screen's height) at
// every step of every layer where the lit nodes and the ends of the lit edges fit the pane at
// that size (where they do not, they fill it: the whole step wins, test_graph_lecture), the first
// lit node wholly on screen, what is not the step's part faded. Before: 11-12 px.
void TestWalkthroughRoom::lectureDigitsReadAcrossARoom()
{
    display_->setAnimateGraph(false);
    window_->tabs()->setCurrentWidget(window_->walkthrough());
    QTest::keyClick(window_, Qt::Key_F5);
    QVERIFY(window_->lectureMode()->isActive());
    window_->showNormal();  // offscreen: the projector's size is given to the window itself
    window_->resize(1280, 720);
    QTRY_VERIFY(window_->walkthrough()->height() >= 700);
    double smallest = 1e9;
    for (const Example* example : layerExamples()) {
        document_->reset(example->session);
        for (int step = 0; step < window_->walkthroughState()->stepCount(); ++step) {
            window_->walkthroughState()->setStep(step);
            const QStringList lit = graph()->activeNodes();
            if (lit.isEmpty())
                continue;
            // The font's pixel size, and the digits' ink, at least 2.5 % of the height.
            const double pixels = litValuePixels(), digits = litDigitPixels();
            smallest = std::min(smallest, digits);
            QRectF part;
            for (const QString& id : lit)
                part |= graph()->nodeRect(id);
            for (const QString& edge : graph()->activeEdges())
                for (const QString& id : edge.split(QLatin1Char('>')))
                    part |= graph()->nodeRect(id);
            const QRect onScreen = graph()->mapFromScene(part).boundingRect();
            const bool filled = onScreen.width() >= 0.85 * graph()->viewport()->width()
                                || onScreen.height() >= 0.85 * graph()->viewport()->height();
            QVERIFY2(filled || (pixels >= 0.025 * 720 && digits >= 0.025 * 720 - 0.5),
                     qPrintable(QStringLiteral("%1, step %2: font %3 px, digits %4 px")
                                    .arg(example->title).arg(step + 1).arg(pixels).arg(digits)));
            const QRect box = graph()->mapFromScene(graph()->nodeRect(lit.front())).boundingRect();
            QVERIFY2(graph()->viewport()->rect().contains(box),
                     qPrintable(QStringLiteral("%1, step %2: %3 off screen").arg(example->title).arg(step + 1).arg(lit.front())));
        }
    }
    qInfo("lecture mode at 1280x720: the lit nodes' digits at least %.1f px tall (font %.1f px), 2.5 %% is 18 px", smallest,
          litValuePixels());
    document_->reset(examples().front().session);
    // Batch norm's dx via var: the lit edge var -> x − μ and its ends are not faded (it was).
    window_->walkthroughState()->setStep(16);
    for (QGraphicsItem* item : graph()->scene()->items())
        if (item->data(kActiveRole).toBool() || item->data(kNameRole).toString() == QLatin1String("var"))
            QCOMPARE(item->opacity(), 1.0);
    // Step 1 of batch norm: mean lit, x its neighbour; y is neither, and faded.
    window_->walkthroughState()->setStep(0);
    for (QGraphicsItem* item : graph()->scene()->items())
        if (dynamic_cast<QGraphicsRectItem*>(item) && !item->data(kLabelRole).toBool()) {
            const QString id = item->data(kNameRole).toString();
            if (id == QLatin1String("y"))
                QVERIFY(item->opacity() < 0.5);
            if (id == QLatin1String("mean") || id == QLatin1String("x"))
                QCOMPARE(item->opacity(), 1.0);
        }
}

// Ctrl + enlarged the formula only; the graph is refitted with its larger font to the same size.
void TestWalkthroughRoom::ctrlPlusGrowsTheGraphInLectureMode()
{
    display_->setAnimateGraph(false);
    window_->tabs()->setCurrentWidget(window_->walkthrough());
    QTest::keyClick(window_, Qt::Key_F5);
    window_->showNormal();
    window_->resize(1280, 720);
    QTRY_VERIFY(window_->walkthrough()->height() >= 700);
    window_->walkthroughState()->setStep(3);
    const double before = litValuePixels();
    const double widthBefore = graph()->transform().mapRect(graph()->sceneRect()).width();
    QTest::keyClick(window_->walkthrough(), Qt::Key_Plus, Qt::ControlModifier);
    QTRY_VERIFY2(litValuePixels() > before * 1.1, qPrintable(QStringLiteral("%1 -> %2 px").arg(before).arg(litValuePixels())));
    QVERIFY(graph()->transform().mapRect(graph()->sceneRect()).width() > widthBefore * 1.1);
    QTest::keyClick(window_->walkthrough(), Qt::Key_Minus, Qt::ControlModifier);
    QTRY_VERIFY(std::abs(litValuePixels() - before) < 1.0);
}

// "dmean via xhat (dμ …" was cut: at 1366 x 768 and 1280 x 720 every step name of every layer
// is whole in the list.
void TestWalkthroughRoom::stepNamesAreWholeOnALaptop()
{
    for (QSize size : {QSize(1366, 768), QSize(1280, 720), QSize(960, 540)}) {
        showWalkthrough(size);
        auto* list = window_->walkthrough()->findChild<QListWidget*>();
        QVERIFY(list);
        for (const Example* example : layerExamples()) {
            document_->reset(example->session);
            QApplication::processEvents();
            for (int row = 0; row < list->count(); ++row) {
                QListWidgetItem* item = list->item(row);
                const QModelIndex index = list->model()->index(row, 0);
                // What the row shows: the whole text where it fits (1366 x 768 and 1280 x 720:
                // always); at 2x the phase gives way, the name never.
                const QString shown = StepListDelegate::shownText(index, list->visualRect(index).width(), list->fontMetrics());
                const QString name = item->data(StepListDelegate::kNameRole).toString();
                QVERIFY(!name.isEmpty() && item->text().startsWith(name));
                QVERIFY2(shown.startsWith(name) && !shown.contains(QChar(0x2026)),
                         qPrintable(QStringLiteral("%1x%2, %3: \"%4\" shows \"%5\" in %6 px")
                                        .arg(size.width()).arg(size.height()).arg(example->title).arg(item->text())
                                        .arg(shown).arg(list->visualRect(index).width())));
                QVERIFY(list->fontMetrics().horizontalAdvance(shown) + 6 <= list->visualRect(index).width());
                if (size.width() >= 1280)
                    QCOMPARE(shown, item->text());
            }
        }
    }
}

// RMSNorm's step 16 wrapped "−1.461" as "−1." and "461": the plugged-in text offers no line
// break inside a number, at any step of any layer.
void TestWalkthroughRoom::numbersAreNeverSplit()
{
    showWalkthrough(QSize(1366, 768));
    static const QRegularExpression number(QStringLiteral("[−-]?\\d[\\d.]*(?:e[−+-]?\\d+)?"));
    int numbers = 0;
    for (const Example* example : layerExamples()) {
        document_->reset(example->session);
        for (int step = 0; step < window_->walkthroughState()->stepCount(); ++step) {
            window_->walkthroughState()->setStep(step);
            const QString text = window_->walkthrough()->plugged()->text();  // as laid out, joiners and all
            QTextBoundaryFinder breaks(QTextBoundaryFinder::Line, text);
            // Each number, found in the text without its joiners, then mapped back.
            for (auto it = number.globalMatch(QString(text).remove(QChar(0x2060))); it.hasNext();) {
                const QRegularExpressionMatch match = it.next();
                int start = -1, visible = 0, end = -1;
                for (int k = 0; k < text.size(); ++k) {
                    if (text[k] == QChar(0x2060))
                        continue;
                    if (visible == match.capturedStart())
                        start = k;
                    if (visible == match.capturedEnd() - 1)
                        end = k;
                    ++visible;
                }
                for (int k = start + 1; k <= end; ++k) {
                    breaks.setPosition(k);
                    QVERIFY2(!breaks.isAtBoundary(), qPrintable(QStringLiteral("%1, step %2: a line may break in \"%3\"")
                                                                   .arg(example->title).arg(step + 1).arg(match.captured())));
                }
                ++numbers;
            }
        }
    }
    QVERIFY(numbers > 100);
}

QTEST_MAIN(TestWalkthroughRoom)
#include "test_walkthrough_room.moc"
