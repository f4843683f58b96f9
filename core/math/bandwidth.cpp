#include <core/math/bandwidth.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <new>
#include <string>

namespace bnflow {
namespace {

using Clock = std::chrono::steady_clock;

volatile double gCopySink = 0;  // the copied values feed this, so no pass is dead code

// "16384K", "32M" or a plain count of bytes, as sysfs writes cache sizes; 0 when unreadable.
std::int64_t parseCacheSize(const std::string& text)
{
    std::size_t used = 0;
    long long value = 0;
    try {
        value = std::stoll(text, &used);
    } catch (const std::exception&) {
        return 0;
    }
    if (value <= 0)
        return 0;
    const char unit = used < text.size() ? text[used] : ' ';
    if (unit == 'K') return value << 10;
    if (unit == 'M') return value << 20;
    if (unit == 'G') return value << 30;
    return value;
}

// The copy, kept out of line so that each pass is one call the compiler cannot merge or drop.
[[gnu::noinline]] void copyArray(double* to, const double* from, std::size_t count)
{
    std::copy(from, from + count, to);
}

}  // namespace

std::int64_t backwardBytes(Dtype dtype, Eigen::Index rows, Eigen::Index cols)
{
    const std::int64_t size = dtype == Dtype::F32 ? 4 : 8;
    return size * (3 * std::int64_t(rows) * std::int64_t(cols) + 4 * std::int64_t(cols));
}

double gigabytesPerSecond(std::int64_t bytes, double seconds)
{
    return seconds > 0 ? double(bytes) / seconds / 1e9 : 0.0;
}

std::int64_t lastLevelCacheBytes()
{
    // The highest level listed for CPU 0 (index0 .. index3 on most machines).
    std::int64_t best = 0;
    int bestLevel = 0;
    for (int index = 0; index < 8; ++index) {
        const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index);
        std::ifstream levelFile(dir + "/level"), sizeFile(dir + "/size");
        int level = 0;
        std::string size;
        if (!(levelFile >> level) || !(sizeFile >> size))
            continue;
        const std::int64_t bytes = parseCacheSize(size);
        if (bytes > 0 && level >= bestLevel) {
            best = bytes;
            bestLevel = level;
        }
    }
    if (best > 0)
        return best;
#ifdef _SC_LEVEL3_CACHE_SIZE
    if (const long l3 = sysconf(_SC_LEVEL3_CACHE_SIZE); l3 > 0)
        return l3;
#endif
#ifdef _SC_LEVEL2_CACHE_SIZE
    if (const long l2 = sysconf(_SC_LEVEL2_CACHE_SIZE); l2 > 0)
        return l2;
#endif
    return 0;
}

std::int64_t copyArrayBytes()
{
    constexpr std::int64_t kMin = std::int64_t(64) << 20, kMax = std::int64_t(1) << 30;
    return std::clamp(4 * lastLevelCacheBytes(), kMin, kMax);
}

CopyBandwidth measureCopyBandwidth(double minSeconds)
{
    CopyBandwidth result;
    result.arrayBytes = copyArrayBytes();
    const std::size_t count = std::size_t(result.arrayBytes) / sizeof(double);
    const std::unique_ptr<double[]> from(new double[count]);
    const std::unique_ptr<double[]> to(new double[count]);
    // Touch every page first (and give the source values), so no pass pays for page faults.
    for (std::size_t i = 0; i < count; ++i) {
        from[i] = double(i & 1023);
        to[i] = 0.0;
    }
    copyArray(to.get(), from.get(), count);  // warm-up
    double best = 0;
    const auto start = Clock::now();
    while (result.passes < 3 ||
           std::chrono::duration<double>(Clock::now() - start).count() < minSeconds) {
        const auto t0 = Clock::now();
        copyArray(to.get(), from.get(), count);
        const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        if (seconds > 0 && (best == 0 || seconds < best))
            best = seconds;
        ++result.passes;
        if (result.passes >= 1000)
            break;
    }
    gCopySink = to[count / 2] + to[count - 1];
    result.gbps = gigabytesPerSecond(2 * result.arrayBytes, best);
    return result;
}

}  // namespace bnflow
