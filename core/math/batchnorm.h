// Training-mode batch normalization: forward, staged backward, fused backward.
// Every formula here is a line of doc/derivation.md; the derivation lives there, not here.
#pragma once

#include <core/model/types.h>

namespace bnflow {

// What the forward pass keeps for the backward pass (and for display).
template <typename S>
struct ForwardCache {
    RowVec<S> mean;    // mu_j, 1 x D: column means
    Mat<S> xmu;        // xmu_ij = x_ij - mu_j, N x D
    RowVec<S> var;     // var_j, 1 x D: biased (divide by N), two-pass
    RowVec<S> invStd;  // inv_std_j = 1 / sqrt(var_j + eps), 1 x D
    Mat<S> xhat;       // xhat_ij = xmu_ij * inv_std_j, N x D
    Mat<S> y;          // y_ij = gamma_j * xhat_ij + beta_j, N x D
};

// Fills cache, reusing its buffers when the shape is unchanged.
template <typename S>
void forward(const MatIn<S>& x, const RowIn<S>& gamma, const RowIn<S>& beta, S eps,
             ForwardCache<S>& cache);

template <typename S>
ForwardCache<S> forward(const MatIn<S>& x, const RowIn<S>& gamma, const RowIn<S>& beta, S eps)
{
    ForwardCache<S> cache;
    forward<S>(x, gamma, beta, eps, cache);
    return cache;
}

// Every cell of the staged chain rule (doc/derivation.md#staged-backward-pass), materialised.
// Cell 1, dy, is dout itself and is not copied.
template <typename S>
struct StagedGradients {
    RowVec<S> dbeta;        // cell 2: sum_i dy_ij, 1 x D
    RowVec<S> dgamma;       // cell 2: sum_i dy_ij * xhat_ij, 1 x D
    Mat<S> dxhat;           // cell 2: dy_ij * gamma_j, N x D
    RowVec<S> dinvStd;      // cell 3: df/d inv_std_j = sum_i dxhat_ij * xmu_ij, 1 x D
    RowVec<S> dvar;         // cell 3: dinvStd_j * (-1/2) (var_j + eps)^(-3/2), 1 x D
    RowVec<S> dmeanViaXhat; // cell 3, first share of dmean: sum_i dxhat_ij * (-inv_std_j), 1 x D
    RowVec<S> dmeanViaVar;  // cell 3, second term: dvar_j * (-2/N) sum_i xmu_ij (0 in exact math)
    RowVec<S> dmean;        // cell 3: dmu_j, the sum of the two terms, 1 x D
    Mat<S> dxViaXhat;       // cell 4, path through xhat: dxhat_ij * inv_std_j, N x D
    Mat<S> dxViaVar;        // cell 4, path through var: dvar_j * 2 xmu_ij / N, N x D
    Mat<S> dxmu;            // cell 4: the two paths through xmu = x - mu, summed, N x D
    RowVec<S> dxViaMean;    // cell 4, path through mu: dmu_j / N, the same for every row, 1 x D
    Mat<S> dx;              // cell 4: the sum of the three paths, N x D
};

template <typename S>
void backwardStaged(const MatIn<S>& dout, const ForwardCache<S>& cache, const RowIn<S>& gamma,
                    StagedGradients<S>& out);

template <typename S>
StagedGradients<S> backwardStaged(const MatIn<S>& dout, const ForwardCache<S>& cache,
                                  const RowIn<S>& gamma)
{
    StagedGradients<S> out;
    backwardStaged<S>(dout, cache, gamma, out);
    return out;
}

template <typename S>
struct Gradients {
    Mat<S> dx;         // N x D
    RowVec<S> dgamma;  // 1 x D
    RowVec<S> dbeta;   // 1 x D
};

// The fused closed form, as a kernel: two reductions per column, then one pass that writes dx.
// Writes only into the caller's buffers (shaped N x D, 1 x D, 1 x D) and allocates nothing.
template <typename S>
void fusedBackwardKernel(const MatIn<S>& dout, const MatIn<S>& xhat, const RowIn<S>& invStd,
                         const RowIn<S>& gamma, Eigen::Ref<Mat<S>> dx,
                         Eigen::Ref<RowVec<S>> dgamma, Eigen::Ref<RowVec<S>> dbeta);

template <typename S>
Gradients<S> backwardFused(const MatIn<S>& dout, const ForwardCache<S>& cache,
                           const RowIn<S>& gamma);

// The fused form with its three bracketed terms kept for display:
// dx_ij = scale_j * (term1_ij - term2_j - term3_ij), scale_j = inv_std_j / N.
template <typename S>
struct FusedTerms {
    Mat<S> term1;      // N * dxhat_ij, N x D
    RowVec<S> term2;   // sum_k dxhat_kj, 1 x D (subtracted from every row)
    Mat<S> term3;      // xhat_ij * sum_k dxhat_kj * xhat_kj, N x D
    RowVec<S> sumDxhatXhat;  // sum_k dxhat_kj * xhat_kj, 1 x D (the factor of term 3)
    RowVec<S> scale;   // inv_std_j / N, 1 x D
    Gradients<S> grads;
};

template <typename S>
FusedTerms<S> backwardFusedTerms(const MatIn<S>& dout, const ForwardCache<S>& cache,
                                 const RowIn<S>& gamma);

}  // namespace bnflow
