// Layer norm and RMSNorm backward kernels (row_norm_kernel.h), tuned for one core.
//
// Rows are strided in column-major storage: sweeping one row touches D cache lines, each on its
// own page. So the kernels take blocks of rows and sweep each column's segment of the block
// twice, as long contiguous streams: sweep 1 adds into per-row sums (dense arrays, vectorised
// along the rows) and the block's share of dgamma and dbeta; sweep 2 writes dx. That reads dout
// and xhat twice, the two-pass pattern; the second read comes from cache only when the block
// fits there (a small batch, or a large last-level cache).
// Built with -fopenmp-simd and without FMA contraction, like fused_kernel.cpp, so the result
// does not depend on the compiler's choices.
#include "row_norm_kernel.h"

#include <algorithm>

namespace bnflow {
namespace {

using Index = Eigen::Index;

// Rows per block: long enough that each column's segment is a stream the hardware prefetches
// (4096 doubles are 32 KB, eight pages in a row), short enough that the per-row sums (three
// arrays of one value per row) stay in L1/L2. A block is all of its columns' segments, so
// memory sees a few long streams rather than D short ones.
constexpr Index kMaxBlockRows = 4096;

template <typename S, bool Centred>
void rowNormBackward(const MatIn<S>& dout, const MatIn<S>& xhat, const ColIn<S>& invStd,
                     const RowIn<S>& gamma, Eigen::Ref<Mat<S>> dx, Eigen::Ref<RowVec<S>> dgamma,
                     Eigen::Ref<RowVec<S>> dbeta)
{
    const Index rows = dout.rows(), cols = dout.cols();
    const Index block = kMaxBlockRows;
    const S d = static_cast<S>(cols);
    alignas(64) S sumDxhat[kMaxBlockRows];      // per row of the block: sum_k dxhat_ik
    alignas(64) S sumDxhatXhat[kMaxBlockRows];  // ... and sum_k dxhat_ik xhat_ik
    alignas(64) S scale[kMaxBlockRows];         // invStd_i (layer norm) or rrms_i
    dgamma.setZero();
    dbeta.setZero();
    for (Index r0 = 0; r0 < rows; r0 += block) {
        const Index n = std::min(block, rows - r0);
        std::fill_n(sumDxhat, n, S(0));
        std::fill_n(sumDxhatXhat, n, S(0));
        for (Index j = 0; j < cols; ++j) {  // sweep 1: the sums
            const S* o = dout.data() + j * dout.outerStride() + r0;
            const S* h = xhat.data() + j * xhat.outerStride() + r0;
            const S g = gamma[j];
            S sumO = 0, sumOH = 0;
#pragma omp simd reduction(+ : sumO, sumOH)
            for (Index i = 0; i < n; ++i) {
                const S oh = o[i] * h[i];
                sumO += o[i];
                sumOH += oh;
                if constexpr (Centred)
                    sumDxhat[i] += o[i] * g;
                sumDxhatXhat[i] += oh * g;
            }
            dbeta[j] += sumO;
            dgamma[j] += sumOH;
        }
        // Per row: fold the constants so that sweep 2 is one multiply-add chain per element:
        // layer norm dx = invStd g o - invStd/D (sum dxhat) - xhat invStd/D (sum dxhat xhat),
        // RMSNorm    dx = rrms g o - xhat rrms/D (sum dxhat xhat).
#pragma omp simd
        for (Index i = 0; i < n; ++i) {
            const S s = invStd[r0 + i];
            scale[i] = s;
            if constexpr (Centred)
                sumDxhat[i] *= s / d;
            sumDxhatXhat[i] *= s / d;
        }
        for (Index j = 0; j < cols; ++j) {  // sweep 2: dx, from the block still in cache
            const S* o = dout.data() + j * dout.outerStride() + r0;
            const S* h = xhat.data() + j * xhat.outerStride() + r0;
            S* out = dx.data() + j * dx.outerStride() + r0;
            const S g = gamma[j];
#pragma omp simd
            for (Index i = 0; i < n; ++i) {
                S v = scale[i] * g * o[i] - h[i] * sumDxhatXhat[i];
                if constexpr (Centred)
                    v -= sumDxhat[i];
                out[i] = v;
            }
        }
    }
}

}  // namespace

template <typename S>
void layerNormBackwardKernel(const MatIn<S>& dout, const MatIn<S>& xhat, const ColIn<S>& invStd,
                             const RowIn<S>& gamma, Eigen::Ref<Mat<S>> dx,
                             Eigen::Ref<RowVec<S>> dgamma, Eigen::Ref<RowVec<S>> dbeta)
{
    rowNormBackward<S, true>(dout, xhat, invStd, gamma, dx, dgamma, dbeta);
}

template <typename S>
void rmsNormBackwardKernel(const MatIn<S>& dout, const MatIn<S>& xhat, const ColIn<S>& rrms,
                           const RowIn<S>& gamma, Eigen::Ref<Mat<S>> dx,
                           Eigen::Ref<RowVec<S>> dgamma, Eigen::Ref<RowVec<S>> dbeta)
{
    rowNormBackward<S, false>(dout, xhat, rrms, gamma, dx, dgamma, dbeta);
}

#define BNFLOW_ROW_NORM_KERNELS(S)                                                                    \
    template void layerNormBackwardKernel<S>(const MatIn<S>&, const MatIn<S>&, const ColIn<S>&,       \
                                             const RowIn<S>&, Eigen::Ref<Mat<S>>,                     \
                                             Eigen::Ref<RowVec<S>>, Eigen::Ref<RowVec<S>>);           \
    template void rmsNormBackwardKernel<S>(const MatIn<S>&, const MatIn<S>&, const ColIn<S>&,         \
                                           const RowIn<S>&, Eigen::Ref<Mat<S>>, Eigen::Ref<RowVec<S>>, \
                                           Eigen::Ref<RowVec<S>>);
BNFLOW_ROW_NORM_KERNELS(float)
BNFLOW_ROW_NORM_KERNELS(double)
#undef BNFLOW_ROW_NORM_KERNELS

}  // namespace bnflow
