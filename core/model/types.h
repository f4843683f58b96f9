// Matrix types shared by the whole core. Conventions: doc/derivation.md#conventions.
#pragma once

#include <Eigen/Core>

// Heap matrices start on a cache line (64 bytes), which the fused kernel's AVX-512 copy needs
// (fused_kernel.cpp). The bnflow_core CMake target sets this for everything that links it; it
// must be the same in every translation unit, as Eigen frees memory by the rule it allocated it.
#if EIGEN_MAX_ALIGN_BYTES != 64
#error "bnflow: compile with EIGEN_MAX_ALIGN_BYTES=64 (linking the bnflow_core target sets it)"
#endif

namespace bnflow {

// N x D: N samples (rows) by D features (columns). Column-major, so one feature's N values are
// contiguous and the per-feature reductions of batch norm stream through memory.
template <typename S>
using Mat = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;

// 1 x D: one value per feature (mean, var, gamma, dbeta, ...).
template <typename S>
using RowVec = Eigen::Matrix<S, 1, Eigen::Dynamic>;

using Matrix = Mat<double>;
using RowVector = RowVec<double>;

template <typename S>
using MatIn = Eigen::Ref<const Mat<S>>;
template <typename S>
using RowIn = Eigen::Ref<const RowVec<S>>;

}  // namespace bnflow

namespace bnflow {

enum class Dtype { F32, F64 };

}  // namespace bnflow
