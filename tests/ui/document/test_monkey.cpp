// Thousands of random but valid actions on the real window, with the document and the views
// checked for consistency after each one. Seeded, so a failure names the seed and the step.
#include <document/display_settings.h>
#include <document/session_document.h>
#include <editors/editor_panels.h>
#include <editors/layer_panel.h>
#include <plots/plot_builders.h>
#include <plots/plot_view.h>
#include <plots/plots_panel.h>
#include <results/results_panel.h>
#include <tables/matrix_view.h>
#include <walkthrough/walkthrough_state.h>
#include <window/main_window.h>

#include <core/teach/catalogue.h>

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QTabWidget>
#include <QUndoStack>
#include <QtTest>

#include <random>

using namespace bnflow;
using namespace bnflow::ui;

class TestMonkey : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void randomActions_data();
    void randomActions();
};

void TestMonkey::randomActions_data()
{
    QTest::addColumn<unsigned>("seed");
    QTest::addColumn<int>("actions");
    QTest::newRow("seed 1") << 1u << 1000;
    QTest::newRow("seed 2") << 2u << 1000;
}

void TestMonkey::randomActions()
{
    QFETCH(unsigned, seed);
    QFETCH(int, actions);
    DisplaySettings display;
    SessionDocument document;
    MainWindow window(&document, &display);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    std::mt19937 rng(seed);
    const auto pick = [&rng](int n) { return int(rng() % unsigned(std::max(n, 1))); };
    const auto value = [&rng] { return std::uniform_real_distribution<double>(-20, 20)(rng); };
    MatrixView* x = window.batchPanel()->view();
    QList<QAction*> shape = window.batchPanel()->shapeActions();
    QUndoStack* undo = document.undoStack();

    for (int step = 0; step < actions; ++step) {
        const Session& s = document.session();
        const int n = int(s.samples()), d = int(s.features());
        switch (pick(16)) {
        case 0: case 1: {  // type into x or dout through the model, as the editor does
            QAbstractItemModel* model = pick(2) ? x->model() : window.doutPanel()->view()->model();
            model->setData(model->index(pick(n), pick(d)), QString::number(value()), Qt::EditRole);
            break;
        }
        case 2:  // a refused edit must change nothing
            x->model()->setData(x->model()->index(pick(n), pick(d)), QStringLiteral("not a number"), Qt::EditRole);
            break;
        case 3: {  // paste a block where the cursor is
            QString text;
            const int rows = 1 + pick(3), cols = 1 + pick(3);
            for (int r = 0; r < rows; ++r) {
                QStringList cells;
                for (int c = 0; c < cols; ++c)
                    cells << QString::number(value());
                text += cells.join('\t') + '\n';
            }
            QApplication::clipboard()->setText(text);
            x->setCurrentIndex(x->model()->index(pick(n), pick(d)));
            x->paste();
            break;
        }
        case 4: case 5: undo->undo(); break;
        case 6: undo->redo(); break;
        case 7:  // add or remove samples and features through the real actions
            x->setCurrentIndex(x->model()->index(pick(n), pick(d)));
            shape[pick(int(shape.size()))]->trigger();
            break;
        case 8: document.setGamma(pick(d), value() / 5); break;
        case 9: document.setEps(pick(4) == 0 ? 0.0 : std::pow(10.0, -1 - pick(8))); break;
        case 10:
            switch (pick(4)) {
            case 0: document.setDoutAllOnes(); break;
            case 1: document.setDoutOneHot(pick(n), pick(d)); break;
            case 2: document.setDoutFromHalfSquareLoss(); break;
            default: document.randomizeBatch(Distribution(pick(3)), unsigned(pick(100)));
            }
            break;
        case 11: window.walkthroughState()->setStep(pick(40) - 5); window.walkthroughState()->setFeature(pick(6)); break;
        case 12: window.resize(900 + pick(900), 600 + pick(500)); break;
        case 13: {  // a plot, some of which (gradcheck, hsweep) are built on a worker thread
            const QStringList names = plotNames();
            QVERIFY(window.showView(names[pick(int(names.size()))]));
            break;
        }
        case 14: {  // another layer of the family, or batch norm's eval mode or running statistics
            const NormConfig& norm = document.norm();
            switch (pick(3)) {
            case 0: document.setNorm(LayerPanel::withLayer(norm, Layer(pick(4)), d), "layer"); break;
            case 1: {
                NormConfig eval = LayerPanel::withRunning(norm, d);
                eval.mode = Mode::Eval;
                eval.momentum.reset();
                eval.convention.reset();
                document.setNorm(eval, "eval");  // refused on another layer
                break;
            }
            default: {
                NormConfig groups = norm;
                groups.groups = 1 + pick(d);
                document.setNorm(groups, "groups");  // refused unless group norm and G divides D
            }
            }
            break;
        }
        default: window.tabs()->setCurrentIndex(pick(window.tabs()->count())); break;
        }
        if (step % 25 == 0)
            QApplication::processEvents();  // let the views repaint now and then

        // Consistency: the document and every view agree after every action.
        const Session& now = document.session();
        const QByteArray where = QStringLiteral("seed %1, action %2").arg(seed).arg(step).toUtf8();
        QVERIFY2(now.validate().empty(), where.constData());
        QVERIFY2(now.samples() >= 1 && now.samples() <= kMaxEditSamples && now.features() >= 1 &&
                     now.features() <= kMaxEditFeatures, where.constData());
        QCOMPARE(x->model()->rowCount(), int(now.samples()));
        QCOMPARE(x->model()->columnCount(), int(now.features()));
        QCOMPARE(window.doutPanel()->view()->model()->rowCount(), int(now.samples()));
        MatrixView* dx = window.resultsPanel()->view(QStringLiteral("fused_dx"));
        QVERIFY2(validateNorm(now.norm, now.samples(), now.features()).empty(), where.constData());
        if (const FamilyAnalysis* a = document.analysis()) {
            QVERIFY2(a->staged.dx.allFinite() && a->fused.dx.allFinite(), where.constData());
            QCOMPARE(dx->model()->rowCount(), int(now.samples()));
            QCOMPARE(document.value("dx")->rows(), now.samples());
        } else {
            QVERIFY2(!document.problems().empty(), where.constData());
            QCOMPARE(dx->model()->rowCount(), 0);
            QVERIFY(!document.value("dx"));
        }
        QVERIFY(window.walkthroughState()->step() >= 0 && window.walkthroughState()->step() < int(document.steps().size()));
    }
    // The plot shown is the last session's, however the worker's results interleaved: for the
    // plot the actions left up, and for the gradient check after a burst of edits.
    PlotsPanel* plots = window.plotsPanel();
    const auto plotIsCurrent = [&] {
        QTRY_VERIFY_WITH_TIMEOUT(!plots->computing(), 60000);
        // Every layer now (one analysis): a hidden tab keeps its old plot until shown (stale,
        // plots_panel.cpp), and a plot that does not apply to the layer is no plot at all.
        const FamilyAnalysis* a = document.analysis();
        if (!a || plots->isHidden() || plots->currentPlot() == QLatin1String("timings"))
            return;
        const PlotSpec expected = familyPlot(plots->currentPlot(), document.session(), *a);
        const PlotSpec& shown = plots->view()->spec();
        if (!familyPlotUnavailable(plots->currentPlot(), document.norm()).isEmpty()) {
            QVERIFY(shown.panels.empty());
            return;
        }
        QCOMPARE(shown.name, expected.name);
        QCOMPARE(shown.caption, expected.caption);
        QCOMPARE(shown.panels.size(), expected.panels.size());
        for (std::size_t p = 0; p < expected.panels.size(); ++p)
            for (std::size_t k = 0; k < expected.panels[p].series.size(); ++k)
                QVERIFY(shown.panels[p].series[k].y == expected.panels[p].series[k].y);
    };
    plotIsCurrent();
    QVERIFY(window.showView(QStringLiteral("gradcheck")));
    for (int k = 0; k < 5; ++k) {
        const Session& s = document.session();
        document.setCell(Which::X, pick(int(s.samples())), pick(int(s.features())), value());
    }
    QCOMPARE(plots->currentPlot(), QStringLiteral("gradcheck"));
    plotIsCurrent();
    undo->setClean();
}

QTEST_MAIN(TestMonkey)
#include "test_monkey.moc"
