// Memory traffic of the timed backward passes and the machine's copy bandwidth, so a timing can
// be read as GB/s against what one core can move (doc/contracts.md#bench).
#pragma once

#include <core/model/types.h>

#include <cstdint>

namespace bnflow {

// The bytes one backward call must move at least, for any variant:
// s * (3 N D + 4 D), s = 4 (f32) or 8 (f64): x and dout read and dx written (3 N D), gamma read,
// dgamma and dbeta written and the mean/invStd-sized state (4 D). Layer norm and RMSNorm are
// counted by the same formula (their state is N-sized, their gamma D-sized).
std::int64_t backwardBytes(Dtype dtype, Eigen::Index rows, Eigen::Index cols);

// bytes / seconds / 1e9; 0 for a time that is not positive.
double gigabytesPerSecond(std::int64_t bytes, double seconds);

// The size of the last-level cache of CPU 0 in bytes (sysfs, then sysconf), or 0 if unknown.
std::int64_t lastLevelCacheBytes();

struct CopyBandwidth {
    double gbps = 0;            // best pass: (read + written bytes) / time / 1e9
    std::int64_t arrayBytes = 0; // each of the two arrays
    int passes = 0;
};

// The size of each of measureCopyBandwidth's two arrays: 4 x the last-level cache, clamped to
// [64 MiB, 1 GiB].
std::int64_t copyArrayBytes();

// One core's STREAM copy rate, a[i] = b[i] over float64 arrays at least 4 times the last-level
// cache (at least 64 MiB, at most 1 GiB each), read and written bytes counted. Passes run for at
// least minSeconds (and at least 3 passes after a warm-up); the fastest pass counts.
// Throws std::bad_alloc when the arrays do not fit.
CopyBandwidth measureCopyBandwidth(double minSeconds);

}  // namespace bnflow
