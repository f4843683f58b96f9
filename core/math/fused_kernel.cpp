// The fused backward kernel (doc/derivation.md#fused-backward-pass), tuned for one core.
//
// Per feature column: first two reductions (sum dout, sum dout * xhat), then one pass that writes
// dx. Columns are contiguous (column-major), so that second pass finds dout and xhat in L1/L2.
// Two choices make the whole kernel run at memory speed on large batches:
//  - Pipelining: the reductions of column j+1 share the loop that writes dx of column j. Memory
//    then sees one steady stream (two columns read ahead, one written), like STREAM's triad,
//    instead of alternating read-only and write-only phases.
//  - Lanes: each reduction keeps 64 bytes of independent partial sums. The compiler vectorises
//    them at any SIMD width (4 SSE2, 2 AVX2 or 1 AVX-512 register per sum) with enough adds in
//    flight, and never has to reorder a floating-point sum itself.
// On x86-64 with GCC (and no -march) the kernel is compiled three times, for AVX-512
// (x86-64-v4), AVX2 (x86-64-v3) and the SSE2 baseline, and picked at run time from the CPU.
// The AVX-512 copy only runs when every column starts on a 64-byte boundary, as bnflow's own
// matrices do (see types.h): unaligned, every 64-byte load splits a cache line, and it is then
// slower than AVX2.
// All three add in the same order and are built without FMA contraction (-ffp-contract=off), so
// they give bit-identical results; tests/core/test_fused_kernel.cpp checks it.
#include <core/math/batchnorm.h>

#include <cstdint>

namespace bnflow {
namespace {

using Index = Eigen::Index;

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
// neighbouring columns. Always inlined, so that each copy below compiles it for its own
// instruction set.
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

// Only for a baseline build: with -march=... the compiler's own target applies (and the inlined
// kernel could have features the target attributes below lack, which GCC refuses).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12 && \
    !defined(__AVX__)
template <typename S>
[[gnu::target("arch=x86-64-v4")]] void fusedColumnsAvx512(const KernelArgs<S>& a)
{
    fusedColumns(a);
}

template <typename S>
[[gnu::target("arch=x86-64-v3")]] void fusedColumnsAvx2(const KernelArgs<S>& a)
{
    fusedColumns(a);
}

// Every column of the three matrices starts on a 64-byte boundary.
template <typename S>
bool columnsAligned(const KernelArgs<S>& a)
{
    const auto aligned = [](const void* p) {
        return reinterpret_cast<std::uintptr_t>(p) % 64 == 0;
    };
    const auto stride = [](Index s) { return s * Index(sizeof(S)) % 64 == 0; };
    return aligned(a.dout) && aligned(a.xhat) && aligned(a.dx) && stride(a.doutStride) &&
           stride(a.xhatStride) && stride(a.dxStride);
}

enum class Simd { Baseline, Avx2, Avx512 };

Simd simdOfThisCpu()
{
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4"))
        return Simd::Avx512;
    return __builtin_cpu_supports("x86-64-v3") ? Simd::Avx2 : Simd::Baseline;
}

template <typename S>
void runFusedColumns(const KernelArgs<S>& a)
{
    static const Simd simd = simdOfThisCpu();
    if (a.rows < kLanes<S>)  // no full block of lanes: nothing for wider registers to do
        fusedColumns(a);
    else if (simd == Simd::Avx512 && columnsAligned(a))
        fusedColumnsAvx512(a);
    else if (simd != Simd::Baseline)
        fusedColumnsAvx2(a);
    else
        fusedColumns(a);
}
#else
template <typename S>
void runFusedColumns(const KernelArgs<S>& a)
{
    fusedColumns(a);
}
#endif

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
