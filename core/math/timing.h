// Measured timings of the two backward passes: seeded inputs, warm-up, samples of several calls
// each lasting about a millisecond or more, and robust statistics (min, quartiles, median).
#pragma once

#include <core/model/norm_config.h>
#include <core/model/types.h>

#include <atomic>
#include <string>
#include <vector>

namespace bnflow {

enum class Variant { Staged, Fused };

struct TimingSettings {
    Eigen::Index rows = 64;            // N
    Eigen::Index cols = 64;            // D
    Dtype dtype = Dtype::F64;
    Variant variant = Variant::Fused;
    // Batch norm times both variants; layer norm and RMSNorm time their fused kernels
    // (row_norm_kernel.h) only: staged is refused for them, as is group norm.
    Layer layer = Layer::BatchNorm;
    double minTimeSeconds = 0.25;      // keep sampling at least this long ...
    int minSamples = 5;                // ... and at least this many samples,
    // but stop once sampling has lasted max(minTimeSeconds, this) with one sample or more: a
    // shape whose single call takes a second is not run five times over. So a measurement
    // lasts at most two warm-up calls (when the second lasts a sample),
    // max(minTimeSeconds, maxSamplingSeconds) and one more call.
    double maxSamplingSeconds = 1.0;
    int maxSamples = 1000;
    double minSampleSeconds = 1e-3;    // calls are batched until one sample lasts this long
    std::uint64_t seed = 42;
    const std::atomic<bool>* cancel = nullptr;  // polled between samples, if given
};

struct TimingResult {
    enum class Status { Ok, Cancelled, Failed } status = Status::Ok;
    std::string error;       // set when Failed
    double minUs = 0;        // per call, microseconds
    double p25Us = 0;
    double medianUs = 0;
    double p75Us = 0;
    int samples = 0;
    long callsPerSample = 0;
    double elapsedSeconds = 0;  // wall time of the whole measurement
};

// The seeded inputs of one shape, drawn once (in float64) and shared by every dtype and variant
// timed on that shape: drawing them costs more than a call of the kernels being timed.
struct TimingInputs {
    Eigen::Index rows = 0;
    Eigen::Index cols = 0;
    Matrix x;          // standard normal; timed as 3 x + 1
    Matrix dout;       // standard normal
    RowVector gamma;   // timed as 1 + gamma / 2
    RowVector beta;
};
TimingInputs timingInputs(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed = 42);

// Times one variant on `inputs` (of settings.rows x settings.cols; settings.seed is unused).
TimingResult timeBackward(const TimingSettings& settings, const TimingInputs& inputs);
// Draws the inputs from settings.seed, then times.
TimingResult timeBackward(const TimingSettings& settings);

// Quantile q in [0, 1] of already sorted values, interpolating linearly between neighbours.
double sortedQuantile(const std::vector<double>& sorted, double q);

// "AMD EPYC 7B13, 2 cores": for captions and benchmark tables.
std::string machineDescription();

std::string_view dtypeName(Dtype dtype);      // "f32", "f64"
std::string_view variantName(Variant variant);  // "staged", "fused"

}  // namespace bnflow
