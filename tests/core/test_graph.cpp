// The computational graph model and the plugged-in numbers of each walkthrough step.
#include "fuzzy.h"

#include <core/teach/catalogue.h>
#include <core/math/family.h>
#include <core/teach/family_catalogue.h>
#include <core/teach/graph.h>

#include <QtTest>

#include <algorithm>
#include <set>

using namespace bnflow;
using namespace bnflow::test;

namespace {

std::size_t stepIndex(std::string_view id)
{
    const auto& all = steps();
    for (std::size_t k = 0; k < all.size(); ++k)
        if (all[k].id == id)
            return k;
    qFatal("no step %s", std::string(id).c_str());
}

// Every layer and mode the graph is drawn for, with a seeded session of that layer.
struct LayerCase {
    const char* name;
    NormConfig norm;
};

std::vector<LayerCase> layerCases()
{
    NormConfig bn, ln, gn, rms, eval;
    ln.layer = Layer::LayerNorm;
    gn.layer = Layer::GroupNorm;
    gn.groups = 2;
    rms.layer = Layer::RmsNorm;
    eval.mode = Mode::Eval;
    eval.runningMean = 0.3 * standardNormalMatrix(1, 4, 77);
    eval.runningVar = RowVector::Constant(4, 0.7);
    return {{"batchnorm", bn}, {"layernorm", ln}, {"groupnorm", gn}, {"rmsnorm", rms}, {"batchnorm eval", eval}};
}

Session seededSession(const NormConfig& norm)
{
    Session s = exampleSession();
    s.x = 2.0 * standardNormalMatrix(5, 4, 91);
    s.x.array() += 0.5;
    s.gamma = RowVector::Ones(4) + 0.3 * standardNormalMatrix(1, 4, 92);
    s.beta = 0.2 * standardNormalMatrix(1, 4, 93);
    s.dout = standardNormalMatrix(5, 4, 94);
    s.doutSeed.reset();
    s.norm = norm;
    return s;
}

const Graph& graphFor(const NormConfig& norm)
{
    return graphOf(norm.layerOrDefault(), norm.isEval() ? Mode::Eval : Mode::Train);
}

bool isStepOf(const std::vector<Step>& all, std::string_view id)
{
    return std::any_of(all.begin(), all.end(), [id](const Step& s) { return s.id == id; });
}

// The node a staged step belongs to: the one whose gradient it is, else the tail of the edge
// whose share it is, else the node it is one share of ("dmean_via_xhat": mean).
const GraphNode* stepNode(const Graph& g, std::string_view step)
{
    for (const GraphNode& node : g.nodes())
        if (node.gradient == step)
            return &node;
    for (const GraphEdge& edge : g.edges())
        if (edge.share == step)
            return g.findNode(edge.from);
    for (const GraphNode& node : g.nodes())
        if (!node.gradient.empty() && step.starts_with(std::string(node.gradient) + "_via_"))
            return &node;
    return nullptr;
}

}  // namespace

class TestGraph : public QObject {
    Q_OBJECT
private slots:
    void wellFormed();
    void fanOutSharesSumToTheGradient();
    void stepsLightTheirNodesAndEdges_data();
    void stepsLightTheirNodesAndEdges();
    void gradientsAppearInBackwardOrder();
    void pluggedInShowsTheStepsResult_data();
    void pluggedInShowsTheStepsResult();
    void everyLayerHasAGraph_data();
    void everyLayerHasAGraph();
    void everyLayersFanOutSharesSumToTheGradient_data();
    void everyLayersFanOutSharesSumToTheGradient();
    void familyGraphsLightTheirPaths();
};

void TestGraph::wellFormed()
{
    for (const GraphNode& node : graphNodes()) {
        // Every node is a quantity: the session's own, or one a step computes.
        QVERIFY(isSessionQuantity(node.id) || findStep(node.id));
        QVERIFY2(findStep(node.gradient), std::string(node.gradient).c_str());
    }
    for (const GraphEdge& edge : graphEdges()) {
        QVERIFY(findNode(edge.from) && findNode(edge.to));
        QVERIFY(findStep(edge.to) && findStep(edge.share));
        QVERIFY(findNode(edge.from)->column < findNode(edge.to)->column);  // drawn left to right
    }
}

// The central point of the derivation, on real numbers: where a node feeds several others, its
// gradient is the sum of the shares coming back along each edge.
void TestGraph::fanOutSharesSumToTheGradient()
{
    const Session s = exampleSession();
    const Analysis a = *analyze(s).analysis;
    const auto value = [&](std::string_view id) { return Matrix(valueOf(id, s, a)); };
    int fanOutNodes = 0;
    for (const GraphNode& node : graphNodes()) {
        const auto edges = fanOut(node.id);
        if (edges.size() < 2) {
            for (const GraphEdge* e : edges)  // one consumer: its share is the whole gradient
                QCOMPARE(e->share, node.gradient);
            continue;
        }
        ++fanOutNodes;
        Matrix sum = Matrix::Zero(s.samples(), s.features());
        for (const GraphEdge* e : edges) {
            const Matrix share = value(e->share);
            sum += share.rows() == 1 ? Matrix(share.replicate(s.samples(), 1)) : share;
        }
        std::string report;
        QVERIFY2(closeTo(sum, value(node.gradient), maxAbs(sum), 1e-14, &report),
                 (std::string(node.id) + " " + report).c_str());
    }
    QCOMPARE(fanOutNodes, 2);  // x (into mean and xmu) and xmu (into var and xhat)
}

void TestGraph::stepsLightTheirNodesAndEdges_data()
{
    QTest::addColumn<QString>("step");
    QTest::addColumn<QStringList>("nodes");
    QTest::addColumn<QStringList>("edges");
    QTest::newRow("mean") << "mean" << QStringList{"mean"} << QStringList{"x>mean"};
    QTest::newRow("xhat") << "xhat" << QStringList{"xhat"} << QStringList{"xmu>xhat", "inv_std>xhat"};
    QTest::newRow("y") << "y" << QStringList{"y"} << QStringList{"xhat>y", "gamma>y", "beta>y"};
    QTest::newRow("dy") << "dy" << QStringList{"y"} << QStringList{};
    QTest::newRow("dvar") << "dvar" << QStringList{"var"} << QStringList{"var>inv_std"};
    // Backward: the edges the gradient travels along at this step (the issue saw only the node).
    QTest::newRow("dmean_via_xhat") << "dmean_via_xhat" << QStringList{"mean"} << QStringList{"mean>xmu", "xmu>xhat"};
    QTest::newRow("dmean_via_var") << "dmean_via_var" << QStringList{"mean"} << QStringList{"mean>xmu", "xmu>var"};
    QTest::newRow("dx_via_mean") << "dx_via_mean" << QStringList{"x"} << QStringList{"x>mean"};
    QTest::newRow("dxmu") << "dxmu" << QStringList{"xmu"} << QStringList{"xmu>var", "xmu>xhat"};
    QTest::newRow("dx") << "dx" << QStringList{"x"} << QStringList{"x>mean", "x>xmu"};
}

void TestGraph::stepsLightTheirNodesAndEdges()
{
    QFETCH(QString, step);
    QFETCH(QStringList, nodes);
    QFETCH(QStringList, edges);
    const GraphState state = graphStateAt(stepIndex(step.toStdString()));
    QStringList litNodes, litEdges;
    for (std::size_t n = 0; n < graphNodes().size(); ++n)
        if (state.nodeActive[n])
            litNodes << QString::fromUtf8(graphNodes()[n].id.data(), qsizetype(graphNodes()[n].id.size()));
    for (std::size_t e = 0; e < graphEdges().size(); ++e)
        if (state.edgeActive[e])
            litEdges << QString::fromStdString(std::string(graphEdges()[e].from) + ">" + std::string(graphEdges()[e].to));
    QCOMPARE(litNodes, nodes);
    QCOMPARE(litEdges, edges);
    QCOMPARE(state.backward, findStep(step.toStdString())->phase == Phase::Staged);
}

void TestGraph::gradientsAppearInBackwardOrder()
{
    const auto reached = [](std::string_view step) {
        int count = 0;
        for (bool r : graphStateAt(stepIndex(step)).gradientReached)
            count += r;
        return count;
    };
    QCOMPARE(reached("y"), 0);      // forward: no gradient yet, drawn as not computed
    QCOMPARE(reached("dy"), 1);
    QCOMPARE(reached("dxhat"), 4);  // y, beta, gamma, xhat
    QCOMPARE(reached("dx"), int(graphNodes().size()));
    int previous = 0;
    for (std::size_t k = 0; k < steps().size(); ++k) {
        int now = 0;
        for (bool r : graphStateAt(k).gradientReached)
            now += r;
        QVERIFY(now >= previous);
        previous = now;
    }
}

void TestGraph::pluggedInShowsTheStepsResult_data()
{
    QTest::addColumn<QString>("step");
    for (const Step& step : steps())
        QTest::newRow(std::string(step.id).c_str()) << QString::fromUtf8(step.id.data(), qsizetype(step.id.size()));
}

void TestGraph::pluggedInShowsTheStepsResult()
{
    QFETCH(QString, step);
    const Session s = exampleSession();
    const Analysis a = *analyze(s).analysis;
    const Step& current = *findStep(step.toStdString());
    const Eigen::Index j = 1;
    const std::string text = pluggedIn(current, s, a, j);
    // The step's own result for feature j is in the line (its first sample for N x D values).
    char expected[40];
    std::snprintf(expected, sizeof expected, "%.4g", std::abs(valueOf(current.id, s, a)(0, j)));
    QVERIFY2(text.find(expected) != std::string::npos, (text + "  lacks  " + expected).c_str());
    QVERIFY(text.find('\n') == std::string::npos);
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, pluggedIn(current, s, a, 3));
}

void TestGraph::everyLayerHasAGraph_data()
{
    QTest::addColumn<int>("index");
    const auto cases = layerCases();
    for (std::size_t k = 0; k < cases.size(); ++k)
        QTest::newRow(cases[k].name) << int(k);
}

// Every node of a layer's graph shows a value and a gradient that layer has, every share is
// one of its steps, and every staged step's lit edges lead back to the step's node.
void TestGraph::everyLayerHasAGraph()
{
    QFETCH(int, index);
    const LayerCase c = layerCases()[std::size_t(index)];
    const Session s = seededSession(c.norm);
    const FamilyResult result = analyzeFamily(s);
    QVERIFY(result.ok());
    const Graph& g = graphFor(c.norm);
    const auto& all = g.steps();
    QCOMPARE(&all, &steps(c.norm.layerOrDefault(), c.norm.isEval() ? Mode::Eval : Mode::Train));
    const auto has = [&](std::string_view id) { return familyValueOf(id, s, *result.analysis).size() > 0; };
    for (const GraphNode& node : g.nodes()) {
        QVERIFY2(has(node.id), std::string(node.id).c_str());
        QVERIFY2(isSessionQuantity(node.id) || isStepOf(all, node.id) || node.id.starts_with("running_"),
                 std::string(node.id).c_str());
        if (!node.gradient.empty()) {
            QVERIFY2(isStepOf(all, node.gradient), std::string(node.gradient).c_str());
            QVERIFY2(has(node.gradient), std::string(node.gradient).c_str());
        }
    }
    for (const GraphEdge& edge : g.edges()) {
        QVERIFY(g.findNode(edge.from) && g.findNode(edge.to));
        QVERIFY(g.findNode(edge.from)->column < g.findNode(edge.to)->column);
        QVERIFY(isStepOf(all, edge.to));
        if (!edge.share.empty())
            QVERIFY2(isStepOf(all, edge.share) && has(edge.share), std::string(edge.share).c_str());
    }
    // No two nodes share a cell in either layout.
    for (std::size_t a = 0; a < g.nodes().size(); ++a)
        for (std::size_t b = a + 1; b < g.nodes().size(); ++b) {
            const GraphNode &p = g.nodes()[a], &q = g.nodes()[b];
            QVERIFY(p.column != q.column || p.row != q.row);
            QVERIFY(p.tallColumn != q.tallColumn || p.tallRow != q.tallRow);
        }
    for (std::size_t k = 0; k < all.size(); ++k) {
        const Step& step = all[k];
        const GraphState state = g.stateAt(k);
        QVERIFY2(std::count(state.nodeActive.begin(), state.nodeActive.end(), true) > 0, std::string(step.id).c_str());
        if (step.phase == Phase::Forward)
            QVERIFY2(g.findNode(step.id), std::string(step.id).c_str());
        if (step.phase != Phase::Staged || step.id == "dy")
            continue;
        const GraphNode* node = stepNode(g, step.id);
        QVERIFY2(node, std::string(step.id).c_str());
        QVERIFY2(has(step.id), std::string(step.id).c_str());
        const auto lit = g.backwardEdges(step.id);
        QVERIFY2(!lit.empty(), std::string(step.id).c_str());
        // Travelled head to tail, the path ends at the step's node: every lit edge leaves that
        // node or the head of another lit edge.
        bool reachesNode = false;
        for (const GraphEdge* edge : lit) {
            reachesNode = reachesNode || edge->from == node->id;
            const bool chained = edge->from == node->id ||
                                 std::any_of(lit.begin(), lit.end(), [edge](const GraphEdge* e) { return e->to == edge->from; });
            QVERIFY2(chained, (std::string(step.id) + ": " + std::string(edge->from) + ">" + std::string(edge->to)).c_str());
        }
        QVERIFY2(reachesNode, std::string(step.id).c_str());
        for (std::size_t e = 0; e < g.edges().size(); ++e)
            QCOMPARE(bool(state.edgeActive[e]),
                     std::find(lit.begin(), lit.end(), &g.edges()[e]) != lit.end());
    }
    // By the last staged step every gradient the graph draws has been computed.
    std::size_t lastStaged = 0;
    for (std::size_t k = 0; k < all.size(); ++k)
        if (all[k].phase == Phase::Staged)
            lastStaged = k;
    const GraphState end = g.stateAt(lastStaged);
    for (std::size_t n = 0; n < g.nodes().size(); ++n)
        QCOMPARE(bool(end.gradientReached[n]), !g.nodes()[n].gradient.empty());
}

void TestGraph::everyLayersFanOutSharesSumToTheGradient_data()
{
    everyLayerHasAGraph_data();
}

// As fanOutSharesSumToTheGradient, for every layer, on the family's own numbers.
void TestGraph::everyLayersFanOutSharesSumToTheGradient()
{
    QFETCH(int, index);
    const LayerCase c = layerCases()[std::size_t(index)];
    const Session s = seededSession(c.norm);
    const FamilyResult result = analyzeFamily(s);
    QVERIFY(result.ok());
    const Graph& g = graphFor(c.norm);
    const auto value = [&](std::string_view id) { return Matrix(familyValueOf(id, s, *result.analysis)); };
    int fanOutNodes = 0;
    for (const GraphNode& node : g.nodes()) {
        const auto edges = g.fanOut(node.id);
        if (edges.size() < 2) {
            for (const GraphEdge* e : edges)  // one consumer: its share is the whole gradient
                QCOMPARE(e->share, node.gradient);
            continue;
        }
        ++fanOutNodes;
        Matrix sum = Matrix::Zero(s.samples(), s.features());
        for (const GraphEdge* e : edges)
            sum += value(e->share);
        std::string report;
        QVERIFY2(closeTo(sum, value(node.gradient), maxAbs(sum), 1e-14, &report),
                 (std::string(node.id) + " " + report).c_str());
    }
    const Layer layer = c.norm.layerOrDefault();
    // x and x − μ (centred layers); x alone (RMSNorm); none in eval mode: one path.
    QCOMPARE(fanOutNodes, layer == Layer::RmsNorm ? 1 : c.norm.isEval() ? 0 : 2);
}

void TestGraph::familyGraphsLightTheirPaths()
{
    const auto litAt = [](const Graph& g, std::string_view step) {
        const auto& all = g.steps();
        std::size_t k = 0;
        while (k < all.size() && all[k].id != step)
            ++k;
        const GraphState state = g.stateAt(k);
        QStringList edges;
        for (std::size_t e = 0; e < g.edges().size(); ++e)
            if (state.edgeActive[e])
                edges << QString::fromStdString(std::string(g.edges()[e].from) + ">" + std::string(g.edges()[e].to));
        return edges;
    };
    const Graph& rms = graphOf(Layer::RmsNorm);
    QVERIFY(!rms.findNode("mean") && !rms.findNode("xmu"));
    QCOMPARE(litAt(rms, "rrms"), QStringList({"ms>rrms"}));
    QCOMPARE(litAt(rms, "xhat"), QStringList({"x>xhat", "rrms>xhat"}));
    QCOMPARE(litAt(rms, "dx"), QStringList({"x>ms", "x>xhat"}));
    const Graph& eval = graphOf(Layer::BatchNorm, Mode::Eval);
    QCOMPARE(litAt(eval, "xmu"), QStringList({"x>xmu", "running_mean>xmu"}));
    QCOMPARE(litAt(eval, "dx"), QStringList({"x>xmu", "xmu>xhat"}));
    QVERIFY(eval.findNode("running_var")->gradient.empty());
    const Graph& ln = graphOf(Layer::LayerNorm, Mode::Eval);  // the mode is batch norm's only
    QCOMPARE(&ln, &graphOf(Layer::LayerNorm));
    QCOMPARE(litAt(ln, "dxmu"), QStringList({"xmu>var", "xmu>xhat"}));
    QCOMPARE(&graphOf(Layer::BatchNorm).steps(), &steps());
}

QTEST_GUILESS_MAIN(TestGraph)
#include "test_graph.moc"
