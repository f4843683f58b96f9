// The entry point of math/products_v3.cpp, the x86-64-v3 copy of Eigen's products. Plain
// arrays only: that file's Eigen lives in another namespace (see there), so no Eigen type can
// cross. Call it only where the processor supports x86-64-v3 (math/products.cpp checks).
#pragma once

namespace bnflow::v3 {

// out (column-major, already sized) = a b (product 0), aᵀ b (1) or a bᵀ (2); a is aRows x aCols
// and b is bRows x bCols, both column-major.
void multiply(int product, const double* a, long aRows, long aCols, const double* b, long bRows,
              long bCols, double* out);

}  // namespace bnflow::v3
