// The compare view's configurations: the session's own numbers bit for bit, another eps exactly
// as a session with that eps, float32 close to float64 but not equal, and clear problems.
#include <core/math/analysis.h>
#include <core/math/compare.h>
#include <core/math/family.h>

#include <QtTest>

using namespace bnflow;

class TestCompare : public QObject {
    Q_OBJECT
private slots:
    void theDefaultIsTheSessionsOwnResult();
    void anotherEpsIsThatSession();
    void float32IsCloseButNotEqual();
    void problemsAreNamed();
    void float32OverflowIsNamed();
    void anotherLayerIsThatLayersAnalysis();
    void anotherLayerOfASpatialSession();
    void conventionsUpdateTheRunningStatistics();
};

void TestCompare::theDefaultIsTheSessionsOwnResult()
{
    const Session s = exampleSession();
    const Analysis a = *analyze(s).analysis;
    const ConfigurationResult r = runConfiguration(s, {});
    QVERIFY(r.ok());
    QCOMPARE(r.computed->y, a.forward.y);
    QCOMPARE(r.computed->dx, a.fused.grads.dx);
    QCOMPARE(r.computed->dgamma, a.fused.grads.dgamma);
    QCOMPARE(r.computed->dbeta, a.fused.grads.dbeta);
    QCOMPARE(Configuration{}.describe(s), std::string("batch norm, eps 1e-05, float64"));
}

void TestCompare::anotherEpsIsThatSession()
{
    Session s = exampleSession();
    Configuration c;
    c.eps = 1e-3;
    const ConfigurationResult r = runConfiguration(s, c);
    s.eps = 1e-3;
    const Analysis a = *analyze(s).analysis;
    QCOMPARE(r.computed->dx, a.fused.grads.dx);
    QVERIFY(r.computed->dx != runConfiguration(exampleSession(), {}).computed->dx);
}

void TestCompare::float32IsCloseButNotEqual()
{
    const Session s = exampleSession();
    Configuration c;
    c.dtype = Dtype::F32;
    const ConfigurationResult f = runConfiguration(s, c);
    const ConfigurationResult d = runConfiguration(s, {});
    QVERIFY(f.ok());
    const double size = d.computed->dx.cwiseAbs().maxCoeff();
    const double gap = (f.computed->dx - d.computed->dx).cwiseAbs().maxCoeff();
    QVERIFY2(gap > 0 && gap < 1e-5 * size, qPrintable(QString::number(gap)));
    QCOMPARE(c.describe(s), std::string("batch norm, eps 1e-05, float32"));
}

void TestCompare::problemsAreNamed()
{
    Session s = exampleSession();
    Configuration negative;
    negative.eps = -1;
    ConfigurationResult r = runConfiguration(s, negative);
    QVERIFY(!r.ok());
    QCOMPARE(r.problems.front().where, std::string("eps"));

    s.x.col(1).setConstant(2.0);  // a constant feature: var = 0
    Configuration zero;
    zero.eps = 0;
    r = runConfiguration(s, zero);
    QVERIFY(!r.ok());
    QVERIFY(r.problems.front().where.find("[1]") != std::string::npos);
    // eps = 1e-50 keeps double precision defined but is 0 in float32.
    Configuration tiny;
    tiny.eps = 1e-50;
    QVERIFY(runConfiguration(s, tiny).ok());
    tiny.dtype = Dtype::F32;
    r = runConfiguration(s, tiny);
    QVERIFY(!r.ok());
    QVERIFY(r.problems.front().what.find("float32") != std::string::npos);
}

// gamma = beta = 3e38 is fine in float64, but y = gamma xhat + beta passes float32's largest
// value (3.4e38) wherever xhat > 0.14: a problem that names y, in every layer with a float32 path.
void TestCompare::float32OverflowIsNamed()
{
    Session s = exampleSession();
    s.gamma.setConstant(3e38);
    s.beta.setConstant(3e38);
    for (const Layer layer : {Layer::BatchNorm, Layer::LayerNorm, Layer::RmsNorm}) {
        Configuration c;
        c.layer = layer;
        QVERIFY(runConfiguration(s, c).ok());
        c.dtype = Dtype::F32;
        const ConfigurationResult r = runConfiguration(s, c);
        QVERIFY(!r.ok());
        QCOMPARE(r.problems.size(), std::size_t(1));
        QCOMPARE(r.problems.front().where, std::string("y"));
        QCOMPARE(r.problems.front().what, std::string("in float32, y overflows; use float64"));
    }
}

// A spatial session (gamma per channel) compared under layer norm: gamma and beta go back to
// one per feature, each feature keeping its channel's value, as the layer selector does.
void TestCompare::anotherLayerOfASpatialSession()
{
    Session s = exampleSession();
    s.x = standardNormalMatrix(4, 6, 3);
    s.dout = standardNormalMatrix(4, 6, 4);
    s.gamma = (RowVector(2) << 1.5, -0.5).finished();
    s.beta = (RowVector(2) << 0.1, 0.3).finished();
    s.norm.channels = 2;
    QVERIFY(runConfiguration(s, Configuration{}).ok());
    Configuration c;
    c.layer = Layer::LayerNorm;
    const ConfigurationResult r = runConfiguration(s, c);
    QVERIFY2(r.ok(), r.ok() ? "" : formatProblem(r.problems.front()).c_str());
    Session ln = s;
    ln.norm = NormConfig{};
    ln.norm.layer = Layer::LayerNorm;
    ln.gamma = (RowVector(6) << 1.5, 1.5, 1.5, -0.5, -0.5, -0.5).finished();
    ln.beta = (RowVector(6) << 0.1, 0.1, 0.1, 0.3, 0.3, 0.3).finished();
    const FamilyResult expected = analyzeFamily(ln);
    QVERIFY(expected.ok());
    QCOMPARE(r.computed->dx, expected.analysis->fused.dx);
    // The running statistics' convention does not apply to spatial batch norm here, and says so.
    Configuration keras;
    keras.convention = Convention::Keras;
    const ConfigurationResult refused = runConfiguration(s, keras);
    QVERIFY(!refused.ok());
    QVERIFY2(refused.problems.front().what.find("spatial batch norm") != std::string::npos,
             refused.problems.front().what.c_str());
}

// Layer norm on the same batch: the family's analysis (checked against PyTorch in test_family),
// with the session's batch-norm keys left behind; in float32 through the layer's fused kernel,
// close to float64 but not equal.
void TestCompare::anotherLayerIsThatLayersAnalysis()
{
    const Session s = exampleSession();
    for (const Layer layer : {Layer::LayerNorm, Layer::RmsNorm}) {
        Configuration c;
        c.layer = layer;
        const ConfigurationResult r = runConfiguration(s, c);
        QVERIFY2(r.ok(), r.ok() ? "" : r.problems.front().what.c_str());
        Session other = s;
        other.norm.layer = layer;
        const FamilyAnalysis f = *analyzeFamily(other).analysis;
        QCOMPARE(r.computed->dx, f.fused.dx);
        QCOMPARE(r.computed->y, f.forward.y);
        QVERIFY(r.computed->dx != runConfiguration(s, {}).computed->dx);
        c.dtype = Dtype::F32;
        const ConfigurationResult single = runConfiguration(s, c);
        QVERIFY2(single.ok(), single.ok() ? "" : single.problems.front().what.c_str());
        for (const auto& [f32, f64] : {std::pair{&single.computed->dx, &f.fused.dx}, {&single.computed->y, &f.forward.y}}) {
            const double gap = (*f32 - *f64).cwiseAbs().maxCoeff();
            QVERIFY2(gap > 0 && gap < 1e-5 * f64->cwiseAbs().maxCoeff(), qPrintable(QString::number(gap)));
        }
        QVERIFY((single.computed->dgamma - f.fused.dgamma).cwiseAbs().maxCoeff() < 1e-5 * f.fused.dgamma.cwiseAbs().maxCoeff());
    }
    Configuration groupSingle;  // group norm and eval mode stay float64
    groupSingle.layer = Layer::GroupNorm;
    groupSingle.dtype = Dtype::F32;
    QVERIFY(!runConfiguration(s, groupSingle).ok());
    Configuration layerNorm;
    layerNorm.layer = Layer::LayerNorm;
    QCOMPARE(layerNorm.describe(s), std::string("layer norm, eps 1e-05, float64"));
}

// A convention on either side: batch norm in training mode updating its running statistics
// from 0 and 1, exactly as the family's analysis of that session (checked against PyTorch and
// the Keras and CS231n formulas in test_family); the conventions disagree.
void TestCompare::conventionsUpdateTheRunningStatistics()
{
    const Session s = exampleSession();
    std::vector<RowVector> vars;
    for (const Convention convention : {Convention::PyTorch, Convention::Keras, Convention::Cs231n}) {
        Configuration c;
        c.convention = convention;
        const ConfigurationResult r = runConfiguration(s, c);
        QVERIFY2(r.ok(), r.ok() ? "" : r.problems.front().what.c_str());
        QVERIFY(r.computed->runningMean && r.computed->runningVar);
        Session running = s;
        running.norm.convention = convention;
        running.norm.runningMean = RowVector::Zero(s.features());
        running.norm.runningVar = RowVector::Ones(s.features());
        const FamilyAnalysis f = *analyzeFamily(running).analysis;
        QVERIFY(f.running);
        QVERIFY(r.computed->runningMean->isApprox(f.running->mean, 1e-15));
        QVERIFY(r.computed->runningVar->isApprox(f.running->var, 1e-15));
        QCOMPARE(r.computed->dx, runConfiguration(s, {}).computed->dx);  // dx does not depend on it
        vars.push_back(*r.computed->runningVar);
    }
    QVERIFY(vars[0] != vars[1] && vars[1] != vars[2]);
    QVERIFY(!runConfiguration(s, {}).computed->runningVar);  // no convention, none given
    Configuration onLayerNorm;
    onLayerNorm.layer = Layer::LayerNorm;
    onLayerNorm.convention = Convention::Keras;
    const ConfigurationResult refused = runConfiguration(s, onLayerNorm);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.problems.front().where, std::string("convention"));
    Configuration keras;
    keras.convention = Convention::Keras;
    QCOMPARE(keras.describe(s), std::string("batch norm, eps 1e-05, float64, keras running statistics"));
}

QTEST_GUILESS_MAIN(TestCompare)
#include "test_compare.moc"
