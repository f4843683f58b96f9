// bnflow-bandwidth: single-thread bandwidth of this machine for given array sizes, as JSON.
//
// Two kernels on float64 arrays of BYTES each, called again and again on the same arrays (as
// bnflow-cli bench calls the backward pass), so a size that fits in a cache measures that cache:
//   read   s += b[i]; t += b[i] * c[i]   reads two arrays: the first pass of the fused backward
//   triad  a[i] = b[i] + q * c[i]        reads two arrays, writes one: STREAM's triad
// Bytes are counted the STREAM way (arrays touched, not the read-for-ownership of a store), so a
// kernel that reads two arrays and writes one can at best run at triad speed.
// compare_pytorch.py turns these rates into bounds for the fused backward pass.
//
// Usage: bnflow-bandwidth [--min-time-ms T] [BYTES ...]   (default 134217728 bytes, T = 200)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// The instruction sets the fused kernel may use (core/math/fused_kernel.cpp), on 64-byte aligned
// arrays as bnflow's matrices are, so neither side gets an advantage the other lacks.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12 && \
    !defined(__AVX__)
#define BNFLOW_PROBE_CLONES \
    [[gnu::target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")]]
#else
#define BNFLOW_PROBE_CLONES
#endif

constexpr int kLanes = 8;  // independent partial sums, so the adds are not the bottleneck

BNFLOW_PROBE_CLONES double readTwo(const double* b, const double* c, std::size_t count)
{
    double sum[kLanes] = {};
    double dot[kLanes] = {};
    const std::size_t full = count - count % kLanes;
    for (std::size_t i = 0; i < full; i += kLanes) {
#pragma omp simd
        for (int k = 0; k < kLanes; ++k) {
            sum[k] += b[i + k];
            dot[k] += b[i + k] * c[i + k];
        }
    }
    double total = 0;
    for (std::size_t i = full; i < count; ++i)
        total += b[i] + b[i] * c[i];
    for (int k = 0; k < kLanes; ++k)
        total += sum[k] + dot[k];
    return total;
}

BNFLOW_PROBE_CLONES void triad(double* a, const double* b, const double* c, double q,
                               std::size_t count)
{
#pragma omp simd
    for (std::size_t i = 0; i < count; ++i)
        a[i] = b[i] + q * c[i];
}

// count doubles starting on a cache line, filled with value.
struct AlignedArray {
    double* data;
    AlignedArray(std::size_t count, double value)
        : data(static_cast<double*>(
              std::aligned_alloc(64, (count * sizeof(double) + 63) / 64 * 64)))
    {
        if (!data)
            throw std::bad_alloc();
        std::fill(data, data + count, value);
    }
    ~AlignedArray() { std::free(data); }
    AlignedArray(const AlignedArray&) = delete;
    AlignedArray& operator=(const AlignedArray&) = delete;
};

struct Rate {
    double bestGBps;    // from the fastest sample
    double medianGBps;  // from the median sample
    int samples;
};

// Like bnflow-cli bench: calls are batched until a sample lasts 1 ms; after that warm-up,
// samples are taken for minSeconds (at least 5).
template <typename Call>
Rate measure(double bytesPerCall, double minSeconds, Call call)
{
    const auto sample = [&](long calls) {
        const auto t0 = Clock::now();
        for (long k = 0; k < calls; ++k)
            call(k);
        return std::chrono::duration<double>(Clock::now() - t0).count();
    };
    long calls = 1;
    sample(1);
    while (sample(calls) < 1e-3)
        calls *= 2;
    std::vector<double> perCall;
    const auto start = Clock::now();
    while (perCall.size() < 5 ||
           std::chrono::duration<double>(Clock::now() - start).count() < minSeconds)
        perCall.push_back(sample(calls) / static_cast<double>(calls));
    std::sort(perCall.begin(), perCall.end());
    const std::size_t m = perCall.size() / 2;
    const double median = perCall.size() % 2 ? perCall[m] : 0.5 * (perCall[m - 1] + perCall[m]);
    return {bytesPerCall / perCall.front() / 1e9, bytesPerCall / median / 1e9,
            static_cast<int>(perCall.size())};
}

std::string json(const char* name, const Rate& rate)
{
    char text[200];
    std::snprintf(text, sizeof text,
                  "\"%s\": {\"best_GBps\": %.3f, \"median_GBps\": %.3f, \"samples\": %d}", name,
                  rate.bestGBps, rate.medianGBps, rate.samples);
    return text;
}

std::string measureSize(std::size_t bytes, double minSeconds)
{
    const std::size_t count = std::max<std::size_t>(1, bytes / sizeof(double));
    const double arrayBytes = static_cast<double>(count * sizeof(double));
    AlignedArray a(count, 0.0), b(count, 1.0), c(count, 0.5);  // touched before timing
    volatile double sink = 0;  // keeps the reads from being optimised away
    const Rate read = measure(2 * arrayBytes, minSeconds,
                              [&](long) { sink = sink + readTwo(b.data, c.data, count); });
    const Rate tri = measure(3 * arrayBytes, minSeconds, [&](long k) {
        triad(a.data, b.data, c.data, 1.0 + 1e-9 * static_cast<double>(k & 1023), count);
        sink = sink + a.data[static_cast<std::size_t>(k) % count];
    });
    return "{\"bytes_per_array\": " + std::to_string(count * sizeof(double)) + ", " +
           json("read", read) + ", " + json("triad", tri) + "}";
}

}  // namespace

int main(int argc, char** argv)
{
    double minSeconds = 0.2;
    std::vector<std::size_t> sizes;
    for (int k = 1; k < argc; ++k) {
        const std::string arg = argv[k];
        char* end = nullptr;
        if (arg == "--min-time-ms" && k + 1 < argc) {
            minSeconds = std::strtod(argv[++k], &end) / 1000.0;
            if (*end || !(minSeconds >= 0 && minSeconds < 600))
                minSeconds = -1;
        } else {
            const unsigned long long bytes = std::strtoull(argv[k], &end, 10);
            if (*end || bytes < 8 || bytes > (1ULL << 34))
                minSeconds = -1;
            sizes.push_back(static_cast<std::size_t>(bytes));
        }
        if (minSeconds < 0) {
            std::fprintf(stderr, "usage: bnflow-bandwidth [--min-time-ms T] [BYTES ...]\n"
                                 "  BYTES per array, 8 to 2^34; T between 0 and 600000\n");
            return 2;
        }
    }
    if (sizes.empty())
        sizes.push_back(std::size_t(1) << 27);

    std::printf("{\"threads\": 1, \"dtype\": \"f64\", \"results\": [");
    for (std::size_t k = 0; k < sizes.size(); ++k)
        std::printf("%s\n  %s", k ? "," : "", measureSize(sizes[k], minSeconds).c_str());
    std::printf("\n]}\n");
    return 0;
}
