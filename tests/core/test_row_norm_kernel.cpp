// The layer-norm and RMSNorm backward kernels against central differences of
// f = sum(y * dout) through a forward written here, row by row (doc/derivation.md#gradient-check),
// on shapes with odd and even N (the kernels take rows in pairs) and D across the vector width;
// float32 against float64.
#include <core/math/row_norm_kernel.h>
#include <core/model/session.h>

#include <QtTest>

#include <cmath>

using namespace bnflow;

namespace {

enum class Kind { Layer, Rms };

// y for one layer, each row on its own (PyTorch's layer_norm(x, (D,)) and the RMSNorm formula).
Matrix forwardRows(Kind kind, const Matrix& x, const RowVector& gamma, const RowVector& beta, double eps,
                   Matrix* xhat = nullptr, Eigen::VectorXd* scale = nullptr)
{
    Matrix h(x.rows(), x.cols());
    Eigen::VectorXd s(x.rows());
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        const Eigen::RowVectorXd row = x.row(i);
        const double mean = kind == Kind::Layer ? row.mean() : 0.0;
        const double second = (row.array() - mean).square().mean();  // var, or the mean square
        s(i) = 1.0 / std::sqrt(second + eps);
        h.row(i) = (row.array() - mean) * s(i);
    }
    if (xhat)
        *xhat = h;
    if (scale)
        *scale = s;
    return (h.array().rowwise() * gamma.array()).rowwise() + beta.array();
}

struct Grads {
    Matrix dx;
    RowVector dgamma, dbeta;
};

template <typename S>
Grads kernel(Kind kind, const Matrix& x, const RowVector& gamma, const Matrix& dout, double eps)
{
    Matrix xhat;
    Eigen::VectorXd scale;
    forwardRows(kind, x, gamma, RowVector::Zero(x.cols()), eps, &xhat, &scale);
    RowMajorMat<S> dx(x.rows(), x.cols());
    RowVec<S> dgamma(x.cols()), dbeta(x.cols());
    const RowMajorMat<S> o = dout.cast<S>(), h = xhat.cast<S>();
    const ColVec<S> s = scale.cast<S>();
    const RowVec<S> g = gamma.cast<S>();
    if (kind == Kind::Layer)
        layerNormBackwardKernel<S>(o, h, s, g, dx, dgamma, dbeta);
    else
        rmsNormBackwardKernel<S>(o, h, s, g, dx, dgamma, dbeta);
    return {dx.template cast<double>(), dgamma.template cast<double>(), dbeta.template cast<double>()};
}

double maxRelError(const Matrix& a, const Matrix& b)
{
    double worst = 0;
    for (Eigen::Index k = 0; k < a.size(); ++k)
        worst = std::max(worst, std::abs(a(k) - b(k)) / std::max({std::abs(a(k)), std::abs(b(k)), 1e-8}));
    return worst;
}

}  // namespace

class TestRowNormKernel : public QObject {
    Q_OBJECT
private slots:
    void matchesFiniteDifferences_data();
    void matchesFiniteDifferences();
    void float32AgreesWithFloat64();
    void overwritesItsOutputs();
    void largeOutputsAreTheSameBitsAsSmallOnes();
};

void TestRowNormKernel::matchesFiniteDifferences_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("d");
    for (const auto& [name, kind] : {std::pair{"layer", Kind::Layer}, std::pair{"rms", Kind::Rms}})
        for (const auto& [n, d] : {std::pair{1, 1}, {1, 5}, {4, 3}, {17, 2}, {300, 7}, {2100, 3}, {40, 600}, {700, 200}})
            QTest::addRow("%s %dx%d", name, n, d) << int(kind) << n << d;
}

void TestRowNormKernel::matchesFiniteDifferences()
{
    QFETCH(int, kind);
    QFETCH(int, n);
    QFETCH(int, d);
    const Kind k = Kind(kind);
    const Matrix x = 2.0 * standardNormalMatrix(n, d, 5).array() + 0.5;
    const RowVector gamma = 1.0 + 0.5 * standardNormalMatrix(1, d, 6).array();
    const RowVector beta = standardNormalMatrix(1, d, 7);
    const Matrix dout = standardNormalMatrix(n, d, 8);
    const double eps = 1e-3;  // D = 1 has variance 0 in layer norm: eps keeps it defined
    const Grads g = kernel<double>(k, x, gamma, dout, eps);

    const auto f = [&](const Matrix& xx, const RowVector& gg, const RowVector& bb) {
        return (forwardRows(k, xx, gg, bb, eps).array() * dout.array()).sum();
    };
    const double h = 1e-5;
    // Finite differences on a sample of entries (all of them for the small shapes).
    const Eigen::Index step = std::max<Eigen::Index>(1, x.size() / 40);
    for (Eigen::Index e = 0; e < x.size(); e += step) {
        Matrix plus = x, minus = x;
        plus(e) += h;
        minus(e) -= h;
        const double numeric = (f(plus, gamma, beta) - f(minus, gamma, beta)) / (2 * h);
        const double analytic = g.dx(e);
        QVERIFY2(std::abs(numeric - analytic) <= 1e-6 * std::max(1.0, std::abs(numeric)),
                 qPrintable(QStringLiteral("dx[%1]: kernel %2, differences %3").arg(e).arg(analytic).arg(numeric)));
    }
    for (Eigen::Index j = 0; j < d; ++j) {
        RowVector gp = gamma, gm = gamma, bp = beta, bm = beta;
        gp(j) += h;
        gm(j) -= h;
        bp(j) += h;
        bm(j) -= h;
        const double dgamma = (f(x, gp, beta) - f(x, gm, beta)) / (2 * h);
        const double dbeta = (f(x, gamma, bp) - f(x, gamma, bm)) / (2 * h);
        QVERIFY(std::abs(dgamma - g.dgamma(j)) <= 1e-6 * std::max(1.0, std::abs(dgamma)));
        QVERIFY(std::abs(dbeta - g.dbeta(j)) <= 1e-6 * std::max(1.0, std::abs(dbeta)));
    }
}

void TestRowNormKernel::float32AgreesWithFloat64()
{
    for (const Kind k : {Kind::Layer, Kind::Rms}) {
        const Matrix x = standardNormalMatrix(1500, 40, 9);
        const RowVector gamma = 1.0 + 0.5 * standardNormalMatrix(1, 40, 10).array();
        const Matrix dout = standardNormalMatrix(1500, 40, 11);
        const Grads a = kernel<double>(k, x, gamma, dout, 1e-5);
        const Grads b = kernel<float>(k, x, gamma, dout, 1e-5);
        QVERIFY2((a.dx - b.dx).cwiseAbs().maxCoeff() <= 1e-4 * a.dx.cwiseAbs().maxCoeff(), "dx");
        QVERIFY(maxRelError(a.dgamma, b.dgamma) <= 1e-3);
        QVERIFY(maxRelError(a.dbeta, b.dbeta) <= 1e-3);
    }
}

// The outputs' old contents never leak in (dgamma and dbeta are sums over the rows).
void TestRowNormKernel::overwritesItsOutputs()
{
    const Matrix x = standardNormalMatrix(3000, 5, 12);
    const RowVector gamma = RowVector::Constant(5, 1.25);
    const Matrix dout = standardNormalMatrix(3000, 5, 13);
    Matrix xhat;
    Eigen::VectorXd scale;
    forwardRows(Kind::Layer, x, gamma, RowVector::Zero(5), 1e-5, &xhat, &scale);
    RowMajorMat<double> dx = RowMajorMat<double>::Constant(3000, 5, 7.0);
    RowVector dgamma = RowVector::Constant(5, 7.0), dbeta = RowVector::Constant(5, 7.0);
    layerNormBackwardKernel<double>(RowMajorMat<double>(dout), RowMajorMat<double>(xhat), scale, gamma, dx, dgamma,
                                    dbeta);
    const Grads fresh = kernel<double>(Kind::Layer, x, gamma, dout, 1e-5);
    QCOMPARE(Matrix(dx), fresh.dx);
    QCOMPARE(dgamma, fresh.dgamma);
    QCOMPARE(dbeta, fresh.dbeta);
}

// A dx of kRowNormStreamBytes or more is written with non-temporal stores, a separate code path
// (aligned vector stores between scalar ends). Each row's dx depends on that row only, so the
// rows of a large batch must come out bit for bit as the same rows given in small batches,
// which take the ordinary path. D is odd, so most rows start unaligned. The slices have an even
// number of rows, so that every row is summed by the same loop as in the whole batch (the
// kernels take rows in pairs, and an odd last row on its own).
template <typename S>
void compareLargeWithSlices(Kind kind, Eigen::Index n, Eigen::Index d)
{
    QVERIFY2(std::size_t(n * d) * sizeof(S) >= kRowNormStreamBytes, "the shape must take the streamed path");
    const Matrix x = 2.0 * standardNormalMatrix(n, d, 14).array() + 0.5;
    Matrix xhat;
    Eigen::VectorXd scale;
    forwardRows(kind, x, RowVector::Ones(d), RowVector::Zero(d), 1e-5, &xhat, &scale);
    const RowMajorMat<S> o = standardNormalMatrix(n, d, 15).cast<S>(), h = xhat.cast<S>();
    const ColVec<S> s = scale.cast<S>();
    const RowVec<S> g = (1.0 + 0.5 * standardNormalMatrix(1, d, 16).array()).cast<S>();
    const auto run = [&](Eigen::Index from, Eigen::Index rows, Eigen::Ref<RowMajorMat<S>> dx) {
        RowVec<S> dgamma(d), dbeta(d);
        if (kind == Kind::Layer)
            layerNormBackwardKernel<S>(o.middleRows(from, rows), h.middleRows(from, rows), s.segment(from, rows), g,
                                       dx, dgamma, dbeta);
        else
            rmsNormBackwardKernel<S>(o.middleRows(from, rows), h.middleRows(from, rows), s.segment(from, rows), g,
                                     dx, dgamma, dbeta);
    };
    RowMajorMat<S> whole(n, d), sliced(n, d);
    run(0, n, whole);
    const Eigen::Index slice = 96;  // 96 x d is far below the streaming size
    for (Eigen::Index from = 0; from < n; from += slice) {
        const Eigen::Index rows = std::min(slice, n - from);
        RowMajorMat<S> part(rows, d);
        run(from, rows, part);
        sliced.middleRows(from, rows) = part;
    }
    QVERIFY(whole.allFinite());
    QCOMPARE(whole, sliced);
}

void TestRowNormKernel::largeOutputsAreTheSameBitsAsSmallOnes()
{
    for (const Kind k : {Kind::Layer, Kind::Rms}) {
        compareLargeWithSlices<double>(k, 1031, 301);
        compareLargeWithSlices<float>(k, 1031, 601);
    }
}

QTEST_GUILESS_MAIN(TestRowNormKernel)
#include "test_row_norm_kernel.moc"
