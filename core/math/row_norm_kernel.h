// The fused backward kernels of the per-sample layers, layer norm and RMSNorm, for timing and
// for the analysis (doc/derivation.md: the fused form of each layer). Like the batch-norm kernel
// they write only into the caller's buffers and allocate nothing.
//
// Layout: these layers reduce over one sample's D features, so their kernels take the batch
// row-major (RowMajorMat): each sample's features contiguous, as in PyTorch's contiguous (N, D)
// tensor. A sample is then read from memory once, summed, and read again from L1 to write its
// dx. bnflow's documents are column-major (Mat); a caller copies into this layout first. On
// column-major matrices, where each sample is strided, these kernels had to sweep blocks of
// rows twice and were up to 1.6x slower (README: Layer norm and RMSNorm).
#pragma once

#include <core/model/types.h>

#include <cstddef>

namespace bnflow {

// N x 1: one value per sample (layer norm's and RMSNorm's statistics).
template <typename S>
using ColVec = Eigen::Matrix<S, Eigen::Dynamic, 1>;
template <typename S>
using ColIn = Eigen::Ref<const ColVec<S>>;

// N x D with each sample's D features contiguous.
template <typename S>
using RowMajorMat = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename S>
using RowMajorIn = Eigen::Ref<const RowMajorMat<S>>;

// From this size of dx on (in bytes; a 2 MB L2 per core is common), the kernels write dx with
// non-temporal stores on x86-64: it bypasses the cache, which it would not stay in anyway, and
// costs no read of its old contents. The values are the same bits either way.
inline constexpr std::size_t kRowNormStreamBytes = std::size_t(2) << 20;

// Layer norm: dxhat = dout * gamma, then per row i over its D features
//   dx_ij = invStd_i / D * (D dxhat_ij - sum_k dxhat_ik - xhat_ij sum_k dxhat_ik xhat_ik),
// and per feature dgamma_j = sum_i dout_ij xhat_ij, dbeta_j = sum_i dout_ij.
// dout, xhat, dx: N x D; invStd: N x 1; gamma, dgamma, dbeta: 1 x D.
template <typename S>
void layerNormBackwardKernel(const RowMajorIn<S>& dout, const RowMajorIn<S>& xhat, const ColIn<S>& invStd,
                             const RowIn<S>& gamma, Eigen::Ref<RowMajorMat<S>> dx,
                             Eigen::Ref<RowVec<S>> dgamma, Eigen::Ref<RowVec<S>> dbeta);

// RMSNorm: no mean, so two terms: dx_ij = rrms_i * (dxhat_ij - xhat_ij * mean_k dxhat_ik xhat_ik).
// rrms: N x 1, the other arguments as above.
template <typename S>
void rmsNormBackwardKernel(const RowMajorIn<S>& dout, const RowMajorIn<S>& xhat, const ColIn<S>& rrms,
                           const RowIn<S>& gamma, Eigen::Ref<RowMajorMat<S>> dx,
                           Eigen::Ref<RowVec<S>> dgamma, Eigen::Ref<RowVec<S>> dbeta);

}  // namespace bnflow
