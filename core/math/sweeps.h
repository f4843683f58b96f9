// Sweeps for the plots: the gradient check over a range of steps h, and the backward timings
// over a range of shapes. Each point is the unmodified result of gradientCheck() or
// timeBackward(); the sweep only chooses where to evaluate.
#pragma once

#include <core/math/bandwidth.h>
#include <core/math/gradcheck.h>
#include <core/math/timing.h>

#include <functional>
#include <vector>

namespace bnflow {

// count steps from `largest` down to `smallest`, evenly spaced in log10 (count >= 2).
std::vector<double> logSpacedSteps(double largest, double smallest, int count);

struct HSweepPoint {
    double h = 0;
    double scaledDx = 0;  // max |numeric - analytic| / max |analytic| over dx
    double maxRelDx = 0;  // the per-entry relative error of doc/derivation.md#gradient-check, the largest over dx
    bool overflow = false;  // f overflowed at this h (both measures are then NaN, not numbers)
};

// gradientCheck(session, h, dtype) at every h, on `samples` entries of dx (0: all; see
// GradCheckSettings). Requires a session that analyze() accepts. Stops when *cancel is set and
// returns the points done so far.
std::vector<HSweepPoint> gradCheckSweep(const Session& session, const std::vector<double>& steps,
                                        Dtype dtype, std::size_t samples = 0,
                                        const std::atomic<bool>* cancel = nullptr);

struct TimingPoint {
    Eigen::Index rows = 0;
    Eigen::Index cols = 0;
    Dtype dtype = Dtype::F64;
    Variant variant = Variant::Fused;
    TimingResult result;
};

struct TimingSweepSettings {
    std::vector<std::pair<Eigen::Index, Eigen::Index>> shapes;  // (N, D)
    std::vector<Dtype> dtypes{Dtype::F64};
    double minTimeSeconds = 0.05;              // per measurement: see TimingSettings
    const std::atomic<bool>* cancel = nullptr; // polled between samples and between measurements
    // Called after each measurement with (done, total); from the calling thread.
    std::function<void(int done, int total)> progress;
};

// Times staged and fused for every shape and dtype, in that order. Stops at the first cancelled
// or failed measurement and returns what was measured, the last point carrying the status.
std::vector<TimingPoint> timingSweep(const TimingSweepSettings& settings);

// A sweep followed by one core's copy bandwidth measured in the same run (bandwidth.h), the
// yardstick for the sweep's GB/s. copy.gbps stays 0 when the sweep did not complete (cancelled,
// failed) or the copy arrays do not fit in memory.
struct TimingRun {
    std::vector<TimingPoint> points;
    CopyBandwidth copy;
};
TimingRun timingRun(const TimingSweepSettings& settings);

// N = 16, 64, ..., up to maxRows (powers of 4), for one D.
std::vector<std::pair<Eigen::Index, Eigen::Index>> defaultTimingShapes(Eigen::Index cols,
                                                                        Eigen::Index maxRows);

}  // namespace bnflow
