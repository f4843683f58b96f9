// bnflow-bandwidth: single-thread memory bandwidth of this machine, as JSON on stdout.
//
// Two kernels, on float64 arrays far larger than any cache:
//   read   s += b[i]; t += b[i] * c[i]   reads two arrays (the first pass of the fused backward)
//   triad  a[i] = b[i] + q * c[i]        reads two arrays and writes one (STREAM's triad)
// Bytes are counted the STREAM way (arrays touched, not the extra read-for-ownership of a store),
// so a kernel that reads two arrays and writes one runs at triad speed at best.
// compare_pytorch.py turns these into the bounds of the fused backward pass.
//
// Usage: bnflow-bandwidth [MIB_PER_ARRAY [REPEATS]]   (defaults 128 and 25)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// Enough independent partial sums for the compiler to vectorise the reduction and hide the
// latency of the adds, without reassociating anything itself.
constexpr int kLanes = 8;

double readTwo(const double* b, const double* c, std::size_t count)
{
    double sum[kLanes] = {};
    double dot[kLanes] = {};
    for (std::size_t i = 0; i + kLanes <= count; i += kLanes) {
        for (int k = 0; k < kLanes; ++k) {
            sum[k] += b[i + k];
            dot[k] += b[i + k] * c[i + k];
        }
    }
    double total = 0;
    for (int k = 0; k < kLanes; ++k)
        total += sum[k] + dot[k];
    return total;
}

void triad(double* a, const double* b, const double* c, double q, std::size_t count)
{
    for (std::size_t i = 0; i < count; ++i)
        a[i] = b[i] + q * c[i];
}

struct Rate {
    double bestGBps;
    double medianGBps;
};

// Times `run` `repeats` times (after one untimed call) and converts to GB/s (1e9 bytes).
template <typename Run>
Rate measure(int repeats, double bytes, Run run)
{
    run(0);
    std::vector<double> seconds;
    for (int r = 1; r <= repeats; ++r) {
        const auto t0 = Clock::now();
        run(r);
        seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
    std::sort(seconds.begin(), seconds.end());
    const double median = seconds.size() % 2
                              ? seconds[seconds.size() / 2]
                              : 0.5 * (seconds[seconds.size() / 2 - 1] + seconds[seconds.size() / 2]);
    return {bytes / seconds.front() / 1e9, bytes / median / 1e9};
}

std::string json(const char* name, const Rate& rate)
{
    char text[160];
    std::snprintf(text, sizeof text, "\"%s\": {\"best_GBps\": %.3f, \"median_GBps\": %.3f}", name,
                  rate.bestGBps, rate.medianGBps);
    return text;
}

}  // namespace

int main(int argc, char** argv)
{
    const long mib = argc > 1 ? std::atol(argv[1]) : 128;
    const int repeats = argc > 2 ? std::atoi(argv[2]) : 25;
    if (mib < 1 || repeats < 1) {
        std::fprintf(stderr, "usage: bnflow-bandwidth [MIB_PER_ARRAY [REPEATS]]\n");
        return 2;
    }
    const std::size_t count = static_cast<std::size_t>(mib) * (1 << 20) / sizeof(double);
    // Filled before timing, so page faults are not measured.
    std::vector<double> a(count, 0.0), b(count, 1.0), c(count, 0.5);
    const double arrayBytes = static_cast<double>(count * sizeof(double));

    volatile double sink = 0;  // keeps the reads from being optimised away
    const Rate read = measure(repeats, 2 * arrayBytes, [&](int) { sink = sink + readTwo(b.data(), c.data(), count); });
    const Rate tri = measure(repeats, 3 * arrayBytes, [&](int r) {
        triad(a.data(), b.data(), c.data(), 1.0 + 1e-3 * r, count);
        sink = sink + a[static_cast<std::size_t>(r) % count];
    });

    std::printf("{\"threads\": 1, \"dtype\": \"f64\", \"bytes_per_array\": %.0f, \"repeats\": %d,\n"
                " %s,\n %s}\n",
                arrayBytes, repeats, json("read", read).c_str(), json("triad", tri).c_str());
    return 0;
}
