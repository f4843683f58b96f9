// The normalization family (core/math/family.h): every layer against PyTorch's reference cases
// (tests/reference/family), against finite differences, and against batch norm where the
// math says they coincide.
#include <core/math/analysis.h>
#include <core/teach/catalogue.h>
#include <core/math/accurate.h>
#include <core/math/family.h>
#include <core/teach/family_catalogue.h>
#include <core/math/gradcheck.h>

#include <family_reference.h>
#include <fuzzy.h>

#include <QtTest>

using namespace bnflow;
using namespace bnflow::test;

class TestFamily : public QObject {
    Q_OBJECT
private slots:
    void referenceCases_data();
    void referenceCases();
    void gradientCheck_data();
    void gradientCheck();
    void everyLayerHasCases();
    void genericPathMatchesBatchNorm();
    void oneGroupIsLayerNorm();
    void layerNormIsBatchNormOfTheTranspose();
    void setSumsOfDxVanish();
    void runningUpdateByHand();
    void undefinedCasesAreProblems();
    void analyzeRefusesOtherLayers();
    void setCellsPartitionTheBatch();
    void everyQuantityHasAValueOrNone();
    void runningStatisticsOfOtherLengthsAreUnequal();
};

namespace {

// A statistic in the layer's shape as the reference file stores it: [N] for one per sample.
Matrix asStored(const Matrix& stat, const Matrix& expected)
{
    if (stat.rows() == expected.rows() && stat.cols() == expected.cols())
        return stat;
    return stat.transpose();
}

Session randomSession(Eigen::Index n, Eigen::Index d, unsigned seed)
{
    Session s = exampleSession();
    s.x = standardNormalMatrix(n, d, seed) * 2.0;
    s.x.array() += 0.5;
    s.gamma = RowVector::Ones(d) + 0.3 * standardNormalMatrix(1, d, seed + 1);
    s.beta = 0.2 * standardNormalMatrix(1, d, seed + 2);
    s.dout = standardNormalMatrix(n, d, seed + 3);
    s.doutSeed.reset();
    return s;
}

std::vector<std::pair<const char*, NormConfig>> layers(Eigen::Index d)
{
    NormConfig ln, rms, gn, eval;
    ln.layer = Layer::LayerNorm;
    rms.layer = Layer::RmsNorm;
    gn.layer = Layer::GroupNorm;
    gn.groups = d % 2 == 0 ? 2 : 1;
    eval.mode = Mode::Eval;
    eval.runningMean = 0.3 * standardNormalMatrix(1, d, 77);
    eval.runningVar = RowVector::Constant(d, 0.7);
    return {{"layernorm", ln}, {"rmsnorm", rms}, {"groupnorm", gn}, {"batchnorm eval", eval}};
}

}  // namespace

void TestFamily::referenceCases_data()
{
    QTest::addColumn<QString>("name");
    for (const std::string& name : familyCaseNames())
        QTest::newRow(name.c_str()) << QString::fromStdString(name);
}

void TestFamily::referenceCases()
{
    QFETCH(QString, name);
    const FamilyCase c = loadFamilyCase(name.toStdString());
    const FamilyResult result = analyzeFamily(c.session);
    QVERIFY2(result.ok(), result.ok() ? "" : formatProblem(result.problems.front()).c_str());
    const FamilyAnalysis& a = *result.analysis;
    const FamilyForward& f = a.forward;
    std::map<std::string, Matrix> actual = {
        {"forward.y", f.y},
        {"grads.dx", a.fused.dx},
        {"grads.dgamma", a.fused.dgamma},
        {"grads.dbeta", a.fused.dbeta},
    };
    if (a.reduction.layer == Layer::RmsNorm) {
        actual["forward.rms"] = f.rms;
        actual["forward.rrms"] = f.rrms;
    } else if (a.reduction.eval) {
        actual["forward.running_mean"] = f.mean;
        actual["forward.running_var"] = f.var;
        actual["forward.inv_std"] = f.invStd;
    } else {
        actual["forward.mean"] = f.mean;
        actual["forward.var"] = f.var;
        actual["forward.inv_std"] = f.invStd;
    }
    if (a.running) {
        actual["running.mean"] = a.running->mean;
        actual["running.var"] = a.running->var;
    }
    QCOMPARE(actual.size(), c.expected.size());  // every reference value is compared
    for (const auto& [key, value] : actual) {
        QVERIFY2(c.expected.count(key), key.c_str());
        const Matrix& expected = c.expected.at(key);
        std::string report;
        QVERIFY2(closeTo(asStored(value, expected), expected, familyTermScale(key, c), c.rtol, &report),
                 (key + ": " + report).c_str());
    }
    // The staged chain rule reaches the same gradients.
    std::string report;
    QVERIFY2(closeTo(a.staged.dx, c.expected.at("grads.dx"), familyTermScale("grads.dx", c),
                     c.rtol, &report), report.c_str());
    QVERIFY2(closeTo(a.staged.dgamma, c.expected.at("grads.dgamma"),
                     familyTermScale("grads.dgamma", c), c.rtol, &report), report.c_str());
    // So does check's extended-precision reference (accurate.h), for every layer and mode.
    const AccurateGradients accurate = accurateGradients(c.session);
    for (const auto& [key, value] : std::map<std::string, Matrix>{
             {"grads.dx", accurate.dx}, {"grads.dgamma", accurate.dgamma}, {"grads.dbeta", accurate.dbeta}})
        QVERIFY2(closeTo(asStored(value, c.expected.at(key)), c.expected.at(key), familyTermScale(key, c),
                         c.rtol, &report),
                 ("accurate " + key + ": " + report).c_str());
}

void TestFamily::gradientCheck_data()
{
    referenceCases_data();
}

void TestFamily::gradientCheck()
{
    QFETCH(QString, name);
    const FamilyCase c = loadFamilyCase(name.toStdString());
    const GradCheckReport r = bnflow::gradientCheck(c.session);
    QVERIFY2(r.ok(), r.problem ? formatProblem(*r.problem).c_str() : "");
    QCOMPARE(r.dtype, Dtype::F64);
    // Scaled errors: G = D and D = 1 make dx exactly 0, where relative errors are meaningless.
    // The 1e6 offsets lose about 1e-10 of f's bits in every difference.
    // A statistic near eps (a constant row) or sets of two elements bend f on the scale of
    // sqrt(eps) ~ 3e-3: the central difference's truncation error at h = 1e-5 is then ~1e-6.
    const Reduction red = Reduction::of(c.session.norm, c.session.samples(), c.session.features());
    const bool curved = name.contains("constant") || (!red.eval && red.count() <= 2);
    const double tolerance = name.contains("offset") ? 1e-4 : curved ? 1e-5 : 1e-7;
    QVERIFY2(r.scaledDx < tolerance, std::to_string(r.scaledDx).c_str());
    QVERIFY2(r.scaledDgamma < tolerance, std::to_string(r.scaledDgamma).c_str());
    QVERIFY2(r.scaledDbeta < tolerance, std::to_string(r.scaledDbeta).c_str());
}

void TestFamily::everyLayerHasCases()
{
    std::map<std::string, int> count;
    const std::vector<std::string> names = familyCaseNames();
    for (const std::string& name : names)
        ++count[name.substr(0, name.find('_'))];
    for (const char* prefix : {"layernorm", "rmsnorm", "groupnorm", "batchnorm", "running"})
        QVERIFY2(count[prefix] >= 3, prefix);
    for (const char* name : {"running_pytorch_6x4", "running_keras_6x4", "running_cs231n_6x4",
                             "groupnorm_g1_4x6", "groupnorm_g6_4x6", "layernorm_n1_1x6",
                             "rmsnorm_d1_5x1", "layernorm_constant_row_4x5"})
        QVERIFY2(std::count(names.begin(), names.end(), name), name);
}

void TestFamily::genericPathMatchesBatchNorm()
{
    Session s = randomSession(9, 4, 5);
    const AnalysisResult bn = analyze(s);
    const FamilyResult generic = analyzeFamily(s);
    QVERIFY(bn.ok() && generic.ok());
    const double scale = maxAbs(bn.analysis->staged.dx);
    QVERIFY(scaledError(generic.analysis->fused.dx, bn.analysis->fused.grads.dx, scale) < 1e-14);
    QVERIFY(scaledError(generic.analysis->staged.dx, bn.analysis->staged.dx, scale) < 1e-14);
    QVERIFY(scaledError(generic.analysis->forward.y, bn.analysis->forward.y, maxAbs(bn.analysis->forward.y)) < 1e-15);
    QVERIFY(!generic.analysis->running);
}

void TestFamily::oneGroupIsLayerNorm()
{
    Session ln = randomSession(5, 6, 11);
    ln.norm.layer = Layer::LayerNorm;
    Session gn = ln;
    gn.norm.layer = Layer::GroupNorm;
    gn.norm.groups = 1;
    const FamilyResult a = analyzeFamily(ln), b = analyzeFamily(gn);
    QVERIFY(a.ok() && b.ok());
    // Same sets, same order of summation: the same bits.
    QCOMPARE(b.analysis->forward.y, a.analysis->forward.y);
    QCOMPARE(b.analysis->staged.dx, a.analysis->staged.dx);
    QCOMPARE(b.analysis->fused.dx, a.analysis->fused.dx);
    QCOMPARE(b.analysis->forward.mean, a.analysis->forward.mean);
}

void TestFamily::layerNormIsBatchNormOfTheTranspose()
{
    Session ln = randomSession(4, 7, 21);
    ln.norm.layer = Layer::LayerNorm;
    ln.gamma.setOnes();  // gamma and beta are per feature in both, so only gamma = 1 transposes
    ln.beta.setZero();
    Session bn = randomSession(7, 4, 1);
    bn.x = ln.x.transpose();
    bn.dout = ln.dout.transpose();
    bn.gamma.setOnes();
    bn.beta.setZero();
    const FamilyResult a = analyzeFamily(ln);
    const AnalysisResult b = analyze(bn);
    QVERIFY(a.ok() && b.ok());
    const Matrix bnDx = b.analysis->staged.dx.transpose();
    QVERIFY(scaledError(a.analysis->fused.dx, bnDx, maxAbs(bnDx)) < 1e-14);
    QVERIFY(scaledError(a.analysis->forward.mean, b.analysis->forward.mean.transpose(), 1) < 1e-15);
}

void TestFamily::setSumsOfDxVanish()
{
    // Centred layers: dx sums to 0 over every set (doc/derivation.md#the-normalization-family).
    for (const auto& [name, config] : layers(6)) {
        if (config.layerOrDefault() == Layer::RmsNorm || config.isEval())
            continue;
        Session s = randomSession(5, 6, 31);
        s.norm = config;
        const FamilyResult r = analyzeFamily(s);
        QVERIFY2(r.ok(), name);
        const Reduction& red = r.analysis->reduction;
        Matrix sums = Matrix::Zero(red.statRows(), red.statCols());
        for (Eigen::Index i = 0; i < 5; ++i)
            for (Eigen::Index j = 0; j < 6; ++j)
                sums(red.statRow(i), red.statCol(j)) += r.analysis->fused.dx(i, j);
        QVERIFY2(maxAbs(sums) < 1e-13 * maxAbs(r.analysis->fused.dx), name);
        QVERIFY2(r.analysis->maxAbsDiffDx < 1e-13 * maxAbs(r.analysis->fused.dx), name);
    }
    // RMSNorm has no mean, so its dx does not sum to 0; its staged and fused forms agree.
    Session s = randomSession(5, 6, 31);
    s.norm.layer = Layer::RmsNorm;
    const FamilyResult r = analyzeFamily(s);
    QVERIFY(r.ok());
    QVERIFY(std::abs(r.analysis->fused.dx.row(0).sum()) > 1e-6);
    QVERIFY(r.analysis->maxAbsDiffDx < 1e-13 * maxAbs(r.analysis->fused.dx));
    QVERIFY(r.analysis->staged.dmean.size() == 0 && r.analysis->fused.term2.size() == 0);
}

void TestFamily::runningUpdateByHand()
{
    // x = [[1, 2], [3, 4]]: batch mean [2, 3], biased variance [1, 1], unbiased [2, 2].
    NormConfig c;
    c.runningMean = RowVector::Zero(2);
    c.runningVar = RowVector::Ones(2);
    RowVector mean(2), var(2);
    mean << 2, 3;
    var << 1, 1;
    RunningUpdate u = updateRunning(c, mean, var, 2);  // pytorch, m = 0.1
    QCOMPARE(u.momentum, 0.1);
    QCOMPARE(u.mean[0], 0.1 * 2);
    QCOMPARE(u.mean[1], 0.1 * 3);
    QCOMPARE(u.var[0], 0.9 * 1 + 0.1 * 2);
    c.convention = Convention::Keras;  // m = 0.99, biased
    u = updateRunning(c, mean, var, 2);
    QCOMPARE(u.mean[1], 0.01 * 3);
    QCOMPARE(u.var[0], 0.99 * 1 + 0.01 * 1);
    c.convention = Convention::Cs231n;
    c.momentum = 0.0;  // the batch's statistics, biased
    u = updateRunning(c, mean, var, 2);
    QCOMPARE(u.mean, mean);
    QCOMPARE(u.var, var);
}

void TestFamily::undefinedCasesAreProblems()
{
    Session s = randomSession(3, 4, 41);
    s.eps = 0;
    s.x.row(1).setConstant(2.5);
    s.norm.layer = Layer::LayerNorm;
    FamilyResult r = analyzeFamily(s);
    QVERIFY(!r.ok());
    QCOMPARE(r.problems.front().where, std::string("x[1][*]"));
    QVERIFY(r.problems.front().what.find("variance 0") != std::string::npos);

    s.norm.layer = Layer::GroupNorm;
    s.norm.groups = 2;
    s.x(1, 0) = 1;  // the first group varies, the second (features 2, 3) stays constant
    r = analyzeFamily(s);
    QVERIFY(!r.ok());
    QCOMPARE(r.problems.front().where, std::string("x[1][2:4]"));

    s.norm.layer = Layer::RmsNorm;
    s.norm.groups.reset();
    s.x.row(1).setZero();
    r = analyzeFamily(s);
    QVERIFY(!r.ok());
    QVERIFY(r.problems.front().what.find("all zeros") != std::string::npos);
    s.eps = 1e-5;  // with eps > 0 the zero row is fine
    QVERIFY(analyzeFamily(s).ok());

    Session e = randomSession(3, 4, 43);
    e.eps = 0;
    e.norm.mode = Mode::Eval;
    e.norm.runningMean = RowVector::Zero(4);
    e.norm.runningVar = RowVector::Ones(4);
    (*e.norm.runningVar)[2] = 0;
    r = analyzeFamily(e);
    QVERIFY(!r.ok());
    QCOMPARE(r.problems.front().where, std::string("running_var[2]"));
}

void TestFamily::analyzeRefusesOtherLayers()
{
    for (const auto& [name, config] : layers(4)) {
        Session s = randomSession(3, 4, 51);
        s.norm = config;
        const AnalysisResult r = analyze(s);
        QVERIFY2(!r.ok(), name);
        const std::string where = r.problems.front().where;
        QVERIFY2(where == (config.isEval() ? "mode" : "layer"), where.c_str());
        QVERIFY2(analyzeFamily(s).ok(), name);
    }
    // Spatial batch norm in training mode: gamma per channel, which batch norm's own path (one
    // gamma per feature) would read past; the family computes it.
    Session s = randomSession(3, 4, 51);
    s.norm.channels = 2;
    s.gamma.conservativeResize(2);
    s.beta.conservativeResize(2);
    const AnalysisResult r = analyze(s);
    QVERIFY(!r.ok());
    QCOMPARE(r.problems.front().where, std::string("channels"));
    QVERIFY(analyzeFamily(s).ok());
}

// The cells a statistic is reduced from (what the batch editor highlights): every element of x
// in exactly one set, the one statRow/statCol name, and the sets as the layers define them.
void TestFamily::setCellsPartitionTheBatch()
{
    for (const auto& [name, config] : layers(6)) {
        const Reduction r = Reduction::of(config, 5, 6);
        Matrix seen = Matrix::Zero(5, 6);
        for (Eigen::Index a = 0; a < r.statRows(); ++a)
            for (Eigen::Index c = 0; c < r.statCols(); ++c)
                for (const auto& [i, j] : r.setCells(a, c)) {
                    seen(i, j) += 1;
                    QVERIFY2(r.statRow(i) == a && r.statCol(j) == c, name);
                }
        if (config.isEval())  // the statistics are given: no element is reduced
            QCOMPARE(seen, Matrix(Matrix::Zero(5, 6)));
        else
            QCOMPARE(seen, Matrix(Matrix::Ones(5, 6)));
    }
    using Cells = std::vector<std::pair<Eigen::Index, Eigen::Index>>;
    NormConfig ln;
    ln.layer = Layer::LayerNorm;
    QCOMPARE(Reduction::of(ln, 4, 3).setCells(2, 0), (Cells{{2, 0}, {2, 1}, {2, 2}}));
    NormConfig gn;
    gn.layer = Layer::GroupNorm;
    gn.groups = 3;
    QCOMPARE(Reduction::of(gn, 4, 6).setCells(1, 2), (Cells{{1, 4}, {1, 5}}));
    QCOMPARE(Reduction::of(NormConfig{}, 3, 2).setCells(0, 1), (Cells{{0, 1}, {1, 1}, {2, 1}}));
    QVERIFY(Reduction::of(ln, 4, 3).setCells(4, 0).empty());  // out of range: no cells
    QVERIFY(Reduction::of(ln, 4, 3).setCells(0, 1).empty());
}

// The window asks the document for any quantity of the catalogue whatever the layer (a table
// that has not followed a change of layer yet, exercise mode's lists): every layer answers
// each one with a value of a shape the layer has, or with none (0 x 0), never an exception.
void TestFamily::everyQuantityHasAValueOrNone()
{
    auto configs = layers(4);
    NormConfig running;
    running.runningMean = RowVector::Zero(4);
    running.runningVar = RowVector::Ones(4);
    configs.push_back({"batch norm with running statistics", running});
    for (const auto& [name, config] : configs) {
        Session s = randomSession(3, 4, 52);
        s.norm = config;
        const FamilyResult r = analyzeFamily(s);
        QVERIFY2(r.ok(), name);
        const Reduction& red = r.analysis->reduction;
        for (const auto* list : {&quantities(), &familyQuantities()})
            for (const Quantity& q : *list) {
                const QString id = QString::fromUtf8(q.id.data(), int(q.id.size()));
                std::string error;
                const auto value = [&]() -> std::optional<Eigen::Map<const Matrix>> {
                    try {
                        return familyValueOf(q.id, s, *r.analysis);
                    } catch (const std::exception& e) {
                        error = e.what();
                        return std::nullopt;
                    }
                }();
                QVERIFY2(value, qPrintable(QStringLiteral("%1: %2 throws %3").arg(name, id, QString::fromStdString(error))));
                const Eigen::Map<const Matrix>& v = *value;
                const std::pair<Eigen::Index, Eigen::Index> shape{v.rows(), v.cols()};
                const bool known = v.size() == 0 || shape == std::pair{s.samples(), s.features()} ||
                                   shape == std::pair<Eigen::Index, Eigen::Index>{1, s.features()} ||
                                   shape == std::pair{red.statRows(), red.statCols()} ||
                                   shape == std::pair<Eigen::Index, Eigen::Index>{1, 1};
                QVERIFY2(known, qPrintable(QStringLiteral("%1: %2 is %3 x %4").arg(name, id).arg(v.rows()).arg(v.cols())));
            }
    }
}

// A feature added or removed changes the running statistics' length: the configurations are
// unequal, and comparing them reads nothing past the shorter one (the sanitizer pass caught
// the defaulted comparison doing that).
void TestFamily::runningStatisticsOfOtherLengthsAreUnequal()
{
    NormConfig three, four;
    three.runningMean = RowVector::Zero(3);
    three.runningVar = RowVector::Ones(3);
    four.runningMean = RowVector::Zero(4);
    four.runningVar = RowVector::Ones(4);
    QVERIFY(!(three == four));
    QVERIFY(three == three);
    NormConfig none;
    QVERIFY(!(none == three));
    NormConfig other = three;
    (*other.runningVar)[2] = 2.0;
    QVERIFY(!(other == three));
}

QTEST_GUILESS_MAIN(TestFamily)
#include "test_family.moc"
