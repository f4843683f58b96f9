// The fused kernels (batch norm, layer norm, RMSNorm) allocate nothing, and the staged pass
// allocates nothing once its buffers are sized. This target compiles the core files itself with
// EIGEN_RUNTIME_NO_MALLOC and assertions on, so any Eigen heap allocation while malloc is
// forbidden aborts the test (an input in the wrong layout, which Eigen::Ref would copy, too).
#include <core/math/batchnorm.h>
#include <core/math/row_norm_kernel.h>
#include <core/model/session.h>

#include <QtTest>

using namespace bnflow;

class TestNoAlloc : public QObject {
    Q_OBJECT
private slots:
    void kernelsDoNotAllocate_data();
    void kernelsDoNotAllocate();
    void guardIsActive();
};

void TestNoAlloc::kernelsDoNotAllocate_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("d");
    QTest::newRow("4x3") << 4 << 3;
    QTest::newRow("256x64") << 256 << 64;
    QTest::newRow("1025x300, dx streamed") << 1025 << 300;  // the row-norm kernels' non-temporal path
}

template <typename S>
static void runWithoutMalloc(int n, int d)
{
    const Mat<S> x = standardNormalMatrix(n, d, 1).cast<S>();
    const Mat<S> dout = standardNormalMatrix(n, d, 2).cast<S>();
    const RowVec<S> gamma = RowVec<S>::Constant(d, S(1.5));
    const RowVec<S> beta = RowVec<S>::Constant(d, S(-0.25));
    ForwardCache<S> cache = forward<S>(x, gamma, beta, S(1e-5));
    Mat<S> dx(n, d);
    RowVec<S> dgamma(d), dbeta(d);
    StagedGradients<S> staged;
    backwardStaged<S>(dout, cache, gamma, staged);  // sizes the buffers

    // The row-norm kernels' inputs in their own layout; any xhat-like values do for this test.
    const RowMajorMat<S> doutRows = dout, xhatRows = cache.xhat;
    const ColVec<S> factor = ColVec<S>::Constant(n, S(0.5));
    RowMajorMat<S> dxRows(n, d);

    Eigen::internal::set_is_malloc_allowed(false);
    fusedBackwardKernel<S>(dout, cache.xhat, cache.invStd, gamma, dx, dgamma, dbeta);
    backwardStaged<S>(dout, cache, gamma, staged);
    forward<S>(x, gamma, beta, S(1e-5), cache);
    layerNormBackwardKernel<S>(doutRows, xhatRows, factor, gamma, dxRows, dgamma, dbeta);
    QVERIFY(dxRows.allFinite());
    rmsNormBackwardKernel<S>(doutRows, xhatRows, factor, gamma, dxRows, dgamma, dbeta);
    Eigen::internal::set_is_malloc_allowed(true);
    QVERIFY(dx.allFinite());
    QVERIFY(dxRows.allFinite());
}

void TestNoAlloc::kernelsDoNotAllocate()
{
    QFETCH(int, n);
    QFETCH(int, d);
    runWithoutMalloc<double>(n, d);
    runWithoutMalloc<float>(n, d);
}

// Proves the guard would catch an allocation: with malloc forbidden, Eigen reports it.
void TestNoAlloc::guardIsActive()
{
    Eigen::internal::set_is_malloc_allowed(false);
    const bool allowed = Eigen::internal::is_malloc_allowed();
    Eigen::internal::set_is_malloc_allowed(true);
    QVERIFY(!allowed);
#ifdef NDEBUG
    QFAIL("assertions are off, so a forbidden allocation would go unnoticed");
#endif
}

QTEST_GUILESS_MAIN(TestNoAlloc)
#include "test_no_alloc.moc"
