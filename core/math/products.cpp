#include <core/math/products.h>

#include <core/math/products_v3.h>

namespace bnflow {

namespace {

bool cpuHasV3()
{
#if BNFLOW_PRODUCTS_V3
    __builtin_cpu_init();
    return __builtin_cpu_supports("x86-64-v3") != 0;
#else
    return false;
#endif
}

}  // namespace

bool productsUseV3()
{
    static const bool v3 = cpuHasV3();
    return v3;
}

void multiply(Product product, const Matrix& a, const Matrix& b, Matrix& out)
{
    const Eigen::Index rows = product == Product::AtB ? a.cols() : a.rows();
    const Eigen::Index cols = product == Product::ABt ? b.rows() : b.cols();
    out.resize(rows, cols);
#if BNFLOW_PRODUCTS_V3
    if (productsUseV3()) {
        v3::multiply(static_cast<int>(product), a.data(), a.rows(), a.cols(), b.data(), b.rows(),
                     b.cols(), out.data());
        return;
    }
#endif
    switch (product) {
    case Product::AB: out.noalias() = a * b; return;
    case Product::AtB: out.noalias() = a.transpose() * b; return;
    case Product::ABt: out.noalias() = a * b.transpose(); return;
    }
}

}  // namespace bnflow
