// The fused backward kernels of the per-sample layers, layer norm and RMSNorm, for timing and
// for the analysis (doc/derivation.md: the fused form of each layer). Like the batch-norm kernel
// they write only into the caller's buffers and allocate nothing.
//
// Each sample is one row, and rows are strided in bnflow's column-major matrices, so the
// kernels walk blocks of rows column by column: the per-row sums of a block are kept in small
// arrays while the block's columns stream past, and the block is still in cache when the second
// sweep writes its dx.
#pragma once

#include "types.h"

#include <cstddef>

namespace bnflow {

// N x 1: one value per sample (layer norm's and RMSNorm's statistics).
template <typename S>
using ColVec = Eigen::Matrix<S, Eigen::Dynamic, 1>;
template <typename S>
using ColIn = Eigen::Ref<const ColVec<S>>;

// From this size of dx on (in bytes; a 2 MB L2 per core is common), the kernels write dx with
// non-temporal stores on x86-64: it bypasses the cache, which it would not stay in anyway, and
// costs no read of its old contents. The values are the same bits either way.
inline constexpr std::size_t kRowNormStreamBytes = std::size_t(2) << 20;

// Layer norm: dxhat = dout * gamma, then per row i over its D features
//   dx_ij = invStd_i / D * (D dxhat_ij - sum_k dxhat_ik - xhat_ij sum_k dxhat_ik xhat_ik),
// and per feature dgamma_j = sum_i dout_ij xhat_ij, dbeta_j = sum_i dout_ij.
// dout, xhat, dx: N x D; invStd: N x 1; gamma, dgamma, dbeta: 1 x D.
template <typename S>
void layerNormBackwardKernel(const MatIn<S>& dout, const MatIn<S>& xhat, const ColIn<S>& invStd,
                             const RowIn<S>& gamma, Eigen::Ref<Mat<S>> dx,
                             Eigen::Ref<RowVec<S>> dgamma, Eigen::Ref<RowVec<S>> dbeta);

// RMSNorm: no mean, so two terms: dx_ij = rrms_i * (dxhat_ij - xhat_ij * mean_k dxhat_ik xhat_ik).
// rrms: N x 1, the other arguments as above.
template <typename S>
void rmsNormBackwardKernel(const MatIn<S>& dout, const MatIn<S>& xhat, const ColIn<S>& rrms,
                           const RowIn<S>& gamma, Eigen::Ref<Mat<S>> dx,
                           Eigen::Ref<RowVec<S>> dgamma, Eigen::Ref<RowVec<S>> dbeta);

}  // namespace bnflow
