// bnflow-kernel-driver: calls the fused backward kernel a few times on one shape, nothing else
// worth counting. For instruction counts under callgrind, e.g.
//   valgrind --tool=callgrind --toggle-collect='*fusedBackwardKernel*'
//            build/tests/bench/bnflow-kernel-driver 1024 1024 f64 4
//
// Usage: bnflow-kernel-driver [N [D [f32|f64 [CALLS]]]]   (defaults 1024 1024 f64 4)
#include <core/math/batchnorm.h>
#include <core/model/session.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

template <typename S>
double run(Eigen::Index rows, Eigen::Index cols, int calls)
{
    using namespace bnflow;
    const Mat<S> x = (3.0 * standardNormalMatrix(rows, cols, 42).array() + 1.0).cast<S>();
    const Mat<S> dout = standardNormalMatrix(rows, cols, 43).cast<S>();
    const RowVec<S> gamma = (1.0 + 0.5 * standardNormalMatrix(1, cols, 44).array()).cast<S>();
    const RowVec<S> beta = standardNormalMatrix(1, cols, 45).cast<S>();
    const ForwardCache<S> cache = forward<S>(x, gamma, beta, S(1e-5));
    Mat<S> dx(rows, cols);
    RowVec<S> dgamma(cols), dbeta(cols);
    double checksum = 0;
    for (int k = 0; k < calls; ++k) {
        fusedBackwardKernel<S>(dout, cache.xhat, cache.invStd, gamma, dx, dgamma, dbeta);
        checksum += static_cast<double>(dx.sum() + dgamma.sum() + dbeta.sum());
    }
    return checksum;
}

}  // namespace

int main(int argc, char** argv)
{
    const Eigen::Index rows = argc > 1 ? std::atol(argv[1]) : 1024;
    const Eigen::Index cols = argc > 2 ? std::atol(argv[2]) : 1024;
    const std::string dtype = argc > 3 ? argv[3] : "f64";
    const int calls = argc > 4 ? std::atoi(argv[4]) : 4;
    if (rows < 1 || cols < 1 || calls < 1 || (dtype != "f32" && dtype != "f64")) {
        std::fprintf(stderr, "usage: bnflow-kernel-driver [N [D [f32|f64 [CALLS]]]]\n");
        return 2;
    }
    const double checksum =
        dtype == "f32" ? run<float>(rows, cols, calls) : run<double>(rows, cols, calls);
    std::printf("%ldx%ld %s, %d calls, checksum %.17g\n", static_cast<long>(rows),
                static_cast<long>(cols), dtype.c_str(), calls, checksum);
    return 0;
}
