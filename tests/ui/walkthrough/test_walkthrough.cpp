// The walkthrough, the graph, lecture mode and the handout, driven with real keys offscreen.
#include <document/display_settings.h>
#include <document/session_document.h>
#include <tables/matrix_view.h>
#include <walkthrough/formula_view.h>
#include <walkthrough/graph_view.h>
#include <walkthrough/handout.h>
#include <walkthrough/lecture_mode.h>
#include <walkthrough/walkthrough_panel.h>
#include <walkthrough/walkthrough_state.h>
#include <window/main_window.h>

#include <core/teach/catalogue.h>
#include <core/teach/family_catalogue.h>
#include <core/teach/graph.h>

#include "window_fixture.h"

#include <QApplication>
#include <QClipboard>
#include <QDockWidget>
#include <QImage>
#include <QLabel>
#include <QPainter>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QSvgRenderer>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QTabBar>
#include <QTabWidget>
#include <QtTest>

#include <map>

using namespace bnflow;
using namespace bnflow::ui;

namespace {

QString qs(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

int pdfPages(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray pdf = file.readAll();
    if (!pdf.startsWith("%PDF-"))
        return -1;
    return int(QString::fromLatin1(pdf).count(QRegularExpression(QStringLiteral("/Type\\s*/Page[^s]"))));
}

}  // namespace

class TestWalkthrough : public QObject, private bnflow::test::WindowFixture {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init();
    void cleanup();
    void everyFormulaLoads();
    void formulaFollowsTheLayer();
    void keysNavigate();
    void keysStepRightAfterATabSwitch();
    void graphLightsWhatCoreSays();
    void numbersShownAreTheCatalogues();
    void gradientsNotReachedAreShownAsSuch();
    void copyAsLatex();
    void lectureMode();
    void handoutHasCoverPlusOnePagePerStep();
    void graphExports_data();
    void graphExports();
    void screenshotAtAStep();
};

void TestWalkthrough::init()
{
    if (openWindow(QStringLiteral("walkthrough")))
        window_->walkthrough()->setFocus();
}

void TestWalkthrough::cleanup()
{
    closeWindow();
}

void TestWalkthrough::everyFormulaLoads()
{
    // Every formula a step of any layer shows, by its key (formulaKey(): "mean" for training
    // batch norm, "layernorm/mean", ...), with the TeX it was rendered from.
    std::map<std::string, std::string_view> formulas;
    for (const Step& step : steps())
        formulas.emplace(std::string(step.id), step.tex);
    for (const auto& [layer, mode] : {std::pair{Layer::LayerNorm, Mode::Train}, std::pair{Layer::GroupNorm, Mode::Train},
                                      std::pair{Layer::RmsNorm, Mode::Train}, std::pair{Layer::BatchNorm, Mode::Eval}})
        for (const Step& step : steps(layer, mode))
            formulas.emplace(formulaKey(layer, mode, step.id), step.tex);
    QVERIFY(formulas.count("layernorm/mean") && formulas.count("groupnorm/mean") && formulas.count("rmsnorm/ms") &&
            formulas.count("batchnorm_eval/inv_std"));
    QStringList badlyDrawn;
    for (const auto& [id, tex] : formulas) {
        const QString key = QString::fromStdString(id);
        const QByteArray svg = FormulaView::svgFor(key, Qt::black);
        QVERIFY2(svg.contains("<svg") && !svg.contains("currentColor"), id.c_str());
        QSvgRenderer renderer(svg);
        QVERIFY2(renderer.isValid(), id.c_str());
        const QSize size = renderer.defaultSize();  // px, not MathJax's ex: sane on screen
        QVERIFY2(size.width() >= 20 && size.width() <= 1200 && size.height() >= 10 && size.height() <= 150,
                 qPrintable(QStringLiteral("%1: %2 x %3").arg(key).arg(size.width()).arg(size.height())));
        // What Qt SVG draws fills the formula's box (a formula once rendered as a lone dash):
        // the ink spans most of the width and of the height, and its width is in proportion
        // to the length of the TeX (about 2 to 20 px per TeX character at this size).
        QImage image(size, QImage::Format_ARGB32);
        image.fill(Qt::white);
        QPainter painter(&image);
        renderer.render(&painter);
        painter.end();
        QRect ink;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x)
                if (qGray(image.pixel(x, y)) < 128)
                    ink |= QRect(x, y, 1, 1);
        const QString what = QStringLiteral("%1: ink %2 x %3 in %4 x %5")
                                 .arg(key).arg(ink.width()).arg(ink.height()).arg(size.width()).arg(size.height());
        QVERIFY2(!tex.empty(), id.c_str());
        const double perChar = double(ink.width()) / double(tex.size());
        if (ink.width() < 0.8 * size.width() || ink.height() < 0.6 * size.height() || perChar < 1.5 || perChar > 20)
            badlyDrawn << what + QStringLiteral(", %1 px per TeX character").arg(perChar, 0, 'f', 1);
    }
    QVERIFY2(badlyDrawn.isEmpty(), qPrintable(badlyDrawn.join(QStringLiteral("; "))));
    QVERIFY(window_->walkthrough()->formula()->renderer()->isValid());
}

// The formula shown is the session's layer's: the same step in layer norm reduces over the row.
void TestWalkthrough::formulaFollowsTheLayer()
{
    FormulaView* formula = window_->walkthrough()->formula();
    WalkthroughState* state = window_->walkthroughState();
    state->setStep(0);  // mean
    QCOMPARE(formula->key(), QStringLiteral("mean"));
    NormConfig layerNorm = document_->norm();
    layerNorm.layer = Layer::LayerNorm;
    QVERIFY(document_->setNorm(layerNorm, QStringLiteral("layer norm")));
    QCOMPARE(formula->key(), QStringLiteral("layernorm/mean"));
    QVERIFY(formula->renderer()->isValid());
    QCOMPARE(formula->renderer()->defaultSize(), QSvgRenderer(FormulaView::svgFor(QStringLiteral("layernorm/mean"), Qt::black)).defaultSize());
    QVERIFY(formula->renderer()->defaultSize() != QSvgRenderer(FormulaView::svgFor(QStringLiteral("mean"), Qt::black)).defaultSize());
    document_->undoStack()->undo();  // back to batch norm, back to its formula
    QCOMPARE(formula->key(), QStringLiteral("mean"));
    NormConfig eval = document_->norm();
    eval.mode = Mode::Eval;
    eval.runningMean = RowVector::Zero(document_->session().features());
    eval.runningVar = RowVector::Ones(document_->session().features());
    QVERIFY(document_->setNorm(eval, QStringLiteral("eval")));
    int k = 0;  // in eval mode's own step list
    while (document_->steps()[std::size_t(k)].id != "inv_std")
        ++k;
    state->setStep(k);
    QCOMPARE(formula->key(), QStringLiteral("batchnorm_eval/inv_std"));
    QVERIFY(formula->renderer()->isValid());
    // The key comes from core alone.
    QCOMPARE(FormulaView::keyFor(layerSpec(eval, 3), "inv_std"),
             QString::fromStdString(formulaKey(Layer::BatchNorm, Mode::Eval, "inv_std")));
    QCOMPARE(FormulaView::keyFor(layerSpec(NormConfig(), 3), "dxmu"), QStringLiteral("dxmu"));
    // A spatial session's formulas are the channel's: mean over N x L entries, gamma per channel.
    NormConfig spatial;
    spatial.channels = 2;
    QCOMPARE(FormulaView::keyFor(layerSpec(spatial, 6), "mean"), QStringLiteral("spatial_batchnorm/mean"));
    spatial.layer = Layer::GroupNorm;
    spatial.groups = 2;
    QCOMPARE(FormulaView::keyFor(layerSpec(spatial, 6), "mean"), QStringLiteral("groupnorm/mean"));
    QCOMPARE(FormulaView::keyFor(layerSpec(spatial, 6), "dgamma"), QStringLiteral("spatial_batchnorm/dgamma"));
    QVERIFY(!FormulaView::svgFor(QStringLiteral("spatial_batchnorm/mean"), Qt::black).isEmpty());
}

void TestWalkthrough::keysNavigate()
{
    WalkthroughState* state = window_->walkthroughState();
    QWidget* panel = window_->walkthrough();
    const int last = int(steps().size()) - 1;
    const std::pair<Qt::Key, int> presses[] = {{Qt::Key_Right, 1}, {Qt::Key_Space, 2}, {Qt::Key_PageDown, 3},
                                               {Qt::Key_Left, 2}, {Qt::Key_PageUp, 1}, {Qt::Key_End, last},
                                               {Qt::Key_Right, last}, {Qt::Key_Home, 0}, {Qt::Key_Left, 0}};
    for (const auto& [key, expected] : presses) {
        QTest::keyClick(panel, key);
        QCOMPARE(state->step(), expected);
    }
    QVERIFY(window_->walkthrough()->stepTitle().startsWith("Step 1 of"));
}

// Switching to the walkthrough (a click on its tab, Alt+W) while another widget has the focus
// (here the tab bar, where Alt+W leaves it) hands the focus to the walkthrough: the next Right
// steps instead of switching tabs. Real keyboard focus also needs a window manager: the same is
// driven with xdotool under openbox in the README's notes.
void TestWalkthrough::keysStepRightAfterATabSwitch()
{
    QTabWidget* tabs = window_->tabs();
    tabs->setCurrentIndex(0);
    window_->activateWindow();
    tabs->tabBar()->setFocus(Qt::ShortcutFocusReason);
    QTRY_VERIFY(tabs->tabBar()->hasFocus());
    tabs->setCurrentWidget(window_->walkthrough());
    QTRY_VERIFY(window_->walkthrough()->isAncestorOf(QApplication::focusWidget()));
    WalkthroughState* state = window_->walkthroughState();
    state->setStep(0);
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Right);
    QCOMPARE(state->step(), 1);
    QCOMPARE(tabs->currentWidget(), static_cast<QWidget*>(window_->walkthrough()));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Space);
    QCOMPARE(state->step(), 2);
}

void TestWalkthrough::graphLightsWhatCoreSays()
{
    GraphView* graph = window_->walkthrough()->graph();
    for (int k = 0; k < int(steps().size()); ++k) {
        window_->walkthroughState()->setStep(k);
        const GraphState expected = graphStateAt(std::size_t(k));
        QStringList nodes, edges;
        for (std::size_t n = 0; n < graphNodes().size(); ++n)
            if (expected.nodeActive[n])
                nodes << qs(graphNodes()[n].id);
        for (std::size_t e = 0; e < graphEdges().size(); ++e)
            if (expected.edgeActive[e])
                edges << qs(graphEdges()[e].from) + ">" + qs(graphEdges()[e].to);
        QStringList shownNodes = graph->activeNodes(), shownEdges = graph->activeEdges();
        nodes.sort(); edges.sort(); shownNodes.sort(); shownEdges.sort();
        QCOMPARE(shownNodes, nodes);
        QCOMPARE(shownEdges, edges);
    }
}

void TestWalkthrough::numbersShownAreTheCatalogues()
{
    WalkthroughState* state = window_->walkthroughState();
    state->setFeature(2);
    for (const char* id : {"var", "dvar", "dxmu", "fused_dx"}) {
        int k = 0;
        while (steps()[std::size_t(k)].id != id)
            ++k;
        state->setStep(k);
        const QString plugged = window_->walkthrough()->pluggedText();
        QVERIFY2(plugged.contains(QString::fromStdString(pluggedIn(*findStep(id), document_->session(), *document_->analysis(), 0, 2))),
                 qPrintable(plugged));
        const Matrix value = familyValueOf(id, document_->session(), *document_->analysis());
        QAbstractItemModel* model = window_->walkthrough()->values()->model();
        QCOMPARE(model->rowCount(), int(value.rows()));
        QCOMPARE(model->index(0, 2).data(Qt::ToolTipRole).toString(), DisplaySettings::fullPrecision(value(0, 2)));
    }
    document_->setCell(Which::X, 0, 2, 9.5);  // an edit shows at once
    QVERIFY(window_->walkthrough()->pluggedText().contains(
        QString::fromStdString(pluggedIn(*findStep("fused_dx"), document_->session(), *document_->analysis(), 0, 2))));
}

void TestWalkthrough::gradientsNotReachedAreShownAsSuch()
{
    GraphView* graph = window_->walkthrough()->graph();
    window_->walkthroughState()->setStep(6);  // dy: only y has its gradient
    QVERIFY(graph->nodeText("x").contains("not computed"));
    QVERIFY(graph->nodeText("y").contains("dy = "));
    window_->walkthroughState()->last();
    QVERIFY(!graph->nodeText("x").contains("not computed"));
    QVERIFY(graph->edgeLabel("x>mean").startsWith("dx via mean =\n"));  // the fan-out shares, on their edges
}

void TestWalkthrough::copyAsLatex()
{
    window_->walkthroughState()->setStep(10);
    for (QPushButton* b : window_->walkthrough()->findChildren<QPushButton*>())
        if (b->text() == "Copy LaTeX")
            QTest::mouseClick(b, Qt::LeftButton);
    QCOMPARE(QApplication::clipboard()->text(), qs(steps()[10].tex));
}

void TestWalkthrough::lectureMode()
{
    QTest::keyClick(window_, Qt::Key_F5);
    QVERIFY(window_->lectureMode()->isActive());
    QVERIFY(window_->windowState() & Qt::WindowFullScreen);
    for (QDockWidget* dock : window_->findChildren<QDockWidget*>())
        QVERIFY(dock->isHidden());
    QCOMPARE(window_->tabs()->currentWidget(), window_->walkthrough());
    const double scale = window_->walkthrough()->lectureScale();
    QTest::keyClick(window_->walkthrough(), Qt::Key_Plus, Qt::ControlModifier);
    QVERIFY(window_->walkthrough()->lectureScale() > scale);
    QTest::keyClick(window_->walkthrough(), Qt::Key_PageDown);  // a clicker's "next"
    QCOMPARE(window_->walkthroughState()->step(), 1);
    QTest::keyClick(window_->walkthrough(), Qt::Key_B);
    QVERIFY(window_->lectureMode()->isBlank());
    QTest::keyClick(window_->findChild<QWidget*>("blank"), Qt::Key_Space);  // any key returns
    QVERIFY(!window_->lectureMode()->isBlank());
    QTest::keyClick(window_->walkthrough(), Qt::Key_Escape);
    QVERIFY(!window_->lectureMode()->isActive());
    for (QDockWidget* dock : window_->findChildren<QDockWidget*>())
        QVERIFY(!dock->isHidden());
}

void TestWalkthrough::handoutHasCoverPlusOnePagePerStep()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("handout.pdf");
    QString error;
    QVERIFY2(writeHandout(*document_, *display_, {1}, path, &error), qPrintable(error));
    QCOMPARE(pdfPages(path), 1 + int(steps().size()) + 1);  // and the Jacobian's page
    document_->setEps(0);  // a session that cannot be computed has no handout, and says why
    document_->setCell(Which::X, 0, 0, 1);
    document_->setCell(Which::X, 1, 0, 1);
    document_->setCell(Which::X, 2, 0, 1);
    document_->setCell(Which::X, 3, 0, 1);
    QVERIFY(!writeHandout(*document_, *display_, {}, dir.filePath("no.pdf"), &error));
    QVERIFY2(error.contains("eps = 0"), qPrintable(error));
    QVERIFY(!QFile::exists(dir.filePath("no.pdf")));
}

void TestWalkthrough::graphExports_data()
{
    QTest::addColumn<QString>("suffix");
    QTest::addColumn<QByteArray>("magic");
    QTest::newRow("png") << "png" << QByteArray("\x89PNG");
    QTest::newRow("svg") << "svg" << QByteArray("<svg");
    QTest::newRow("pdf") << "pdf" << QByteArray("%PDF-");
}

void TestWalkthrough::graphExports()
{
    QFETCH(QString, suffix);
    QFETCH(QByteArray, magic);
    QTemporaryDir dir;
    const QString path = dir.filePath("graph." + suffix);
    QString error;
    QVERIFY2(window_->walkthrough()->graph()->exportTo(path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll().left(4096).contains(magic));
    QVERIFY(!window_->walkthrough()->graph()->exportTo(dir.filePath("graph.bmp"), &error));
    QVERIFY(error.contains(".png, .svg or .pdf"));
}

void TestWalkthrough::screenshotAtAStep()
{
    QTemporaryDir dir;
    const auto run = [&](const QStringList& args) {
        QProcess bnflow;
        bnflow.start(QStringLiteral(BNFLOW_GUI), args);
        bnflow.waitForFinished(60000);
        return std::pair(bnflow.exitCode(), QString::fromUtf8(bnflow.readAllStandardError()));
    };
    QCOMPARE(run({"--step", "12", "--screenshot", dir.filePath("s.png")}).first, 0);
    QVERIFY(!QImage(dir.filePath("s.png")).isNull());
    QCOMPARE(run({"--view", "lecture", "--screenshot", dir.filePath("l.png")}).first, 0);
    const auto badStep = run({"--step", "99", "--screenshot", dir.filePath("x.png")});
    QCOMPARE(badStep.first, 2);
    QVERIFY(badStep.second.contains("--step expects a number from 1 to"));
    QCOMPARE(run({"--view", "slides", "--screenshot", dir.filePath("x.png")}).first, 2);
    // RMSNorm has 16 steps: --step counts the session layer's, not batch norm's 25.
    Session rms = exampleSession();
    rms.norm.layer = Layer::RmsNorm;
    document_->reset(rms);
    QString error;
    const QString session = dir.filePath("rms.bnflow.json");
    QVERIFY2(document_->save(session, &error), qPrintable(error));
    QCOMPARE(run({session, "--step", "16", "--screenshot", dir.filePath("r.png")}).first, 0);
    const auto pastTheEnd = run({session, "--step", "17", "--screenshot", dir.filePath("x.png")});
    QCOMPARE(pastTheEnd.first, 2);
    QVERIFY2(pastTheEnd.second.contains("from 1 to 16"), qPrintable(pastTheEnd.second));
}

QTEST_MAIN(TestWalkthrough)
#include "test_walkthrough.moc"
