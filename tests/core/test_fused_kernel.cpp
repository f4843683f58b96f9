// The fused kernel gives the same bits whatever the memory layout of its arguments: on a CPU
// with AVX-512, aligned columns take the AVX-512 copy and shifted ones the AVX2 copy
// (core/math/fused_kernel.cpp), and the two must add in the same order.
#include <core/math/batchnorm.h>
#include <core/model/session.h>

#include <QtTest>

#include <cstdint>

using namespace bnflow;

class TestFusedKernel : public QObject {
    Q_OBJECT
private slots:
    void matricesAreCacheLineAligned();
    void sameBitsForAnyLayout_data();
    void sameBitsForAnyLayout();
};

void TestFusedKernel::matricesAreCacheLineAligned()
{
    const Mat<float> m(3, 5);
    QCOMPARE(reinterpret_cast<std::uintptr_t>(m.data()) % 64, std::uintptr_t(0));
}

void TestFusedKernel::sameBitsForAnyLayout_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("d");
    QTest::newRow("1x3 one sample") << 1 << 3;
    QTest::newRow("4x3 shorter than a block") << 4 << 3;
    QTest::newRow("16x5 whole blocks") << 16 << 5;
    QTest::newRow("37x4 blocks and a tail") << 37 << 4;
    QTest::newRow("256x9 many blocks") << 256 << 9;
    QTest::newRow("1000x1 one feature") << 1000 << 1;
}

// Runs the kernel on compact matrices and on the same values placed `shift` rows down inside
// taller ones (so columns start elsewhere and the outer stride is not N); both must agree.
template <typename S>
static void compareLayouts(Eigen::Index n, Eigen::Index d, Eigen::Index shift)
{
    const Mat<S> x = (2.0 * standardNormalMatrix(n, d, 7).array() + 0.5).cast<S>();
    const Mat<S> dout = standardNormalMatrix(n, d, 8).cast<S>();
    const RowVec<S> gamma = (1.0 + 0.5 * standardNormalMatrix(1, d, 9).array()).cast<S>();
    const ForwardCache<S> cache = forward<S>(x, gamma, gamma, S(1e-5));

    Mat<S> dx(n, d);
    RowVec<S> dgamma(d), dbeta(d);
    fusedBackwardKernel<S>(dout, cache.xhat, cache.invStd, gamma, dx, dgamma, dbeta);

    Mat<S> tallDout = Mat<S>::Zero(n + shift + 1, d);
    Mat<S> tallXhat = Mat<S>::Zero(n + shift + 3, d);
    Mat<S> tallDx = Mat<S>::Zero(n + shift + 2, d);
    tallDout.middleRows(shift, n) = dout;
    tallXhat.middleRows(shift, n) = cache.xhat;
    RowVec<S> shiftedDgamma(d), shiftedDbeta(d);
    fusedBackwardKernel<S>(tallDout.middleRows(shift, n), tallXhat.middleRows(shift, n),
                           cache.invStd, gamma, tallDx.middleRows(shift, n), shiftedDgamma,
                           shiftedDbeta);

    QVERIFY(tallDx.middleRows(shift, n) == dx);  // exact: the same additions in the same order
    QVERIFY(shiftedDgamma == dgamma);
    QVERIFY(shiftedDbeta == dbeta);
    QVERIFY(tallDx.topRows(shift).isZero(0));  // nothing written outside the block
    QVERIFY(tallDx.bottomRows(2).isZero(0));
}

void TestFusedKernel::sameBitsForAnyLayout()
{
    QFETCH(int, n);
    QFETCH(int, d);
    for (const Eigen::Index shift : {1, 3, 8}) {
        compareLayouts<double>(n, d, shift);
        compareLayouts<float>(n, d, shift);
    }
}

QTEST_GUILESS_MAIN(TestFusedKernel)
#include "test_fused_kernel.moc"
