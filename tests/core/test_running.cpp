// The running-statistics simulation (core/math/running_history.h) against PyTorch and NumPy
// (tests/reference/generate_running.py), and the batches, starts and eval-mode hand-over around it.
#include "family_reference.h"
#include "fuzzy.h"

#include <core/math/family.h>
#include <core/math/running_history.h>

#include <nlohmann/json.hpp>

#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <fstream>

using namespace bnflow;
using bnflow::test::closeTo;
using bnflow::test::maxAbs;
using bnflow::test::toMatrix;

namespace {

namespace fs = std::filesystem;
const fs::path kDir = BNFLOW_RUNNING_DIR;

nlohmann::json loadCase(const std::string& name)
{
    std::ifstream in(kDir / (name + ".json"));
    return nlohmann::json::parse(in);
}

// A session whose only job is to carry x (and a dout for the eval line).
Session sessionWith(const Matrix& x)
{
    Session s;
    s.x = x;
    s.gamma = RowVector::LinSpaced(x.cols(), 0.5, 1.5);
    s.beta = RowVector::Zero(x.cols());
    s.dout = standardNormalMatrix(x.rows(), x.cols(), 5);
    return s;
}

}  // namespace

class TestRunning : public QObject {
    Q_OBJECT
private slots:
    void matchesPyTorchAndNumPy_data();
    void matchesPyTorchAndNumPy();
    void everyCaseIsTested();
    void oneBatchIsTheFamilyUpdate();
    void weightMapsToEachForm();
    void batchesAreSeededAndExtend();
    void aConstantFeatureStaysConstant();
    void sessionStartNeedsRunningStatistics();
    void refusesWhatDoesNotApply_data();
    void refusesWhatDoesNotApply();
    void evalNormIsAValidEvalSession();
    void evalGradientIsTheFamilysEvalDx();
};

void TestRunning::matchesPyTorchAndNumPy_data()
{
    QTest::addColumn<QString>("name");
    for (const auto& entry : fs::directory_iterator(kDir))
        if (entry.path().extension() == ".json")
            QTest::newRow(entry.path().stem().string().c_str()) << QString::fromStdString(entry.path().stem().string());
}

void TestRunning::matchesPyTorchAndNumPy()
{
    QFETCH(QString, name);
    const nlohmann::json c = loadCase(name.toStdString());
    std::vector<Matrix> batches;
    for (const auto& b : c.at("batches"))
        batches.push_back(toMatrix(b));
    const Eigen::Index d = batches.front().cols();
    std::array<RunningState, 3> start;
    for (std::size_t k = 0; k < kConventions.size(); ++k) {
        const std::string conv(conventionName(kConventions[k]));
        const auto& initial = c.at("initial").at(conv);
        start[k] = {toMatrix(initial.at("mean")), toMatrix(initial.at("var"))};
        if (c.at("start") == "library") {  // bnflow knows each library's initial buffers
            QCOMPARE(libraryStart(kConventions[k], d).mean, start[k].mean);
            QCOMPARE(libraryStart(kConventions[k], d).var, start[k].var);
        }
    }
    std::optional<double> weight;
    if (!c.at("new_batch_weight").is_null())
        weight = c.at("new_batch_weight").get<double>();
    const RunningResult result = simulateRunning(batches, start, weight);
    QVERIFY2(result.ok(), result.ok() ? "" : formatProblem(result.problems.front()).c_str());
    // The yardstick of rounding: the size of what enters an update (as familyTermScale does
    // for one update), over every batch.
    double xScale = 0, varScale = 0;
    for (const Matrix& b : batches) {
        const double n = double(b.rows());
        const Matrix centred = b.rowwise() - RowVector(b.colwise().mean());
        xScale = std::max(xScale, maxAbs(b));
        varScale = std::max(varScale, maxAbs(centred) * maxAbs(centred) * n / (n - 1));
    }
    const double rtol = c.at("rtol").get<double>();
    for (std::size_t k = 0; k < kConventions.size(); ++k) {
        const std::string conv(conventionName(kConventions[k]));
        const RunningHistory& h = result.simulation->history[k];
        QCOMPARE(h.convention, kConventions[k]);
        QCOMPARE(h.momentum, c.at("momentum").at(conv).get<double>());
        const Matrix mean = toMatrix(c.at("history").at(conv).at("mean"));
        const Matrix var = toMatrix(c.at("history").at(conv).at("var"));
        QCOMPARE(h.mean.rows(), Eigen::Index(batches.size() + 1));
        std::string report;
        QVERIFY2(closeTo(h.mean, mean, xScale + maxAbs(start[k].mean), rtol, &report), (conv + " mean: " + report).c_str());
        QVERIFY2(closeTo(h.var, var, varScale + maxAbs(start[k].var), rtol, &report), (conv + " var: " + report).c_str());
    }
}

void TestRunning::everyCaseIsTested()
{
    int count = 0;
    for (const auto& entry : fs::directory_iterator(kDir))
        count += entry.path().extension() == ".json";
    QVERIFY(count >= 6);
}

void TestRunning::oneBatchIsTheFamilyUpdate()
{
    // The first step of each history is exactly the update a session with that batch and those
    // running statistics reports (analyzeFamily), the session's own momentum aside.
    Session s = sessionWith(standardNormalMatrix(5, 3, 11) * 2.0);
    RunningSettings settings;
    settings.batches = 1;
    const RunningResult r = simulateRunning(s, settings);
    QVERIFY(r.ok());
    for (std::size_t k = 0; k < kConventions.size(); ++k) {
        Session t = s;
        const RunningState start = libraryStart(kConventions[k], 3);
        t.norm.runningMean = start.mean;
        t.norm.runningVar = start.var;
        t.norm.convention = kConventions[k];
        const FamilyResult f = analyzeFamily(t);
        QVERIFY(f.ok() && f.analysis->running);
        std::string report;
        QVERIFY2(closeTo(r.simulation->history[k].mean.row(1), f.analysis->running->mean, 1, 1e-15, &report), report.c_str());
        QVERIFY2(closeTo(r.simulation->history[k].var.row(1), f.analysis->running->var, 1, 1e-15, &report), report.c_str());
    }
}

void TestRunning::weightMapsToEachForm()
{
    QCOMPARE(momentumForWeight(Convention::PyTorch, 0.25), 0.25);
    QCOMPARE(momentumForWeight(Convention::Keras, 0.25), 0.75);
    QCOMPARE(momentumForWeight(Convention::Cs231n, 0.25), 0.75);
    // Each library's default weighs the new batch: PyTorch and CS231n alike, Keras ten times less.
    QVERIFY(qFuzzyCompare(weightOfMomentum(Convention::PyTorch, 0.1), weightOfMomentum(Convention::Cs231n, 0.9)));
    QVERIFY(qFuzzyCompare(weightOfMomentum(Convention::Keras, 0.99), 0.01));
    // With one weight and one start, the means agree and the variances differ by N / (N - 1) only.
    const Matrix x = standardNormalMatrix(4, 2, 3);
    const std::array<RunningState, 3> start{RunningState{RowVector::Zero(2), RowVector::Ones(2)},
                                            RunningState{RowVector::Zero(2), RowVector::Ones(2)},
                                            RunningState{RowVector::Zero(2), RowVector::Ones(2)}};
    const RunningResult r = simulateRunning({x}, start, 0.5);
    QVERIFY(r.ok());
    const RunningSimulation& sim = *r.simulation;
    std::string report;
    QVERIFY2(closeTo(sim.of(Convention::PyTorch).mean, sim.of(Convention::Keras).mean, 1, 1e-15, &report), report.c_str());
    const RowVector biased = (x.rowwise() - RowVector(x.colwise().mean())).array().square().colwise().mean().matrix();
    QVERIFY2(closeTo(sim.of(Convention::PyTorch).var.row(1) - sim.of(Convention::Keras).var.row(1),
                     0.5 * biased * (4.0 / 3.0 - 1.0), 1, 1e-14, &report), report.c_str());
}

void TestRunning::batchesAreSeededAndExtend()
{
    const Session s = sessionWith(standardNormalMatrix(3, 4, 1) * 3.0);
    const std::vector<Matrix> ten = runningBatches(s, 10, 7);
    QCOMPARE(ten.size(), std::size_t(10));
    QCOMPARE(ten.front(), s.x);  // batch 1 is the session's own
    QCOMPARE(runningBatches(s, 10, 7), ten);  // the same seed, the same batches
    const std::vector<Matrix> twelve = runningBatches(s, 12, 7);
    QVERIFY(std::equal(ten.begin(), ten.end(), twelve.begin()));  // K + 2 appends two
    const std::vector<Matrix> other = runningBatches(s, 10, 8);
    QCOMPARE(other.front(), s.x);
    QVERIFY(other[1] != ten[1]);
    QVERIFY(ten[1] != ten[2]);
    QVERIFY(ten[1] != s.x);
    QVERIFY(runningBatches(s, 0, 7).empty());
}

void TestRunning::aConstantFeatureStaysConstant()
{
    // Drawn with x's own spread: a feature x holds constant stays at its value in every batch.
    Matrix x = standardNormalMatrix(4, 3, 2);
    x.col(1).setConstant(2.5);
    const std::vector<Matrix> batches = runningBatches(sessionWith(x), 5, 0);
    for (const Matrix& b : batches)
        QVERIFY((b.col(1).array() == 2.5).all());
}

void TestRunning::sessionStartNeedsRunningStatistics()
{
    Session s = sessionWith(standardNormalMatrix(4, 2, 2));
    RunningSettings settings;
    settings.start = RunningStart::Session;
    RunningResult r = simulateRunning(s, settings);
    QVERIFY(!r.ok());
    QCOMPARE(r.problems.front().where, std::string("running_mean"));
    s.norm.runningMean = RowVector::Constant(2, 0.5);
    s.norm.runningVar = RowVector::Constant(2, 2.0);
    r = simulateRunning(s, settings);
    QVERIFY(r.ok());
    for (const RunningHistory& h : r.simulation->history) {
        QCOMPARE(RowVector(h.mean.row(0)), *s.norm.runningMean);
        QCOMPARE(RowVector(h.var.row(0)), *s.norm.runningVar);
        QCOMPARE(h.mean.rows(), Eigen::Index(11));
    }
}

void TestRunning::refusesWhatDoesNotApply_data()
{
    QTest::addColumn<QString>("what");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("says");
    QTest::newRow("layer norm") << "layernorm" << "layer" << "batch norm only";
    QTest::newRow("rmsnorm") << "rmsnorm" << "layer" << "batch norm only";
    QTest::newRow("one sample") << "n1" << "batch 1" << "N - 1 = 0";
    QTest::newRow("no batches") << "k0" << "batches" << "expected 1 to 1000";
    QTest::newRow("too many batches") << "k1001" << "batches" << "expected 1 to 1000";
    QTest::newRow("weight above 1") << "w2" << "weight of the new batch" << "outside [0, 1]";
    QTest::newRow("overflow") << "huge" << "PyTorch running_var" << "overflows";
    QTest::newRow("invalid session") << "nan" << "x[0][0]" << "";
    QTest::newRow("spatial batch norm") << "spatial" << "channels" << "per channel";
}

void TestRunning::refusesWhatDoesNotApply()
{
    QFETCH(QString, what);
    QFETCH(QString, where);
    QFETCH(QString, says);
    Session s = sessionWith(standardNormalMatrix(4, 2, 2));
    RunningSettings settings;
    if (what == "layernorm")
        s.norm.layer = Layer::LayerNorm;
    else if (what == "rmsnorm")
        s.norm.layer = Layer::RmsNorm;
    else if (what == "n1")
        s = sessionWith(standardNormalMatrix(1, 2, 2));
    else if (what == "k0")
        settings.batches = 0;
    else if (what == "k1001")
        settings.batches = 1001;
    else if (what == "w2")
        settings.newBatchWeight = 2.0;
    else if (what == "huge")
        s.x *= 1e160;
    else if (what == "nan")
        s.x(0, 0) = std::nan("");
    else if (what == "spatial") {  // one channel of L = 2: gamma and beta have one number
        s.norm.channels = 1;
        s.gamma.conservativeResize(1);
        s.beta.conservativeResize(1);
    }
    const RunningResult r = simulateRunning(s, settings);
    QVERIFY(!r.ok());
    QCOMPARE(QString::fromStdString(r.problems.front().where), where);
    QVERIFY2(QString::fromStdString(r.problems.front().what).contains(says), r.problems.front().what.c_str());
}

void TestRunning::evalNormIsAValidEvalSession()
{
    Session s = sessionWith(standardNormalMatrix(4, 3, 2));
    s.norm.runningMean = RowVector::Zero(3);
    s.norm.runningVar = RowVector::Ones(3);
    s.norm.momentum = 0.2;
    s.norm.convention = Convention::Keras;
    const RunningState final{RowVector::Constant(3, 0.25), RowVector::Constant(3, 4.0)};
    s.norm = evalNorm(s.norm, final);
    QVERIFY(s.norm.isEval());
    QCOMPARE(*s.norm.runningMean, final.mean);
    QCOMPARE(*s.norm.runningVar, final.var);
    QVERIFY(validateNorm(s.norm, 4, 3).empty());  // momentum and convention would be refused in eval
    QVERIFY(analyzeFamily(s).ok());
}

void TestRunning::evalGradientIsTheFamilysEvalDx()
{
    Session s = sessionWith(standardNormalMatrix(4, 3, 2));
    const RowVector runningVar = (RowVector(3) << 0.5, 2.0, 0.0).finished();
    s.norm = evalNorm(s.norm, {RowVector::Zero(3), runningVar});
    const FamilyResult f = analyzeFamily(s);
    QVERIFY(f.ok());
    for (Eigen::Index j = 0; j < 3; ++j)
        for (Eigen::Index i = 0; i < 4; ++i) {
            const std::optional<EvalGradient> g = evalGradient(s, runningVar, j, i);
            QVERIFY(g);
            QVERIFY(std::abs(g->dx - f.analysis->fused.dx(i, j)) <= 1e-15 * std::abs(f.analysis->fused.dx(i, j)));
            QVERIFY(std::abs(g->scale * g->dout - g->dx) <= 1e-15 * std::abs(g->dx));
        }
    s.eps = 0;
    QVERIFY(!evalGradient(s, runningVar, 2, 0));  // running_var + eps = 0: undefined
    QVERIFY(!evalGradient(s, runningVar, 3, 0));
}

QTEST_GUILESS_MAIN(TestRunning)
#include "test_running.moc"
