// Layer norm and RMSNorm backward kernels (row_norm_kernel.h), tuned for one core.
//
// The batch is row-major, so each sample is one contiguous stream. The kernels take two samples
// at a time: pass 1 reads both rows, sums what each row's dx needs (sum dxhat, sum dxhat xhat)
// and adds both rows into dgamma and dbeta (D values each, which stay in L1 and are read and
// written once per pair instead of once per row); pass 2 reads the two rows again, now from L1,
// and writes their dx. So dout and xhat come from memory once and dx goes there once: the
// pattern of a triad. A dx larger than kRowNormStreamBytes is written with non-temporal
// stores: no read of dx's old lines, no eviction of the rows being read.
// Built with -fopenmp-simd and without FMA contraction, like fused_kernel.cpp, so the result
// does not depend on the compiler's choices.
#include <core/math/row_norm_kernel.h>

#include <algorithm>
#include <cstdint>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define BNFLOW_STREAM_STORES 1
#endif

namespace bnflow {
namespace {

using Index = Eigen::Index;

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

// One row of pass 2: out[j] = f g[j] o[j] - h[j] b (- a when centred), with f, a and b the row's
// factor and folded sums, in the same order of operations everywhere, so that the streamed form
// below gives the same bits.
template <typename S, bool Centred>
[[gnu::always_inline]] inline void dxRow(S* out, S f, const S* g, const S* o, const S* h, S a, S b, Index from,
                                         Index to)
{
#pragma omp simd
    for (Index j = from; j < to; ++j) {
        S v = f * g[j] * o[j] - h[j] * b;
        if constexpr (Centred)
            v -= a;
        out[j] = v;
    }
}

#ifdef BNFLOW_STREAM_STORES
// The same row with non-temporal stores: dx goes to memory without its old lines being read into
// the cache and without evicting the rows being read. Only for an output larger than the cache,
// which nobody reads before it has left the cache anyway (kRowNormStreamBytes). The stores need
// aligned addresses: the first elements of a row up to one, and the last few, are written as
// above.
template <typename S>
Index firstAligned(const S* out, Index n, std::uintptr_t align)
{
    Index j = 0;
    while (j < n && reinterpret_cast<std::uintptr_t>(out + j) % align != 0)
        ++j;
    return j;
}

// 32-byte AVX stores, for the AVX2 copy of the kernel (and a build for AVX).
template <typename S, bool Centred>
[[gnu::target("avx")]] void dxRowStreamedAvx(S* out, S f, const S* g, const S* o, const S* h, S a, S b, Index n)
{
    constexpr Index lanes = 32 / sizeof(S);
    Index j = firstAligned(out, n, 32);
    dxRow<S, Centred>(out, f, g, o, h, a, b, 0, j);
    const Index end = j + (n - j) / lanes * lanes;
    if constexpr (sizeof(S) == 8) {
        const __m256d vf = _mm256_set1_pd(f), va = _mm256_set1_pd(a), vb = _mm256_set1_pd(b);
        for (; j < end; j += lanes) {
            __m256d v = _mm256_sub_pd(_mm256_mul_pd(_mm256_mul_pd(vf, _mm256_loadu_pd(g + j)), _mm256_loadu_pd(o + j)),
                                      _mm256_mul_pd(_mm256_loadu_pd(h + j), vb));
            if constexpr (Centred)
                v = _mm256_sub_pd(v, va);
            _mm256_stream_pd(out + j, v);
        }
    } else {
        const __m256 vf = _mm256_set1_ps(f), va = _mm256_set1_ps(a), vb = _mm256_set1_ps(b);
        for (; j < end; j += lanes) {
            __m256 v = _mm256_sub_ps(_mm256_mul_ps(_mm256_mul_ps(vf, _mm256_loadu_ps(g + j)), _mm256_loadu_ps(o + j)),
                                     _mm256_mul_ps(_mm256_loadu_ps(h + j), vb));
            if constexpr (Centred)
                v = _mm256_sub_ps(v, va);
            _mm256_stream_ps(out + j, v);
        }
    }
    dxRow<S, Centred>(out, f, g, o, h, a, b, end, n);
}

// 16-byte SSE2 stores, which every x86-64 has.
template <typename S, bool Centred>
void dxRowStreamedSse2(S* out, S f, const S* g, const S* o, const S* h, S a, S b, Index n)
{
    constexpr Index lanes = 16 / sizeof(S);
    Index j = firstAligned(out, n, 16);
    dxRow<S, Centred>(out, f, g, o, h, a, b, 0, j);
    const Index end = j + (n - j) / lanes * lanes;
    if constexpr (sizeof(S) == 8) {
        const __m128d vf = _mm_set1_pd(f), va = _mm_set1_pd(a), vb = _mm_set1_pd(b);
        for (; j < end; j += lanes) {
            __m128d v = _mm_sub_pd(_mm_mul_pd(_mm_mul_pd(vf, _mm_loadu_pd(g + j)), _mm_loadu_pd(o + j)),
                                   _mm_mul_pd(_mm_loadu_pd(h + j), vb));
            if constexpr (Centred)
                v = _mm_sub_pd(v, va);
            _mm_stream_pd(out + j, v);
        }
    } else {
        const __m128 vf = _mm_set1_ps(f), va = _mm_set1_ps(a), vb = _mm_set1_ps(b);
        for (; j < end; j += lanes) {
            __m128 v = _mm_sub_ps(_mm_mul_ps(_mm_mul_ps(vf, _mm_loadu_ps(g + j)), _mm_loadu_ps(o + j)),
                                  _mm_mul_ps(_mm_loadu_ps(h + j), vb));
            if constexpr (Centred)
                v = _mm_sub_ps(v, va);
            _mm_stream_ps(out + j, v);
        }
    }
    dxRow<S, Centred>(out, f, g, o, h, a, b, end, n);
}
#endif

// Pass 2 of one row: fold the row's constants so that it is one multiply-add chain per element,
//   layer norm dx = invStd g o - invStd/D (sum dxhat) - xhat invStd/D (sum dxhat xhat),
//   RMSNorm    dx = rrms g o - xhat rrms/D (sum dxhat xhat),
// and write it, streamed or not.
template <typename S, bool Centred, bool Wide>
[[gnu::always_inline]] inline void writeRow(const RowNormArgs<S>& a, Index i, S sumDxhat, S sumDxhatXhat,
                                            [[maybe_unused]] bool stream)
{
    const S f = a.factor[i];
    const S d = static_cast<S>(a.cols);
    const S sa = sumDxhat * (f / d), sb = sumDxhatXhat * (f / d);
    const S* o = a.dout + i * a.doutStride;
    const S* h = a.xhat + i * a.xhatStride;
    S* out = a.dx + i * a.dxStride;
#ifdef BNFLOW_STREAM_STORES
    if (stream) {
        if constexpr (Wide)
            dxRowStreamedAvx<S, Centred>(out, f, a.gamma, o, h, sa, sb, a.cols);
        else
            dxRowStreamedSse2<S, Centred>(out, f, a.gamma, o, h, sa, sb, a.cols);
        return;
    }
#endif
    dxRow<S, Centred>(out, f, a.gamma, o, h, sa, sb, 0, a.cols);
}

// Always inlined, so that each copy below compiles it for its own instruction set.
template <typename S, bool Centred, bool Wide>
[[gnu::always_inline]] inline void rowNormBackward(const RowNormArgs<S>& a)
{
    const S* g = a.gamma;
    S* dgamma = a.dgamma;
    S* dbeta = a.dbeta;
    std::fill_n(dgamma, a.cols, S(0));
    std::fill_n(dbeta, a.cols, S(0));
    const bool stream = std::size_t(a.rows) * std::size_t(a.cols) * sizeof(S) >= kRowNormStreamBytes;
    Index i = 0;
    for (; i + 1 < a.rows; i += 2) {  // pass 1 for two rows, then pass 2 for each
        const S* o0 = a.dout + i * a.doutStride;
        const S* o1 = o0 + a.doutStride;
        const S* h0 = a.xhat + i * a.xhatStride;
        const S* h1 = h0 + a.xhatStride;
        S sumDxhat0 = 0, sumDxhat1 = 0, sumDxhatXhat0 = 0, sumDxhatXhat1 = 0;
#pragma omp simd reduction(+ : sumDxhat0, sumDxhat1, sumDxhatXhat0, sumDxhatXhat1)
        for (Index j = 0; j < a.cols; ++j) {
            const S oh0 = o0[j] * h0[j], oh1 = o1[j] * h1[j];
            if constexpr (Centred) {
                sumDxhat0 += o0[j] * g[j];
                sumDxhat1 += o1[j] * g[j];
            }
            sumDxhatXhat0 += oh0 * g[j];
            sumDxhatXhat1 += oh1 * g[j];
            dbeta[j] += o0[j] + o1[j];
            dgamma[j] += oh0 + oh1;
        }
        writeRow<S, Centred, Wide>(a, i, sumDxhat0, sumDxhatXhat0, stream);
        writeRow<S, Centred, Wide>(a, i + 1, sumDxhat1, sumDxhatXhat1, stream);
    }
    if (i < a.rows) {  // an odd last row
        const S* o = a.dout + i * a.doutStride;
        const S* h = a.xhat + i * a.xhatStride;
        S sumDxhat = 0, sumDxhatXhat = 0;
#pragma omp simd reduction(+ : sumDxhat, sumDxhatXhat)
        for (Index j = 0; j < a.cols; ++j) {
            const S oh = o[j] * h[j];
            if constexpr (Centred)
                sumDxhat += o[j] * g[j];
            sumDxhatXhat += oh * g[j];
            dbeta[j] += o[j];
            dgamma[j] += oh;
        }
        writeRow<S, Centred, Wide>(a, i, sumDxhat, sumDxhatXhat, stream);
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
RowNormArgs<S> argsOf(const RowMajorIn<S>& dout, const RowMajorIn<S>& xhat, const ColIn<S>& factor,
                      const RowIn<S>& gamma, Eigen::Ref<RowMajorMat<S>>& dx, Eigen::Ref<RowVec<S>>& dgamma,
                      Eigen::Ref<RowVec<S>>& dbeta)
{
    return {dout.data(), dout.outerStride(), xhat.data(), xhat.outerStride(), factor.data(), gamma.data(),
            dx.data(), dx.outerStride(), dgamma.data(), dbeta.data(), dout.rows(), dout.cols()};
}

}  // namespace

template <typename S>
void layerNormBackwardKernel(const RowMajorIn<S>& dout, const RowMajorIn<S>& xhat, const ColIn<S>& invStd,
                             const RowIn<S>& gamma, Eigen::Ref<RowMajorMat<S>> dx,
                             Eigen::Ref<RowVec<S>> dgamma, Eigen::Ref<RowVec<S>> dbeta)
{
    runRowNorm<S, true>(argsOf<S>(dout, xhat, invStd, gamma, dx, dgamma, dbeta));
}

template <typename S>
void rmsNormBackwardKernel(const RowMajorIn<S>& dout, const RowMajorIn<S>& xhat, const ColIn<S>& rrms,
                           const RowIn<S>& gamma, Eigen::Ref<RowMajorMat<S>> dx,
                           Eigen::Ref<RowVec<S>> dgamma, Eigen::Ref<RowVec<S>> dbeta)
{
    runRowNorm<S, false>(argsOf<S>(dout, xhat, rrms, gamma, dx, dgamma, dbeta));
}

#define BNFLOW_ROW_NORM_KERNELS(S)                                                                        \
    template void layerNormBackwardKernel<S>(const RowMajorIn<S>&, const RowMajorIn<S>&, const ColIn<S>&, \
                                             const RowIn<S>&, Eigen::Ref<RowMajorMat<S>>,                 \
                                             Eigen::Ref<RowVec<S>>, Eigen::Ref<RowVec<S>>);               \
    template void rmsNormBackwardKernel<S>(const RowMajorIn<S>&, const RowMajorIn<S>&, const ColIn<S>&,   \
                                           const RowIn<S>&, Eigen::Ref<RowMajorMat<S>>,                   \
                                           Eigen::Ref<RowVec<S>>, Eigen::Ref<RowVec<S>>);
BNFLOW_ROW_NORM_KERNELS(float)
BNFLOW_ROW_NORM_KERNELS(double)
#undef BNFLOW_ROW_NORM_KERNELS

}  // namespace bnflow
