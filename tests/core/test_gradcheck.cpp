// The numerical gradient check: central differences agree with the analytic gradients in
// float64, and float32 checks are as unreliable as MATH.md says.
#include "reference.h"

#include <analysis.h>
#include <gradcheck.h>

#include <QtTest>

using namespace bnflow;
using namespace bnflow::test;

class TestGradcheck : public QObject {
    Q_OBJECT
private slots:
    void relativeErrorDefinition_data();
    void relativeErrorDefinition();
    void passesOnReferenceCases_data();
    void passesOnReferenceCases();
    void numericMatchesStagedToo();
    void float32IsUnreliable();
    void detectsAWrongGradient();
    void fixedStepFailsOnTinyScaleColumns();
};

void TestGradcheck::relativeErrorDefinition_data()
{
    QTest::addColumn<double>("a");
    QTest::addColumn<double>("b");
    QTest::addColumn<double>("expected");
    QTest::newRow("equal") << 3.0 << 3.0 << 0.0;
    QTest::newRow("both zero") << 0.0 << 0.0 << 0.0;
    QTest::newRow("one zero") << 0.0 << 1e-20 << 1.0;
    QTest::newRow("opposite signs") << 1.0 << -1.0 << 2.0;
    QTest::newRow("ten percent") << 1.0 << 0.9 << 0.1;
}

void TestGradcheck::relativeErrorDefinition()
{
    QFETCH(double, a);
    QFETCH(double, b);
    QFETCH(double, expected);
    QVERIFY(std::abs(relativeError(a, b) - expected) <= 1e-15);
}

// Cases whose gradients are not near-zero by construction: dout = 1, N = 2, constant and
// gamma = 0 columns make dx vanish in exact math, and then no relative error means anything.
// The per-entry measure is asserted on the small batches only: a large batch has entries that
// are near 0 by chance (about 5e-4 in tall_64x16), where the differences' rounding floor of
// about 1e-10 alone gives 2e-7. The scaled measure holds everywhere.
void TestGradcheck::passesOnReferenceCases_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("perEntry");
    for (const char* name : {"small_4x3", "cs231n_offset_8x5", "d1_10x1", "eps_keras_1e-3_5x5",
                             "eps_zero_6x3", "negative_gamma_7x3", "integers_4x4",
                             "large_dout_1e10_5x3"})
        QTest::newRow(name) << QString(name) << true;
    for (const char* name : {"medium_16x8", "cs231n_offset_50x5", "tall_64x16", "big_batch_512x8",
                             "wide_3x32"})
        QTest::newRow(name) << QString(name) << false;
}

void TestGradcheck::passesOnReferenceCases()
{
    QFETCH(QString, name);
    QFETCH(bool, perEntry);
    const ReferenceCase c = loadReferenceCase(name.toStdString());
    const GradCheckReport r = gradientCheck(c.session, 1e-5);
    QVERIFY2(r.scaledDx < 1e-8, std::to_string(r.scaledDx).c_str());
    QVERIFY2(r.scaledDgamma < 1e-8, std::to_string(r.scaledDgamma).c_str());
    QVERIFY2(r.scaledDbeta < 1e-8, std::to_string(r.scaledDbeta).c_str());
    if (!perEntry)
        return;
    QVERIFY2(r.maxRelDx < 1e-7, std::to_string(r.maxRelDx).c_str());
    QVERIFY2(r.maxRelDgamma < 1e-7, std::to_string(r.maxRelDgamma).c_str());
    QVERIFY2(r.maxRelDbeta < 1e-7, std::to_string(r.maxRelDbeta).c_str());
    QCOMPARE(r.numericDx.rows(), c.session.samples());
    QCOMPARE(r.numericDx.cols(), c.session.features());
}

void TestGradcheck::numericMatchesStagedToo()
{
    const ReferenceCase c = loadReferenceCase("small_4x3");
    const GradCheckReport r = gradientCheck(c.session, 1e-5);
    const Matrix staged = analyze(c.session).analysis->staged.dx;
    const double worst = r.numericDx.binaryExpr(staged, [](double a, double b) {
        return relativeError(a, b);
    }).maxCoeff();
    QVERIFY2(worst < 1e-7, std::to_string(worst).c_str());
}

void TestGradcheck::float32IsUnreliable()
{
    const ReferenceCase c = loadReferenceCase("cs231n_offset_8x5");
    const GradCheckReport f64 = gradientCheck(c.session, 1e-5, Dtype::F64);
    const GradCheckReport f32 = gradientCheck(c.session, 1e-5, Dtype::F32);
    QVERIFY(f64.maxRelDx < 1e-7);
    QVERIFY2(f32.maxRelDx > 1e-3, std::to_string(f32.maxRelDx).c_str());
    QVERIFY2(f32.scaledDx > 1e3 * f64.scaledDx, std::to_string(f32.scaledDx).c_str());
    QCOMPARE(f32.dtype, Dtype::F32);
}

// The check must be able to fail: a session whose dout differs from the one the numeric side
// uses is, for the check, a wrong analytic gradient.
void TestGradcheck::detectsAWrongGradient()
{
    const ReferenceCase c = loadReferenceCase("small_4x3");
    GradCheckReport r = gradientCheck(c.session, 1e-5);
    Session wrong = c.session;
    wrong.dout(1, 1) += 0.01;
    const GradCheckReport other = gradientCheck(wrong, 1e-5);
    const double mismatch = r.numericDx.binaryExpr(other.analyticDx, [](double a, double b) {
        return relativeError(a, b);
    }).maxCoeff();
    QVERIFY2(mismatch > 1e-4, std::to_string(mismatch).c_str());
}


// A fixed step h is relative to nothing: on a feature of scale 1e-3, h = 1e-5 is a 1%
// perturbation and truncation error (~h^2) dominates; a tiny h drowns in rounding (~1/h).
// Measured on this case: scaled error 2e-3 at h = 1e-3, 2e-7 at 1e-5, 4e-11 at 1e-7,
// 5e-9 at 1e-9 -- the V shape. The check reports the coarse h honestly as a failure.
void TestGradcheck::fixedStepFailsOnTinyScaleColumns()
{
    const ReferenceCase c = loadReferenceCase("mixed_scales_20x4");
    const double coarse = gradientCheck(c.session, 1e-5).scaledDx;
    const double best = gradientCheck(c.session, 1e-7).scaledDx;
    const double tiny = gradientCheck(c.session, 1e-10).scaledDx;
    QVERIFY2(coarse > 1e-8, std::to_string(coarse).c_str());
    QVERIFY2(best < 1e-9, std::to_string(best).c_str());
    QVERIFY2(tiny > 10 * best, std::to_string(tiny).c_str());
}

QTEST_GUILESS_MAIN(TestGradcheck)
#include "test_gradcheck.moc"
