// The compare view's configurations: the session's own numbers bit for bit, another eps exactly
// as a session with that eps, float32 close to float64 but not equal, and clear problems.
#include <analysis.h>
#include <compare.h>
#include <family.h>

#include <QtTest>

using namespace bnflow;

class TestCompare : public QObject {
    Q_OBJECT
private slots:
    void theDefaultIsTheSessionsOwnResult();
    void anotherEpsIsThatSession();
    void float32IsCloseButNotEqual();
    void problemsAreNamed();
    void anotherLayerIsThatLayersAnalysis();
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

// Layer norm on the same batch: the family's analysis (checked against PyTorch in test_family),
// with the session's batch-norm keys left behind; float32 is batch norm's only.
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
        QVERIFY(!runConfiguration(s, c).ok());
    }
    Configuration layerNorm;
    layerNorm.layer = Layer::LayerNorm;
    QCOMPARE(layerNorm.describe(s), std::string("layer norm, eps 1e-05, float64"));
}

QTEST_GUILESS_MAIN(TestCompare)
#include "test_compare.moc"
