// Randomize and the dout presets: reproducible from a seed, on separate streams, with the
// moments of their distributions; the presets set exactly what they promise.
#include "fuzzy.h"
#include "labelled_session.h"

#include <core/math/analysis.h>
#include <core/model/session_edit.h>

#include <QtTest>

#include <cmath>

using namespace bnflow;
using namespace bnflow::test;

Q_DECLARE_METATYPE(bnflow::Matrix)

class TestSessionPresets : public QObject {
    Q_OBJECT
private slots:
    void randomizeIsReproducible_data();
    void randomizeIsReproducible();
    void randomMoments_data();
    void randomMoments();
    void generatorsFillRowByRow();
    void doutFromSeed();
    void doutAllOnes();
    void batchAndDoutStreamsDiffer();
    void doutOneHot_data();
    void doutOneHot();
    void doutFromHalfSquareLoss();
};

void TestSessionPresets::randomizeIsReproducible_data()
{
    QTest::addColumn<int>("distribution");
    QTest::addColumn<Matrix>("expected");  // from seed 5, 6 x 3, on x's own stream
    const std::uint64_t stream = 5 ^ 0x9E3779B97F4A7C15ull;
    QTest::newRow("standard normal") << int(Distribution::StandardNormal)
                                     << standardNormalMatrix(6, 3, stream);
    QTest::newRow("uniform") << int(Distribution::Uniform) << uniformMatrix(6, 3, stream);
    QTest::newRow("cs231n offset")
        << int(Distribution::Cs231nOffset)
        << Matrix((5.0 * standardNormalMatrix(6, 3, stream).array() + 12.0).matrix());
}

void TestSessionPresets::randomizeIsReproducible()
{
    QFETCH(int, distribution);
    QFETCH(Matrix, expected);
    const Session before = labelledSession(6, 3, true);
    const Session first = randomizeBatch(before, Distribution(distribution), 5);
    QCOMPARE(first.x, expected);
    QCOMPARE(randomizeBatch(before, Distribution(distribution), 5).x, first.x);
    QVERIFY(randomizeBatch(before, Distribution(distribution), 6).x != first.x);
    QVERIFY(randomizeBatch(before, Distribution(distribution), 6).x.cwiseNotEqual(first.x).all());
    QCOMPARE(first.gamma, before.gamma);
    QCOMPARE(first.beta, before.beta);
    QCOMPARE(first.dout, before.dout);
    QCOMPARE(first.doutSeed, before.doutSeed);
    QVERIFY2(first.validate().empty(), problemsText(first).c_str());
}

void TestSessionPresets::randomMoments_data()
{
    QTest::addColumn<int>("distribution");
    QTest::addColumn<double>("mean");
    QTest::addColumn<double>("std");
    QTest::addColumn<double>("tolerance");  // about 5 standard errors over 256 x 32 values
    QTest::newRow("standard normal") << int(Distribution::StandardNormal) << 0.0 << 1.0 << 0.06;
    QTest::newRow("uniform") << int(Distribution::Uniform) << 0.0 << 1.0 / std::sqrt(3.0) << 0.035;
    QTest::newRow("cs231n offset") << int(Distribution::Cs231nOffset) << 12.0 << 5.0 << 0.3;
}

void TestSessionPresets::randomMoments()
{
    QFETCH(int, distribution);
    QFETCH(double, mean);
    QFETCH(double, std);
    QFETCH(double, tolerance);
    const Session s =
        randomizeBatch(labelledSession(256, 32, true), Distribution(distribution), 2024);
    const Eigen::ArrayXd values = s.x.reshaped().array();
    const double sampleMean = values.mean();
    const double sampleStd = std::sqrt((values - sampleMean).square().mean());
    std::string report;
    QVERIFY2(closeTo(RowVector{{sampleMean, sampleStd}}, RowVector{{mean, std}}, 1.0, tolerance,
                     &report),
             report.c_str());
    if (Distribution(distribution) == Distribution::Uniform) {
        QVERIFY(values.minCoeff() >= -1.0);
        QVERIFY(values.maxCoeff() < 1.0);
    }
}

// Row by row from one stream: a 3 x 4 matrix holds the 12 numbers of a 1 x 12 one, row-major.
void TestSessionPresets::generatorsFillRowByRow()
{
    const Matrix uniform = uniformMatrix(3, 4, 8);
    QCOMPARE(Matrix(uniform.transpose().reshaped(1, 12)), uniformMatrix(1, 12, 8));
    const Matrix normal = standardNormalMatrix(3, 4, 8);
    QCOMPARE(Matrix(normal.transpose().reshaped(1, 12)), standardNormalMatrix(1, 12, 8));
}

void TestSessionPresets::doutFromSeed()
{
    const Session s = bnflow::doutFromSeed(labelledSession(4, 3, false), 31);
    QCOMPARE(s.doutSeed, std::optional<std::uint64_t>(31));
    QCOMPARE(s.dout, standardNormalMatrix(4, 3, 31));
    QVERIFY2(s.validate().empty(), problemsText(s).c_str());
}

// Equal seeds for x and for dout must not give x == dout.
void TestSessionPresets::batchAndDoutStreamsDiffer()
{
    const Session s = exampleSession();
    for (const std::uint64_t seed : {0u, 1u, 42u}) {
        const Session randomized = randomizeBatch(s, Distribution::StandardNormal, seed);
        QVERIFY(randomized.x.cwiseNotEqual(bnflow::doutFromSeed(s, seed).dout).all());
    }
}

void TestSessionPresets::doutAllOnes()
{
    const Session s = bnflow::doutAllOnes(labelledSession(4, 3, true));
    QVERIFY(!s.doutSeed.has_value());
    QCOMPARE(s.dout, Matrix(Matrix::Ones(4, 3)));
    QVERIFY2(s.validate().empty(), problemsText(s).c_str());
}

void TestSessionPresets::doutOneHot_data()
{
    QTest::addColumn<int>("row");
    QTest::addColumn<int>("col");
    QTest::addColumn<int>("hotRow");
    QTest::addColumn<int>("hotCol");
    // The batch is 5 x 4.
    QTest::newRow("inside") << 2 << 1 << 2 << 1;
    QTest::newRow("first cell") << 0 << 0 << 0 << 0;
    QTest::newRow("last cell") << 4 << 3 << 4 << 3;
    QTest::newRow("negative clamps to 0") << -3 << -1 << 0 << 0;
    QTest::newRow("past the end clamps to the last") << 99 << 99 << 4 << 3;
    QTest::newRow("row inside, column clamped") << 1 << 7 << 1 << 3;
}

void TestSessionPresets::doutOneHot()
{
    QFETCH(int, row);
    QFETCH(int, col);
    QFETCH(int, hotRow);
    QFETCH(int, hotCol);
    const Session s = bnflow::doutOneHot(labelledSession(5, 4, true), row, col);
    Matrix expected = Matrix::Zero(5, 4);
    expected(hotRow, hotCol) = 1.0;
    QCOMPARE(s.dout, expected);
    QVERIFY(!s.doutSeed.has_value());
}

// dout = y exactly; then dbeta_j = sum_i y_ij = N beta_j up to rounding, as sum_i xhat_ij = 0.
void TestSessionPresets::doutFromHalfSquareLoss()
{
    const Session before =
        randomizeBatch(labelledSession(6, 4, true), Distribution::Cs231nOffset, 3);
    const AnalysisResult first = analyze(before);
    QVERIFY(first.ok());
    const Session s = bnflow::doutFromHalfSquareLoss(before, first.analysis->forward.y);
    QCOMPARE(s.dout, first.analysis->forward.y);
    QVERIFY(!s.doutSeed.has_value());

    const AnalysisResult second = analyze(s);
    QVERIFY(second.ok());
    std::string report;
    const double scale = maxAbs(first.analysis->forward.y) * 6;
    QVERIFY2(closeTo(second.analysis->staged.dbeta, 6.0 * before.beta, scale, 1e-14, &report),
             report.c_str());
}

QTEST_GUILESS_MAIN(TestSessionPresets)
#include "test_session_presets.moc"
