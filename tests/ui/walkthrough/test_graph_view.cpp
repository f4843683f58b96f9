// The walkthrough's graph as a reader meets it (issue 12, items 2 and 8): text at least the UI
// font in the default window and after Fit, growing with Preferences and lecture zoom; nodes
// that stay put from step to step; a backward step's edges lit from output to input, animated
// unless turned off; each branch's share on the fan-out edges; readable colours in both themes;
// a session that cannot be computed; the handout's graph at 8 pt or more; the F1 sheet. The
// whole graph on a projector in lecture mode: test_graph_lecture.cpp.
#include <document/display_settings.h>
#include <document/examples.h>
#include <document/session_document.h>
#include <walkthrough/graph_content.h>
#include <walkthrough/graph_view.h>
#include <walkthrough/handout.h>
#include <walkthrough/lecture_mode.h>
#include <walkthrough/walkthrough_panel.h>
#include <walkthrough/walkthrough_state.h>
#include <window/main_window.h>

#include <core/teach/catalogue.h>
#include <core/teach/graph.h>

#include "graph_probe.h"
#include "window_fixture.h"

#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QGraphicsLineItem>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsTextItem>
#include <QScrollBar>
#include <QSettings>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QFontInfo>
#include <QtTest>

#include <cmath>

using namespace bnflow;
using namespace bnflow::ui;
using namespace bnflow::test;

namespace {

QString qs(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

QAction* actionNamed(QWidget* window, const QString& text)
{
    for (QAction* action : window->findChildren<QAction*>())
        if (action->text() == text)
            return action;
    return nullptr;
}

double luminance(const QColor& c)
{
    const auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}

double contrast(const QColor& a, const QColor& b)
{
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

int stepOf(std::string_view id)
{
    for (std::size_t k = 0; k < steps().size(); ++k)
        if (steps()[k].id == id)
            return int(k);
    return -1;
}

}  // namespace

class TestGraphView : public QObject, private bnflow::test::WindowFixture {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        appFont_ = QApplication::font();
    }
    void init();
    void cleanup();
    void textIsAtLeastTheUiFont();
    void litNodesAreScrolledIntoViewOnALaptop();
    void contentIsBuiltWithoutAWidget();
    void aSetsGradientIsNamedAfterItsValue();
    void dxViaMeanIsOneNumberPerSet();
    void textFollowsPreferencesAndLectureZoom();
    void nodesStayPutFromStepToStep();
    void backwardStepLightsItsEdgesFromOutputToInput();
    void fanOutEdgesCarryTheirShares();
    void steppingAnimatesUnlessTurnedOff();
    void coloursReadInBothThemes_data();
    void coloursReadInBothThemes();
    void uncomputableSessionShowsForwardValuesAndWhy();
    void handoutGraphPrintsAtEightPointsOrMore();
    void f1SheetListsEveryShortcut();

private:
    QFont appFont_;
    GraphView* graph() const { return window_->walkthrough()->graph(); }
};

void TestGraphView::init()
{
    if (openWindow(QStringLiteral("walkthrough")))
        window_->walkthrough()->setFocus();
}

void TestGraphView::cleanup()
{
    closeWindow();
    QApplication::setFont(appFont_);  // a test that changed the font size leaves it as it was
}

void TestGraphView::textIsAtLeastTheUiFont()
{
    // The default window (1600 x 900 here, as it opens), at a forward and a backward step.
    for (int step : {0, stepOf("dmean"), int(steps().size()) - 1}) {
        window_->walkthroughState()->setStep(step);
        QVERIFY2(smallestTextPixels(graph()) >= uiFontPixels(),
                 qPrintable(QStringLiteral("step %1: %2 px < %3 px").arg(step).arg(smallestTextPixels(graph())).arg(uiFontPixels())));
    }
    qInfo("default window: smallest graph text %.1f px, UI font %.1f px", smallestTextPixels(graph()), uiFontPixels());
    // At a laptop's size, and after View > Fit graph.
    window_->resize(1280, 700);
    QAction* fit = actionNamed(window_, QStringLiteral("&Fit graph"));
    QVERIFY(fit);
    fit->trigger();
    QTest::qWait(50);
    qInfo("1280 x 700 after Fit: smallest graph text %.1f px", smallestTextPixels(graph()));
    QTRY_VERIFY2(smallestTextPixels(graph()) >= uiFontPixels(),
                 qPrintable(QStringLiteral("after Fit: %1 px < %2 px").arg(smallestTextPixels(graph())).arg(uiFontPixels())));
}

// At 1366 x 768 the graph pane shows part of the graph: at every step of every layer's example
// the step's first lit node is wholly in the pane, and every lit node at least in part.
void TestGraphView::litNodesAreScrolledIntoViewOnALaptop()
{
    window_->resize(1366, 768);
    QTest::qWait(50);
    int checked = 0;
    for (const Example& example : examples()) {
        if (example.section.isEmpty() && &example != &examples().front())
            continue;  // batch norm's other examples have its graph: the first one stands for them
        document_->reset(example.session);
        QTest::qWait(10);
        const int count = int(window_->walkthroughState()->steps().size());
        for (int step = 0; step < count; ++step) {
            window_->walkthroughState()->setStep(step);
            const QRect pane = graph()->viewport()->rect();
            const QStringList lit = graph()->activeNodes();
            for (int k = 0; k < lit.size(); ++k) {
                const QRect box = graph()->mapFromScene(graph()->nodeRect(lit[k])).boundingRect();
                const QString what = QStringLiteral("%1, step %2: %3 at %4,%5 %6x%7 in a %8x%9 pane")
                                         .arg(example.title).arg(step + 1).arg(lit[k]).arg(box.x()).arg(box.y())
                                         .arg(box.width()).arg(box.height()).arg(pane.width()).arg(pane.height());
                QVERIFY2(k == 0 ? pane.contains(box) : pane.intersects(box), qPrintable(what));
            }
            ++checked;
        }
    }
    QVERIFY(checked > 100);
}

// The graph's texts come from a builder with no widget (graph_content.h): a document, a
// walkthrough state and display settings of their own. Spatial batch norm at dgamma: the lit
// edge is y -> gamma, the gamma node shows feature 4's channel (1), and its gradient is dgamma_1.
void TestGraphView::contentIsBuiltWithoutAWidget()
{
    SessionDocument document;
    Session s = exampleSession();
    s.x = standardNormalMatrix(3, 6, 5);
    s.dout = standardNormalMatrix(3, 6, 6);
    s.doutSeed.reset();
    s.gamma = (RowVector(2) << 1.5, -0.5).finished();
    s.beta = (RowVector(2) << 0.1, 0.3).finished();
    s.norm.channels = 2;
    document.reset(s);
    QVERIFY(document.isComputed());
    WalkthroughState state;
    state.setSteps(document.steps());
    DisplaySettings display;
    int dgamma = 0;
    while (std::string_view(document.steps()[std::size_t(dgamma)].id) != "dgamma")
        ++dgamma;
    state.setStep(dgamma);
    state.setFeature(4);
    const GraphContent content = graphContent(document, state, display);
    QVERIFY(content.computed);
    const std::size_t gamma = content.graph->nodeIndex("gamma");
    QVERIFY(content.state.nodeActive[gamma]);
    QCOMPARE(content.nodes[gamma].value, display.format(-0.5));
    QCOMPARE(content.nodes[gamma].gradient,
             QStringLiteral("dgamma = %1").arg(display.format((*document.value("dgamma"))(0, 1))));
    // Before the backward pass reaches it, x's gradient line says so; x shows feature 4's column.
    QCOMPARE(content.nodes[content.graph->nodeIndex("x")].pending, QStringLiteral("dx: not computed yet"));
    QCOMPARE(content.nodes[content.graph->nodeIndex("x")].value,
             sliceText(s.x, 0, 4, false, display, s.exercise, "x"));
}

// dx via mean is dmean / M, one number per set broadcast over it: its share on the edge from the
// mean shows that number once. Training batch norm showed its N copies once its values came from
// the family's N x D cells, and the wider labels pushed the graph's columns apart (lecture mode's
// digits got smaller).
void TestGraphView::dxViaMeanIsOneNumberPerSet()
{
    for (const Layer layer : {Layer::BatchNorm, Layer::LayerNorm}) {
        SessionDocument document;
        Session s = exampleSession();
        s.norm.layer = layer;
        if (layer == Layer::LayerNorm) {
            s.gamma = RowVector::Ones(s.features());
            s.beta = RowVector::Zero(s.features());
        }
        document.reset(s);
        QVERIFY(document.isComputed());
        WalkthroughState state;
        state.setSteps(document.steps());
        state.setStep(state.stepCount() - 1);
        state.setSample(1);
        state.setFeature(2);
        DisplaySettings display;
        const GraphContent content = graphContent(document, state, display);
        const auto& edges = content.graph->edges();
        int found = 0;
        for (std::size_t e = 0; e < edges.size(); ++e) {
            if (edges[e].share != "dx_via_mean")
                continue;
            ++found;
            const Matrix v(*document.value("dx_via_mean"));
            QCOMPARE(content.shares[e], QStringLiteral("%1 =\n%2").arg(QString::fromUtf8(quantity("dx_via_mean").label.data()),
                                                                       display.format(v(1, 2))));
        }
        QCOMPARE(found, 1);
    }
}

// Group norm's mean node read "dmean = x[0][0:3]: -5.597", as if dmean were x's entries. The
// set's name now follows the gradient's name: "dmean for x[0][0:3] = -5.597"; the value line
// keeps "x[0][0:3]: 0.6667".
void TestGraphView::aSetsGradientIsNamedAfterItsValue()
{
    SessionDocument document;
    Session s = exampleSession();
    s.x = standardNormalMatrix(3, 6, 5);
    s.dout = standardNormalMatrix(3, 6, 6);
    s.doutSeed.reset();
    s.gamma = RowVector::Ones(6);
    s.beta = RowVector::Zero(6);
    s.norm.layer = Layer::GroupNorm;
    s.norm.groups = 2;
    document.reset(s);
    QVERIFY(document.isComputed());
    WalkthroughState state;
    state.setSteps(document.steps());
    state.setStep(state.stepCount() - 1);  // every gradient computed
    state.setSample(1);
    state.setFeature(4);
    DisplaySettings display;
    const GraphContent content = graphContent(document, state, display);
    const GraphNodeText& mean = content.nodes[content.graph->nodeIndex("mean")];
    const double dmean = (*document.value("dmean"))(1, 1);  // sample 1, group 1 (features 3 to 5)
    QCOMPARE(mean.gradient, QStringLiteral("dmean for x[1][3:6] = %1").arg(display.format(dmean)));
    QVERIFY2(mean.value.startsWith(QStringLiteral("x[1][3:6]: ")), qPrintable(mean.value));
    for (const GraphNodeText& node : content.nodes)
        QVERIFY2(!node.gradient.contains(QStringLiteral("= x[")), qPrintable(node.gradient));
}

void TestGraphView::textFollowsPreferencesAndLectureZoom()
{
    display_->setFontPointSize(10);
    QTRY_VERIFY(smallestTextPixels(graph()) >= uiFontPixels());
    const double atTen = smallestTextPixels(graph());
    display_->setFontPointSize(16);
    QTRY_VERIFY2(smallestTextPixels(graph()) >= uiFontPixels() && smallestTextPixels(graph()) > atTen,
                 qPrintable(QStringLiteral("16 pt: %1 px, UI font %2 px, at 10 pt %3 px")
                                .arg(smallestTextPixels(graph())).arg(uiFontPixels()).arg(atTen)));
    display_->setFontPointSize(10);
    QTest::keyClick(window_, Qt::Key_F5);
    QVERIFY(window_->lectureMode()->isActive());
    // Lecture mode's large type: the graph's font grows with it (and with Ctrl+). On a screen
    // too small for the whole graph at that size (this offscreen screen is 800 x 600), the graph
    // is fitted, down to the interface font's size and never below it.
    QTRY_VERIFY(QFontInfo(graph()->font()).pixelSize() > uiFontPixels());
    const double lectureFont = QFontInfo(graph()->font()).pixelSize();
    QTRY_VERIFY(smallestTextPixels(graph()) >= uiFontPixels() - 0.5);
    QTest::keyClick(window_->walkthrough(), Qt::Key_Plus, Qt::ControlModifier);
    QTRY_VERIFY(QFontInfo(graph()->font()).pixelSize() > lectureFont);
    QVERIFY(smallestTextPixels(graph()) >= uiFontPixels() - 0.5);
    QTest::keyClick(window_->walkthrough(), Qt::Key_Escape);
    QTRY_VERIFY(std::abs(smallestTextPixels(graph()) - atTen) < 0.5);
}

void TestGraphView::nodesStayPutFromStepToStep()
{
    // The layout never changes with the step; on screen the nodes move only when the pane
    // scrolls to keep the step's nodes in view, and then all together, by the same offset.
    display_->setAnimateGraph(false);
    window_->walkthroughState()->setStep(0);
    const QMap<QString, QRect> first = nodesOnScreen(graph());
    QCOMPARE(first.size(), int(graphNodes().size()));
    const QRectF firstX = graph()->nodeRect(QStringLiteral("x"));
    for (int step = 1; step < int(steps().size()); ++step) {
        window_->walkthroughState()->setStep(step);
        QCOMPARE(graph()->nodeRect(QStringLiteral("x")), firstX);
        const QMap<QString, QRect> now = nodesOnScreen(graph());
        const QPoint offset = now.first().topLeft() - first.first().topLeft();
        for (auto it = first.begin(); it != first.end(); ++it)
            QCOMPARE(now.value(it.key()), it.value().translated(offset));
    }
    // Where the whole graph fits, nothing moves at all.
    window_->resize(2400, 1400);
    QAction* fit = actionNamed(window_, QStringLiteral("&Fit graph"));
    QVERIFY(fit);
    fit->trigger();
    QTest::qWait(50);
    window_->walkthroughState()->setStep(0);
    const QMap<QString, QRect> whole = nodesOnScreen(graph());
    if (graph()->horizontalScrollBar()->maximum() > 0 || graph()->verticalScrollBar()->maximum() > 0)
        QSKIP("the graph does not fit a 2400 x 1400 window here");
    for (int step = 1; step < int(steps().size()); ++step) {
        window_->walkthroughState()->setStep(step);
        QCOMPARE(nodesOnScreen(graph()), whole);
    }
}

void TestGraphView::backwardStepLightsItsEdgesFromOutputToInput()
{
    // Written out from the derivation (doc/derivation.md#staged-backward-pass): the edges each
    // gradient arrives along, as arrows from output back to input.
    const QMap<QString, QStringList> expected = {
        {"dy", {}},
        {"dbeta", {"y>beta"}},
        {"dgamma", {"y>gamma"}},
        {"dxhat", {"y>xhat"}},
        {"dinv_std", {"xhat>inv_std"}},
        {"dvar", {"inv_std>var"}},
        {"dmean_via_xhat", {"xhat>xmu", "xmu>mean"}},
        {"dmean_via_var", {"var>xmu", "xmu>mean"}},
        {"dmean", {"xmu>mean"}},
        {"dx_via_xhat", {"xhat>xmu"}},
        {"dx_via_var", {"var>xmu"}},
        {"dxmu", {"var>xmu", "xhat>xmu"}},
        {"dx_via_mean", {"mean>x"}},
        {"dx", {"mean>x", "xmu>x"}},
    };
    int backwardSteps = 0;
    for (const Step& step : steps()) {
        if (step.phase != Phase::Staged)
            continue;
        ++backwardSteps;
        QVERIFY2(expected.contains(qs(step.id)), step.id.data());
        window_->walkthroughState()->setStep(stepOf(step.id));
        QStringList shown = graph()->activeArrows(), wanted = expected[qs(step.id)];
        shown.sort();
        wanted.sort();
        QCOMPARE(shown, wanted);
    }
    QCOMPARE(backwardSteps, expected.size());
    window_->walkthroughState()->setStep(stepOf("xhat"));  // forward: input to output
    QStringList forward = graph()->activeArrows();
    forward.sort();
    QCOMPARE(forward, (QStringList{"inv_std>xhat", "xmu>xhat"}));
}

void TestGraphView::fanOutEdgesCarryTheirShares()
{
    WalkthroughState* state = window_->walkthroughState();
    state->setFeature(1);
    state->setStep(stepOf("dvar"));  // no share of x or x − μ computed yet
    for (const GraphEdge& edge : graphEdges())
        QCOMPARE(graph()->edgeLabel(qs(edge.from) + ">" + qs(edge.to)), QString());
    state->last();
    int labelled = 0;
    for (const GraphEdge& edge : graphEdges()) {
        const QString label = graph()->edgeLabel(qs(edge.from) + ">" + qs(edge.to));
        if (fanOut(edge.from).size() < 2) {
            QCOMPARE(label, QString());
            continue;
        }
        ++labelled;
        const auto share = document_->value(edge.share);
        QVERIFY(share);
        QVERIFY2(label.startsWith(qs(quantity(edge.share).label) + " =\n"), qPrintable(label));
        QVERIFY2(label.contains(display_->format((*share)(0, 1))), qPrintable(label));
    }
    QCOMPARE(labelled, 4);  // x into mean and x − μ, x − μ into var and xhat
}

void TestGraphView::steppingAnimatesUnlessTurnedOff()
{
    WalkthroughState* state = window_->walkthroughState();
    state->setStep(stepOf("dgamma"));
    QTRY_VERIFY(!graph()->isAnimating());
    state->next();  // dxhat: the gradient runs from y back to xhat
    QVERIFY(graph()->isAnimating());
    QTRY_VERIFY_WITH_TIMEOUT(!graph()->isAnimating(), 2000);
    QAction* toggle = window_->findChild<QAction*>(QStringLiteral("animateGraph"));
    QVERIFY(toggle && toggle->isCheckable() && toggle->isChecked());
    toggle->trigger();
    QVERIFY(!display_->animateGraph());
    state->next();
    QVERIFY(!graph()->isAnimating());
    QCOMPARE(graph()->activeArrows(), QStringList{"xhat>inv_std"});  // drawn whole at once
    // Persisted with the other display settings.
    QCOMPARE(QSettings().value(QStringLiteral("display/animateGraph")).toBool(), false);
    toggle->trigger();
}

void TestGraphView::coloursReadInBothThemes_data()
{
    QTest::addColumn<bool>("dark");
    QTest::newRow("light") << false;
    QTest::newRow("dark") << true;
}

void TestGraphView::coloursReadInBothThemes()
{
    QFETCH(bool, dark);
    display_->setTheme(dark ? Theme::Dark : Theme::Light);
    window_->walkthroughState()->setStep(stepOf("dmean_via_xhat"));
    const QColor base = graph()->palette().color(QPalette::Base);
    int lines = 0, gradientTexts = 0;
    for (QGraphicsItem* item : graph()->scene()->items()) {
        if (auto* line = dynamic_cast<QGraphicsLineItem*>(item)) {
            ++lines;  // every edge, lit or not, 3:1 at least (graphics)
            QVERIFY2(contrast(line->pen().color(), base) >= 3.0,
                     qPrintable(QStringLiteral("edge %1: %2 on %3").arg(item->data(2).toString(), line->pen().color().name(), base.name())));
        }
        if (auto* text = dynamic_cast<QGraphicsSimpleTextItem*>(item)) {
            const QColor ink = text->brush().color();
            gradientTexts += text->text().startsWith("d");
            QVERIFY2(contrast(ink, base) >= 4.5,  // every text 4.5:1 (WCAG AA)
                     qPrintable(QStringLiteral("'%1': %2 on %3").arg(text->text(), ink.name(), base.name())));
        }
    }
    QCOMPARE(lines, int(graphEdges().size()));
    QVERIFY(gradientTexts >= int(graphNodes().size()));
    display_->setTheme(Theme::Light);
}

void TestGraphView::uncomputableSessionShowsForwardValuesAndWhy()
{
    document_->setEps(0);  // a constant column with eps = 0: invStd is undefined
    for (int i = 0; i < int(document_->session().samples()); ++i)
        document_->setCell(Which::X, i, 0, 1);
    QVERIFY(!document_->analysis());
    window_->walkthroughState()->setFeature(0);
    window_->walkthroughState()->setStep(stepOf("dx"));
    QStringList texts;
    for (QGraphicsItem* item : graph()->scene()->items())
        if (auto* text = dynamic_cast<QGraphicsSimpleTextItem*>(item))
            texts << text->text();
        else if (auto* rich = dynamic_cast<QGraphicsTextItem*>(item))
            texts << rich->toPlainText();
    const QString all = texts.join('\n');
    QVERIFY2(!all.contains("not computed yet"), qPrintable(all));
    QVERIFY2(all.contains("eps = 0"), qPrintable(all));  // the reason, as the problem words it
    QVERIFY2(graph()->nodeText("mean").contains("\n1\n"), qPrintable(graph()->nodeText("mean")));
    QVERIFY2(graph()->nodeText("var").contains("\n0\n"), qPrintable(graph()->nodeText("var")));
    QVERIFY2(graph()->nodeText("xmu").contains("[0, 0, 0, 0]"), qPrintable(graph()->nodeText("xmu")));
}

void TestGraphView::handoutGraphPrintsAtEightPointsOrMore()
{
    QTemporaryDir dir;
    QString error;
    double points = 0;
    QVERIFY2(writeHandout(*document_, *display_, {1}, dir.filePath("h.pdf"), &error, &points), qPrintable(error));
    qInfo("the handout graph's smallest text: %.2f pt", points);
    QVERIFY2(points >= 8.0, qPrintable(QStringLiteral("%1 pt").arg(points)));
}

void TestGraphView::f1SheetListsEveryShortcut()
{
    QTest::keyClick(window_, Qt::Key_F1);
    QDialog* sheet = nullptr;
    QTRY_VERIFY((sheet = [this]() -> QDialog* {
        for (QDialog* d : window_->findChildren<QDialog*>())
            if (d->isVisible() && d->windowTitle().contains("shortcuts", Qt::CaseInsensitive))
                return d;
        return nullptr;
    }()));
    QTextBrowser* browser = sheet->findChild<QTextBrowser*>();
    QVERIFY(browser);
    const QString text = browser->toPlainText();
    int listed = 0;
    for (QAction* action : window_->findChildren<QAction*>()) {
        if (action->shortcuts().isEmpty())
            continue;
        ++listed;
        QString name = action->text();
        name.remove('&');
        name.remove("...");
        QVERIFY2(!name.isEmpty(), qPrintable(action->shortcut().toString()));
        QVERIFY2(text.contains(name), qPrintable(name));
        for (const QKeySequence& key : action->shortcuts())
            QVERIFY2(text.contains(key.toString(QKeySequence::NativeText)), qPrintable(name + ": " + key.toString()));
    }
    QVERIFY(listed >= 10);
    for (const char* key : {"F5", "F1", "Esc", "PgDown", "Home", "B"})  // the walkthrough's keys too
        QVERIFY2(text.contains(key), key);
    QVERIFY(text.contains("Colours of the results tables"));
    QVERIFY(text.contains("Colours of the graph"));
}

QTEST_MAIN(TestGraphView)
#include "test_graph_view.moc"
