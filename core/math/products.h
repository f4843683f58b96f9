// The matrix products of the depth lab's network (core/net/network.cpp): a b, aᵀ b and a bᵀ.
// They are Eigen's own products. On an x86-64 processor with AVX2 and FMA (x86-64-v3) they run
// in a second copy of Eigen compiled for that processor (math/products_v3.cpp), about twice as
// fast at the network's sizes as the SSE2 baseline that a Debian package must run on; anywhere
// else, in the baseline copy. The two round differently (fused multiply-adds), well inside the
// 1e-9 that doc/depth.md promises against PyTorch.
#pragma once

#include <core/model/types.h>

namespace bnflow {

enum class Product { AB, AtB, ABt };  // a b, aᵀ b, a bᵀ

// out = the product; out is resized. out must not be a or b.
void multiply(Product product, const Matrix& a, const Matrix& b, Matrix& out);

// Whether multiply() runs the x86-64-v3 copy on this machine (for the benchmark's report).
bool productsUseV3();

}  // namespace bnflow
