// The computational graph model and the plugged-in numbers of each walkthrough step.
#include "fuzzy.h"

#include <catalogue.h>
#include <graph.h>

#include <QtTest>

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

QTEST_GUILESS_MAIN(TestGraph)
#include "test_graph.moc"
