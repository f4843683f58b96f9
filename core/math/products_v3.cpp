// Eigen's matrix products compiled for x86-64-v3 (AVX2, FMA): CMake builds this one file with
// -march=x86-64-v3, and only for a GNU x86-64 baseline build (core/CMakeLists.txt).
//
// Eigen is templates and inline functions. Compiled here with AVX2 they would carry the same
// names as the baseline copies in every other file, and the linker keeps one of each name: a
// baseline caller on an older processor could end up in AVX2 code. So Eigen's namespace is
// renamed for this file alone (the macro below, before the first include of Eigen), and no
// header of bnflow that names Eigen is included. The test products_v3_symbols checks with nm
// that this object defines no shared (weak) symbol outside the renamed namespace.
#define Eigen bnflow_eigen_v3
#include <Eigen/Core>

#include <core/math/products_v3.h>

namespace bnflow::v3 {

void multiply(int product, const double* a, long aRows, long aCols, const double* b, long bRows,
              long bCols, double* out)
{
    using Mat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic>;
    const Eigen::Map<const Mat> A(a, aRows, aCols);
    const Eigen::Map<const Mat> B(b, bRows, bCols);
    switch (product) {
    case 0: Eigen::Map<Mat>(out, aRows, bCols).noalias() = A * B; return;
    case 1: Eigen::Map<Mat>(out, aCols, bCols).noalias() = A.transpose() * B; return;
    default: Eigen::Map<Mat>(out, aRows, bRows).noalias() = A * B.transpose(); return;
    }
}

}  // namespace bnflow::v3
