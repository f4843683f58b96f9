// Properties of the forward and backward passes that hold for any input, and the degenerate
// cases bnflow defines (doc/derivation.md#invariants).
#include "fuzzy.h"

#include <core/math/analysis.h>
#include <core/math/batchnorm.h>
#include <core/model/session.h>

#include <QtTest>

using namespace bnflow;
using namespace bnflow::test;

namespace {

Session randomSession(Eigen::Index n, Eigen::Index d, double offset, double scale, double eps,
                      std::uint64_t seed)
{
    Session s;
    s.x = (scale * standardNormalMatrix(n, d, seed).array() + offset).matrix();
    s.gamma = (1.0 + 0.5 * standardNormalMatrix(1, d, seed + 1).array()).matrix();
    s.beta = 0.3 * standardNormalMatrix(1, d, seed + 2);
    s.eps = eps;
    s.dout = standardNormalMatrix(n, d, seed + 3);
    return s;
}

Analysis analyzeOrFail(const Session& s)
{
    AnalysisResult r = analyze(s);
    if (!r.ok())
        qFatal("analyze failed: %s", formatProblem(r.problems.front()).c_str());
    return std::move(*r.analysis);
}

// The size of one term of dx: the yardstick for its rounding error.
double dxScale(const Session& s, const Analysis& a)
{
    return maxAbs(s.dout.array().rowwise() * s.gamma.array()) * maxAbs(a.forward.invStd);
}

}  // namespace

class TestBatchnorm : public QObject {
    Q_OBJECT
private slots:
    void invariants_data();
    void invariants();
    void hand2x2();
    void singleSample();
    void allOnesDoutGivesZeroDx();
    void constantColumnWithEps();
    void undefinedCasesAreProblems_data();
    void undefinedCasesAreProblems();
    void forwardReusesBuffers();
};

void TestBatchnorm::invariants_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("d");
    QTest::addColumn<double>("offset");
    QTest::addColumn<double>("scale");
    QTest::addColumn<double>("eps");
    QTest::newRow("4x3 standard") << 4 << 3 << 0.0 << 1.0 << 1e-5;
    QTest::newRow("2x5 two samples") << 2 << 5 << 0.0 << 1.0 << 1e-5;
    QTest::newRow("64x16 cs231n offset") << 64 << 16 << 12.0 << 5.0 << 1e-5;
    QTest::newRow("100x1 one feature") << 100 << 1 << -3.0 << 0.1 << 1e-3;
    QTest::newRow("7x4 eps zero") << 7 << 4 << 0.0 << 2.0 << 0.0;
    QTest::newRow("9x3 var below eps") << 9 << 3 << 1.0 << 1e-4 << 1e-5;
    QTest::newRow("1000x8 large batch") << 1000 << 8 << 0.5 << 1.0 << 1e-5;
}

void TestBatchnorm::invariants()
{
    QFETCH(int, n);
    QFETCH(int, d);
    QFETCH(double, offset);
    QFETCH(double, scale);
    QFETCH(double, eps);
    const Session s = randomSession(n, d, offset, scale, eps, 7u * n + d);
    const Analysis a = analyzeOrFail(s);
    const double unit = dxScale(s, a);
    const double rtol = 1e-12 * std::max(1.0, std::abs(offset) / scale);
    std::string report;

    // Staged and fused agree to rounding.
    QVERIFY2(closeTo(a.fused.grads.dx, a.staged.dx, unit, rtol, &report), report.c_str());
    QVERIFY2(closeTo(a.fused.grads.dgamma, a.staged.dgamma, maxAbs(s.dout) * n * 4, 1e-14, &report),
             report.c_str());
    QCOMPARE(a.fused.grads.dbeta, a.staged.dbeta);

    // Every column of dx sums to 0.
    const Matrix columnSums = a.staged.dx.colwise().sum();
    QVERIFY2(closeTo(columnSums, Matrix::Zero(1, d), unit * n, rtol, &report), report.c_str());

    // sum_i dx_ij xhat_ij = inv_std_j (sum_i dxhat_ij xhat_ij) eps / (var_j + eps).
    const RowVector lhs = (a.staged.dx.array() * a.forward.xhat.array()).colwise().sum();
    const RowVector rhs = a.forward.invStd.array() *
                          (a.staged.dxhat.array() * a.forward.xhat.array()).colwise().sum() * eps /
                          (a.forward.var.array() + eps);
    QVERIFY2(closeTo(lhs, rhs, unit * n * 4, rtol, &report), report.c_str());

    // The second share of dmean (via var) is rounding noise next to the first.
    QVERIFY(maxAbs(a.staged.dmeanViaVar) <= 1e-12 * std::max(1.0, std::abs(offset) / scale) *
                                                std::max(maxAbs(a.staged.dmeanViaXhat), unit * n));

    // xhat has zero mean and variance var / (var + eps) per feature.
    const RowVector xhatMean = a.forward.xhat.colwise().mean();
    QVERIFY2(closeTo(xhatMean, RowVector::Zero(d), 1.0, rtol, &report), report.c_str());
    const RowVector xhatVar = a.forward.xhat.array().square().colwise().mean();
    const RowVector expectedVar = a.forward.var.array() / (a.forward.var.array() + eps);
    QVERIFY2(closeTo(xhatVar, expectedVar, 1.0, 1e-12, &report), report.c_str());
}

// The only hand-typed numbers: a 2x2 case, eps = 0, small enough to check on paper.
void TestBatchnorm::hand2x2()
{
    Session s;
    s.x.resize(2, 2);
    s.x << 1, 2,
           3, 5;
    s.gamma.resize(2);
    s.gamma << 2, -0.5;
    s.beta.resize(2);
    s.beta << 0.5, 1;
    s.eps = 0;
    s.dout.resize(2, 2);
    s.dout << 1, -1,
              0.5, 2;
    const Analysis a = analyzeOrFail(s);
    Matrix expectedY(2, 2);
    expectedY << -1.5, 1.5,
                 2.5, 0.5;  // xhat = [[-1, -1], [1, 1]]
    std::string report;
    QVERIFY2(closeTo(a.forward.mean, (Matrix(1, 2) << 2, 3.5).finished(), 1, 1e-15, &report), report.c_str());
    QVERIFY2(closeTo(a.forward.var, (Matrix(1, 2) << 1, 2.25).finished(), 1, 1e-15, &report), report.c_str());
    QVERIFY2(closeTo(a.forward.y, expectedY, 1, 1e-15, &report), report.c_str());
    // dgamma = sum dout * xhat = -dout_0 + dout_1; dbeta = sum dout.
    QVERIFY2(closeTo(a.staged.dgamma, (Matrix(1, 2) << -0.5, 3).finished(), 1, 1e-15, &report), report.c_str());
    QVERIFY2(closeTo(a.staged.dbeta, (Matrix(1, 2) << 1.5, 1).finished(), 1, 1e-15, &report), report.c_str());
    // With N = 2 and eps = 0, xhat = +-1 whatever x is, so y does not depend on x: dx = 0.
    QVERIFY2(closeTo(a.staged.dx, Matrix::Zero(2, 2), 1, 1e-15, &report), report.c_str());
    QVERIFY2(closeTo(a.fused.grads.dx, Matrix::Zero(2, 2), 1, 1e-15, &report), report.c_str());
}

void TestBatchnorm::singleSample()
{
    Session s = randomSession(1, 5, 2.0, 1.0, 1e-5, 99);
    const Analysis a = analyzeOrFail(s);
    QCOMPARE(a.forward.var, RowVector::Zero(5));
    QCOMPARE(a.forward.xhat, Matrix::Zero(1, 5));
    QCOMPARE(Matrix(a.forward.y), Matrix(s.beta));
    QCOMPARE(a.staged.dx, Matrix::Zero(1, 5));
    QCOMPARE(a.fused.grads.dx, Matrix::Zero(1, 5));
    QCOMPARE(a.staged.dgamma, RowVector::Zero(5));
    QCOMPARE(Matrix(a.staged.dbeta), s.dout);
}

void TestBatchnorm::allOnesDoutGivesZeroDx()
{
    Session s = randomSession(6, 4, 1.0, 2.0, 1e-5, 5);
    s.dout = Matrix::Ones(6, 4);
    const Analysis a = analyzeOrFail(s);
    std::string report;
    QVERIFY2(closeTo(a.staged.dx, Matrix::Zero(6, 4), dxScale(s, a), 1e-14, &report), report.c_str());
    QVERIFY2(closeTo(a.fused.grads.dx, Matrix::Zero(6, 4), dxScale(s, a), 1e-14, &report), report.c_str());
}

void TestBatchnorm::constantColumnWithEps()
{
    Session s = randomSession(5, 3, 0.0, 1.0, 1e-5, 11);
    s.x.col(1).setConstant(4.25);
    const Analysis a = analyzeOrFail(s);
    QCOMPARE(a.forward.var[1], 0.0);
    QCOMPARE(Matrix(a.forward.xhat.col(1)), Matrix::Zero(5, 1));
    // dx is not 0 there: to first order the column is only centred and divided by sqrt(eps),
    // so dx = inv_std * (dxhat - mean(dxhat)). Only N = 1 makes that vanish.
    const Matrix dxhat = a.staged.dxhat.col(1);
    const Matrix expected = a.forward.invStd[1] * (dxhat.array() - dxhat.mean()).matrix();
    std::string report;
    QVERIFY2(closeTo(Matrix(a.staged.dx.col(1)), expected, maxAbs(expected), 1e-14, &report), report.c_str());
    QVERIFY2(closeTo(Matrix(a.fused.grads.dx.col(1)), expected, maxAbs(expected), 1e-14, &report), report.c_str());
}

void TestBatchnorm::undefinedCasesAreProblems_data()
{
    QTest::addColumn<QString>("mutation");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("what");
    QTest::newRow("constant column, eps = 0") << "constant" << "x[*][2]" << "eps = 0";
    QTest::newRow("variance overflow") << "huge" << "x[*][0]" << "overflows";
    QTest::newRow("y overflow") << "gamma" << "y[" << "overflows";
    QTest::newRow("dbeta overflow") << "dout" << "dbeta[1]" << "overflows";
    QTest::newRow("negative eps") << "eps" << "eps" << "negative";
    QTest::newRow("gamma too short") << "shape" << "gamma" << "expected 3";
    QTest::newRow("nan in dout") << "nan" << "dout[1][2]" << "finite";
}

void TestBatchnorm::undefinedCasesAreProblems()
{
    QFETCH(QString, mutation);
    QFETCH(QString, where);
    QFETCH(QString, what);
    Session s = randomSession(4, 3, 0.0, 1.0, 1e-5, 3);
    if (mutation == "constant") { s.eps = 0; s.x.col(2).setConstant(1.0); }
    if (mutation == "huge") s.x.col(0) << 1e200, -1e200, 1e200, -1e200;
    if (mutation == "gamma") { s.gamma[0] = 1e308; s.beta[0] = 1e308; }
    if (mutation == "dout") s.dout.col(1).setConstant(1e308);
    if (mutation == "eps") s.eps = -1e-5;
    if (mutation == "shape") s.gamma.resize(2);
    if (mutation == "nan") s.dout(1, 2) = std::nan("");
    const AnalysisResult r = analyze(s);
    QVERIFY(!r.ok());
    QVERIFY2(QString::fromStdString(r.problems.front().where).startsWith(where),
             r.problems.front().where.c_str());
    QVERIFY2(QString::fromStdString(r.problems.front().what).contains(what),
             r.problems.front().what.c_str());
}

void TestBatchnorm::forwardReusesBuffers()
{
    const Session s = randomSession(8, 3, 0.0, 1.0, 1e-5, 21);
    ForwardCache<double> cache;
    forward<double>(s.x, s.gamma, s.beta, s.eps, cache);
    const double* xhatBuffer = cache.xhat.data();
    forward<double>(s.x, s.gamma, s.beta, s.eps, cache);
    QCOMPARE(cache.xhat.data(), xhatBuffer);
}

QTEST_GUILESS_MAIN(TestBatchnorm)
#include "test_batchnorm.moc"
