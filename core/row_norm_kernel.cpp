// Layer norm and RMSNorm backward kernels (row_norm_kernel.h), tuned for one core.
//
// Rows are strided in column-major storage: sweeping one row touches D cache lines, each on its
// own page. So the kernels take blocks of rows and sweep each column's segment of the block
// twice, as long contiguous streams: sweep 1 adds into per-row sums (dense arrays, vectorised
// along the rows) and the block's share of dgamma and dbeta; sweep 2 writes dx. That reads dout
// and xhat twice, the two-pass pattern; the second read comes from cache only when the block
// fits there (a small batch, or a large last-level cache). A dx larger than kRowNormStreamBytes
// is written with non-temporal stores: no read of dx's old lines, no eviction of the block.
// Built with -fopenmp-simd and without FMA contraction, like fused_kernel.cpp, so the result
// does not depend on the compiler's choices.
#include "row_norm_kernel.h"

#include <algorithm>
#include <cstdint>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define BNFLOW_STREAM_STORES 1
#endif

namespace bnflow {
namespace {

using Index = Eigen::Index;

// Rows per block. Where a block of at least 256 rows of dout and xhat fits in 1 MB (half of a
// 2 MB L2; D up to 256 in double), the block is sized to fit, and sweep 2 reads it from cache:
// measured 12.8 ms instead of 16.2 ms at 16384 x 256 in double. Wider rows would make blocks
// too short to stream (each column's segment a few cache lines on a page of its own), and
// 1024-row blocks are faster there (1.7 ms instead of 2.6 ms at 1024 x 1024 with 128 rows).
// 1024 rows keep the two per-row arrays (16 KB in double) in L1.
constexpr Index kMaxBlockRows = 1024;
constexpr Index kCacheBytes = 1 << 20;

template <typename S>
Index blockRows(Index cols)
{
    const Index fitting = kCacheBytes / (2 * Index(sizeof(S)) * std::max<Index>(cols, 1));
    return fitting >= 256 ? std::min(kMaxBlockRows, fitting - fitting % 64) : kMaxBlockRows;
}

template <typename S>
struct RowNormArgs {
    const S* dout;
    Index doutStride;
    const S* xhat;
    Index xhatStride;
    const S* factor;  // invStd_i or rrms_i, contiguous
    const S* gamma;
    S* dx;
    Index dxStride;
    S* dgamma;
    S* dbeta;
    Index rows, cols;
};

// One column segment of sweep 2: out[i] = f[i] g o[i] - h[i] b[i] (- a[i] when centred), in the
// same order of operations everywhere, so that the streamed form below gives the same bits.
template <typename S, bool Centred>
[[gnu::always_inline]] inline void dxSegment(S* out, const S* f, S g, const S* o, const S* h, const S* a,
                                             const S* b, Index from, Index to)
{
#pragma omp simd
    for (Index i = from; i < to; ++i) {
        S v = f[i] * g * o[i] - h[i] * b[i];
        if constexpr (Centred)
            v -= a[i];
        out[i] = v;
    }
}

#ifdef BNFLOW_STREAM_STORES
// The same segment with non-temporal stores: dx goes to memory without its old lines being read
// into the cache and without evicting the block's dout and xhat, which sweep 2 is reading from
// it. Only for an output larger than the cache, which nobody reads before it has left the cache
// anyway (kRowNormStreamBytes). The stores need aligned addresses: the first elements of a
// column up to one, and the last few, are written as above.
template <typename S>
Index firstAligned(const S* out, Index n, std::uintptr_t align)
{
    Index i = 0;
    while (i < n && reinterpret_cast<std::uintptr_t>(out + i) % align != 0)
        ++i;
    return i;
}

// 32-byte AVX stores, for the AVX2 copy of the kernel (and a build for AVX).
template <typename S, bool Centred>
[[gnu::target("avx")]] void dxSegmentStreamedAvx(S* out, const S* f, S g, const S* o, const S* h,
                                                             const S* a, const S* b, Index n)
{
    constexpr Index lanes = 32 / sizeof(S);
    Index i = firstAligned(out, n, 32);
    dxSegment<S, Centred>(out, f, g, o, h, a, b, 0, i);
    const Index end = i + (n - i) / lanes * lanes;
    for (; i < end; i += lanes) {
        if constexpr (sizeof(S) == 8) {
            __m256d v = _mm256_sub_pd(
                _mm256_mul_pd(_mm256_mul_pd(_mm256_loadu_pd(f + i), _mm256_set1_pd(g)), _mm256_loadu_pd(o + i)),
                _mm256_mul_pd(_mm256_loadu_pd(h + i), _mm256_loadu_pd(b + i)));
            if constexpr (Centred)
                v = _mm256_sub_pd(v, _mm256_loadu_pd(a + i));
            _mm256_stream_pd(out + i, v);
        } else {
            __m256 v = _mm256_sub_ps(
                _mm256_mul_ps(_mm256_mul_ps(_mm256_loadu_ps(f + i), _mm256_set1_ps(g)), _mm256_loadu_ps(o + i)),
                _mm256_mul_ps(_mm256_loadu_ps(h + i), _mm256_loadu_ps(b + i)));
            if constexpr (Centred)
                v = _mm256_sub_ps(v, _mm256_loadu_ps(a + i));
            _mm256_stream_ps(out + i, v);
        }
    }
    dxSegment<S, Centred>(out, f, g, o, h, a, b, end, n);
}

// 16-byte SSE2 stores, which every x86-64 has.
template <typename S, bool Centred>
void dxSegmentStreamedSse2(S* out, const S* f, S g, const S* o, const S* h, const S* a, const S* b, Index n)
{
    constexpr Index lanes = 16 / sizeof(S);
    Index i = firstAligned(out, n, 16);
    dxSegment<S, Centred>(out, f, g, o, h, a, b, 0, i);
    const Index end = i + (n - i) / lanes * lanes;
    for (; i < end; i += lanes) {
        if constexpr (sizeof(S) == 8) {
            __m128d v = _mm_sub_pd(_mm_mul_pd(_mm_mul_pd(_mm_loadu_pd(f + i), _mm_set1_pd(g)), _mm_loadu_pd(o + i)),
                                   _mm_mul_pd(_mm_loadu_pd(h + i), _mm_loadu_pd(b + i)));
            if constexpr (Centred)
                v = _mm_sub_pd(v, _mm_loadu_pd(a + i));
            _mm_stream_pd(out + i, v);
        } else {
            __m128 v = _mm_sub_ps(_mm_mul_ps(_mm_mul_ps(_mm_loadu_ps(f + i), _mm_set1_ps(g)), _mm_loadu_ps(o + i)),
                                  _mm_mul_ps(_mm_loadu_ps(h + i), _mm_loadu_ps(b + i)));
            if constexpr (Centred)
                v = _mm_sub_ps(v, _mm_loadu_ps(a + i));
            _mm_stream_ps(out + i, v);
        }
    }
    dxSegment<S, Centred>(out, f, g, o, h, a, b, end, n);
}
#endif

// Always inlined, so that each copy below compiles it for its own instruction set.
template <typename S, bool Centred, bool Wide>
[[gnu::always_inline]] inline void rowNormBackward(const RowNormArgs<S>& a)
{
    const S d = static_cast<S>(a.cols);
    alignas(64) S sumDxhat[kMaxBlockRows];      // per row of the block: sum_k dxhat_ik
    alignas(64) S sumDxhatXhat[kMaxBlockRows];  // ... and sum_k dxhat_ik xhat_ik
    std::fill_n(a.dgamma, a.cols, S(0));
    std::fill_n(a.dbeta, a.cols, S(0));
    const Index block = blockRows<S>(a.cols);
    [[maybe_unused]] const bool stream = std::size_t(a.rows) * std::size_t(a.cols) * sizeof(S) >= kRowNormStreamBytes;
    for (Index r0 = 0; r0 < a.rows; r0 += block) {
        const Index n = std::min(block, a.rows - r0);
        std::fill_n(sumDxhat, n, S(0));
        std::fill_n(sumDxhatXhat, n, S(0));
        // Sweep 1, two columns at a time: the per-row sums are read and written once for both.
        Index j = 0;
        for (; j + 1 < a.cols; j += 2) {
            const S* o0 = a.dout + j * a.doutStride + r0;
            const S* o1 = o0 + a.doutStride;
            const S* h0 = a.xhat + j * a.xhatStride + r0;
            const S* h1 = h0 + a.xhatStride;
            const S g0 = a.gamma[j], g1 = a.gamma[j + 1];
            S sumO0 = 0, sumO1 = 0, sumOH0 = 0, sumOH1 = 0;
#pragma omp simd reduction(+ : sumO0, sumO1, sumOH0, sumOH1)
            for (Index i = 0; i < n; ++i) {
                const S oh0 = o0[i] * h0[i], oh1 = o1[i] * h1[i];
                sumO0 += o0[i];
                sumO1 += o1[i];
                sumOH0 += oh0;
                sumOH1 += oh1;
                if constexpr (Centred)
                    sumDxhat[i] += o0[i] * g0 + o1[i] * g1;
                sumDxhatXhat[i] += oh0 * g0 + oh1 * g1;
            }
            a.dbeta[j] += sumO0;
            a.dbeta[j + 1] += sumO1;
            a.dgamma[j] += sumOH0;
            a.dgamma[j + 1] += sumOH1;
        }
        for (; j < a.cols; ++j) {  // an odd last column
            const S* o = a.dout + j * a.doutStride + r0;
            const S* h = a.xhat + j * a.xhatStride + r0;
            const S g = a.gamma[j];
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
            a.dbeta[j] += sumO;
            a.dgamma[j] += sumOH;
        }
        // Per row: fold the constants so that sweep 2 is one multiply-add chain per element:
        // layer norm dx = invStd g o - invStd/D (sum dxhat) - xhat invStd/D (sum dxhat xhat),
        // RMSNorm    dx = rrms g o - xhat rrms/D (sum dxhat xhat).
        const S* factor = a.factor + r0;
#pragma omp simd
        for (Index i = 0; i < n; ++i) {
            if constexpr (Centred)
                sumDxhat[i] *= factor[i] / d;
            sumDxhatXhat[i] *= factor[i] / d;
        }
        // Sweep 2: dx, last column first: the columns sweep 1 read last are still in L2
        // (bnflow-cli bench, min of 5 interleaved rounds: 16384 x 256 in float 2.60 ms instead
        // of 2.73, in double 6.2 instead of 6.7; 1-4% on the other shapes).
        for (Index c = a.cols - 1; c >= 0; --c) {
            const S* o = a.dout + c * a.doutStride + r0;
            const S* h = a.xhat + c * a.xhatStride + r0;
            S* out = a.dx + c * a.dxStride + r0;
#ifdef BNFLOW_STREAM_STORES
            if (stream) {
                if constexpr (Wide)
                    dxSegmentStreamedAvx<S, Centred>(out, factor, a.gamma[c], o, h, sumDxhat, sumDxhatXhat, n);
                else
                    dxSegmentStreamedSse2<S, Centred>(out, factor, a.gamma[c], o, h, sumDxhat, sumDxhatXhat, n);
                continue;
            }
#endif
            dxSegment<S, Centred>(out, factor, a.gamma[c], o, h, sumDxhat, sumDxhatXhat, 0, n);
        }
    }
#ifdef BNFLOW_STREAM_STORES
    if (stream)
        _mm_sfence();  // the streamed stores are visible before the caller reads dx
#endif
}

// As in fused_kernel.cpp: on x86-64 with GCC and no -march, an AVX2 copy picked at run time.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12 && !defined(__AVX__)
template <typename S, bool Centred>
[[gnu::target("arch=x86-64-v3")]] void rowNormBackwardAvx2(const RowNormArgs<S>& a)
{
    rowNormBackward<S, Centred, true>(a);
}

template <typename S, bool Centred>
void runRowNorm(const RowNormArgs<S>& a)
{
    static const bool avx2 = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("x86-64-v3") != 0;
    }();
    if (avx2)
        rowNormBackwardAvx2<S, Centred>(a);
    else
        rowNormBackward<S, Centred, false>(a);
}
#else
#ifdef __AVX__
constexpr bool kWide = true;
#else
constexpr bool kWide = false;
#endif
template <typename S, bool Centred>
void runRowNorm(const RowNormArgs<S>& a)
{
    rowNormBackward<S, Centred, kWide>(a);
}
#endif

template <typename S>
RowNormArgs<S> argsOf(const MatIn<S>& dout, const MatIn<S>& xhat, const ColIn<S>& factor, const RowIn<S>& gamma,
                      Eigen::Ref<Mat<S>>& dx, Eigen::Ref<RowVec<S>>& dgamma, Eigen::Ref<RowVec<S>>& dbeta)
{
    return {dout.data(), dout.outerStride(), xhat.data(), xhat.outerStride(), factor.data(), gamma.data(),
            dx.data(), dx.outerStride(), dgamma.data(), dbeta.data(), dout.rows(), dout.cols()};
}

}  // namespace

template <typename S>
void layerNormBackwardKernel(const MatIn<S>& dout, const MatIn<S>& xhat, const ColIn<S>& invStd,
                             const RowIn<S>& gamma, Eigen::Ref<Mat<S>> dx,
                             Eigen::Ref<RowVec<S>> dgamma, Eigen::Ref<RowVec<S>> dbeta)
{
    runRowNorm<S, true>(argsOf<S>(dout, xhat, invStd, gamma, dx, dgamma, dbeta));
}

template <typename S>
void rmsNormBackwardKernel(const MatIn<S>& dout, const MatIn<S>& xhat, const ColIn<S>& rrms,
                           const RowIn<S>& gamma, Eigen::Ref<Mat<S>> dx,
                           Eigen::Ref<RowVec<S>> dgamma, Eigen::Ref<RowVec<S>> dbeta)
{
    runRowNorm<S, false>(argsOf<S>(dout, xhat, rrms, gamma, dx, dgamma, dbeta));
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
