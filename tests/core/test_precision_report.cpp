// The precision lens per quantity (core/teach/precision_report.h): its numbers are
// emulatePrecision's against the float64 family, the birth of the error on the committed presets
// (tests/reference/precision/presets), and every layer reported without a vanishing step taken
// for a birth.
#include <core/io/session_json.h>
#include <core/layers/layer_spec.h>
#include <core/math/family.h>
#include <core/teach/family_catalogue.h>
#include <core/teach/precision_report.h>

#include <QtTest>

using namespace bnflow;

class TestPrecisionReport : public QObject {
    Q_OBJECT
private slots:
    void numbersAreTheEmulations();
    void varianceOverflowIsBornAtVar();
    void bf16SumsLoseDgamma();
    void rmsnormAtSmallStdIsBornInItsSquares();
    void everyLayerHasAnErrorPerStep();
    void aSessionWithoutReferenceIsAProblem();
};

namespace {

Session preset(const char* name)
{
    SessionLoad load = loadSessionFile(std::string(BNFLOW_PRESETS) + "/" + name + ".bnflow.json");
    if (!load.ok())
        qFatal("%s: %s", name, formatProblem(load.problems.front()).c_str());
    return *load.session;
}

}  // namespace

void TestPrecisionReport::numbersAreTheEmulations()
{
    const Session s = preset("dgamma_bf16_accumulate");
    const PrecisionReport r = precisionReport(s, NumberType::BF16, NumberType::F32);
    QVERIFY(r.ok());
    const FamilyAnalysis f64 = *analyzeFamily(s).analysis;
    const PrecisionRun run = emulatePrecision(s, NumberType::BF16, NumberType::F32);
    QCOMPARE(r.run.analysis.staged.dgamma, run.analysis.staged.dgamma);
    for (const QuantityError& q : r.quantities) {
        if (q.id == "x" || q.id == "gamma" || q.id == "beta" || q.id == "eps" || q.id == "dout")
            continue;  // inputs: the session's values rounded, below
        QCOMPARE(q.error, scaledError(familyValueOf(q.id, s, run.analysis), familyValueOf(q.id, s, f64)));
    }
    const PrecisionErrors e = errorsAgainst(run.analysis, f64);
    QCOMPARE(r.find("y")->error, e.y);
    QCOMPARE(r.find("dx")->error, e.dx);
    QCOMPARE(r.find("dgamma")->error, e.dgamma);
    QCOMPARE(r.errors.dbeta, e.dbeta);
    const Matrix x16 = s.x.unaryExpr([](double v) { return roundTo(NumberType::BF16, v); });
    QCOMPARE(r.find("x")->error, scaledError(x16, s.x));
    // A step's input error is the largest of what it reads.
    QCOMPARE(r.find("xmu")->inputError, std::max(r.find("x")->error, r.find("mean")->error));
}

void TestPrecisionReport::varianceOverflowIsBornAtVar()
{
    const Session s = preset("f16_variance_overflow");
    for (const NumberType acc : {NumberType::F16, NumberType::F32}) {
        const PrecisionReport r = precisionReport(s, NumberType::F16, acc);
        QCOMPARE(r.overflow.value_or("none"), std::string("var"));
        QCOMPARE(r.birth.value_or("none"), std::string("var"));
        QVERIFY(r.find("var")->overflowed && r.find("var")->born);
        QVERIFY(std::isinf(r.find("var")->error));
        QVERIFY(!r.find("mean")->afterOverflow && !r.find("var")->afterOverflow);
        QVERIFY(r.find("inv_std")->afterOverflow && r.find("dx")->afterOverflow && r.find("y")->afterOverflow);
    }
    const PrecisionReport bf16 = precisionReport(s, NumberType::BF16, NumberType::BF16);
    QVERIFY(!bf16.overflow);
    QVERIFY(std::isfinite(bf16.find("var")->error));
}

void TestPrecisionReport::bf16SumsLoseDgamma()
{
    const Session s = preset("dgamma_bf16_accumulate");
    const PrecisionReport same = precisionReport(s, NumberType::BF16, NumberType::BF16);
    const PrecisionReport f32 = precisionReport(s, NumberType::BF16, NumberType::F32);
    QVERIFY2(same.find("dgamma")->error > 100 * f32.find("dgamma")->error,
             qPrintable(QStringLiteral("%1 %2").arg(same.find("dgamma")->error).arg(f32.find("dgamma")->error)));
    // Summing x in bf16 stalls: the error is born in the mean, the first sum.
    QCOMPARE(same.birth.value_or("none"), std::string("mean"));
    QVERIFY(!f32.birth || *f32.birth != "mean");
}

void TestPrecisionReport::rmsnormAtSmallStdIsBornInItsSquares()
{
    const PrecisionReport small = precisionReport(preset("rmsnorm_std1e-3"), NumberType::F16, NumberType::F16);
    const PrecisionReport one = precisionReport(preset("rmsnorm_std1"), NumberType::F16, NumberType::F16);
    QCOMPARE(small.overflow.value_or("none"), std::string("dms"));
    QCOMPARE(small.birth.value_or("none"), std::string("dms"));
    QVERIFY(small.find("ms")->error > 5 * one.find("ms")->error);
    QVERIFY(!one.overflow);
}

void TestPrecisionReport::everyLayerHasAnErrorPerStep()
{
    for (const char* layer : {"layernorm", "rmsnorm", "groupnorm", "spatial_groupnorm", "batchnorm_eval",
                              "spatial_batchnorm", "running_pytorch"}) {
        SessionLoad load = loadSessionFile(std::string(BNFLOW_FAMILY) + "/" + layer + ".bnflow.json");
        QVERIFY(load.ok());
        const Session& s = *load.session;
        const PrecisionReport r = precisionReport(s, NumberType::F16, NumberType::F32);
        QVERIFY(r.ok());
        const FamilyAnalysis f64 = *analyzeFamily(s).analysis;
        for (const Step& step : steps(layerSpec(f64.reduction)))
            if (familyValueOf(step.id, s, f64).size())
                QVERIFY2(r.find(step.id), layer);
        for (const QuantityError& q : r.quantities) {
            QVERIFY2(std::isfinite(q.error), qPrintable(QString::fromStdString(q.id)));
            QVERIFY(!(q.vanishes && q.born));
        }
        const PrecisionReport f64run = precisionReport(s, NumberType::F64, NumberType::F64);
        QVERIFY(!f64run.birth);
    }
}

void TestPrecisionReport::aSessionWithoutReferenceIsAProblem()
{
    Session s = exampleSession();
    s.x.col(0).setConstant(2.0);
    s.eps = 0;
    const PrecisionReport r = precisionReport(s, NumberType::BF16, NumberType::F32);
    QVERIFY(!r.ok());
    QVERIFY(r.quantities.empty());
}

QTEST_APPLESS_MAIN(TestPrecisionReport)
#include "test_precision_report.moc"
