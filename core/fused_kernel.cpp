// The fused backward kernel (MATH.md, "Backward, fused"), tuned for one core.
//
// Per feature column: first two reductions (sum dout, sum dout * xhat), then one pass that writes
// dx. Columns are contiguous (column-major), so that second pass finds dout and xhat in L1/L2.
// Two choices make the whole kernel run at memory speed on large batches:
//  - Pipelining: the reductions of column j+1 share the loop that writes dx of column j. Memory
//    then sees one steady stream (two columns read ahead, one written), like STREAM's triad,
//    instead of alternating read-only and write-only phases.
//  - Lanes: each reduction keeps 64 bytes of independent partial sums. The compiler vectorises
//    them at any SIMD width (4 SSE2 or 2 AVX2 registers per sum) with enough adds in flight, and
//    never has to reorder a floating-point sum itself, so the rounding is the same everywhere.
// The kernel is compiled for x86-64-v3 (AVX2) and for the baseline; the loader picks one when the
// program starts. An AVX-512 clone was slower: Eigen's buffers are only 16-byte aligned here, and
// every unaligned 64-byte load splits a cache line.
#include "batchnorm.h"

namespace bnflow {
namespace {

using Index = Eigen::Index;

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define BNFLOW_KERNEL_CLONES [[gnu::target_clones("arch=x86-64-v3", "default")]]
#else
#define BNFLOW_KERNEL_CLONES
#endif

template <typename S>
constexpr int kLanes = 64 / sizeof(S);  // partial sums per reduction: 8 doubles or 16 floats

template <typename S>
struct ColumnSums {
    S dout = 0;      // sum_i dout_ij, which is dbeta_j
    S doutXhat = 0;  // sum_i dout_ij * xhat_ij, which is dgamma_j
};

// What writing dx of one column needs besides dout and xhat.
template <typename S>
struct ColumnTerms {
    S n;      // N, the batch size
    S sums;   // term 2: sum_k dout_kj
    S dot;    // term 3 factor: sum_k dout_kj * xhat_kj
    S scale;  // gamma_j * inv_std_j / N
};

// One sweep down the rows. With Sum, the two reductions of the column (sumDout, sumXhat);
// with Write, dx of the column (dout, xhat, dx). Both at once when pipelining: then they are
// neighbouring columns. Always inlined, so that it is compiled for each clone's instruction set.
template <typename S, bool Sum, bool Write>
[[gnu::always_inline]] inline ColumnSums<S> sweep(const S* sumDout, const S* sumXhat,
                                                  const S* dout, const S* xhat, S* dx,
                                                  const ColumnTerms<S>& t, Index rows)
{
    S laneDout[kLanes<S>] = {};
    S laneDoutXhat[kLanes<S>] = {};
    const auto writeRow = [&](Index i) {
        // dxhat = dout * gamma_j, so gamma_j factors out of all three terms into the scale.
        dx[i] = t.scale * (t.n * dout[i]     // term 1
                           - t.sums          // term 2
                           - xhat[i] * t.dot);  // term 3
    };
    const Index fullBlocks = rows - rows % kLanes<S>;
    Index i = 0;
    for (; i < fullBlocks; i += kLanes<S>) {
#pragma omp simd
        for (int k = 0; k < kLanes<S>; ++k) {
            if constexpr (Sum) {
                laneDout[k] += sumDout[i + k];
                laneDoutXhat[k] += sumDout[i + k] * sumXhat[i + k];
            }
            if constexpr (Write)
                writeRow(i + k);
        }
    }
    ColumnSums<S> tail;  // the last rows % kLanes rows, and all of a short column
    for (; i < rows; ++i) {
        if constexpr (Sum) {
            tail.dout += sumDout[i];
            tail.doutXhat += sumDout[i] * sumXhat[i];
        }
        if constexpr (Write)
            writeRow(i);
    }
    if constexpr (Sum) {
        if (fullBlocks > 0) {  // fold the lanes pairwise: a fixed order, log2(kLanes) steps
            for (int width = kLanes<S> / 2; width > 0; width /= 2) {
#pragma omp simd
                for (int k = 0; k < width; ++k) {
                    laneDout[k] += laneDout[k + width];
                    laneDoutXhat[k] += laneDoutXhat[k + width];
                }
            }
            tail.dout += laneDout[0];
            tail.doutXhat += laneDoutXhat[0];
        }
    }
    return tail;
}

template <typename S>
struct KernelArgs {
    const S* dout;      // N x D, column j at dout + j * doutStride
    Index doutStride;
    const S* xhat;      // N x D, column j at xhat + j * xhatStride
    Index xhatStride;
    const S* invStd;    // D, contiguous
    const S* gamma;     // D, contiguous
    S* dx;              // N x D, column j at dx + j * dxStride
    Index dxStride;
    S* dgamma;          // D, contiguous
    S* dbeta;           // D, contiguous
    Index rows;         // N
    Index cols;         // D
};

template <typename S>
[[gnu::always_inline]] inline void fusedColumns(const KernelArgs<S>& a)
{
    if (a.cols == 0)
        return;
    const auto n = static_cast<S>(a.rows);
    // first: the two reductions of column 0 on their own ...
    ColumnSums<S> next = sweep<S, true, false>(a.dout, a.xhat, nullptr, nullptr, nullptr, {},
                                               a.rows);
    for (Index j = 0; j < a.cols; ++j) {
        const ColumnSums<S> sums = next;
        a.dbeta[j] = sums.dout;
        a.dgamma[j] = sums.doutXhat;
        const ColumnTerms<S> terms{n, sums.dout, sums.doutXhat,
                                   a.gamma[j] * a.invStd[j] / n};  // final scale
        const S* dout = a.dout + j * a.doutStride;
        const S* xhat = a.xhat + j * a.xhatStride;
        S* dx = a.dx + j * a.dxStride;
        // ... then dx of column j, with the reductions of column j + 1 in the same loop.
        if (j + 1 < a.cols)
            next = sweep<S, true, true>(dout + a.doutStride, xhat + a.xhatStride, dout, xhat, dx,
                                        terms, a.rows);
        else
            sweep<S, false, true>(nullptr, nullptr, dout, xhat, dx, terms, a.rows);
    }
}

BNFLOW_KERNEL_CLONES void fusedColumnsF64(const KernelArgs<double>& a) { fusedColumns(a); }
BNFLOW_KERNEL_CLONES void fusedColumnsF32(const KernelArgs<float>& a) { fusedColumns(a); }

void runFusedColumns(const KernelArgs<double>& a) { fusedColumnsF64(a); }
void runFusedColumns(const KernelArgs<float>& a) { fusedColumnsF32(a); }

}  // namespace

template <typename S>
void fusedBackwardKernel(const MatIn<S>& dout, const MatIn<S>& xhat, const RowIn<S>& invStd,
                         const RowIn<S>& gamma, Eigen::Ref<Mat<S>> dx,
                         Eigen::Ref<RowVec<S>> dgamma, Eigen::Ref<RowVec<S>> dbeta)
{
    // Row vector Refs have inner stride 1 (Eigen copies a strided argument for the const ones
    // and refuses it for the others), so the per-feature arrays are contiguous.
    runFusedColumns(KernelArgs<S>{dout.data(), dout.outerStride(), xhat.data(),
                                  xhat.outerStride(), invStd.data(), gamma.data(), dx.data(),
                                  dx.outerStride(), dgamma.data(), dbeta.data(), dout.rows(),
                                  dout.cols()});
}

template void fusedBackwardKernel<float>(const MatIn<float>&, const MatIn<float>&,
                                         const RowIn<float>&, const RowIn<float>&,
                                         Eigen::Ref<Mat<float>>, Eigen::Ref<RowVec<float>>,
                                         Eigen::Ref<RowVec<float>>);
template void fusedBackwardKernel<double>(const MatIn<double>&, const MatIn<double>&,
                                          const RowIn<double>&, const RowIn<double>&,
                                          Eigen::Ref<Mat<double>>, Eigen::Ref<RowVec<double>>,
                                          Eigen::Ref<RowVec<double>>);

}  // namespace bnflow
