// The numerical gradient check: central differences agree with the analytic gradients in
// float64, and float32 checks are as unreliable as doc/derivation.md#gradient-check says.
#include "reference.h"

#include <core/math/analysis.h>
#include <core/math/gradcheck.h>

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
    void overflowIsNeverAPass_data();
    void overflowIsNeverAPass();
    void sampleIsSeededAndMatchesTheFullCheck();
    void sampleSizeIsBounded();
    void cancelStops();
};

// A session of generated numbers: x and dout standard normal.
static Session generated(Eigen::Index n, Eigen::Index d)
{
    Session s;
    s.x = standardNormalMatrix(n, d, 7);
    s.dout = standardNormalMatrix(n, d, 8);
    s.gamma = RowVector::Ones(d);
    s.beta = RowVector::Zero(d);
    return s;
}

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

// beta = 1e308 leaves y finite (analyze accepts it) but f = sum(y * dout) overflows. The
// differences are then NaN, which once slipped through max() as a pass when not in feature 0.
void TestGradcheck::overflowIsNeverAPass_data()
{
    QTest::addColumn<int>("feature");
    QTest::newRow("feature 0") << 0;
    QTest::newRow("feature 1") << 1;
    QTest::newRow("feature 2") << 2;
}

void TestGradcheck::overflowIsNeverAPass()
{
    QFETCH(int, feature);
    Session s = generated(6, 3);
    s.dout = s.dout.cwiseAbs().array() + 1;  // sum_i dout_ij >= 6: beta_j sum_i dout_ij overflows
    s.beta[feature] = 1e308;
    QVERIFY(analyze(s).ok());
    const GradCheckReport r = gradientCheck(s, 1e-5);
    QCOMPARE(int(r.status), int(GradCheckReport::Status::NonFinite));
    QVERIFY(r.problem);
    QVERIFY2(r.problem->where.find("[" + std::to_string(feature) + "]") != std::string::npos,
             r.problem->where.c_str());
    QVERIFY2(r.problem->what.find("overflows a double") != std::string::npos, r.problem->what.c_str());
}

void TestGradcheck::sampleIsSeededAndMatchesTheFullCheck()
{
    const Session s = generated(40, 5);
    const GradCheckReport full = gradientCheck(s, 1e-5);
    GradCheckSettings settings;
    settings.samples = 30;
    settings.seed = 3;
    const GradCheckReport a = gradientCheck(s, settings);
    const GradCheckReport b = gradientCheck(s, settings);
    QVERIFY(a.ok() && a.sampled && !full.sampled);
    QCOMPARE(a.checkedDx.size(), std::size_t(30));
    QVERIFY(a.checkedDx == b.checkedDx);  // the same seed, the same entries
    QVERIFY(std::adjacent_find(a.checkedDx.begin(), a.checkedDx.end(),
                               [](auto p, auto q) { return p >= q; }) == a.checkedDx.end());
    settings.seed = 4;
    QVERIFY(gradientCheck(s, settings).checkedDx != a.checkedDx);
    int unchecked = 0;
    for (Eigen::Index j = 0; j < 5; ++j)
        for (Eigen::Index i = 0; i < 40; ++i) {
            const bool checked = std::binary_search(a.checkedDx.begin(), a.checkedDx.end(), j * 40 + i);
            if (checked)
                QCOMPARE(a.numericDx(i, j), full.numericDx(i, j));  // the very same differences
            else
                unchecked += std::isnan(a.numericDx(i, j)) && std::isnan(a.relErrorDx(i, j));
        }
    QCOMPARE(unchecked, 200 - 30);
    QVERIFY(a.maxRelDx <= full.maxRelDx);
    QVERIFY(a.numericDgamma == full.numericDgamma);  // dgamma and dbeta: always whole
    settings.samples = 1000;  // more than N x D: every entry
    QCOMPARE(gradientCheck(s, settings).checkedDx.size(), std::size_t(200));
}

void TestGradcheck::sampleSizeIsBounded()
{
    QCOMPARE(boundedGradCheckSamples(64, 16), std::size_t(0));  // small: every entry
    for (const auto& [n, d] : {std::pair{20000, 8}, {2000000, 2}, {5000, 800}}) {
        const std::size_t k = boundedGradCheckSamples(n, d);
        QVERIFY(k >= 100 && k < std::size_t(n) * d);
        QVERIFY(double(k) * n <= std::max(kGradCheckBudget, 100.0 * n));
    }
}

void TestGradcheck::cancelStops()
{
    const Session s = generated(300, 4);
    std::atomic<bool> cancel = false;
    GradCheckSettings settings;
    settings.cancel = &cancel;
    std::size_t calls = 0;
    settings.progress = [&](std::size_t done, std::size_t total) {
        QVERIFY(done <= total);
        if (++calls == 1)
            cancel = true;
    };
    const GradCheckReport r = gradientCheck(s, settings);
    QCOMPARE(int(r.status), int(GradCheckReport::Status::Cancelled));
    QCOMPARE(calls, std::size_t(1));
}

QTEST_GUILESS_MAIN(TestGradcheck)
#include "test_gradcheck.moc"
